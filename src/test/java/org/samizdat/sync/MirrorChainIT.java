package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.Checker;
import org.samizdat.work.Progress;
import org.samizdat.repo.State;
import org.samizdat.repo.TestArchive;
import org.samizdat.repo.TufJs;
import org.samizdat.server.ArchiveServer;
import org.samizdat.server.OriginStatus;
import org.samizdat.server.ServerConfig;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Targets;

/** Origin and chained mirrors over real loopback HTTP, each hop verifying against the publisher's keys. */
class MirrorChainIT {
    @TempDir
    Path tmp;
    TestArchive origin;
    final List<ArchiveServer> servers = new ArrayList<>();

    @BeforeEach
    void publish() throws Exception {
        origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("first", 20);
        origin.publish("First");
    }

    @AfterEach
    void stop() throws Exception {
        for (ArchiveServer s : servers) {
            s.close();
        }
    }

    private ArchiveServer serve(Path publicDir) throws Exception {
        ArchiveServer s = new ArchiveServer(new ServerConfig("127.0.0.1", 0, publicDir, "node"),
                new OriginStatus(publicDir, Clock.systemUTC()), () -> { }).start();
        servers.add(s);
        return s;
    }

    private MirrorSync mirrorOf(ArchiveServer upstream, Path dir) throws Exception {
        Files.createDirectories(dir.resolve("public/metadata"));
        return new MirrorSync(dir.resolve("public"), new Upstream(upstream.url(), Duration.ofSeconds(10)),
                Trust.fingerprint(origin.fingerprint), Clock.systemUTC(), 4, Progress.NONE);
    }

    private static Checker.Report check(Path dir) throws Exception {
        return new Checker(dir.resolve("public"), new State(0, 0), null, Instant.now(), true, Progress.NONE).check();
    }

    private String hashedTarget(String release, String path) throws Exception {
        Targets r = Targets.from(Metadata.parse("1." + release + ".json",
                Files.readAllBytes(origin.metadata("1." + release + ".json")), "targets"));
        return r.targets().get(path).sha256();
    }

    @Test
    void aReleaseTravelsOriginToThreeChainedMirrorsAndTufJsVerifiesItAtTheEnd() throws Exception {
        ArchiveServer o = serve(origin.publicDir());
        Path[] dirs = {tmp.resolve("a"), tmp.resolve("b"), tmp.resolve("c")};
        MirrorSync[] syncs = new MirrorSync[3];
        ArchiveServer upstream = o;
        for (int i = 0; i < 3; i++) {
            syncs[i] = mirrorOf(upstream, dirs[i]);
            MirrorSync.Result r = syncs[i].sync();
            assertTrue(r.changed());
            assertEquals(22, r.documents()); // 20 documents, the release manifest and its torrent
            upstream = serve(dirs[i].resolve("public"));
        }
        origin.stage("second", 7);
        origin.publish("Second");
        long egressBefore = o.fileBytesSent();
        long start = System.nanoTime();
        long documentBytes = 0;
        for (MirrorSync s : syncs) {
            MirrorSync.Result r = s.sync();
            assertEquals(9, r.documents(), "only the new release's documents travel (7, its manifest and torrent)");
            documentBytes = r.bytes();
        }
        System.out.printf("release reached the third mirror in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        // The release as published: its documents plus the metadata files it added or replaced.
        long releaseBytes = documentBytes;
        for (String f : List.of("timestamp.json", "3.snapshot.json", "3.releases.json", "1.r0002.json")) {
            releaseBytes += Files.size(origin.metadata(f));
        }
        long egress = o.fileBytesSent() - egressBefore;
        System.out.printf("origin egress for the release through 3 chained mirrors: %,d bytes (release: %,d bytes)%n",
                egress, releaseBytes);
        assertTrue(egress <= 2 * releaseBytes, "origin sent " + egress + " bytes for a release of " + releaseBytes);
        assertTrue(egress >= documentBytes, "the first mirror fetched the documents from the origin");
        for (Path d : dirs) {
            Checker.Report r = check(d);
            assertTrue(r.ok(), d + ": " + r.problems());
            assertEquals(31, r.targets());
        }
        assertFalse(syncs[2].sync().changed(), "a second sync finds nothing new");
        Path out = tmp.resolve("from-c");
        TufJs.Result r = TufJs.run(servers.get(3).url(), origin.metadata("1.root.json"), tmp.resolve("tufjs"),
                Map.of("r0002/second/doc-3.txt", out));
        assertTrue(r.ok(), r.error() + ": " + r.message());
        assertArrayEquals(Files.readAllBytes(origin.source("second", 3)), Files.readAllBytes(out));
    }

    @Test
    void aMirrorRefusesATamperedDocumentNamesItsUpstreamAndKeepsServingThePreviousVersion() throws Exception {
        ArchiveServer o = serve(origin.publicDir());
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        mirrorOf(o, a).sync();
        ArchiveServer aServer = serve(a.resolve("public"));
        MirrorSync bSync = mirrorOf(aServer, b);
        bSync.sync();
        byte[] before = Files.readAllBytes(b.resolve("public/metadata/timestamp.json"));

        origin.stage("second", 3);
        origin.publish("Second");
        mirrorOf(o, a).sync();
        String sha = hashedTarget("r0002", "r0002/second/doc-1.txt");
        Path onA = a.resolve("public/targets/r0002/second/" + sha + ".doc-1.txt");
        byte[] bytes = Files.readAllBytes(onA);
        bytes[2] ^= 0x01; // A turns liar
        Files.write(onA, bytes);

        SyncException e = assertThrows(SyncException.class, bSync::sync);
        assertEquals(SyncException.Kind.VERIFICATION, e.kind());
        assertTrue(e.getMessage().contains(aServer.url()), e.getMessage());
        assertTrue(e.getMessage().contains("doc-1.txt") && e.getMessage().contains("[target hash]"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(b.resolve("public/metadata/timestamp.json")), "B still serves version 2");
        assertFalse(Files.exists(b.resolve("public/targets/r0002/second/" + sha + ".doc-1.txt")));
        assertTrue(check(b).ok(), check(b).problems().toString());
    }

    @Test
    void aWrongFingerprintOrARolledBackUpstreamIsRefused() throws Exception {
        ArchiveServer o = serve(origin.publicDir());
        MirrorSync wrong = new MirrorSync(tmp.resolve("w/public"), new Upstream(o.url(), Duration.ofSeconds(5)),
                Trust.fingerprint("00".repeat(32)), Clock.systemUTC(), 2, Progress.NONE);
        assertTrue(assertThrows(SyncException.class, wrong::sync).getMessage().contains("[trusted root]"));

        Path m = tmp.resolve("m");
        byte[] old = Files.readAllBytes(origin.metadata("timestamp.json"));
        origin.stage("second", 2);
        origin.publish(null);
        mirrorOf(o, m).sync();
        Files.write(origin.metadata("timestamp.json"), old); // the upstream now serves an older, validly signed timestamp
        SyncException e = assertThrows(SyncException.class, () -> mirrorOf(o, m).sync());
        assertTrue(e.getMessage().contains("[rollback]"), e.getMessage());
        assertTrue(check(m).ok());
    }

    @Test
    void anUnreachableUpstreamIsReportedAsSuch() throws Exception {
        MirrorSync s = new MirrorSync(tmp.resolve("x/public"), new Upstream("http://127.0.0.1:1", Duration.ofSeconds(2)),
                Trust.fingerprint(origin.fingerprint), Clock.systemUTC(), 2, Progress.NONE);
        assertEquals(SyncException.Kind.UNREACHABLE, assertThrows(SyncException.class, s::sync).kind());
    }

    @Test
    void whenThePublisherFallsSilentAMirrorKeepsServingAndSaysItIsInArchiveMode() throws Exception {
        ArchiveServer o = serve(origin.publicDir());
        Path m = tmp.resolve("m");
        mirrorOf(o, m).sync();
        byte[] served = Files.readAllBytes(m.resolve("public/metadata/timestamp.json"));
        // eight days later: the publisher has not re-signed, its 7-day timestamp has expired
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(8)), java.time.ZoneOffset.UTC);
        MirrorSync sync = new MirrorSync(m.resolve("public"), new Upstream(o.url(), Duration.ofSeconds(5)),
                Trust.fingerprint(origin.fingerprint), later, 2, Progress.NONE);
        Mirror mirror = new Mirror(sync, m.resolve("public"), o.url(), later, line -> { });
        // no node it knows has fresh metadata: archive mode keeps the last verified version (nothing newer exists)
        MirrorSync.Result r0 = mirror.syncNow();
        assertTrue(r0 != null && !r0.changed(), "the expired upstream offers nothing newer: " + r0);
        java.util.Map<String, Object> status = mirror.status();
        assertEquals(true, status.get("archive_mode"), status.toString());
        assertEquals("mirror", status.get("role"));
        assertArrayEquals(served, Files.readAllBytes(m.resolve("public/metadata/timestamp.json")));
        ArchiveServer node = serve(m.resolve("public"));
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url() + "/metadata/timestamp.json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertArrayEquals(served, r.body(), "the last verified version is still served");
    }

    @Test
    void aMirrorGivesBackTheHeapOfItsFirstSyncWhichVerifiedEveryRoleItHeldAndNotOfSmallSyncs() throws Exception {
        ArchiveServer o = serve(origin.publicDir());
        Path m = tmp.resolve("m");
        mirrorOf(o, m).sync(); // a copy made before this process, as after a restart
        Mirror mirror = new Mirror(mirrorOf(o, m), m.resolve("public"), o.url(), Clock.systemUTC(), line -> { });
        java.util.concurrent.atomic.AtomicInteger gaveBack = new java.util.concurrent.atomic.AtomicInteger();
        mirror.afterLargeJob(gaveBack::incrementAndGet);
        MirrorSync.Result first = mirror.syncNow();
        assertFalse(first.changed(), "nothing new upstream: " + first);
        assertEquals(1, gaveBack.get(), "the first sync verified every held role: its heap is given back");
        assertFalse(mirror.syncNow().changed());
        origin.stage("small", 2);
        origin.publish(null);
        assertTrue(mirror.syncNow().changed());
        assertEquals(1, gaveBack.get(), "a sync that found nothing, and one of two documents, are not large jobs");
    }
}
