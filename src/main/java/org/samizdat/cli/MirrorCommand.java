package org.samizdat.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.samizdat.sync.Trust;
import org.samizdat.search.Indexer;
import org.samizdat.server.ArchiveServer;
import org.samizdat.server.ReaderSources;
import org.samizdat.server.ServerConfig;
import org.samizdat.sync.Downstreams;
import org.samizdat.sync.Mirror;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.SyncException;
import org.samizdat.sync.Upstream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat mirror}: copy an archive from any upstream, verified, keep it fresh, and serve it. */
@Command(name = "mirror", mixinStandardHelpOptions = true,
        description = {"Copy an archive from UPSTREAM, keep it fresh, and serve it.",
                "UPSTREAM is the origin or any other mirror. Trust comes from the publisher's root fingerprint (or root file), never from the upstream: every document is checked against its signed length and sha256 before it is stored, and a new version becomes visible all at once (documents, metadata, timestamp.json last).",
                "A failed or interrupted sync leaves the previous version served; the next run resumes where it stopped."})
final class MirrorCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "UPSTREAM", description = "Base URL of the upstream node, e.g. http://127.0.0.1:8080")
    String upstream;

    @Parameters(index = "1", paramLabel = "DIR", description = "The mirror's directory (created if missing).")
    Path directory;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TrustOption trust;

    static final class TrustOption {
        @Option(names = "--fingerprint", paramLabel = "FP", description = "sha256 of the archive's 1.root.json (as `init` printed it).")
        String fingerprint;

        @Option(names = "--root", paramLabel = "FILE", description = "The archive's 1.root.json, obtained out of band.")
        Path root;

        Trust toTrust() throws java.io.IOException {
            return new Trust(fingerprint == null ? null : org.samizdat.tuf.RootFingerprint.parse(fingerprint), root == null ? null : Files.readAllBytes(root));
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The exit codes for a sync or fetch that failed (3 lied, 4 unreachable, 1 this machine). */
    static int exitCode(SyncException e) {
        return switch (e.kind()) {
            case UNREACHABLE -> Main.NO_UPSTREAM;
            case VERIFICATION -> Main.VERIFICATION_FAILED;
            case LOCAL -> Main.ERROR;
        };
    }

    @Option(names = "--once", description = "Sync once and exit (exit 3: the upstream lied; 4: no upstream reachable).")
    boolean once;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "TCP port to serve on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--interval", defaultValue = "60", paramLabel = "SECONDS", description = "Poll the upstream this often, plus up to 20%% jitter (default: ${DEFAULT-VALUE}).")
    long interval;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "This mirror's own base URL; the upstream is asked to notify it of new versions (default: none, and the mirror only polls).")
    String publicUrl;

    @Option(names = "--registry", paramLabel = "URL",
            description = "Register this mirror (its --public-url) with the mirror registry at URL, hourly (default: the"
                    + " registry the signed mirror list names, when --public-url is given).")
    String registry;

    @Option(names = "--also", paramLabel = "URL",
            description = "Another URL of this same mirror to list (a .onion address, an IP-literal URL); repeat it (default: none).")
    java.util.List<String> also = new java.util.ArrayList<>();

    @Option(names = "--stay", description = "Always copy from UPSTREAM; by default, after the first sync the mirror copies"
            + " from a listed mirror older than itself (the network grows as a tree), and moves to another listed one when its"
            + " upstream fails 3 times in a row.")
    boolean stay;

    @Option(names = "--parallel", defaultValue = "4", paramLabel = "N", description = "Documents downloaded at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @picocli.CommandLine.Mixin
    SearchOptions search;

    @picocli.CommandLine.Mixin
    FloodOptions flood;

    @Override
    public Integer call() throws Exception {
        Trust t = trust.toTrust();
        Upstream up = new Upstream(upstream, Duration.ofSeconds(30)); // a bad URL is refused before anything is made
        if (!once) {
            PortCheck.free(bind, port);
        }
        Path pub = directory.resolve("public");
        // What this run creates, so a first contact that fails leaves nothing behind.
        Path created = Files.exists(directory) ? (Files.exists(pub) ? null : pub) : directory;
        Files.createDirectories(pub.resolve("metadata"));
        Files.createDirectories(pub.resolve("targets"));
        boolean hasVersion = Files.exists(pub.resolve("metadata/timestamp.json"));
        if (once || !hasVersion) {
            // --once, or a first copy: sync in the foreground, with progress on a terminal
            MirrorSync first = new MirrorSync(pub, up, t, Clock.systemUTC(), parallel, TerminalProgress.onStderr());
            String resume = hasVersion ? "The previous version is still served; run the same command again to resume."
                    : "Run the same command again to resume: documents already fetched and verified are kept.";
            try {
                MirrorSync.Result r = Interruption.sayingOnStop(resume, () -> {
                    try {
                        return first.sync();
                    } catch (SyncException e) {
                        if (!org.samizdat.sync.ArchiveMode.isFreeze(e)) {
                            throw e;
                        }
                        // a first copy of an archive whose publisher went silent: archive mode, loudly
                        return org.samizdat.sync.ArchiveMode.recover(first, java.util.List.of(), System.err::println).result();
                    }
                });
                System.out.printf(r.changed() ? "Synced version %d (snapshot %d) from %s: %s, %,d bytes.%n"
                        : "Up to date at version %d (snapshot %d) with %s.%n",
                        r.timestampVersion(), r.snapshotVersion(), up.url(), r.newDocuments(), r.bytes());
            } catch (SyncException e) {
                System.err.println("samizdat: " + e.getMessage());
                if (created != null && !Files.exists(pub.resolve("metadata/1.root.json"))) {
                    deleteTree(created); // the first contact failed: nothing of this run stays
                }
                return exitCode(e);
            }
            if (once) {
                return Main.OK;
            }
        }
        MirrorSync sync = new MirrorSync(pub, up, t, Clock.systemUTC(), parallel, org.samizdat.work.Progress.NONE);
        Mirror mirror = new Mirror(sync, pub, up.url(), Clock.systemUTC(), line -> System.out.println(line));
        if (!stay) {
            mirror.findParents(publicUrl);
        }
        org.samizdat.sync.Registrant registrant = publicUrl == null ? null
                : new org.samizdat.sync.Registrant(publicUrl, also, registry, Clock.systemUTC(), line -> System.out.println(line));
        Downstreams downstreams = new Downstreams(Clock.systemUTC(), line -> System.out.println(line));
        Indexer indexer = search.start(directory, pub, line -> System.out.println(line));
        java.util.function.Supplier<java.util.List<String>> neighbours = () -> {
            java.util.List<String> known = new java.util.ArrayList<>(java.util.List.of(mirror.upstream()));
            known.addAll(downstreams.list());
            return known;
        };
        // keys of sealed releases: posted here or found upstream, checked, opened here, passed to the neighbours
        org.samizdat.seal.Unsealer unsealer = new org.samizdat.seal.Unsealer(pub, neighbours, System.out::println).start();
        ArchiveServer server = new ArchiveServer(new ServerConfig(bind, port, pub, "samizdat mirror", publicUrl, flood.limits()), mirror::status,
                mirror::trigger, downstreams, new ReaderSources(indexer, neighbours).withUnsealer(unsealer)).start();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
        downstreams.start(executor);
        mirror.afterSync(r -> {
            if (r.changed()) {
                downstreams.notifyAllSoon();
                if (indexer != null) {
                    indexer.check(); // index the new version now rather than at the next tick
                }
            }
            unsealer.afterSync(mirror.upstream());
            if (publicUrl != null) {
                Downstreams.subscribe(mirror.upstream(), publicUrl);
            }
            if (registrant != null) {
                try {
                    registrant.maybeRegister(org.samizdat.repo.Catalog.open(new org.samizdat.store.FileStore(pub)).mirrorList());
                } catch (Exception e) {
                    System.out.println("cannot read the signed mirror list: " + e.getMessage());
                }
            }
        });
        mirror.start(executor, Duration.ofSeconds(Math.max(1, interval)));
        System.out.println("Mirroring " + up.url() + " into " + directory + "; serving at " + server.url() + "/");
        Shutdown.await(executor, server, indexer);
        return Main.OK;
    }
}
