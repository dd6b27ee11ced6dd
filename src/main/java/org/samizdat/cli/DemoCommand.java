package org.samizdat.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.samizdat.sync.Trust;
import org.samizdat.corpus.Corpus;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Intake;
import org.samizdat.repo.Keyring;
import org.samizdat.repo.Lifetimes;
import org.samizdat.work.Progress;
import org.samizdat.repo.Publisher;
import org.samizdat.repo.Staging;
import org.samizdat.search.Indexer;
import org.samizdat.server.ArchiveServer;
import org.samizdat.server.ReaderSources;
import org.samizdat.server.OriginStatus;
import org.samizdat.server.ServerConfig;
import org.samizdat.sync.Downstreams;
import org.samizdat.sync.Mirror;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.Upstream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code samizdat demo}: a sample archive, its origin and three chained mirrors on loopback. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a sample archive with an origin and three mirrors.",
                "Generates a sample archive of cable-like documents in three releases, serves it from an origin and three chained mirrors on loopback (origin -> a -> b -> c, each verifying against the publisher's keys), then publishes a small new release every --every seconds and shows it propagate by notify.",
                "Ctrl-C stops everything and, unless --dir was given, removes the files."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "Origin port; mirrors use the next three (default: ${DEFAULT-VALUE}; 0: any free ports).")
    int port;

    @Option(names = "--docs", defaultValue = "3000", paramLabel = "N", description = "Documents in the sample archive (default: ${DEFAULT-VALUE}).")
    int docs;

    @Option(names = "--every", defaultValue = "60", paramLabel = "SECONDS", description = "Publish a new small release this often (default: ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--rounds", defaultValue = "0", paramLabel = "N", description = "Stop after this many new releases have reached the last mirror (default: run until Ctrl-C).")
    int rounds;

    @Option(names = "--dir", paramLabel = "DIR", description = "Keep the archive and mirrors here (default: a new temporary directory).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path root = dir != null ? dir : Files.createTempDirectory("samizdat-demo-");
        Files.createDirectories(root);
        boolean temporary = dir == null;
        System.out.println("samizdat demo: its files are in " + root
                + (temporary ? " (removed when it stops; --dir DIR keeps them)" : ""));
        List<AutoCloseable> closing = java.util.Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(4);
        // registered before anything is made, so a stop at any moment closes and removes what exists
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            executor.shutdownNow();
            for (AutoCloseable c : List.copyOf(closing)) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS); // no sync still writing into what is removed
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
            if (temporary) {
                try (var walk = Files.walk(root)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                    System.out.println("removed " + root);
                } catch (java.io.IOException e) {
                    System.err.println("samizdat: could not remove " + root + ": " + e.getMessage());
                }
            }
            done.countDown();
        }));
        ArchiveDir archive = new ArchiveDir(root.resolve("archive"));
        Publisher publisher = new Publisher(archive, new Keyring(archive.keysDir(), null),
                new Keyring(archive.root().resolveSibling("offline-keys"), null), Lifetimes.DEFAULT,
                Clock.systemUTC(), Progress.NONE);
        String fingerprint = publisher.init("samizdat demo archive").fingerprint();
        long t0 = System.nanoTime();
        Corpus.write(root.resolve("corpus"), docs, 2010, 3);
        for (int r = 1; r <= 3; r++) {
            stage(archive, root.resolve("corpus/release-" + r), "cables");
            Publisher.Release rel = publisher.publish("Sample batch " + r);
            System.out.printf("published %s: %,d documents%n", rel.id(), rel.documents());
        }
        System.out.printf("sample archive ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        Downstreams originDownstreams = new Downstreams(Clock.systemUTC(), line -> System.out.println("origin: " + line));
        originDownstreams.start(executor);
        originDownstreams.watch(archive.publicDir().resolve("metadata/timestamp.json"), executor);
        Indexer originIndex = SearchOptions.open(root.resolve("archive/index"), archive.publicDir(),
                line -> System.out.println("origin: " + line));
        // the origin runs the mirror registry too (loopback addresses allowed: the whole network is on this machine)
        org.samizdat.registry.RegistryConfig d = org.samizdat.registry.RegistryConfig.DEFAULT;
        org.samizdat.registry.Registry registry = new org.samizdat.registry.Registry(archive.publicDir(),
                archive.privateDir().resolve("registry"), null, new org.samizdat.registry.RegistryConfig(Duration.ofSeconds(20),
                        d.timeout(), d.concurrency(), d.documentsPerProbe(), d.lagAllowance(), d.graceUnreachable(), d.forgetAfter(),
                        d.refreshListEvery(), d.registrationsPerHour(), true),
                publisher::publishMirrorList, Clock.systemUTC(), line -> System.out.println("origin: " + line));
        ArchiveServer origin = new ArchiveServer(new ServerConfig("127.0.0.1", port, archive.publicDir(), "samizdat demo (origin)"),
                new OriginStatus(archive.publicDir(), Clock.systemUTC()), () -> { }, originDownstreams,
                new ReaderSources(originIndex, originDownstreams::list, registry).withUnsealer(
                        new org.samizdat.seal.Unsealer(archive.publicDir(), originDownstreams::list,
                                line -> System.out.println("origin: " + line)).start())).start();
        closing.add(origin);
        closing.add(registry);
        if (originIndex != null) {
            closing.add(originIndex);
        }
        AtomicLong publishedAt = new AtomicLong(System.nanoTime());
        AtomicLong lastVersionAtC = new AtomicLong();
        String upstream = origin.url();
        String[] names = {"mirror-a", "mirror-b", "mirror-c"};
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = names[i];
            Path pub = root.resolve(name).resolve("public");
            Files.createDirectories(pub.resolve("metadata"));
            MirrorSync sync = new MirrorSync(pub, new Upstream(upstream, Duration.ofSeconds(30)),
                    Trust.fingerprint(fingerprint), Clock.systemUTC(), 4, Progress.NONE);
            sync.sync(); // the initial copy, before serving
            Mirror mirror = new Mirror(sync, pub, upstream, Clock.systemUTC(), line -> System.out.println(name + ": " + line));
            Downstreams downstreams = new Downstreams(Clock.systemUTC(), line -> System.out.println(name + ": " + line));
            downstreams.start(executor);
            Indexer indexer = SearchOptions.open(root.resolve(name).resolve("index"), pub,
                    line -> System.out.println(name + ": " + line));
            String up = upstream;
            java.util.function.Supplier<List<String>> neighbours = () -> {
                List<String> known = new ArrayList<>(List.of(up));
                known.addAll(downstreams.list());
                return known;
            };
            org.samizdat.seal.Unsealer unsealer = new org.samizdat.seal.Unsealer(pub, neighbours,
                    line -> System.out.println(name + ": " + line)).start();
            ArchiveServer server = new ArchiveServer(new ServerConfig("127.0.0.1", port == 0 ? 0 : port + 1 + i, pub,
                    "samizdat demo (" + name + ")"), mirror::status, mirror::trigger, downstreams,
                    new ReaderSources(indexer, neighbours).withUnsealer(unsealer)).start();
            closing.add(server);
            if (indexer != null) {
                closing.add(indexer);
            }
            String self = server.url();
            boolean last = i == 2;
            mirror.afterSync(r -> {
                if (r.changed()) {
                    downstreams.notifyAllSoon();
                    if (indexer != null) {
                        indexer.check();
                    }
                    if (last && r.manifests() > 0) { // a version with a new release (not only a new mirror list)
                        System.out.printf("%s: version %d reached the end of the chain %.2f s after it was published%n",
                                name, r.timestampVersion(), (System.nanoTime() - publishedAt.get()) / 1e9);
                        lastVersionAtC.set(r.timestampVersion());
                    }
                }
                Downstreams.subscribe(up, self);
                unsealer.afterSync(up);
            });
            String refused = Downstreams.subscribe(up, self);
            if (refused != null) {
                System.out.println(name + ": could not subscribe to " + up + " (" + refused + "); it will only poll");
            }
            mirror.start(executor, Duration.ofSeconds(30));
            String notTaken = org.samizdat.sync.Registrant.register(origin.url(), self, List.of());
            if (notTaken != null) {
                System.out.println(name + ": the registry did not take its registration: " + notTaken);
            }
            urls.add(self);
            upstream = self;
        }
        System.out.println();
        System.out.println("origin   " + origin.url() + "/");
        for (int i = 0; i < 3; i++) {
            System.out.println(names[i] + " " + urls.get(i) + "/   (copies from " + (i == 0 ? "origin" : names[i - 1]) + ")");
        }
        registry.start(executor);
        System.out.println("the origin's registry probes the mirrors every 20 s and signs them into the mirror list: "
                + origin.url() + "/mirrors");
        System.out.println("root fingerprint: " + fingerprint);
        System.out.println("read and search on any node, e.g. " + urls.get(2) + "/search?q=pipeline (no JavaScript needed)");
        System.out.println("try: curl " + urls.get(2) + "/api/status    or    ./samizdat check " + root.resolve("mirror-c"));
        System.out.println("a new release is published every " + every + " s; Ctrl-C stops everything.");
        System.out.println();

        int round = 0;
        while (rounds == 0 || round < rounds) {
            if (done.await(every, TimeUnit.SECONDS)) {
                return Main.OK;
            }
            round++;
            Path batch = root.resolve("corpus-new/round-" + round);
            Corpus.write(batch, 10, 5000 + round, 1);
            stage(archive, batch.resolve("release-1"), "latest");
            publishedAt.set(System.nanoTime());
            Publisher.Release rel = publisher.publish("Update " + round);
            System.out.printf("origin: published %s (%d documents, snapshot %d)%n", rel.id(), rel.documents(), rel.snapshotVersion());
        }
        long want = (Long) new OriginStatus(archive.publicDir(), Clock.systemUTC()).snapshot().get("version");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lastVersionAtC.get() < want && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        boolean reached = lastVersionAtC.get() >= want;
        System.out.println(reached ? "the last release reached mirror-c" : "the last release did not reach mirror-c within 60 s");
        return reached ? Main.OK : Main.ERROR;
    }

    private static void stage(ArchiveDir archive, Path folder, String prefix) throws Exception {
        Intake.Result found = Intake.scan(List.of(folder), prefix, false);
        if (!found.problems().isEmpty()) {
            throw new IllegalStateException("sample corpus has bad names: " + found.problems());
        }
        new Staging(archive.stagingDir()).add(found.items(), Progress.NONE);
    }
}
