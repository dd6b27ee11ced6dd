package org.samizdat.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.Checker;
import org.samizdat.repo.MirrorList;
import org.samizdat.repo.Publisher;
import org.samizdat.repo.State;
import org.samizdat.repo.TestArchive;
import org.samizdat.server.ArchiveServer;
import org.samizdat.server.OriginStatus;
import org.samizdat.server.ReaderSources;
import org.samizdat.server.ServerConfig;
import org.samizdat.store.FileStore;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.Registrant;
import org.samizdat.sync.Trust;
import org.samizdat.sync.Upstream;
import org.samizdat.tuf.RootFingerprint;
import org.samizdat.work.Progress;

/**
 * The network survives its origin: an origin running the registry and six mirrors that register
 * over HTTP; the signed list carries them and tuf-js verifies it; then the origin and five mirrors die and the origin's
 * host name stops resolving. A {@code fetch} (its own JVM, names resolved only from a hosts file)
 * that ran once before, given only the dead origin's URL, gets a document verified from the
 * survivor; a new mirror bootstraps from the survivor and {@code check} passes on it.
 */
class NetworkIT {
    private static final String ORIGIN_NAME = "origin.samizdat.test";
    private static final String DOC = "r0001/docs/doc-2.txt";

    @TempDir
    Path tmp;

    private record Run(int exit, String output) {
    }

    /** {@code samizdat fetch} in its own JVM, resolving names only through {@code hosts}. */
    private Run fetch(Path hosts, String from, String fingerprint, Path out) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Djdk.net.hosts.file=" + hosts, "-cp",
                System.getProperty("java.class.path"), "org.samizdat.cli.Main", "fetch", DOC, "--from", from,
                "--fingerprint", fingerprint, "--cache", tmp.resolve("reader-cache").toString(), "-o", out.toString()));
        Path log = Files.createTempFile(tmp, "fetch", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "fetch did not finish");
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static MirrorSync.Result sync(Path dir, String from, TestArchive origin) throws Exception {
        return new MirrorSync(dir, new Upstream(from, Duration.ofSeconds(5)), Trust.fingerprint(origin.fingerprint),
                Clock.systemUTC(), 2, Progress.NONE).sync();
    }

    @Test
    void aReaderWhoFetchedOnceFindsTheLastSurvivingMirrorWhenTheOriginAndItsNameAreGone() throws Exception {
        TestArchive origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 4);
        origin.publish("cables");
        RegistryConfig config = new RegistryConfig(Duration.ofMinutes(1), Duration.ofSeconds(3), 8, 2, Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(1), 10, true);
        Registry registry = new Registry(origin.publicDir(), tmp.resolve("registry"), null, config,
                l -> origin.publisher().publishMirrorList(l), Clock.systemUTC(), line -> { });
        ArchiveServer originServer = new ArchiveServer(new ServerConfig("127.0.0.1", 0, origin.publicDir(), "origin"),
                new OriginStatus(origin.publicDir(), Clock.systemUTC()), () -> { }, null,
                new ReaderSources(null, List::of, registry)).start();
        String originUrl = originServer.url();
        List<ArchiveServer> mirrors = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Path dir = tmp.resolve("mirror-" + i);
                sync(dir, originUrl, origin);
                ArchiveServer m = new ArchiveServer(new ServerConfig("127.0.0.1", 0, dir, "mirror " + i),
                        new OriginStatus(dir, Clock.systemUTC()), () -> { }).start();
                mirrors.add(m);
                dirs.add(dir);
                assertNull(Registrant.register(originUrl, m.url(), List.of()), "registered over POST /api/mirrors");
            }
            Registry.Cycle c = registry.probeAll();
            assertEquals(6, c.listed(), registry.known().toString());
            for (int i = 0; i < 6; i++) {
                sync(dirs.get(i), originUrl, origin); // every mirror now carries the signed list
            }
            MirrorList list = Publisher.mirrorList(new FileStore(dirs.get(5)));
            assertEquals(6, list.mirrors().size());
            // an independent TUF client verifies the list as a target, from a mirror
            org.samizdat.repo.TufJs.Result tufJs = org.samizdat.repo.TufJs.run(mirrors.get(3).url(), origin.metadata("1.root.json"),
                    tmp.resolve("tufjs"), java.util.Map.of(MirrorList.PATH, tmp.resolve("list.json")));
            assertTrue(tufJs.ok(), tufJs.error() + ": " + tufJs.message());
            assertEquals(6, MirrorList.parse(Files.readAllBytes(tmp.resolve("list.json"))).mirrors().size());

            // a reader fetches once, through the origin's name
            int port = Integer.parseInt(originUrl.substring(originUrl.lastIndexOf(':') + 1));
            String named = "http://" + ORIGIN_NAME + ":" + port;
            Path hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 " + ORIGIN_NAME + "\n");
            Run first = fetch(hosts, named, origin.fingerprint, tmp.resolve("first.txt"));
            assertEquals(0, first.exit(), first.output());
            assertTrue(Files.exists(tmp.resolve("reader-cache")), "the verified list is kept with the trusted state");
        } finally {
            originServer.close();
            registry.close();
            for (int i = 0; i < 5; i++) {
                mirrors.get(i).close();
            }
        }
        ArchiveServer survivor = mirrors.get(5);
        try (survivor) {
            // the origin is down and its name no longer resolves; only mirror 5 still answers
            int port = Integer.parseInt(originUrl.substring(originUrl.lastIndexOf(':') + 1));
            Path noNames = Files.writeString(tmp.resolve("hosts-after"), "127.0.0.1 unrelated.samizdat.test\n");
            Run after = fetch(noNames, "http://" + ORIGIN_NAME + ":" + port, origin.fingerprint, tmp.resolve("after.txt"));
            assertEquals(0, after.exit(), after.output());
            assertTrue(after.output().contains(survivor.url()), "served by the survivor: " + after.output());
            assertArrayEquals(Files.readAllBytes(origin.source("docs", 2)), Files.readAllBytes(tmp.resolve("after.txt")));

            // a new mirror given the survivor bootstraps fully, and check passes on it
            Path fresh = tmp.resolve("fresh");
            MirrorSync.Result r = sync(fresh, survivor.url(), origin);
            assertTrue(r.changed());
            Checker.Report report = new Checker(fresh, new State(0, 0), RootFingerprint.parse(origin.fingerprint), Instant.now(),
                    true, Progress.NONE).check();
            assertTrue(report.ok(), report.problems().toString());
            assertEquals(4 + 2 + 1, report.targets(), "every document, the manifest, the torrent and the mirror list: " + report);
            assertEquals("4 document(s) (+2 release files) (+1 signed list)", report.documents(), "the list is no document");
        }
    }
}
