package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.work.Progress;
import org.samizdat.repo.TestArchive;

/**
 * The client side of floods: mirror sync and fetch meet 429 and 503 with Retry-After. A sole
 * upstream is waited out as it asks (within a bound); with other mirrors, a busy one is passed over
 * at once; when every mirror is busy, fetch waits and tries again.
 */
class BusyMirrorIT {
    private static final String DOC = "r0001/docs/doc-2.txt";
    /** Every Retry-After the clients waited out, recorded instead of slept. */
    private final List<Duration> slept = java.util.Collections.synchronizedList(new ArrayList<>());
    @TempDir
    Path tmp;
    TestArchive archive;
    final List<HostileMirror> mirrors = new ArrayList<>();

    @BeforeEach
    void publish() throws Exception {
        archive = TestArchive.create(tmp.resolve("origin"), Instant.now());
        archive.stage("docs", 4);
        archive.publish("First");
    }

    @AfterEach
    void stop() {
        mirrors.forEach(HostileMirror::close);
    }

    /** A mirror that answers busy to its first {@code times} requests for timestamp.json (all of them when negative). */
    private HostileMirror busy(int status, String retryAfter, int times) throws Exception {
        AtomicInteger seen = new AtomicInteger();
        HostileMirror m = new HostileMirror(archive.publicDir(), (path, honest) ->
                path.equals("/metadata/timestamp.json") && (times < 0 || seen.getAndIncrement() < times)
                        ? Optional.of(HostileMirror.Response.busy(status, retryAfter)) : Optional.empty());
        mirrors.add(m);
        return m;
    }

    private MirrorSync mirrorOf(HostileMirror upstream) {
        return new MirrorSync(tmp.resolve("mirror/public"), new Upstream(upstream.url(), Duration.ofSeconds(10), Upstream.BUSY_RETRIES, slept::add),
                Trust.fingerprint(archive.fingerprint), Clock.systemUTC(), 4, Progress.NONE);
    }

    private Fetcher fetcher(List<String> log) {
        return new Fetcher(tmp.resolve("cache"), Trust.fingerprint(archive.fingerprint), Clock.systemUTC(),
                Duration.ofSeconds(10), Duration.ofMillis(500), false, log::add, slept::add);
    }

    private static long timestampRequests(HostileMirror m) {
        return m.requests().stream().filter(p -> p.equals("/metadata/timestamp.json")).count();
    }

    @Test
    void aMirrorSyncWaitsOutA429AsRetryAfterAsksAndThenCompletes() throws Exception {
        HostileMirror up = busy(429, "7", 2);
        MirrorSync.Result r = mirrorOf(up).sync();
        assertTrue(r.changed());
        assertEquals(3, timestampRequests(up), "asked twice while busy, then once more");
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), slept, "waited 7 s twice, as Retry-After asked");
    }

    @Test
    void aRetryAfterLongerThanTheBoundIsNotWaitedAndTheErrorSaysBusy() throws Exception {
        HostileMirror up = busy(503, "3600", -1);
        SyncException e = assertThrows(SyncException.class, () -> mirrorOf(up).sync());
        assertTrue(slept.isEmpty(), "an hour's Retry-After is not slept through: " + slept);
        assertEquals(SyncException.Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().contains("HTTP 503 (busy, retry after 3600 s) [busy]") && e.getMessage().contains(up.url()),
                e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("mirror/public/metadata/timestamp.json")), "nothing half-synced is served");
    }

    @Test
    void fetchPassesOverABusyMirrorAtOnceToTheNext() throws Exception {
        HostileMirror busyOne = busy(503, "20", -1);
        HostileMirror honest = new HostileMirror(archive.publicDir(), (path, h) -> Optional.empty());
        mirrors.add(honest);
        Path out = tmp.resolve("out.txt");
        Fetcher.Outcome o = fetcher(new ArrayList<>()).fetch(DOC, List.of(busyOne.url(), honest.url()), out);
        assertTrue(slept.isEmpty(), "no 20 s wait with another mirror to ask: " + slept);
        assertEquals(honest.url(), o.mirror());
        assertArrayEquals(Files.readAllBytes(archive.source("docs", 2)), Files.readAllBytes(out));
    }

    @Test
    void whenEveryMirrorIsBusyFetchWaitsAsTheyAskAndTriesAgain() throws Exception {
        HostileMirror soonFree = busy(429, "1", 1);
        HostileMirror alwaysBusy = busy(503, "1", -1);
        List<String> log = new ArrayList<>();
        Path out = tmp.resolve("out.txt");
        Fetcher.Outcome o = fetcher(log).fetch(DOC, List.of(alwaysBusy.url(), soonFree.url()), out);
        assertEquals(soonFree.url(), o.mirror());
        assertTrue(log.stream().anyMatch(l -> l.contains("every mirror is busy")), log.toString());
        assertTrue(!slept.isEmpty() && slept.stream().allMatch(d -> d.equals(Duration.ofSeconds(1))),
                "the second round waited as the mirrors asked: " + slept);
        assertArrayEquals(Files.readAllBytes(archive.source("docs", 2)), Files.readAllBytes(out));
    }
}
