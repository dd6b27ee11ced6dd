package org.samizdat.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.samizdat.archive.Json;
import org.samizdat.registry.Registry;
import org.samizdat.registry.RegistryConfig;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.Trust;
import org.samizdat.sync.Upstream;
import org.samizdat.work.Progress;

/**
 * The mirror network's benchmarks, on loopback, bounded: (1) the registry probing N simulated
 * mirrors (one process, one HTTP server per address 127.0.X.Y) once per cycle: cycle time, CPU,
 * memory; (2) a new release propagating through a tree of M in-process mirrors, each copying from
 * a parent chosen as {@code ParentChoice} does (a random older mirror): time from publish to the
 * last copy, origin egress against the release's size, depth; and (3) the model for 10,000
 * mirrors, from simulated random recursive trees and the measured time per hop.
 * Usage: NetworkBench smoke|full WORK OUT.json
 */
public final class NetworkBench {
    private NetworkBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean full = args[0].equals("full");
        Path work = Path.of(args[1]).toAbsolutePath();
        Path out = Path.of(args[2]);
        int simulated = full ? 1000 : 50;
        int tree = full ? 100 : 10;
        Files.createDirectories(work);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", Instant.now().toString());
        results.put("mode", args[0]);
        TestArchive archive = TestArchive.create(work.resolve("archive-" + System.nanoTime()), Instant.now());
        archive.stage("docs", full ? 2000 : 200);
        archive.publish("first");
        results.put("registry", registry(archive, work, simulated));
        results.put("propagation", propagation(archive, work, tree));
        results.put("model_10000", model(10_000, (Map<?, ?>) results.get("propagation")));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, Json.write(results));
        System.out.println(new String(Json.write(results), StandardCharsets.UTF_8));
    }

    private static Map<String, Object> registry(TestArchive archive, Path work, int count) throws Exception {
        Path copy = archive.copyPublicTree(work.resolve("simulated-" + System.nanoTime()));
        int port = 20_000 + new Random().nextInt(20_000);
        String java = ProcessHandle.current().info().command().orElse("java");
        try (Child mirrors = Child.start(work, work.resolve("simulated.log"), List.of(java, "-Xss256k", "-cp",
                System.getProperty("java.class.path"), SimulatedMirrors.class.getName(), copy.toString(),
                Integer.toString(count), Integer.toString(port)))) {
            mirrors.awaitLog("ready", 300);
            RegistryConfig config = new RegistryConfig(Duration.ofMinutes(1), Duration.ofSeconds(10), 64, 2, Duration.ofHours(1),
                    Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(1), 10, true);
            try (Registry registry = new Registry(archive.publicDir(), work.resolve("registry-" + System.nanoTime()), null,
                    config, l -> archive.publisher().publishMirrorList(l), Clock.systemUTC(), line -> { })) {
                for (int i = 0; i < count; i++) {
                    registry.register(org.samizdat.registry.Registration.parse(("http://" + SimulatedMirrors.address(i) + ":"
                            + port).getBytes(StandardCharsets.UTF_8)), "bench-" + i);
                }
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                List<Map<String, Object>> cycles = new ArrayList<>();
                for (int c = 0; c < 3; c++) {
                    System.gc();
                    long cpu = os.getProcessCpuTime();
                    long start = System.nanoTime();
                    Registry.Cycle cycle = registry.probeAll();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("seconds", num((System.nanoTime() - start) / 1e9));
                    m.put("cpu_seconds", num((os.getProcessCpuTime() - cpu) / 1e9));
                    m.put("probed", (long) cycle.probed());
                    m.put("healthy", (long) cycle.healthy());
                    m.put("listed", (long) cycle.listed());
                    m.put("signed_list", cycle.signedSnapshot() > 0);
                    m.put("heap_used_mb", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
                    cycles.add(m);
                    System.out.println("registry cycle " + c + ": " + m);
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("mirrors", (long) count);
                r.put("documents_checked_per_probe", 2L);
                r.put("cycles", cycles);
                r.put("peak_rss_mb", Child.kb(ProcessHandle.current().pid(), "VmHWM:") >> 10);
                r.put("simulated_mirrors_rss_mb", mirrors.rss() >> 20);
                return r;
            }
        }
    }

    private static Map<String, Object> propagation(TestArchive archive, Path work, int count) throws Exception {
        Random random = new Random(42);
        int[] parent = new int[count];
        int[] depth = new int[count];
        for (int i = 0; i < count; i++) {
            parent[i] = i == 0 ? -1 : random.nextInt(i); // a random older mirror; the first copies from the origin
            depth[i] = i == 0 ? 1 : depth[parent[i]] + 1;
        }
        int height = 0;
        for (int d : depth) {
            height = Math.max(height, d);
        }
        Trust trust = Trust.fingerprint(archive.fingerprint);
        try (StaticServer origin = new StaticServer(archive.publicDir());
             CountingRelay relay = new CountingRelay(Integer.parseInt(origin.url().substring(origin.url().lastIndexOf(':') + 1)))) {
            List<Path> dirs = new ArrayList<>();
            List<StaticServer> servers = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    Path dir = Files.createDirectories(work.resolve("tree-" + System.nanoTime() + "-" + i));
                    dirs.add(dir);
                    servers.add(new StaticServer(dir));
                }
                // the tree takes the first release (not measured)
                for (int i = 0; i < count; i++) {
                    String from = parent[i] < 0 ? relay.url() : servers.get(parent[i]).url();
                    new MirrorSync(dirs.get(i), new Upstream(from, Duration.ofSeconds(30)), trust, Clock.systemUTC(), 4,
                            Progress.NONE).sync();
                }
                archive.stage("second", 200);
                Map<String, Long> before = files(archive.publicDir());
                relay.reset();
                long start = System.nanoTime();
                archive.publish("second"); // publish -> first copy -> ... -> last copy, level by level as notifies would
                long release = 0; // the release: its new files (documents and metadata) and the new timestamp
                for (Map.Entry<String, Long> e : files(archive.publicDir()).entrySet()) {
                    if (!before.containsKey(e.getKey()) || e.getKey().endsWith("timestamp.json")) {
                        release += e.getValue();
                    }
                }
                long releaseBytes = 0;
                List<Long> hops = new ArrayList<>();
                try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                    for (int level = 1; level <= height; level++) {
                        long levelStart = System.nanoTime();
                        List<Future<MirrorSync.Result>> running = new ArrayList<>();
                        List<Integer> at = new ArrayList<>();
                        for (int i = 0; i < count; i++) {
                            if (depth[i] == level) {
                                int node = i;
                                String from = parent[i] < 0 ? relay.url() : servers.get(parent[i]).url();
                                at.add(i);
                                running.add(pool.submit(() -> new MirrorSync(dirs.get(node), new Upstream(from, Duration.ofSeconds(30)),
                                        trust, Clock.systemUTC(), 4, Progress.NONE).sync()));
                            }
                        }
                        for (int k = 0; k < running.size(); k++) {
                            MirrorSync.Result r = running.get(k).get();
                            if (at.get(k) == 0) {
                                releaseBytes = r.bytes();
                            }
                        }
                        hops.add((System.nanoTime() - levelStart) / 1_000_000);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("mirrors", (long) count);
                m.put("tree_height", (long) height);
                m.put("seconds_publish_to_last_copy", num(seconds));
                m.put("ms_per_level", hops);
                m.put("release_bytes", release);
                m.put("documents_bytes_first_copy", releaseBytes);
                m.put("origin_egress_bytes", relay.fromServer());
                m.put("origin_egress_vs_release", num((double) relay.fromServer() / release));
                System.out.println("propagation: " + m);
                return m;
            } finally {
                servers.forEach(StaticServer::close);
            }
        }
    }

    /** A figure for the JSON report (canonical JSON has no floating point). */
    private static String num(double d) {
        return String.format(java.util.Locale.ROOT, "%.3f", d);
    }

    private static Map<String, Long> files(Path root) throws java.io.IOException {
        Map<String, Long> m = new java.util.TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.size(p));
            }
        }
        return m;
    }

    /** The height of random recursive trees of {@code n} nodes (simulated), times the measured time per level. */
    private static Map<String, Object> model(int n, Map<?, ?> measured) {
        Random random = new Random(7);
        long sum = 0;
        int trials = 50;
        int worst = 0;
        for (int t = 0; t < trials; t++) {
            int[] depth = new int[n];
            int height = 0;
            for (int i = 0; i < n; i++) {
                depth[i] = i == 0 ? 1 : depth[random.nextInt(i)] + 1;
                height = Math.max(height, depth[i]);
            }
            sum += height;
            worst = Math.max(worst, height);
        }
        @SuppressWarnings("unchecked")
        List<Long> hops = (List<Long>) measured.get("ms_per_level");
        double perLevel = hops.stream().mapToLong(Long::longValue).average().orElse(0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mirrors", (long) n);
        m.put("mean_height", num((double) sum / trials));
        m.put("worst_height_of_" + trials, (long) worst);
        m.put("ms_per_level_measured", num(perLevel));
        m.put("seconds_publish_to_last_copy_estimated", num(sum / (double) trials * perLevel / 1000));
        m.put("origin_children", "1 (only the first mirror copies from the origin)");
        return m;
    }
}
