package org.samizdat.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.samizdat.archive.Json;
import org.samizdat.corpus.Corpus;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.TestArchive;
import org.samizdat.store.FileStore;

/**
 * The load of {@code bench/flood}, on loopback only and bounded in time: well-behaved readers
 * (one source address each, a request every 0.5-1.5 s) fetch documents, and on samizdat also
 * search, while attackers from other 127.0.0.0/8 addresses run three attacks in turn: a request
 * flood from one address, a request flood from 200 addresses, and a slowloris of 3,000 slow
 * connections from 300 addresses. It reports the readers' success rate and latency, what the
 * attackers got, and the server's CPU and peak memory (from /proc of the given process ids).
 * <pre>
 *   FloodBench prepare DOCS WORK            an archive of DOCS corpus documents, and WORK/docs.txt
 *   FloodBench run NAME URL PIDS SECONDS WORK OUT.json [search]
 * </pre>
 */
public final class FloodBench {
    static final int READERS = 20;
    static final int FLOOD_ONE_CONNECTIONS = 50;
    /** The performance issue's case: 400 connections from one address, the attacker at full priority. */
    static final int CONNECTION_FLOOD = 400;
    static final String CONNECTION_FLOOD_ATTACK = "connections-400-one-address";
    static final int FLOOD_ADDRESSES = 200;
    static final int FLOOD_CONNECTIONS_EACH = 2;
    static final int SLOW_ADDRESSES = 300;
    static final int SLOW_CONNECTIONS_EACH = 10;
    static final String[] WORDS = {"pipeline", "minister", "embassy", "sanctions", "oil", "delegation", "press", "trade"};

    private FloodBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("prepare")) {
            prepare(Integer.parseInt(args[1]), Path.of(args[2]));
            return;
        }
        if (args[0].equals("attack")) {
            attack(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
            return;
        }
        String name = args[1];
        String url = args[2];
        List<Long> pids = new ArrayList<>();
        for (String p : args[3].split(",")) {
            pids.add(Long.parseLong(p.trim()));
        }
        int seconds = Integer.parseInt(args[4]);
        Path work = Path.of(args[5]);
        Path out = Path.of(args[6]);
        boolean search = args.length > 7 && args[7].equals("search");
        List<String> docs = Files.readAllLines(work.resolve("docs.txt"));
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1).replace("/", ""));
        Map<String, Object> runs = new LinkedHashMap<>();
        for (String attack : List.of("none", "flood-one-address", CONNECTION_FLOOD_ATTACK, "flood-200-addresses", "slowloris")) {
            System.out.printf("%s: %s for %d s%n", name, attack, seconds);
            runs.put(attack, run(attack, port, pids, seconds, docs, search, work));
            Thread.sleep(3000); // let closed connections drain before the next attack
        }
        Map<String, Object> all = Files.exists(out) ? new LinkedHashMap<>(Json.parseObject(Files.readAllBytes(out)))
                : new LinkedHashMap<>();
        all.put(name, runs);
        Files.write(out, Json.write(all));
    }

    static void prepare(int n, Path work) throws Exception {
        if (Files.exists(work.resolve("docs.txt"))) {
            return;
        }
        Path corpus = work.resolve("corpus");
        Corpus.write(corpus, n, 1, 1);
        TestArchive archive = TestArchive.create(work.resolve("site"));
        archive.stage(corpus.resolve("release-1"));
        archive.publish("Release 1");
        List<String> urls = new ArrayList<>();
        for (Catalog.Entry e : Catalog.open(new FileStore(archive.publicDir())).release("r0001").documents()) {
            urls.add("/targets/" + e.storedName());
        }
        Files.write(work.resolve("docs.txt"), urls);
    }

    /** One attack (or none) with the readers running beside it. */
    static Map<String, Object> run(String attack, int port, List<Long> pids, int seconds, List<String> docs,
                                   boolean search, Path workDir) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Tally docTally = new Tally();
        Tally searchTally = new Tally();
        // The attackers run in a child JVM at a lower CPU priority (nice 10): on a 2-core machine the
        // load generator would otherwise starve the readers it measures, which real attackers on
        // other machines would not.
        Process attacker = null;
        if (!attack.equals("none")) {
            // ... except the connection flood, which is measured with the attacker at full priority
            List<String> nice = attack.equals(CONNECTION_FLOOD_ATTACK) ? List.of() : List.of("nice", "-n", "10");
            List<String> command = new ArrayList<>(nice);
            command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xss256k", "-cp", System.getProperty("java.class.path"), FloodBench.class.getName(), "attack", attack,
                    Integer.toString(port), Integer.toString(seconds + 1), workDir.toString()));
            attacker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        }
        Thread.sleep(1000); // the attack is under way before readers start counting
        long[] cpu0 = cpu(pids);
        long t0 = System.nanoTime();
        AtomicLong rssMax = new AtomicLong();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (System.nanoTime() < end) {
                rssMax.accumulateAndGet(rss(pids), Math::max);
                sleep(250);
            }
        });
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            InetAddress from = address(1, 0, 1 + r);
            int reader = r;
            // platform threads, so the operating system schedules readers beside the attackers fairly
            readers.add(Thread.ofPlatform().start(() -> read(from, reader, port, docs, end, search, docTally, searchTally)));
        }
        for (Thread t : readers) {
            t.join();
        }
        long cpu1 = cpu(pids)[0];
        double wall = (System.nanoTime() - t0) / 1e9;
        sampler.join();
        Map<String, Object> attackers = Map.of();
        if (attacker != null) {
            String report = new String(attacker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            attacker.waitFor();
            attackers = report.isEmpty() ? Map.of() : Json.parseObject(report.getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("readers", docTally.json());
        if (search) {
            m.put("reader_searches", searchTally.json());
        }
        m.putAll(attackers);
        m.put("server_cpu_percent", Math.round(100.0 * (cpu1 - cpu0[0]) / 100.0 / wall)); // clock ticks are 1/100 s
        m.put("server_rss_max_mb", rssMax.get() / 1024);
        System.out.println("  " + m);
        return m;
    }

    /** The attackers' side: runs one attack for {@code seconds} and prints what it got as JSON. */
    static void attack(String attack, int port, int seconds, Path work) throws Exception {
        List<String> docs = Files.readAllLines(work.resolve("docs.txt"));
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong served = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicInteger slowOpen = new AtomicInteger();
        AtomicInteger slowOpenMax = new AtomicInteger();
        AtomicLong slowCut = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        switch (attack) {
            case "flood-one-address" -> {
                for (int c = 0; c < FLOOD_ONE_CONNECTIONS; c++) {
                    threads.add(Thread.ofPlatform().start(() -> flood(address(2, 0, 1), port, docs, end, served, refused, failed)));
                }
            }
            case CONNECTION_FLOOD_ATTACK -> {
                for (int c = 0; c < CONNECTION_FLOOD; c++) {
                    threads.add(Thread.ofPlatform().start(() -> flood(address(5, 0, 1), port, docs, end, served, refused, failed)));
                }
            }
            case "flood-200-addresses" -> {
                for (int a = 0; a < FLOOD_ADDRESSES; a++) {
                    InetAddress from = address(3, a / 250, 1 + a % 250);
                    for (int c = 0; c < FLOOD_CONNECTIONS_EACH; c++) {
                        threads.add(Thread.ofPlatform().start(() -> flood(from, port, docs, end, served, refused, failed)));
                    }
                }
            }
            case "slowloris" -> {
                for (int a = 0; a < SLOW_ADDRESSES; a++) {
                    InetAddress from = address(4, a / 250, 1 + a % 250);
                    for (int c = 0; c < SLOW_CONNECTIONS_EACH; c++) {
                        threads.add(Thread.ofVirtual().start(() -> slowloris(from, port, end, slowOpen, slowOpenMax, slowCut)));
                    }
                }
            }
            default -> throw new IllegalArgumentException("no attack " + attack);
        }
        for (Thread t : threads) {
            t.join(20_000);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attacker_requests_served", served.get());
        m.put("attacker_requests_refused", refused.get());
        m.put("attacker_connections_failed", failed.get());
        if (attack.equals("slowloris")) {
            m.put("slow_connections_open_max", (long) slowOpenMax.get());
            m.put("slow_connections_cut", slowCut.get());
        }
        System.out.println(new String(Json.write(m), StandardCharsets.UTF_8));
        System.out.flush();
        System.exit(0);
    }

    /** Readers at a human pace; every fourth request a search where the server has one. */
    static void read(InetAddress from, int reader, int port, List<String> docs, long end, boolean search, Tally docs1,
                     Tally searches) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = 0;
        while (System.nanoTime() < end) {
            sleep(500 + random.nextInt(1000));
            if (System.nanoTime() >= end) {
                break;
            }
            boolean isSearch = search && (++i % 4 == 0);
            String target = isSearch ? "/search?q=" + WORDS[random.nextInt(WORDS.length)] : docs.get(random.nextInt(docs.size()));
            long t = System.nanoTime();
            int status;
            try (Socket s = connect(from, port, 10_000)) {
                s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: reader-" + reader
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                status = readResponse(new java.io.BufferedInputStream(s.getInputStream()));
            } catch (IOException e) {
                status = -1;
            }
            (isSearch ? searches : docs1).add(status, (System.nanoTime() - t) / 1e6);
        }
    }

    /** Keep-alive requests as fast as the server answers, reconnecting whenever it closes. */
    static void flood(InetAddress from, int port, List<String> docs, long end, AtomicLong served, AtomicLong refused,
                      AtomicLong failed) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
            try (Socket s = connect(from, port, 5_000)) {
                OutputStream out = s.getOutputStream();
                InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 65536);
                while (System.nanoTime() < end) {
                    out.write(("GET " + docs.get(random.nextInt(docs.size())) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    int status = readResponse(in);
                    if (status == 200) {
                        served.incrementAndGet();
                    } else if (status > 0) {
                        refused.incrementAndGet();
                    } else {
                        break;
                    }
                }
            } catch (IOException e) {
                failed.incrementAndGet();
                sleep(10);
            }
        }
    }

    /** Opens a connection, sends part of a request and drips a header line every 5 s; reopens when cut. */
    static void slowloris(InetAddress from, int port, long end, AtomicInteger open, AtomicInteger openMax, AtomicLong cut) {
        while (System.nanoTime() < end) {
            try (Socket s = connect(from, port, 5_000)) {
                open.incrementAndGet();
                openMax.accumulateAndGet(open.get(), Math::max);
                try {
                    s.setSoTimeout(5000);
                    OutputStream out = s.getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    int n = 0;
                    while (System.nanoTime() < end) {
                        try {
                            if (s.getInputStream().read() < 0) {
                                break; // the server closed it
                            }
                        } catch (java.net.SocketTimeoutException quiet) {
                            out.write(("X-Slow-" + n++ + ": x\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        }
                    }
                } finally {
                    open.decrementAndGet();
                }
                if (System.nanoTime() < end) {
                    cut.incrementAndGet();
                }
            } catch (IOException e) {
                if (System.nanoTime() < end) {
                    cut.incrementAndGet();
                }
                sleep(100);
            }
        }
    }

    /** Reads one response (headers, then Content-Length bytes, chunks, or to the end); its status, or -1. */
    static int readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        int state = 0;
        while (state < 4 && (b = in.read()) >= 0) {
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        if (state < 4) {
            return -1;
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(h.substring(9, 12));
        String lower = h.toLowerCase(java.util.Locale.ROOT);
        int cl = lower.indexOf("\ncontent-length:");
        if (cl >= 0) {
            long length = Long.parseLong(lower.substring(cl + 16, lower.indexOf('\r', cl)).trim());
            in.skipNBytes(length);
        } else if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                StringBuilder line = new StringBuilder();
                while ((b = in.read()) >= 0 && b != '\n') {
                    line.append((char) b);
                }
                int size = Integer.parseInt(line.toString().trim().split(";")[0], 16);
                in.skipNBytes(size + 2L);
                if (size == 0) {
                    break;
                }
            }
        } else if (status != 304 && status != 204) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return status;
    }

    static Socket connect(InetAddress from, int port, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    static InetAddress address(int a, int b, int c) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) a, (byte) b, (byte) c});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** utime + stime of the processes, in clock ticks. */
    static long[] cpu(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException gone) {
                // a worker that exited
            }
        }
        return new long[] {total};
    }

    /** Resident memory of the processes, in KB. */
    static long rss(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // a worker that exited
            }
        }
        return total;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reader outcomes: how many succeeded and their latencies. */
    static final class Tally {
        private final List<Double> okMillis = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong total = new AtomicLong();

        void add(int status, double millis) {
            total.incrementAndGet();
            if (status == 200) {
                okMillis.add(millis);
            }
        }

        Map<String, Object> json() {
            List<Double> ok;
            synchronized (okMillis) {
                ok = new ArrayList<>(okMillis);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", total.get());
            m.put("ok", (long) ok.size());
            // canonical JSON has no floats: decimals are written as strings
            m.put("success_percent", String.format(java.util.Locale.ROOT, "%.1f", total.get() == 0 ? 0.0 : 100.0 * ok.size() / total.get()));
            m.put("p50_ms", ok.isEmpty() ? "-" : String.format(java.util.Locale.ROOT, "%.1f", SearchBench.percentile(ok, 50)));
            m.put("p99_ms", ok.isEmpty() ? "-" : String.format(java.util.Locale.ROOT, "%.1f", SearchBench.percentile(ok, 99)));
            return m;
        }
    }
}
