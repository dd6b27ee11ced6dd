package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.Checker;
import org.samizdat.repo.KeyChange;
import org.samizdat.repo.State;
import org.samizdat.repo.TestArchive;
import org.samizdat.sync.Fetcher;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.SyncException;
import org.samizdat.sync.Trust;
import org.samizdat.sync.Upstream;
import org.samizdat.work.Progress;

/**
 * A document withdrawn with the offline targets key leaves a mirror: its file is deleted, search
 * no longer finds it, its page is a 410 with the signed reason, and fetch refuses it.
 */
class WithdrawalIT {
    private static final String DOC = "r0001/docs/doc-1.txt";

    @Test
    void aWithdrawnDocumentLeavesTheMirrorItsSearchAndFetchAndItsPageShowsTheSignedNotice(@TempDir Path tmp) throws Exception {
        TestArchive origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 3);
        origin.publish("cables");
        String stored = "targets/r0001/docs/" + Sha256.hex(Files.readAllBytes(origin.source("docs", 1))) + ".doc-1.txt";
        try (ArchiveServer o = new ArchiveServer(new ServerConfig("127.0.0.1", 0, origin.publicDir(), "origin"),
                new OriginStatus(origin.publicDir(), Clock.systemUTC()), () -> { }).start()) {
            Path pub = tmp.resolve("mirror/public");
            Files.createDirectories(pub.resolve("metadata"));
            MirrorSync sync = new MirrorSync(pub, new Upstream(o.url(), Duration.ofSeconds(10)),
                    Trust.fingerprint(origin.fingerprint), Clock.systemUTC(), 2, Progress.NONE);
            sync.sync();
            try (ReaderServer mirror = new ReaderServer(pub, tmp.resolve("mirror/index"), List.of(o.url()))) {
                mirror.indexer.start();
                assertEquals(1L, search(mirror, "DOCS1").get("total"));
                assertEquals(200, mirror.get("/doc/" + DOC).statusCode());

                new KeyChange(origin.publisher()).withdraw(DOC, "It names a source who is still at risk.");
                assertTrue(sync.sync().changed());

                assertFalse(Files.exists(pub.resolve(stored)), "the mirror deleted the withdrawn document");
                assertEquals(404, mirror.get("/" + stored).statusCode());
                var page = mirror.get("/doc/" + DOC);
                assertEquals(410, page.statusCode());
                assertTrue(page.body().contains("It names a source who is still at risk."), page.body());
                assertTrue(mirror.get("/releases/r0001").body().contains("It names a source who is still at risk."));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while ((Long) search(mirror, "DOCS1").get("total") != 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100); // the indexer follows timestamp.json by itself
                }
                assertEquals(0L, search(mirror, "DOCS1").get("total"), "search no longer finds it");
                assertEquals(1L, search(mirror, "DOCS2").get("total"), "the rest of the release is still there");

                Fetcher fetch = new Fetcher(tmp.resolve("cache"), Trust.fingerprint(origin.fingerprint), Clock.systemUTC(),
                        Duration.ofSeconds(5), Duration.ofSeconds(5), false, line -> { });
                SyncException e = assertThrows(SyncException.class, () -> fetch.fetch(DOC, List.of(mirror.url()), tmp.resolve("out")));
                assertTrue(e.getMessage().contains("withdrawn by the publisher") && e.getMessage().contains("still at risk"),
                        e.getMessage());
                assertFalse(Files.exists(tmp.resolve("out")));
                Checker.Report report = new Checker(pub, new State(0, 0), org.samizdat.tuf.RootFingerprint.parse(origin.fingerprint),
                        Instant.now(), true, Progress.NONE).check();
                assertTrue(report.ok(), report.problems().toString());
            }
        }
    }

    private static Map<String, Object> search(ReaderServer node, String q) throws Exception {
        var r = node.get("/api/search?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        return Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8));
    }
}
