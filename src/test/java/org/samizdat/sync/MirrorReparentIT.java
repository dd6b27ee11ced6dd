package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.MirrorList;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;
import org.samizdat.work.Progress;

/**
 * A mirror finds its place from the signed mirror list: after its first sync from the origin it
 * copies from a listed mirror older than itself, and when that one dies it moves to another, and
 * back to the origin when no listed one is left.
 */
class MirrorReparentIT {
    @TempDir
    Path tmp;

    private static MirrorList.Entry entry(String url, Instant firstSeen) {
        return new MirrorList.Entry(List.of(url), firstSeen, firstSeen, 1, 0, 10);
    }

    @Test
    void aParentIsAlwaysOlderSoTheCopiesFormATreeWithoutCycles() {
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        MirrorList list = new MirrorList(t, null, List.of(entry("http://a", t), entry("http://b", t.plusSeconds(10)),
                entry("http://c", t.plusSeconds(20))));
        assertNull(ParentChoice.choose(list, "http://a", List.of(), new Random(1)), "the oldest copies from the origin");
        assertEquals("http://a", ParentChoice.choose(list, "http://b", List.of(), new Random(1)));
        Set<String> seen = new java.util.HashSet<>();
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            seen.add(ParentChoice.choose(list, "http://c", List.of(), random));
        }
        assertEquals(Set.of("http://a", "http://b"), seen, "any older one, at random");
        assertEquals("http://b", ParentChoice.choose(list, "http://c", List.of("http://a"), new Random(1)));
        assertNotNull(ParentChoice.choose(list, null, List.of(), new Random(1)), "an unlisted mirror may copy from any listed one");
    }

    @Test
    void aMirrorMovesToAnotherListedMirrorWhenItsUpstreamDiesAndBackToTheOriginAtLast() throws Exception {
        TestArchive origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 3);
        origin.publish("one");
        Trust trust = Trust.fingerprint(origin.fingerprint);
        try (StaticServer o = new StaticServer(origin.publicDir())) {
            Path a = tmp.resolve("a");
            Path b = tmp.resolve("b");
            new MirrorSync(a, new Upstream(o.url(), Duration.ofSeconds(5)), trust, Clock.systemUTC(), 2, Progress.NONE).sync();
            new MirrorSync(b, new Upstream(o.url(), Duration.ofSeconds(5)), trust, Clock.systemUTC(), 2, Progress.NONE).sync();
            StaticServer sa = new StaticServer(a);
            StaticServer sb = new StaticServer(b);
            try {
                Instant t = Instant.now();
                origin.publisher().publishMirrorList(new MirrorList(t, null, List.of(entry(sa.url(), t.minusSeconds(60)),
                        entry(sb.url(), t.minusSeconds(30)))));
                Path m = tmp.resolve("m");
                Mirror mirror = new Mirror(new MirrorSync(m, new Upstream(o.url(), Duration.ofSeconds(5)), trust,
                        Clock.systemUTC(), 2, Progress.NONE), m, o.url(), Clock.systemUTC(), line -> { });
                mirror.findParents("http://127.0.0.1:1");
                assertNotNull(mirror.syncNow());
                String first = mirror.upstream();
                assertTrue(Set.of(sa.url(), sb.url()).contains(first), "moved to a listed mirror: " + first);
                StaticServer chosen = first.equals(sa.url()) ? sa : sb;
                StaticServer other = chosen == sa ? sb : sa;
                // the listed mirrors have not synced the list's version yet; the chosen one now dies
                chosen.close();
                for (int i = 0; i < Mirror.FAILURES_BEFORE_REPARENT; i++) {
                    assertNull(mirror.syncNow());
                }
                assertEquals(other.url(), mirror.upstream(), "moved to the other listed mirror");
                other.close();
                for (int i = 0; i < Mirror.FAILURES_BEFORE_REPARENT; i++) {
                    assertNull(mirror.syncNow());
                }
                assertEquals(o.url(), mirror.upstream(), "no listed mirror left: back to the upstream it was given");
                assertNotNull(mirror.syncNow(), "and it syncs again");
            } finally {
                sa.close(); // closing a stopped server again is harmless
                sb.close();
            }
        }
    }
}
