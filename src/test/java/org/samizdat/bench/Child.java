package org.samizdat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A program the benchmark runs: timed to completion with a deadline, or started in the background with its log. */
final class Child implements AutoCloseable {
    private static final List<Child> RUNNING = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (RUNNING) {
                RUNNING.forEach(c -> c.process.descendants().forEach(ProcessHandle::destroyForcibly));
                RUNNING.forEach(c -> c.process.destroyForcibly());
            }
        }));
    }

    /** A finished run: exit code, wall time and what it printed. */
    record Run(int code, double seconds, String out) {
        Run requireOk(String what) {
            if (code != 0) {
                throw new IllegalStateException(what + " failed with exit code " + code + ":\n" + tail(out));
            }
            return this;
        }
    }

    final Process process;
    final Path log;
    private final AtomicLong peakRss = new AtomicLong();
    /** The parts of resident memory when it peaked during sampling. */
    private final java.util.concurrent.atomic.AtomicReference<Sample> peakParts = new java.util.concurrent.atomic.AtomicReference<>();

    /** Resident memory and its parts ({@code /proc/PID/status}: RssAnon, RssFile), in bytes. */
    record Sample(long rss, long anon, long file) {
    }
    private volatile boolean sampling;

    private Child(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Runs a command to completion, killed after {@code timeoutSeconds}; stdout and stderr together. */
    static Run run(long timeoutSeconds, Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("bench-", ".log");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                        + tail(Files.readString(out, StandardCharsets.UTF_8)));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Run(p.exitValue(), seconds, Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Starts a long-running command, its output going to {@code log}; stopped by {@link #close()}. */
    static Child start(Path dir, Path log, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Child c = new Child(p, log);
        synchronized (RUNNING) {
            RUNNING.add(c);
        }
        return c;
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits until the log holds {@code text}, failing if the process dies or the time runs out. */
    String awaitLog(String text, long timeoutSeconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            String out = output();
            if (out.contains(text)) {
                return out;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("exited (" + process.exitValue() + ") before printing \"" + text + "\":\n" + tail(out));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no \"" + text + "\" within " + timeoutSeconds + " s:\n" + tail(output()));
    }

    /** Resident memory now, in bytes: this process and its descendants (nginx's workers). */
    long rss() {
        long sum = kb(process.pid(), "VmRSS:");
        for (ProcessHandle h : process.descendants().toList()) {
            sum += kb(h.pid(), "VmRSS:");
        }
        return sum * 1024;
    }

    long pid() {
        return process.pid();
    }

    /** This process and every process under it (nginx's master and workers). */
    List<Long> pids() {
        List<Long> all = new ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(h -> all.add(h.pid()));
        return all;
    }

    /** The kernel's high-water mark of this process's resident memory (VmHWM), in bytes. */
    long highWaterMark() {
        return kb(process.pid(), "VmHWM:") * 1024;
    }

    /** Samples {@link #rss()} every 100 ms until {@link #stopSampling()}, keeping the peak. */
    void startSampling() {
        peakRss.set(0);
        peakParts.set(new Sample(0, 0, 0));
        sampling = true;
        Thread.ofPlatform().daemon().start(() -> {
            while (sampling && process.isAlive()) {
                peakRss.accumulateAndGet(rss(), Math::max);
                Sample now = parts();
                peakParts.accumulateAndGet(now, (a, b) -> b.rss() > a.rss() ? b : a);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    long stopSampling() {
        sampling = false;
        peakRss.accumulateAndGet(rss(), Math::max);
        return peakRss.get();
    }

    /** Stops sampling; the parts of resident memory at its peak. */
    Sample stopSamplingParts() {
        stopSampling();
        return peakParts.accumulateAndGet(parts(), (a, b) -> b.rss() > a.rss() ? b : a);
    }

    private Sample parts() {
        long pid = process.pid();
        return new Sample(kb(pid, "VmRSS:") * 1024, kb(pid, "RssAnon:") * 1024, kb(pid, "RssFile:") * 1024 + kb(pid, "RssShmem:") * 1024);
    }

    /** Resets the kernel's high-water mark of resident memory to the current size (Linux 4.0+: clear_refs 5). */
    void resetHighWaterMark() throws IOException {
        Files.writeString(Path.of("/proc/" + process.pid() + "/clear_refs"), "5");
    }

    /** The heap committed and used, in bytes. */
    record Heap(long committed, long used) {
    }

    /** The heap the JVM has committed and uses (its generations' totals, from {@code jcmd PID GC.heap_info}). */
    Heap heap() throws IOException, InterruptedException {
        Path javaBin = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Run r = run(60, Path.of("."), List.of(javaBin.resolveSibling("jcmd").toString(), Long.toString(process.pid()), "GC.heap_info"));
        var m = java.util.regex.Pattern.compile("\\btotal (\\d+)K, used (\\d+)K").matcher(r.out());
        long total = 0;
        long used = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            used += Long.parseLong(m.group(2));
        }
        if (total == 0) {
            throw new IllegalStateException("cannot read the heap from jcmd GC.heap_info:\n" + r.out());
        }
        return new Heap(total * 1024, used * 1024);
    }

    static long kb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone
        }
        return 0;
    }

    static String tail(String s) {
        return s.length() > 3000 ? "..." + s.substring(s.length() - 3000) : s;
    }

    @Override
    public void close() throws InterruptedException {
        sampling = false;
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
        }
        synchronized (RUNNING) {
            RUNNING.remove(this);
        }
    }
}
