package org.samizdat.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Checker;
import org.samizdat.repo.Keyring;
import org.samizdat.work.Progress;
import org.samizdat.repo.Publisher;
import org.samizdat.server.ArchiveServer;
import org.samizdat.search.Indexer;
import org.samizdat.server.OriginStatus;
import org.samizdat.server.ReaderSources;
import org.samizdat.server.ServerConfig;
import org.samizdat.sync.Downstreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat serve}: run the HTTP node for an archive. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve an archive, its reader's pages and search over HTTP.",
                "Serves /metadata/ and /targets/ (the static TUF tree), the reader's pages (home, releases, documents, search, browse, mirrors, feed.atom), /api/search, /api/status, /healthz and /metrics. Never serves private/. Keeps a search index in DIR/index.",
                "On the publisher's archive it also re-signs timestamp.json before it expires (checked every 10 minutes), with the timestamp key alone: the serving process loads no other key. Ctrl-C stops it."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "An archive (or a directory holding metadata/ and targets/).")
    Path directory;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "The base URL readers reach this node at, shown in the commands on its pages (default: from each request).")
    String publicUrl;

    @Option(names = "--registry",
            description = "Also run the mirror registry (the origin's archive only): take POST /api/mirrors, probe every"
                    + " registered mirror each minute, and sign the mirror list. It loads the mirrors and snapshot keys"
                    + " besides the timestamp key (default: off).")
    boolean registry;

    @Option(names = "--registry-allow-private",
            description = "Let the registry probe loopback and private addresses: for a network on one machine or a LAN"
                    + " (default: refused, so the registry is no scanner of its own network).")
    boolean allowPrivate;

    @Option(names = "--probe-every", defaultValue = "60", paramLabel = "SECONDS",
            description = "How often the registry probes every mirror (default: ${DEFAULT-VALUE}).")
    long probeEvery;

    @Mixin
    PassphraseOptions passphrase;

    @Mixin
    SearchOptions search;

    @Mixin
    FloodOptions flood;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isDirectory(directory)) {
            System.err.println("samizdat: " + directory + " does not exist or is not a directory");
            return Main.USAGE;
        }
        if (!java.nio.file.Files.isDirectory(ArchiveDir.publicTreeOf(directory).resolve("metadata"))) {
            System.err.println("samizdat: " + directory + " holds no archive (no metadata/ in it or in its public/);"
                    + " create one with: samizdat init " + directory);
            return Main.USAGE;
        }
        PortCheck.free(bind, port);
        try {
            ArchiveDir dir = new ArchiveDir(directory);
            Path pub = ArchiveDir.publicTreeOf(directory);
            String name = dir.isArchive() ? String.valueOf(org.samizdat.archive.Json.parseObject(
                    java.nio.file.Files.readAllBytes(dir.configFile())).get("name")) : null;
            Downstreams downstreams = new Downstreams(Clock.systemUTC(), System.out::println);
            Indexer indexer = search.start(directory, pub, System.out::println);
            org.samizdat.registry.Registry reg = null;
            if (registry) {
                if (!dir.isArchive()) {
                    System.err.println("samizdat: --registry runs on the publisher's archive (it signs the mirror list)");
                    return Main.USAGE;
                }
                Publisher signer = passphrase.publisher(dir, Progress.NONE);
                org.samizdat.registry.RegistryConfig d = org.samizdat.registry.RegistryConfig.DEFAULT;
                org.samizdat.registry.RegistryConfig cfg = new org.samizdat.registry.RegistryConfig(
                        java.time.Duration.ofSeconds(Math.max(1, probeEvery)), d.timeout(), d.concurrency(), d.documentsPerProbe(),
                        d.lagAllowance(), d.graceUnreachable(), d.forgetAfter(), d.refreshListEvery(), d.registrationsPerHour(),
                        allowPrivate);
                reg = new org.samizdat.registry.Registry(pub, dir.privateDir().resolve("registry"), publicUrl, cfg,
                        signer::publishMirrorList, Clock.systemUTC(), System.out::println);
                if (publicUrl == null) {
                    System.err.println("warning: without --public-url the signed mirror list cannot say where mirrors register");
                }
            }
            // keys of sealed releases posted here open them here, then go to the nodes that copy from this one
            org.samizdat.seal.Unsealer unsealer = new org.samizdat.seal.Unsealer(pub, downstreams::list, System.out::println).start();
            ArchiveServer server = new ArchiveServer(new ServerConfig(bind, port, pub, name, publicUrl, flood.limits()),
                    new OriginStatus(pub, Clock.systemUTC()), () -> { }, downstreams,
                    new ReaderSources(indexer, downstreams::list, reg).withUnsealer(unsealer)).start();
            ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
            downstreams.start(timer);
            downstreams.watch(pub.resolve("metadata/timestamp.json"), timer);
            if (reg != null) {
                reg.start(timer);
                System.out.println("Mirror registry: mirrors register with POST " + (publicUrl == null ? server.url() : publicUrl)
                        + "/api/mirrors; probing every " + Math.max(1, probeEvery) + " s");
            }
            if (dir.isArchive() && new Keyring(dir.keysDir(), null).has("timestamp")) {
                Publisher publisher = passphrase.publisher(dir, Progress.NONE);
                timer.scheduleWithFixedDelay(() -> {
                    try {
                        Publisher.Resigned r = publisher.renewTimestampIfDue(); // loads the timestamp key only
                        if (r != null) {
                            System.out.println("re-signed " + String.join(", ", r.renewed()));
                            r.warnings().forEach(w -> System.err.println("warning: " + w));
                        }
                    } catch (Exception e) {
                        System.err.println("samizdat: re-signing failed: " + e.getMessage());
                    }
                }, 0, 10, TimeUnit.MINUTES);
            }
            System.out.println("Serving " + pub + " at " + server.url() + "/");
            var fp = Checker.configuredFingerprint(directory);
            if (fp != null) {
                System.out.println("Root fingerprint: " + fp);
            }
            Shutdown.await(timer, server, indexer, reg);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }
}
