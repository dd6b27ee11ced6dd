package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.MirrorList;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;
import org.samizdat.work.Progress;

/**
 * Archive mode for mirrors: a new mirror bootstraps from a node whose every timestamp has expired
 * (the publisher went silent), with a warning; and once it knows a node with fresh metadata it
 * moves there rather than stay frozen on the stale one it was given first.
 */
class MirrorArchiveModeIT {
    @TempDir
    Path tmp;

    @Test
    void aMirrorBootstrapsFromExpiredMetadataOnlyWhileNoKnownNodeHasFreshMetadata() throws Exception {
        Instant now = Instant.now();
        TestArchive origin = TestArchive.create(tmp.resolve("origin"), now.minus(Duration.ofDays(40)));
        origin.stage("docs", 3);
        origin.publish("old");
        Path staleDir = Files.createDirectories(tmp.resolve("stale"));
        Path freshDir = Files.createDirectories(tmp.resolve("fresh"));
        try (StaticServer stale = new StaticServer(staleDir); StaticServer fresh = new StaticServer(freshDir)) {
            Instant then = origin.now();
            origin.publisher().publishMirrorList(new MirrorList(then, null, List.of(
                    new MirrorList.Entry(List.of(stale.url()), then, then, 3, 0, 5),
                    new MirrorList.Entry(List.of(fresh.url()), then.plusSeconds(1), then.plusSeconds(1), 3, 0, 5))));
            origin.copyPublicTree(staleDir); // the version whose timestamp (7 days) and snapshot (30 days) have expired
            origin.advance(Duration.ofDays(40));
            origin.publisher().resign(); // the publisher signs again, and only one node has it
            origin.copyPublicTree(freshDir);

            List<String> log = new ArrayList<>();
            Path m = tmp.resolve("m");
            Mirror mirror = new Mirror(new MirrorSync(m, new Upstream(stale.url(), Duration.ofSeconds(5)),
                    Trust.fingerprint(origin.fingerprint), Clock.systemUTC(), 2, Progress.NONE), m, stale.url(), Clock.systemUTC(),
                    log::add);
            MirrorSync.Result first = mirror.syncNow();
            assertNotNull(first, log.toString());
            assertTrue(first.expired(), "archive mode: the only node it knows has only expired metadata");
            assertTrue(log.stream().anyMatch(l -> l.startsWith("WARNING: archive mode")), log.toString());
            assertEquals(true, mirror.status().get("archive_mode"));

            // now it holds the signed list and asks the fresh node, instead of staying frozen on the stale one
            MirrorSync.Result second = mirror.syncNow();
            assertNotNull(second, log.toString());
            assertFalse(second.expired());
            assertEquals(fresh.url(), mirror.upstream(), log.toString());
            assertEquals(false, mirror.status().get("archive_mode"));
        }
    }
}
