package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.samizdat.sync.Trust;
import org.samizdat.archive.Json;
import org.samizdat.work.Progress;
import org.samizdat.repo.TestArchive;
import org.samizdat.search.SampleArchive;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.Upstream;

/** A mirror's search index follows what the mirror serves: a new release is searchable there once it arrives. */
class MirrorSearchIT {
    @Test
    void afterANewReleaseReachesAMirrorASearchThereFindsItsDocuments(@TempDir Path tmp) throws Exception {
        TestArchive origin = SampleArchive.create(tmp.resolve("origin"), 30, Instant.now());
        try (ArchiveServer o = new ArchiveServer(new ServerConfig("127.0.0.1", 0, origin.publicDir(), "origin"),
                new OriginStatus(origin.publicDir(), Clock.systemUTC()), () -> { }).start()) {
            Path pub = tmp.resolve("mirror/public");
            Files.createDirectories(pub.resolve("metadata"));
            MirrorSync sync = new MirrorSync(pub, new Upstream(o.url(), Duration.ofSeconds(10)),
                    Trust.fingerprint(origin.fingerprint), Clock.systemUTC(), 4, Progress.NONE);
            sync.sync();
            try (ReaderServer mirror = new ReaderServer(pub, tmp.resolve("mirror/index"), List.of(o.url()))) {
                mirror.indexer.start(); // from here on it follows timestamp.json by itself
                assertEquals(0L, search(mirror, "latebatch").get("total"));
                assertEquals(2 * 30 + 4L, search(mirror, "").get("total"));

                origin.stage("latebatch", 7);
                origin.publish("Third release");
                assertTrue(sync.sync().changed());

                Map<String, Object> found = Map.of();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    found = search(mirror, "latebatch");
                    if ((Long) found.get("total") == 7) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals(7L, found.get("total"), "the new release is searchable on the mirror");
                for (Object h : (List<?>) found.get("hits")) {
                    assertEquals("r0003", ((Map<?, ?>) h).get("release"));
                }
                assertEquals(2 * 30 + 4 + 7L, search(mirror, "").get("total"), "and nothing was indexed twice");
            }
        }
    }

    private static Map<String, Object> search(ReaderServer node, String q) throws Exception {
        var r = node.get("/api/search?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        return Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8));
    }
}
