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
import org.junit.jupiter.api.Test;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Timestamp;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Targets;

/** {@code fetch}: failover on dead and lying mirrors, hedging past a slow one, archive mode, and never an unverified byte written. */
class FetchIT {
    private static final String DOC = "r0001/docs/doc-2.txt";

    @TempDir
    Path tmp;

    private Fetcher fetcher(TestArchive a, boolean staleOk, List<String> log) {
        return new Fetcher(tmp.resolve("cache"), Trust.fingerprint(a.fingerprint), Clock.systemUTC(),
                Duration.ofSeconds(10), Duration.ofMillis(500), staleOk, log::add);
    }

    private static TestArchive archive(Path dir, Instant start) throws Exception {
        TestArchive a = TestArchive.create(dir, start);
        a.stage("docs", 4);
        a.publish(null);
        return a;
    }

    /** A copy of the archive's public tree whose copy of DOC is tampered with. */
    private Path liar(TestArchive a) throws Exception {
        Path copy = a.copyPublicTree(tmp.resolve("liar"));
        Targets r = Targets.from(Metadata.parse("1.r0001.json", Files.readAllBytes(a.metadata("1.r0001.json")), "targets"));
        Path doc = copy.resolve("targets/r0001/docs/" + r.targets().get(DOC).sha256() + ".doc-2.txt");
        byte[] b = Files.readAllBytes(doc);
        b[0] ^= 1;
        Files.write(doc, b);
        return copy;
    }

    @Test
    void failsOverFromADeadAndALyingMirrorToAnHonestOne() throws Exception {
        TestArchive a = archive(tmp.resolve("a"), Instant.now());
        try (StaticServer honest = new StaticServer(a.publicDir()); StaticServer lying = new StaticServer(liar(a))) {
            List<String> log = new ArrayList<>();
            Path out = tmp.resolve("out.txt");
            Fetcher.Outcome o = fetcher(a, false, log).fetch(DOC,
                    List.of("http://127.0.0.1:1", lying.url(), honest.url()), out);
            assertEquals(honest.url(), o.mirror());
            assertArrayEquals(Files.readAllBytes(a.source("docs", 2)), Files.readAllBytes(out));
            assertTrue(log.stream().anyMatch(l -> l.contains(lying.url()) && l.contains("[target hash]")), log.toString());
            try (var files = Files.list(tmp)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "temp files are removed");
            }
        }
    }

    @Test
    void whenEveryMirrorLiesNothingIsWritten() throws Exception {
        TestArchive a = archive(tmp.resolve("a"), Instant.now());
        try (StaticServer lying = new StaticServer(liar(a))) {
            Path out = tmp.resolve("out.txt");
            SyncException e = assertThrows(SyncException.class,
                    () -> fetcher(a, false, new ArrayList<>()).fetch(DOC, List.of(lying.url()), out));
            assertEquals(SyncException.Kind.VERIFICATION, e.kind());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void aSlowMirrorIsHedgedByTheNext() throws Exception {
        TestArchive a = archive(tmp.resolve("a"), Instant.now());
        try (StaticServer slow = new StaticServer(a.publicDir(), Duration.ofSeconds(8));
             StaticServer fast = new StaticServer(a.publicDir())) {
            List<String> log = new ArrayList<>();
            long t0 = System.nanoTime();
            Fetcher.Outcome o = fetcher(a, false, log).fetch(DOC, List.of(slow.url(), fast.url()), tmp.resolve("out.txt"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(fast.url(), o.mirror());
            assertTrue(ms < 5000, "took " + ms + " ms");
            assertTrue(log.stream().anyMatch(l -> l.contains("is slow")), log.toString());
        }
    }

    @Test
    void expiredMetadataIsRefusedUnlessStaleIsOkAndThenOnlyWithAWarning() throws Exception {
        TestArchive a = archive(tmp.resolve("a"), Instant.now().minus(Duration.ofDays(10)));
        try (StaticServer server = new StaticServer(a.publicDir())) {
            Path out = tmp.resolve("out.txt");
            SyncException e = assertThrows(SyncException.class,
                    () -> fetcher(a, false, new ArrayList<>()).fetch(DOC, List.of(server.url()), out));
            assertTrue(e.getMessage().contains("[freeze]"), e.getMessage());
            assertFalse(Files.exists(out));
            Fetcher.Outcome o = fetcher(a, true, new ArrayList<>()).fetch(DOC, List.of(server.url()), out);
            assertTrue(o.warnings().stream().anyMatch(w -> w.startsWith("timestamp.json: expired")), o.warnings().toString());
            assertArrayEquals(Files.readAllBytes(a.source("docs", 2)), Files.readAllBytes(out));
        }
    }

    /** A copy of the archive's public tree as it is now, served later as a mirror that stopped syncing. */
    private Path frozenCopy(TestArchive a, String name) throws Exception {
        return a.copyPublicTree(tmp.resolve(name));
    }

    @Test
    void aStaleMirrorListedFirstDoesNotFreezeAReaderWhoCanReachAFreshOne() throws Exception {
        TestArchive a = archive(tmp.resolve("a"), Instant.now().minus(Duration.ofDays(10)));
        Path stale = frozenCopy(a, "stale"); // its timestamp expired three days ago
        a.advance(Duration.ofDays(10));
        a.publisher().resign(); // the origin has signed a fresh one
        try (StaticServer old = new StaticServer(stale); StaticServer fresh = new StaticServer(a.publicDir())) {
            List<String> log = new ArrayList<>();
            Fetcher.Outcome o = fetcher(a, true, log).fetch(DOC, List.of(old.url(), fresh.url()), tmp.resolve("out.txt"));
            assertEquals(fresh.url(), o.mirror(), log.toString());
            assertEquals(List.of(), o.warnings(), "no archive mode while a fresh mirror answers");
        }
    }

    @Test
    void archiveModeAsksEveryMirrorAndTakesTheNewestVersionWithATruthfulWarning() throws Exception {
        TestArchive a = archive(tmp.resolve("a"), Instant.now().minus(Duration.ofDays(30)));
        Path older = frozenCopy(a, "older");
        a.advance(Duration.ofDays(5));
        a.publisher().resign(); // newer, but expired too by now
        Path newer = frozenCopy(a, "newer");
        long newest = Timestamp.from(Metadata.parse("timestamp.json", Files.readAllBytes(newer.resolve("metadata/timestamp.json")),
                "timestamp")).version();
        try (StaticServer n = new StaticServer(newer); StaticServer o = new StaticServer(older)) {
            Fetcher.Outcome got = fetcher(a, true, new ArrayList<>()).fetch(DOC, List.of(o.url(), n.url()), tmp.resolve("out.txt"));
            assertEquals(n.url(), got.mirror(), "the newest verified version, though it was asked second");
            assertTrue(got.warnings().stream().anyMatch(w -> w.contains("timestamp version " + newest)
                    && w.contains("no mirror that answered offered metadata that has not expired")), got.warnings().toString());
        }
    }

    @Test
    void archiveModeStillRefusesAnExpiredRoot() throws Exception {
        TestArchive a = archive(tmp.resolve("a"), Instant.now().minus(Duration.ofDays(3 * 365)));
        try (StaticServer server = new StaticServer(a.publicDir())) {
            SyncException e = assertThrows(SyncException.class,
                    () -> fetcher(a, true, new ArrayList<>()).fetch(DOC, List.of(server.url()), tmp.resolve("out.txt")));
            assertTrue(e.getMessage().contains("root.json: expired") && e.getMessage().contains("[freeze]"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("out.txt")));
        }
    }

    @Test
    void theCacheCatchesAMirrorThatRollsBackBetweenRuns() throws Exception {
        TestArchive a = archive(tmp.resolve("a"), Instant.now());
        byte[] old = Files.readAllBytes(a.metadata("timestamp.json"));
        a.stage("more", 1);
        a.publish(null);
        try (StaticServer server = new StaticServer(a.publicDir())) {
            fetcher(a, false, new ArrayList<>()).fetch(DOC, List.of(server.url()), tmp.resolve("one.txt"));
            Files.write(a.metadata("timestamp.json"), old);
            SyncException e = assertThrows(SyncException.class,
                    () -> fetcher(a, false, new ArrayList<>()).fetch(DOC, List.of(server.url()), tmp.resolve("two.txt")));
            assertTrue(e.getMessage().contains("[rollback]"), e.getMessage());
        }
    }
}
