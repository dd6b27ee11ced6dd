package org.samizdat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;

/**
 * {@code bench/run}: every measurement of the benchmarks issue, each beside its peer in the same
 * run, on loopback, each load bounded in time. Usage: {@code PeerBench smoke|full WORKDIR OUT.json [BENCHMARKS.md] [N]}.
 * With a BENCHMARKS.md argument the table is spliced into it; without, it goes to WORKDIR/BENCHMARKS.md.
 */
public final class PeerBench {
    /** Sizes of one mode: archive documents, release documents, wrk seconds and connections. */
    record Mode(String name, int docs, int release, int wrkSeconds, int connections, int chain, int searchPasses) {
        static Mode of(String name, Integer docs) {
            Mode m = switch (name) {
                case "full" -> new Mode("full", 250_000, 1000, 10, 64, 5, 5);
                case "smoke" -> new Mode("smoke", 2000, 100, 2, 16, 5, 1);
                default -> throw new IllegalArgumentException("mode is smoke or full, not " + name);
            };
            return docs == null ? m : new Mode(m.name, docs, Math.min(m.release, Math.max(1, docs / 4)), m.wrkSeconds,
                    m.connections, m.chain, m.searchPasses);
        }
    }

    private static final Pattern INDEXED = Pattern.compile("search index: .* ([\\d,]+) document\\(s\\) in ([\\d.]+) s");
    private final Mode mode;
    private final Path repo;
    private final Path work;
    private final Report report = new Report();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String fingerprint;
    private Child origin;
    private int originPort;
    private long releaseDocBytes;
    private long releaseMetadataBytes;

    private PeerBench(Mode mode, Path repo, Path work) {
        this.mode = mode;
        this.repo = repo;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.of(args[0], args.length > 4 ? Integer.valueOf(args[4]) : null);
        Path work = Path.of(args[1]).toAbsolutePath();
        Path out = Path.of(args[2]);
        Path md = args.length > 3 && !args[3].isEmpty() ? Path.of(args[3]) : work.resolve("BENCHMARKS.md");
        PeerBench bench = new PeerBench(mode, Path.of("").toAbsolutePath(), work);
        int failed = bench.runAll(out, md);
        System.exit(failed == 0 ? 0 : 1);
    }

    private int runAll(Path out, Path md) throws Exception {
        Files.createDirectories(work);
        long t0 = System.nanoTime();
        machine(out);
        step("corpus", this::corpus);
        step("publish", this::publishAll);
        step("publish, nested folders", this::publishNested);
        step("full sync", this::fullSync);
        step("release", this::publishRelease);
        step("incremental sync", this::incrementalSync);
        step("serving, memory and search", this::serving);
        step("search, Zipf corpus", this::zipfSearch);
        step("connection flood", this::flood);
        step("propagation", this::propagation);
        if (origin != null) {
            origin.close();
        }
        report.put("bench_seconds", (System.nanoTime() - t0) / 1e9);
        report.writeJson(out);
        String command = "bench/run " + mode.name() + (mode.docs() != Mode.of(mode.name(), null).docs() ? " " + mode.docs() : "");
        String block = report.markdown(command);
        if (md.getFileName().toString().equals("BENCHMARKS.md") && md.toAbsolutePath().getParent().equals(repo)) {
            Report.splice(md, block);
        } else {
            Files.writeString(md, "# bench/run " + mode.name() + " (figures of a harness check, not results)\n\n" + block);
        }
        System.err.println("[bench] wrote " + out + " and " + md + " in " + Report.seconds((System.nanoTime() - t0) / 1e9));
        return report.failures.size();
    }

    private interface Step {
        void run() throws Exception;
    }

    private void step(String name, Step s) {
        System.err.println("[bench] == " + name);
        long t0 = System.nanoTime();
        try {
            s.run();
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            report.failures.add(name + ": " + e);
        }
        System.err.println("[bench] == " + name + " took " + Report.seconds((System.nanoTime() - t0) / 1e9));
    }

    private void machine(Path out) throws Exception {
        Map<String, Object> m = report.machine;
        m.put("mode", mode.name());
        m.put("date", LocalDate.now().toString());
        m.put("cpus", (long) Runtime.getRuntime().availableProcessors());
        String cpu = "unknown CPU";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        m.put("cpu", cpu);
        m.put("memory", Report.bytes(memTotal()));
        String os = "Linux";
        Path release = Path.of("/etc/os-release");
        if (Files.exists(release)) {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("PRETTY_NAME=")) {
                    os = line.substring(12).replace("\"", "");
                }
            }
        }
        m.put("os", os + ", kernel " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vendor") + " " + Runtime.version());
        m.put("peers", versions());
        m.put("raw", repo.relativize(out.toAbsolutePath()).toString());
        m.put("documents", (long) mode.docs());
        m.put("release_documents", (long) mode.release());
    }

    private static long memTotal() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }

    private String versions() throws Exception {
        String nginx = Child.run(10, work, List.of("nginx", "-v")).out().trim().replace("nginx version: ", "");
        String rsync = Child.run(10, work, List.of("rsync", "--version")).out().lines().findFirst().orElse("?")
                .replaceAll("\\s+protocol.*", "").replace("rsync  version", "rsync").trim();
        String wrk = Child.run(10, work, List.of("wrk", "--version")).out().lines().findFirst().orElse("?")
                .replaceAll(" \\[.*", "").trim();
        String sha = Child.run(10, work, List.of("sha256sum", "--version")).out().lines().findFirst().orElse("?").trim();
        return sha + ", " + rsync + ", " + nginx + ", " + wrk;
    }

    // ---- the corpus

    private Path corpus(String name) {
        return work.resolve(name);
    }

    private void corpus() throws Exception {
        // the archive's documents, the release published into it, and the release sent down the chain
        makeCorpus("corpus", mode.docs(), 1, "small");
        makeCorpus("release", mode.release(), 2, "small");
        makeCorpus("chain-release", mode.release(), 3, "small");
        long bytes = tree(corpus("corpus"));
        report.machine.put("corpus", String.format("%,d generated cable-like documents, %s (`samizdat corpus --docs %d --seed 1"
                + " --vocabulary small`; the search rows also run on `--vocabulary zipf`)", mode.docs(), Report.bytes(bytes), mode.docs()));
        report.put("corpus_bytes", bytes);
    }

    private void makeCorpus(String name, int docs, int seed, String vocabulary) throws Exception {
        Path dir = corpus(name);
        Path done = work.resolve(name + ".done");
        // the small vocabulary's bytes are those of the corpora made before --vocabulary existed
        String key = docs + " " + seed + (vocabulary.equals("small") ? "" : " " + vocabulary);
        if (Files.exists(done) && Files.readString(done).equals(key)) {
            return; // kept from an earlier run: the same arguments give the same bytes
        }
        delete(dir);
        samizdat(900, "corpus", dir.toString(), "--docs", Integer.toString(docs), "--seed", Integer.toString(seed),
                "--vocabulary", vocabulary).requireOk("samizdat corpus");
        Files.writeString(done, key);
    }

    // ---- publish N documents against sha256sum

    private Path archive() {
        return work.resolve("origin");
    }

    private void publishAll() throws Exception {
        delete(archive());
        delete(offlineKeys(archive()));
        samizdat(60, "init", archive().toString(), "--name", "Benchmark archive").requireOk("samizdat init");
        fingerprint = Sha256.hex(Files.readAllBytes(archive().resolve("public/metadata/1.root.json")));
        List<String> sha256sum = List.of("bash", "-c", "find . -type f -print0 | xargs -0 sha256sum > /dev/null");
        Child.run(1800, corpus("corpus"), sha256sum).requireOk("sha256sum (warm-up: both read from the page cache)");
        Child.Run sha = Child.run(1800, corpus("corpus"), sha256sum).requireOk("sha256sum");
        settle(); // the corpus just written, the archive just deleted: not this publish's to write back
        Child.Run add = samizdat(3600, "add", archive().toString(), corpus("corpus").resolve("release-1").toString())
                .requireOk("samizdat add");
        Child.Run publish = samizdat(3600, "publish", archive().toString(), "--title", "Release 1").requireOk("samizdat publish");
        double total = add.seconds() + publish.seconds();
        report.put("sha256sum_seconds", sha.seconds());
        report.put("add_seconds", add.seconds());
        report.put("publish_seconds", publish.seconds());
        report.row(String.format("publish %,d documents (`add` + `publish`; %s + %s)", mode.docs(),
                        Report.seconds(add.seconds()), Report.seconds(publish.seconds())),
                Report.seconds(total), "sha256sum: " + Report.seconds(sha.seconds()), Report.ratio(total / sha.seconds()),
                "≤ 1.5×", total <= 1.5 * sha.seconds());
        copyPeers(corpus("corpus").resolve("release-1"), "", total, sha.seconds());
    }

    /**
     * What only copying the same files costs on this machine, made durable as a publish must:
     * {@code cp -a} then {@code sync -f}, and {@code rsync -a} (a temporary name and a rename per
     * file, as the issue points out) then {@code sync -f}; beside samizdat's add + publish, which
     * also hashes, reads every file again for the torrent and signs.
     */
    private void copyPeers(Path source, String key, double samizdat, double sha256sum) throws Exception {
        Path copy = work.resolve("copy-peer");
        Path folder = source.getParent();
        String name = source.getFileName().toString();
        delete(copy);
        Files.createDirectories(copy);
        settle(); // the publish just measured made its own files durable; what else is dirty is no copy's cost
        Child.Run cp = Child.run(3600, folder, List.of("bash", "-c", "cp -a " + name + " " + copy.resolve("cp") + " && sync -f "
                + copy)).requireOk("cp -a + sync");
        settle();
        Child.Run rsync = Child.run(3600, folder, List.of("bash", "-c", "rsync -a " + name + "/ " + copy.resolve("rsync")
                + "/ && sync -f " + copy)).requireOk("rsync -a + sync");
        delete(copy);
        report.put(key + "cp_sync_seconds", cp.seconds());
        report.put(key + "rsync_sync_seconds", rsync.seconds());
        report.row(String.format("that publish beside only copying the same files, made durable (the `cp` copy alone takes %s "
                                + "sha256sum's time)", Report.ratio(cp.seconds() / sha256sum)),
                Report.seconds(samizdat), "`cp -a` + `sync`: " + Report.seconds(cp.seconds()) + "; `rsync -a` + `sync`: "
                        + Report.seconds(rsync.seconds()), Report.ratio(samizdat / cp.seconds()) + " cp, "
                        + Report.ratio(samizdat / rsync.seconds()) + " rsync", "–", null);
    }

    /**
     * The same kind of documents in nested folders, as a leak is often laid out: the first
     * {@link #NESTED_DOCS} of the corpus linked (hard links, the same bytes) into
     * year/post/first-letter folders, published into an archive of their own beside sha256sum.
     */
    private void publishNested() throws Exception {
        int count = Math.min(NESTED_DOCS, mode.docs());
        Path nested = work.resolve("nested");
        Path release = nested.resolve("release-1");
        delete(nested);
        List<Path> files;
        try (var s = Files.walk(corpus("corpus").resolve("release-1"))) {
            files = s.filter(Files::isRegularFile).sorted().limit(count).toList();
        }
        java.util.regex.Pattern post = java.util.regex.Pattern.compile("\\d\\d([A-Z]+)");
        for (Path f : files) {
            String name = f.getFileName().toString();
            Matcher m = post.matcher(name);
            String where = m.lookingAt() ? m.group(1) : "OTHER";
            Path dest = release.resolve(f.getParent().getFileName().toString()).resolve(where).resolve(where.substring(0, 1)).resolve(name);
            Files.createDirectories(dest.getParent());
            Files.createLink(dest, f);
        }
        long folders;
        try (var s = Files.walk(release)) {
            folders = s.filter(Files::isDirectory).count();
        }
        Path archive = work.resolve("nested-archive");
        delete(archive);
        delete(offlineKeys(archive));
        samizdat(60, "init", archive.toString(), "--name", "Nested benchmark archive").requireOk("samizdat init (nested)");
        List<String> sha256sum = List.of("bash", "-c", "find . -type f -print0 | xargs -0 sha256sum > /dev/null");
        Child.run(1800, release, sha256sum).requireOk("sha256sum (warm-up)");
        Child.Run sha = Child.run(1800, release, sha256sum).requireOk("sha256sum");
        settle();
        Child.Run add = samizdat(3600, "add", archive.toString(), release.toString()).requireOk("samizdat add (nested)");
        Child.Run publish = samizdat(3600, "publish", archive.toString(), "--title", "Nested").requireOk("samizdat publish (nested)");
        double total = add.seconds() + publish.seconds();
        report.put("nested_documents", (long) files.size());
        report.put("nested_folders", folders);
        report.put("nested_sha256sum_seconds", sha.seconds());
        report.put("nested_add_seconds", add.seconds());
        report.put("nested_publish_seconds", publish.seconds());
        report.row(String.format("publish %,d documents in %,d nested folders (`add` + `publish`; %s + %s)", files.size(), folders,
                        Report.seconds(add.seconds()), Report.seconds(publish.seconds())),
                Report.seconds(total), "sha256sum: " + Report.seconds(sha.seconds()), Report.ratio(total / sha.seconds()),
                "≤ 1.5×", total <= 1.5 * sha.seconds());
        copyPeers(release, "nested_", total, sha.seconds());
        delete(archive);
        delete(offlineKeys(archive));
        delete(nested);
    }

    /** Where {@code init} puts an archive's offline keys by default: beside it. */
    private static Path offlineKeys(Path archive) {
        return archive.resolveSibling(archive.getFileName() + "-offline-keys");
    }

    private static final int NESTED_DOCS = 50_000;

    // ---- full and incremental sync against rsync's daemon

    private void startOrigin(String... extra) throws Exception {
        originPort = freePort();
        List<String> args = new ArrayList<>(List.of("serve", archive().toString(), "--port", Integer.toString(originPort),
                "--bind", "127.0.0.1", "--no-search"));
        args.addAll(List.of(extra));
        origin = Child.start(work, work.resolve("origin.log"), samizdatCommand(args));
        awaitHttp("http://127.0.0.1:" + originPort + "/healthz", 120);
    }

    private Child rsyncDaemon(Path module, String name) throws Exception {
        int port = freePort();
        Path conf = work.resolve(name + ".conf");
        Files.writeString(conf, "use chroot = no\nport = " + port + "\naddress = 127.0.0.1\npid file = " + work.resolve(name + ".pid")
                + "\n[archive]\n  path = " + module + "\n  read only = yes\n" + (isRoot() ? "  uid = root\n  gid = root\n" : ""));
        Files.deleteIfExists(work.resolve(name + ".pid"));
        Child d = Child.start(work, work.resolve(name + ".log"), List.of("rsync", "--daemon", "--no-detach", "--config=" + conf));
        awaitPort(port, 30);
        daemonPorts.put(d, port);
        return d;
    }

    private final Map<Child, Integer> daemonPorts = new HashMap<>();

    private Child.Run rsyncFrom(int port, Path dest) throws Exception {
        Files.createDirectories(dest);
        return Child.run(3600, work, List.of("rsync", "-a", "--delete", "--stats", "rsync://127.0.0.1:" + port + "/archive/", dest + "/"))
                .requireOk("rsync");
    }

    private Child.Run mirrorOnce(String upstream, Path dir) throws Exception {
        return samizdat(3600, "mirror", upstream, dir.toString(), "--fingerprint", fingerprint, "--once").requireOk("samizdat mirror --once");
    }

    /** One sync each way, through counting relays: the mirror into m0, rsync into rsync-copy, both checked. */
    private record Both(Child.Run mine, long myBytes, long connections, Child.Run theirs, long theirBytes) {
    }

    /** Writes back whatever earlier steps left dirty, so the step timed next does not pay for it. */
    private void settle() throws Exception {
        Child.run(600, work, List.of("sync")).requireOk("sync");
    }

    private Both syncBoth() throws Exception {
        Child daemon = rsyncDaemon(archive().resolve("public"), "rsyncd");
        try (CountingRelay toOrigin = new CountingRelay(originPort); CountingRelay toRsync = new CountingRelay(daemonPorts.get(daemon))) {
            // each starts with nothing of another step's left to write back (the trees just deleted, the publish)
            settle();
            Child.Run mine = mirrorOnce(toOrigin.url(), work.resolve("m0"));
            long myBytes = toOrigin.total();
            settle();
            Child.Run theirs = rsyncFrom(toRsync.port(), work.resolve("rsync-copy"));
            assertMirrored(archive().resolve("public"), work.resolve("m0/public"));
            assertSameTree(archive().resolve("public"), work.resolve("rsync-copy"));
            return new Both(mine, myBytes, toOrigin.connections(), theirs, toRsync.total());
        } finally {
            daemon.close();
        }
    }

    private void fullSync() throws Exception {
        startOrigin("--no-flood-limits");
        delete(work.resolve("m0"));
        delete(work.resolve("rsync-copy"));
        Both b = syncBoth();
        report.put("full_sync_seconds", b.mine().seconds());
        report.put("full_sync_bytes", b.myBytes());
        report.put("full_sync_connections", b.connections());
        report.put("rsync_full_seconds", b.theirs().seconds());
        report.put("rsync_full_bytes", b.theirBytes());
        report.row(String.format("full mirror sync of %,d documents, time (`mirror --once` vs `rsync -a` from rsync's daemon)", mode.docs()),
                Report.seconds(b.mine().seconds()), "rsync: " + Report.seconds(b.theirs().seconds()),
                Report.ratio(b.mine().seconds() / b.theirs().seconds()), "≤ 0.5×", b.mine().seconds() <= 0.5 * b.theirs().seconds());
        report.row("full mirror sync, bytes on the wire (both ways)", Report.bytes(b.myBytes()), "rsync: " + Report.bytes(b.theirBytes()),
                Report.ratio((double) b.myBytes() / b.theirBytes()), "–", null);
    }

    private void publishRelease() throws Exception {
        Map<String, Long> before = listing(archive().resolve("public/metadata"));
        long targetsBefore = tree(archive().resolve("public/targets"));
        Child.Run add = samizdat(600, "add", archive().toString(), corpus("release").resolve("release-1").toString(), "--as", "r2")
                .requireOk("samizdat add (release)");
        Child.Run publish = samizdat(600, "publish", archive().toString(), "--title", "Release 2").requireOk("samizdat publish (release)");
        Map<String, Long> after = listing(archive().resolve("public/metadata"));
        releaseMetadataBytes = changed(before, after);
        releaseDocBytes = tree(archive().resolve("public/targets")) - targetsBefore;
        long entries = releaseEntries(before, after);
        report.put("release_add_seconds", add.seconds());
        report.put("release_publish_seconds", publish.seconds());
        report.put("release_metadata_bytes", releaseMetadataBytes);
        report.put("release_entries_bytes", entries);
        report.put("release_document_bytes", releaseDocBytes);
        report.row(String.format("publish a %,d-document release into an archive of %,d (`publish`; `add` took %s)", mode.release(),
                        mode.docs(), Report.seconds(add.seconds())), Report.seconds(publish.seconds()), "–", "–", "≤ 2 s",
                publish.seconds() <= 2.0);
        report.row("metadata written by that release, against its own target entries", Report.bytes(releaseMetadataBytes),
                "entries: " + Report.bytes(entries), Report.ratio((double) releaseMetadataBytes / entries), "≤ 2×",
                releaseMetadataBytes <= 2 * entries);
    }

    private void incrementalSync() throws Exception {
        Both b = syncBoth();
        long myBytes = b.myBytes();
        long theirBytes = b.theirBytes();
        long floor = releaseDocBytes + releaseMetadataBytes;
        report.put("incremental_sync_seconds", b.mine().seconds());
        report.put("incremental_sync_bytes", myBytes);
        report.put("rsync_incremental_seconds", b.theirs().seconds());
        report.put("rsync_incremental_bytes", theirBytes);
        report.put("release_floor_bytes", floor);
        report.row(String.format("incremental sync of the %,d-document release, bytes on the wire (new documents + changed metadata: %s)",
                        mode.release(), Report.bytes(floor)), Report.bytes(myBytes) + " (" + Report.ratio((double) myBytes / floor) + " of them)",
                "rsync: " + Report.bytes(theirBytes), Report.ratio((double) myBytes / theirBytes), "≤ 1.2× of new, and < rsync",
                myBytes <= 1.2 * floor && myBytes < theirBytes);
        report.row("incremental sync, time", Report.seconds(b.mine().seconds()), "rsync: " + Report.seconds(b.theirs().seconds()),
                Report.ratio(b.mine().seconds() / b.theirs().seconds()), "–", null);
    }

    // ---- serving (wrk against nginx), a mirror's memory, search

    /** wrk's shapes: threads and document size. */
    private static final List<String> SHAPES = List.of("t1-1k", "t2-1k", "t1-100k", "t2-100k");

    private void serving() throws Exception {
        Path pub = work.resolve("m0/public");
        String small = closest(pub.resolve("targets"), 1024);
        String large = closest(pub.resolve("targets"), 100 * 1024);
        int port = freePort();
        Map<String, Wrk.Result> mine = new LinkedHashMap<>();
        Map<String, Wrk.Result> theirs = new LinkedHashMap<>();
        Memory memory;
        Child mirror = Child.start(work, work.resolve("m0.log"), samizdatCommand(List.of("mirror", "http://127.0.0.1:" + originPort,
                work.resolve("m0").toString(), "--fingerprint", fingerprint, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--interval", "3600", "--no-flood-limits")));
        try {
            String log = mirror.awaitLog("search index:", mode.docs() / 100 + 600);
            Matcher m = INDEXED.matcher(log);
            if (!m.find()) {
                throw new IllegalStateException("the mirror's search index failed:\n" + Child.tail(log));
            }
            double build = Double.parseDouble(m.group(2));
            awaitWarming(mirror, "");
            report.put("mirror_rss_after_index_build_bytes", mirror.highWaterMark());
            search(port, build, SearchBench.QUERIES, "", "search");
            for (String shape : SHAPES) {
                mine.put(shape, wrk(port, shape, small, large));
            }
            memory = memoryUnderLoad(mirror, port, large);
        } finally {
            mirror.close();
        }
        long nginxPeak;
        try (Child nginx = nginx(pub, port)) {
            nginx.startSampling();
            for (String shape : SHAPES) {
                theirs.put(shape, wrk(port, shape, small, large));
            }
            nginxPeak = nginx.stopSampling();
        }
        Map<String, Wrk.Result> netty = new LinkedHashMap<>();
        try (Child probe = nettyFileServer(pub, port)) {
            for (String shape : SHAPES) {
                netty.put(shape, wrk(port, shape, small, large));
            }
        }
        for (String shape : SHAPES) {
            Wrk.Result a = mine.get(shape);
            Wrk.Result b = theirs.get(shape);
            Wrk.Result n = netty.get(shape);
            report.put("wrk_" + shape + "_netty", n.json());
            report.put("wrk_" + shape + "_samizdat", a.json());
            report.put("wrk_" + shape + "_nginx", b.json());
            report.row(String.format("serve a %s document from a mirror, requests/s (`wrk -t%s -c%d -d%ds`, keep-alive; p99 %s vs %s)",
                            shape.endsWith("-1k") ? "1 KB" : "100 KB", shape.substring(1, 2), mode.connections(), mode.wrkSeconds(),
                            a.p99(), b.p99()),
                    String.format("%,.0f/s", a.requestsPerSecond()), String.format("nginx sendfile: %,.0f/s", b.requestsPerSecond()),
                    Report.ratio(a.requestsPerSecond() / b.requestsPerSecond()), "≥ 1.0×",
                    a.requestsPerSecond() >= b.requestsPerSecond());
            report.row(String.format("the same from a minimal Netty file server, the alternative to Jetty (`NettyFileServer`: sendfile,"
                            + " an event loop per core; p99 %s)", n.p99()), String.format("%,.0f/s", n.requestsPerSecond()),
                    String.format("nginx: %,.0f/s", b.requestsPerSecond()), Report.ratio(n.requestsPerSecond() / b.requestsPerSecond()),
                    "–", null);
        }
        report.put("nginx_peak_rss_bytes", nginxPeak);
        memory.report(report, "mirror_memory", String.format("peak RSS (VmHWM) of a mirror of %,d documents that has just built its"
                + " search index, serving", mode.docs()), nginxPeak);
        // most of a node's life: started again over its index, as after a reboot or an upgrade
        restarted(port, large, "", "restarted").report(report, "restarted_memory", String.format("the same mirror restarted"
                + " (index kept), serving", mode.docs()), nginxPeak);
        restarted(port, large, "-Xmx128m", "restarted-128m").report(report, "restarted_128m_memory",
                "the same restarted mirror with its heap capped (`SAMIZDAT_JAVA_OPTS=-Xmx128m`), serving", nginxPeak);
        // the setting README gives for a small machine: the large index files read, not mapped, and a heap that starts small
        // its searches are timed after the load, so its memory is measured as the other restarted nodes' is
        Latency[] lean = new Latency[1];
        restarted(port, large, SMALL_MACHINE_OPTS, "restarted-small", List.of("--index-io", "read"),
                () -> lean[0] = latencies(port, SearchBench.QUERIES, "small_machine_search")).report(report,
                "small_machine_memory", "the same mirror restarted as README says for a small machine (`--index-io read`,"
                        + " `SAMIZDAT_JAVA_OPTS='" + SMALL_MACHINE_OPTS + "'`), serving", nginxPeak);
        report.row(String.format("search over HTTP on that node set for a small machine (%d queries × %d, as above), p50",
                        SearchBench.QUERIES.size(), mode.searchPasses()), Report.fixed(lean[0].p50(), 1) + " ms", "–", "–", "≤ 10 ms",
                lean[0].p50() <= 10);
        report.row("search over HTTP on that node, p99", Report.fixed(lean[0].p99(), 1) + " ms", "–", "–", "≤ 100 ms", lean[0].p99() <= 100);
    }

    /** The JVM options README gives for a mirror on a small machine, beside {@code --index-io read}. */
    private static final String SMALL_MACHINE_OPTS = "-Xms32m -Xmx128m -XX:CompileCommand=quiet -XX:CompileCommand=MemLimit,*.*,16m";

    /** The mirror started again over its copy and index, measured under the same load. */
    private Memory restarted(int port, String large, String javaOpts, String name) throws Exception {
        return restarted(port, large, javaOpts, name, List.of(), () -> { });
    }

    /** As above with extra options, running {@code after} once the load is over, on the same node. */
    private Memory restarted(int port, String large, String javaOpts, String name, List<String> options, Step after) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "SAMIZDAT_JAVA_OPTS=" + javaOpts));
        List<String> args = new ArrayList<>(List.of("mirror", "http://127.0.0.1:" + originPort, work.resolve("m0").toString(),
                "--fingerprint", fingerprint, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--interval", "3600",
                "--no-flood-limits"));
        args.addAll(options);
        command.addAll(samizdatCommand(args));
        try (Child node = Child.start(work, work.resolve(name + ".log"), command)) {
            awaitFirstSync(port, 600);
            awaitIndexReady(port, 600);
            awaitWarming(node, name.replace('-', '_') + "_");
            Memory memory = memoryUnderLoad(node, port, large);
            after.run();
            return memory;
        }
    }

    /** Until the node's search index is at the version it serves. */
    private void awaitIndexReady(int port, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long served = version("http://127.0.0.1:" + port);
        while (System.nanoTime() < end) {
            String metrics = new String(get("http://127.0.0.1:" + port + "/metrics").body(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("(?m)^samizdat_search_indexed_version ([0-9.E]+)").matcher(metrics);
            if (m.find() && (long) Double.parseDouble(m.group(1)) >= served) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the search index on port " + port + " was not ready in " + seconds + " s");
    }

    private Wrk.Result wrk(int port, String shape, String small, String large) throws Exception {
        return Wrk.run(work, "http://127.0.0.1:" + port + (shape.endsWith("-1k") ? small : large),
                Integer.parseInt(shape.substring(1, 2)), mode.connections(), mode.wrkSeconds());
    }

    /**
     * The node's memory while wrk serves 100 KB documents and a second client searches without
     * pause, both at once: the kernel's high-water mark (VmHWM, reset just before), and at the
     * peak of resident memory its parts: anonymous memory (the heap and the JVM's own), file pages
     * mapped (Lucene's index, the JDK's libraries and the jar), and the heap the JVM committed.
     */
    private Memory memoryUnderLoad(Child node, int port, String large) throws Exception {
        node.resetHighWaterMark();
        node.startSampling();
        java.util.concurrent.atomic.AtomicLong searches = new java.util.concurrent.atomic.AtomicLong();
        long end = System.nanoTime() + mode.wrkSeconds() * 1_000_000_000L;
        Thread searcher = Thread.ofPlatform().start(() -> {
            int i = 0;
            while (System.nanoTime() < end) {
                String[] q = SearchBench.QUERIES.get(i++ % SearchBench.QUERIES.size());
                try {
                    get("http://127.0.0.1:" + port + "/api/search?" + query(q));
                    searches.incrementAndGet();
                } catch (Exception e) {
                    throw new IllegalStateException("search under load failed", e);
                }
            }
        });
        Wrk.Result load = Wrk.run(work, "http://127.0.0.1:" + port + large, 2, mode.connections(), mode.wrkSeconds());
        searcher.join();
        Child.Sample peak = node.stopSamplingParts();
        long hwm = node.highWaterMark();
        return new Memory(hwm, peak, node.heap(), load.requestsPerSecond(), searches.get());
    }

    /** A node's memory under the serving and search load. */
    private record Memory(long hwm, Child.Sample peak, Child.Heap heap, double requestsPerSecond, long searches) {
        void report(Report report, String key, String what, long nginxPeak) {
            report.put(key + "_vmhwm_bytes", hwm);
            report.put(key + "_peak_anon_bytes", peak.anon());
            report.put(key + "_peak_file_bytes", peak.file());
            report.put(key + "_heap_committed_bytes", heap.committed());
            report.put(key + "_heap_used_bytes", heap.used());
            report.put(key + "_load_requests_per_second", Report.fixed(requestsPerSecond, 1));
            report.put(key + "_load_searches", searches);
            report.row(String.format("%s (`wrk -t2`, 100 KB: %,.0f/s) and searching (%,d searches) at once: anonymous %s (the"
                                    + " heap: %s committed, %s in use after; the rest is the JVM's own), mapped files %s",
                            what, requestsPerSecond, searches, Report.bytes(peak.anon()), Report.bytes(heap.committed()),
                            Report.bytes(heap.used()), Report.bytes(peak.file())),
                    Report.bytes(hwm), "nginx: " + Report.bytes(nginxPeak), "–", "≤ 256 MB", hwm <= 256L << 20);
        }
    }

    /** The Netty probe serving {@code root} from this JVM's classpath, in a JVM of its own. */
    private Child nettyFileServer(Path root, int port) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        // it runs in the work directory, where the bench's relative classpath would find nothing
        Child c = Child.start(work, work.resolve("netty.log"), List.of(javaBin, "-cp", classpath,
                NettyFileServer.class.getName(), root.toString(), Integer.toString(port)));
        awaitPort(port, 30);
        return c;
    }

    private Child nginx(Path root, int port) throws Exception {
        return nginx(root, port, "", "", 4096);
    }

    /** nginx serving {@code root}, with extra http- and server-level directives. */
    private Child nginx(Path root, int port, String http, String server, int workerConnections) throws Exception {
        Path dir = work.resolve("nginx");
        Files.createDirectories(dir);
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, (isRoot() ? "user root;\n" : "") + "worker_processes auto;\npid " + dir.resolve("nginx.pid")
                + ";\nerror_log " + dir.resolve("error.log") + ";\nevents { worker_connections " + workerConnections + "; }\nhttp {\n" + http
                + "  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 1000000;\n  access_log off;\n"
                + "  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
                + "  server {\n    listen 127.0.0.1:" + port + ";\n    root " + root + ";\n" + server + "  }\n}\n");
        Child c = Child.start(work, dir.resolve("stdout.log"), List.of("nginx", "-c", conf.toString(), "-g", "daemon off;"));
        awaitPort(port, 30);
        return c;
    }

    /**
     * The same search figures over a second archive of the same size whose text follows Zipf's law
     * ({@code samizdat corpus --vocabulary zipf}): most words rare, a few everywhere, as in real
     * text. Served by {@code samizdat serve}, which builds its index as a mirror does.
     */
    private void zipfSearch() throws Exception {
        makeCorpus("corpus-zipf", mode.docs(), 1, "zipf");
        Path site = work.resolve("zipf-origin");
        Path done = work.resolve("zipf-origin.done");
        String key = mode.docs() + " zipf";
        if (!Files.exists(done) || !Files.readString(done).equals(key)) {
            delete(site);
            delete(offlineKeys(site));
            samizdat(60, "init", site.toString(), "--name", "Zipf benchmark archive").requireOk("samizdat init (zipf)");
            samizdat(3600, "add", site.toString(), corpus("corpus-zipf").resolve("release-1").toString()).requireOk("samizdat add (zipf)");
            samizdat(3600, "publish", site.toString(), "--title", "Release 1").requireOk("samizdat publish (zipf)");
            Files.writeString(done, key);
        }
        Path index = work.resolve("zipf-index");
        delete(index);
        int port = freePort();
        try (Child node = Child.start(work, work.resolve("zipf-serve.log"), samizdatCommand(List.of("serve", site.toString(),
                "--index", index.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--no-flood-limits")))) {
            String log = node.awaitLog("search index:", mode.docs() / 100 + 600);
            Matcher m = INDEXED.matcher(log);
            if (!m.find()) {
                throw new IllegalStateException("the Zipf archive's search index failed:\n" + Child.tail(log));
            }
            awaitWarming(node, "zipf_");
            search(port, Double.parseDouble(m.group(2)), SearchBench.ZIPF_QUERIES, ", Zipf corpus", "zipf_search");
        }
    }

    /** Waits for the node's own warm-up searches after its index build ({@code SearchWarmer}), which a reader would find done. */
    private void awaitWarming(Child node, String prefix) throws Exception {
        if (mode.docs() >= org.samizdat.search.SearchWarmer.FROM_DOCUMENTS) {
            String log = node.awaitLog("search index: warm", 120);
            Matcher w = WARMED.matcher(log);
            if (w.find()) {
                report.put(prefix + "warming_searches", Long.parseLong(w.group(1)));
                report.put(prefix + "warming_seconds", Double.parseDouble(w.group(2)));
            }
        }
    }

    private static final Pattern WARMED = Pattern.compile("search index: warmed by (\\d+) searches in ([\\d.]+) s");

    private void search(int port, double build, List<String[]> queries, String label, String key) throws Exception {
        Latency l = latencies(port, queries, key);
        double p50 = l.p50();
        double p99 = l.p99();
        List<Double> grep = new ArrayList<>();
        Path corpusDir = corpus(key.startsWith("zipf") ? "corpus-zipf" : "corpus");
        for (String w : SearchBench.GREP_WORDS) {
            grep.add(Child.run(900, corpusDir, List.of("grep", "-rliF", w, ".")).seconds() * 1000);
        }
        double grepMs = SearchBench.percentile(grep, 50);
        String prefix = key.equals("search") ? "" : key.substring(0, key.length() - "search".length());
        report.put(prefix + "index_build_seconds", build);
        report.put(prefix + "grep_median_ms", grepMs);
        report.row(String.format("search index build of %,d documents, %s%s", mode.docs(),
                key.equals("search") ? "in the mirror" : "in `serve`", label), Report.seconds(build), "–", "–", "≤ 180 s", build <= 180);
        report.row(String.format("search over HTTP%s (`/api/search`, %d queries × %d, no cache), p50", label, queries.size(),
                        mode.searchPasses()), Report.fixed(p50, 1) + " ms", String.format("grep -rliF: %,.0f ms", grepMs),
                Report.ratio(p50 / grepMs), "≤ 10 ms", p50 <= 10);
        report.row("search over HTTP" + label + ", p99", Report.fixed(p99, 1) + " ms", "–", "–", "≤ 100 ms", p99 <= 100);
    }

    /** Search latency over HTTP, p50 and p99 in milliseconds. */
    private record Latency(double p50, double p99) {
    }

    /**
     * The query set's latencies over HTTP after {@link #WARM_UP_PASSES} passes, written to the
     * report under {@code key} (p50, p99, per query, the first pass apart).
     */
    private Latency latencies(int port, List<String[]> queries, String key) throws Exception {
        List<Double> latencies = new ArrayList<>();
        String base = "http://127.0.0.1:" + port + "/api/search?";
        List<Double> firstPass = new ArrayList<>();
        for (int pass = 0; pass < WARM_UP_PASSES; pass++) { // a node that has answered readers a while: its JIT has compiled them
            for (String[] q : queries) {
                long t = System.nanoTime();
                get(base + query(q));
                if (pass == 0) {
                    firstPass.add((System.nanoTime() - t) / 1e6);
                }
            }
        }
        // what the first readers after a start see, reported beside the settled figures
        report.put(key + "_first_pass_p50_ms", SearchBench.percentile(firstPass, 50));
        report.put(key + "_first_pass_p99_ms", SearchBench.percentile(firstPass, 99));
        Map<String, Object> perQuery = new LinkedHashMap<>();
        for (String[] q : queries) {
            List<Double> mine = new ArrayList<>();
            long total = 0;
            for (int pass = 0; pass < mode.searchPasses(); pass++) {
                long t = System.nanoTime();
                HttpResponse<byte[]> r = get(base + query(q));
                mine.add((System.nanoTime() - t) / 1e6);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("search " + String.join(" ", q) + " answered " + r.statusCode());
                }
                Matcher tm = TOTAL.matcher(new String(r.body(), StandardCharsets.UTF_8));
                total = tm.find() ? Long.parseLong(tm.group(1)) : -1;
            }
            latencies.addAll(mine);
            perQuery.put(String.join(" | ", q), Map.of("total", total, "median_us", Math.round(SearchBench.percentile(mine, 50) * 1000)));
        }
        double p50 = SearchBench.percentile(latencies, 50);
        double p99 = SearchBench.percentile(latencies, 99);
        report.put(key + "_p50_ms", p50);
        report.put(key + "_p99_ms", p99);
        report.put(key + "_runs", (long) latencies.size());
        report.put(key + "_per_query", perQuery);
        return new Latency(p50, p99);
    }

    /**
     * Passes over the query set before measuring, about 400 searches: a node that has served
     * readers a while has seen more. Measured on 250,000 documents, the median settles only after
     * several hundred searches of varied shapes (the JIT compiles each path as it gets hot), so
     * fewer passes measured the compiler, not the node; the first pass is reported on its own.
     */
    private static final int WARM_UP_PASSES = 10;
    private static final Pattern TOTAL = Pattern.compile("\"total\":(\\d+)");

    private static String query(String[] q) {
        StringBuilder sb = new StringBuilder("q=").append(URLEncoder.encode(q[0], StandardCharsets.UTF_8));
        for (int i = 1; i + 1 < q.length; i += 2) {
            sb.append('&').append(q[i]).append('=').append(URLEncoder.encode(q[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    // ---- a connection flood from one address beside readers, against nginx tuned for floods

    private void flood() throws Exception {
        Path dir = work.resolve("flood");
        Files.createDirectories(dir);
        List<String> docs;
        try (var s = Files.walk(work.resolve("m0/public/targets"))) {
            docs = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .limit(2000).map(f -> "/" + work.resolve("m0/public").relativize(f)).toList();
        }
        Files.write(dir.resolve("docs.txt"), docs);
        int seconds = 2 * mode.wrkSeconds();
        String attack = FloodBench.CONNECTION_FLOOD_ATTACK;
        int port = freePort();
        Map<String, Object> mine;
        // the node as a volunteer runs it: default flood defences
        try (Child node = Child.start(work, work.resolve("flood-serve.log"), samizdatCommand(List.of("serve",
                work.resolve("m0").toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--no-search")))) {
            awaitHttp("http://127.0.0.1:" + port + "/healthz", 120);
            mine = FloodBench.run(attack, port, List.of(node.pid()), seconds, docs, false, dir);
        }
        Map<String, Object> theirs;
        // nginx tuned as its documentation suggests: per-address request and connection limits, short timeouts
        try (Child nginx = nginx(work.resolve("m0/public"), port, "  limit_req_zone $binary_remote_addr zone=perip:10m rate=500r/s;\n"
                        + "  limit_conn_zone $binary_remote_addr zone=conns:10m;\n  limit_req_status 429; limit_conn_status 429;\n"
                        + "  client_header_timeout 10s; client_body_timeout 10s; keepalive_timeout 10s; send_timeout 10s;\n",
                "    limit_req zone=perip burst=1000 nodelay; limit_conn conns 32;\n", 10000)) {
            theirs = FloodBench.run(attack, port, nginx.pids(), seconds, docs, false, dir);
        }
        report.put("flood_samizdat", mine);
        report.put("flood_nginx_tuned", theirs);
        String p99 = reader(mine, "p99_ms");
        String nginxP99 = reader(theirs, "p99_ms");
        boolean met = !p99.equals("-") && Double.parseDouble(p99) <= 500 && Double.parseDouble(reader(mine, "success_percent")) >= 99;
        report.row(String.format("a reader's p99 beside %d connections flooding from one address (attacker at full priority, %d s; "
                                + "readers' success %s%% vs %s%%)", FloodBench.CONNECTION_FLOOD, seconds, reader(mine, "success_percent"),
                        reader(theirs, "success_percent")),
                p99 + " ms", "nginx, limit_req/limit_conn: " + nginxP99 + " ms", "–", "≤ 500 ms", met);
    }

    @SuppressWarnings("unchecked")
    private static String reader(Map<String, Object> run, String field) {
        return String.valueOf(((Map<String, Object>) run.get("readers")).get(field));
    }

    // ---- propagation through a chain of mirrors, beside rsync pulls in a chain

    private void propagation() throws Exception {
        origin.close();
        startOrigin(); // the default flood defences, as a publisher would run it
        List<Child> mirrors = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        Path release = corpus("chain-release").resolve("release-1");
        try (CountingRelay egress = new CountingRelay(originPort)) {
            for (int i = 1; i <= mode.chain(); i++) {
                Path dir = work.resolve("chain-" + i);
                delete(dir);
                Files.createDirectories(dir);
                // seeded with the synced mirror's files (hard links: a mirror replaces files, never edits them)
                Child.run(900, work, List.of("cp", "-al", work.resolve("m0/public").toString(), dir.resolve("public").toString()))
                        .requireOk("cp -al");
                int port = freePort();
                String upstream = i == 1 ? egress.url() : "http://127.0.0.1:" + ports.get(i - 2);
                ports.add(port);
                mirrors.add(Child.start(work, work.resolve("chain-" + i + ".log"), samizdatCommand(List.of("mirror", upstream,
                        dir.toString(), "--fingerprint", fingerprint, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--public-url", "http://127.0.0.1:" + port, "--interval", "600", "--no-search"))));
            }
            for (int port : ports) {
                awaitFirstSync(port, 300);
            }
            // each has subscribed to its upstream's notifications: the origin and every mirror but the last notify one node
            List<String> upstreams = new ArrayList<>(List.of("http://127.0.0.1:" + originPort));
            ports.subList(0, ports.size() - 1).forEach(p -> upstreams.add("http://127.0.0.1:" + p));
            for (String up : upstreams) {
                long until = System.nanoTime() + 60_000_000_000L;
                while (downstreams(up) < 1) {
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException(up + " has no downstream registered after 60 s");
                    }
                    Thread.sleep(20);
                }
            }
            egress.reset();
            Map<String, Long> before = listing(archive().resolve("public/metadata"));
            long targetsBefore = tree(archive().resolve("public/targets"));
            samizdat(600, "add", archive().toString(), release.toString(), "--as", "r3").requireOk("samizdat add (chain release)");
            Child.Run publish = samizdat(600, "publish", archive().toString(), "--title", "Release 3").requireOk("samizdat publish");
            long published = System.nanoTime();
            long version = version("http://127.0.0.1:" + originPort);
            List<Double> arrivals = new ArrayList<>();
            long deadline = published + 600_000_000_000L;
            for (int port : ports) {
                while (version("http://127.0.0.1:" + port) < version) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the release did not reach the mirror on port " + port + " in 600 s");
                    }
                    Thread.sleep(20);
                }
                arrivals.add((System.nanoTime() - published) / 1e9);
            }
            // anything still in flight from the origin is counted: wait until the relay has been quiet for 500 ms
            long out = egress.fromServer();
            for (long quietSince = System.nanoTime(); System.nanoTime() - quietSince < 500_000_000L; ) {
                Thread.sleep(50);
                long now = egress.fromServer();
                if (now != out) {
                    out = now;
                    quietSince = System.nanoTime();
                }
            }
            // only now: walking the archive's 250,000 files took seconds, which the arrivals must not include
            long releaseBytes = tree(archive().resolve("public/targets")) - targetsBefore
                    + changed(before, listing(archive().resolve("public/metadata")));
            report.put("chain_arrival_seconds", arrivals.stream().map(a -> Report.fixed(a, 3)).toList());
            report.put("chain_publish_seconds", publish.seconds());
            report.put("chain_release_bytes", releaseBytes);
            report.put("chain_origin_egress_bytes", out);
            double rsyncChain = rsyncChain(release);
            report.row(String.format("a %,d-document release through %d chained mirrors: time from publish to the last (notify, no polling)",
                            mode.release(), mode.chain()), Report.seconds(arrivals.get(arrivals.size() - 1)),
                    String.format("%d rsync pulls back to back: %s", mode.chain(), Report.seconds(rsyncChain)),
                    Report.ratio(arrivals.get(arrivals.size() - 1) / rsyncChain), "–", null);
            double perHop = arrivals.get(arrivals.size() - 1) / mode.chain();
            report.put("chain_seconds_per_hop", Report.fixed(perHop, 3));
            report.row(String.format("that release, per hop (the origin noticing its new version included; hops %s s after publish)",
                            String.join(", ", arrivals.stream().map(a -> Report.fixed(a, 2)).toList())),
                    Report.fixed(perHop, 2) + " s", String.format("rsync pull: %s", Report.seconds(rsyncChain / mode.chain())),
                    Report.ratio(perHop / (rsyncChain / mode.chain())), "< 1 s", perHop < 1.0);
            report.row(String.format("origin egress for that release (release: %s)", Report.bytes(releaseBytes)), Report.bytes(out),
                    "rsync's first hop: " + Report.bytes(((Number) report.raw.get("rsync_chain_first_hop_bytes")).longValue()),
                    Report.ratio((double) out / releaseBytes) + " of the release", "≤ 2× the release", out <= 2 * releaseBytes);
        } finally {
            for (Child m : mirrors) {
                m.close();
            }
        }
    }

    /** Debian-style pulls down a chain of rsync daemons, each started as soon as the one before finished. */
    private double rsyncChain(Path release) throws Exception {
        List<Path> copies = new ArrayList<>();
        for (int i = 1; i <= mode.chain(); i++) {
            Path dir = work.resolve("rsync-chain-" + i);
            delete(dir);
            Child.run(900, work, List.of("cp", "-al", work.resolve("rsync-copy").toString(), dir.toString())).requireOk("cp -al");
            copies.add(dir);
        }
        List<Child> daemons = new ArrayList<>();
        try {
            daemons.add(rsyncDaemon(archive().resolve("public"), "rsyncd-0"));
            for (int i = 1; i < mode.chain(); i++) {
                daemons.add(rsyncDaemon(copies.get(i - 1), "rsyncd-" + i));
            }
            double total = 0;
            try (CountingRelay first = new CountingRelay(daemonPorts.get(daemons.get(0)))) {
                for (int i = 0; i < mode.chain(); i++) {
                    int port = i == 0 ? first.port() : daemonPorts.get(daemons.get(i));
                    total += rsyncFrom(port, copies.get(i)).seconds();
                    if (i == 0) {
                        report.put("rsync_chain_first_hop_bytes", first.fromServer());
                    }
                }
            }
            assertSameTree(archive().resolve("public"), copies.get(copies.size() - 1));
            report.put("rsync_chain_seconds", total);
            return total;
        } finally {
            for (Child d : daemons) {
                d.close();
            }
        }
    }

    /** Waits until a mirror's status shows its first sync done (it subscribes to its upstream right after). */
    private void awaitFirstSync(int port, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                HttpResponse<byte[]> r = get("http://127.0.0.1:" + port + "/api/status");
                if (r.statusCode() == 200 && Json.parseObject(r.body()).get("last_sync") != null) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the mirror on port " + port + " did not finish a first sync in " + seconds + " s");
    }

    /** How many nodes {@code base} notifies, from its /metrics. */
    private long downstreams(String base) throws Exception {
        HttpResponse<byte[]> r = get(base + "/metrics");
        if (r.statusCode() != 200) {
            return -1;
        }
        for (String line : new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("samizdat_downstreams ")) {
                return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        return -1;
    }

    private long version(String base) throws Exception {
        HttpResponse<byte[]> r = get(base + "/metadata/timestamp.json");
        if (r.statusCode() != 200) {
            return -1;
        }
        Map<String, Object> ts = Json.parseObject(r.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> signed = (Map<String, Object>) ts.get("signed");
        return ((Number) signed.get("version")).longValue();
    }

    // ---- helpers

    private List<String> samizdatCommand(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(repo.resolve("samizdat").toString());
        cmd.addAll(args);
        return cmd;
    }

    private Child.Run samizdat(long timeoutSeconds, String... args) throws Exception {
        return Child.run(timeoutSeconds, work, samizdatCommand(List.of(args)));
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private void awaitHttp(String url, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                if (get(url).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(url + " did not answer within " + seconds + " s");
    }

    private static void awaitPort(int port, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port + " after " + seconds + " s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The stored file whose size is nearest {@code size}, as a URL path. */
    private static String closest(Path targets, long size) throws IOException {
        try (Stream<Path> w = Files.walk(targets)) {
            Path best = w.filter(Files::isRegularFile).min((a, b) -> Long.compare(Math.abs(a.toFile().length() - size),
                    Math.abs(b.toFile().length() - size))).orElseThrow();
            return "/targets/" + targets.relativize(best).toString().replace('\\', '/');
        }
    }

    /** File name to size and modification time, so a changed file counts as written. */
    private static Map<String, Long> listing(Path dir) throws IOException {
        Map<String, Long> m = new HashMap<>();
        try (Stream<Path> w = Files.list(dir)) {
            for (Path p : w.toList()) {
                m.put(p.getFileName().toString() + "@" + Files.getLastModifiedTime(p).toMillis() + "@" + Files.size(p), Files.size(p));
            }
        }
        return m;
    }

    private static long changed(Map<String, Long> before, Map<String, Long> after) {
        long sum = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            if (!before.containsKey(e.getKey())) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /**
     * The release's own target entries: for each document, its path and its signed length, hashes
     * and metadata as canonical JSON, summed over the new targets roles (the release and its bins).
     */
    private long releaseEntries(Map<String, Long> before, Map<String, Long> after) throws IOException {
        long sum = 0;
        for (String key : after.keySet()) {
            String name = key.substring(0, key.indexOf('@'));
            if (before.containsKey(key) || !name.matches("\\d+\\.r\\d+.*\\.json")) {
                continue;
            }
            Map<String, Object> meta = Json.parseObject(Files.readAllBytes(archive().resolve("public/metadata").resolve(name)));
            @SuppressWarnings("unchecked")
            Map<String, Object> targets = (Map<String, Object>) ((Map<String, Object>) meta.get("signed")).get("targets");
            for (Map.Entry<String, Object> e : targets.entrySet()) {
                sum += CanonicalJson.encode(Map.of(e.getKey(), e.getValue())).length - 2;
            }
        }
        if (sum == 0) {
            throw new IllegalStateException("no new release role found in the metadata");
        }
        return sum;
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, Long> a = files(expected);
        Map<String, Long> b = files(actual);
        if (!a.equals(b)) {
            List<String> missing = a.keySet().stream().filter(k -> !a.get(k).equals(b.get(k))).limit(5).toList();
            throw new IllegalStateException(actual + " differs from " + expected + " (" + a.size() + " vs " + b.size()
                    + " files; e.g. " + missing + ")");
        }
    }

    /**
     * A mirror holds every document and the current version's metadata (not the superseded
     * snapshots an rsync copy also carries), each the same size as the origin's, and the same timestamp.
     */
    private static void assertMirrored(Path origin, Path mirror) throws IOException {
        assertSameTree(origin.resolve("targets"), mirror.resolve("targets"));
        Map<String, Long> have = files(origin.resolve("metadata"));
        for (Map.Entry<String, Long> e : files(mirror.resolve("metadata")).entrySet()) {
            if (!e.getValue().equals(have.get(e.getKey()))) {
                throw new IllegalStateException(mirror + " has metadata/" + e.getKey() + " unlike the origin's");
            }
        }
        if (!java.util.Arrays.equals(Files.readAllBytes(origin.resolve("metadata/timestamp.json")),
                Files.readAllBytes(mirror.resolve("metadata/timestamp.json")))) {
            throw new IllegalStateException(mirror + " is not at the origin's timestamp");
        }
    }

    private static Map<String, Long> files(Path dir) throws IOException {
        Map<String, Long> m = new HashMap<>();
        try (Stream<Path> w = Files.walk(dir)) {
            w.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .forEach(p -> m.put(dir.relativize(p).toString(), p.toFile().length()));
        }
        return m;
    }

    private static long tree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException, InterruptedException {
        if (Files.exists(dir)) {
            Child.run(900, dir.getParent(), List.of("rm", "-rf", dir.toString())).requireOk("rm -rf " + dir);
        }
    }
}
