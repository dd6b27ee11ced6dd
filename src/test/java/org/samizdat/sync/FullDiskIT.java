package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;
import org.samizdat.repo.Checker;
import org.samizdat.work.Progress;
import org.samizdat.repo.State;
import org.samizdat.repo.TestArchive;
import org.samizdat.server.ArchiveServer;
import org.samizdat.server.OriginStatus;
import org.samizdat.server.ServerConfig;
import org.samizdat.store.FileStore;
import org.samizdat.store.SmallDisk;

/**
 * Publish and mirror into a real file system filled to the last byte (a small tmpfs): each fails
 * with a message that says the disk is full and where, leaves the previous version served and
 * intact (check passes, no temp files left), and succeeds once space is freed.
 */
class FullDiskIT {
    @TempDir
    Path tmp;
    SmallDisk disk;
    ArchiveServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount(tmp.resolve("disk"), 8);
    }

    @AfterEach
    void unmount() throws Exception {
        if (server != null) {
            server.close();
        }
        disk.close();
    }

    private ArchiveServer serve(Path publicDir) throws Exception {
        return new ArchiveServer(new ServerConfig("127.0.0.1", 0, publicDir, "node"),
                new OriginStatus(publicDir, Clock.systemUTC()), () -> { }).start();
    }

    private long servedVersion(ArchiveServer s) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/status")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return (Long) Json.parseObject(r.body()).get("version");
    }

    private static Checker.Report check(Path publicDir) throws Exception {
        return new Checker(publicDir, new State(0, 0), null, Instant.now(), true, Progress.NONE).check();
    }

    private static void assertNoTempFiles(Path publicDir) throws Exception {
        assertEquals(java.util.List.of(), new FileStore(publicDir).strayTemps(), "temp files left behind");
        try (Stream<Path> all = Files.walk(publicDir)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith(FileStore.TEMP_PREFIX)));
        }
    }

    @Test
    void publishOnAFullDiskFailsClearlyAndTheLastReleaseKeepsBeingServed() throws Exception {
        TestArchive archive = TestArchive.create(disk.dir().resolve("archive"), Instant.now());
        archive.stage("first", 5);
        archive.publish("First");
        server = serve(archive.publicDir());
        long version = servedVersion(server);
        byte[] timestamp = Files.readAllBytes(archive.metadata("timestamp.json"));
        archive.stage("second", 5);

        assertTrue(disk.fill() > 0);
        Exception e = assertThrows(Exception.class, () -> archive.publish("Second"));
        assertTrue(e.getMessage().contains("disk is full") && e.getMessage().contains(disk.dir().toString()),
                "the error says the disk is full and where: " + e.getMessage());

        assertEquals(version, servedVersion(server), "the previous version is still served");
        assertArrayEquals(timestamp, Files.readAllBytes(archive.metadata("timestamp.json")));
        Checker.Report r = check(archive.publicDir());
        assertTrue(r.ok(), r.problems().toString());
        assertNoTempFiles(archive.publicDir());

        disk.free();
        archive.publish("Second");
        assertTrue(servedVersion(server) > version, "the release goes out once there is space");
        assertTrue(check(archive.publicDir()).ok());
    }

    @Test
    void aMirrorSyncOnAFullDiskFailsClearlyAndKeepsServingThePreviousVersion() throws Exception {
        TestArchive origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("first", 5);
        origin.publish("First");
        try (ArchiveServer o = serve(origin.publicDir())) {
            Path mirrorPublic = disk.dir().resolve("mirror/public");
            MirrorSync sync = new MirrorSync(mirrorPublic, new Upstream(o.url(), Duration.ofSeconds(10)),
                    Trust.fingerprint(origin.fingerprint), Clock.systemUTC(), 4, Progress.NONE);
            assertTrue(sync.sync().changed());
            server = serve(mirrorPublic);
            long version = servedVersion(server);

            origin.stage("second", 40); // a release bigger than what is left
            origin.publish("Second");
            disk.fill();
            SyncException e = assertThrows(SyncException.class, sync::sync);
            assertEquals(SyncException.Kind.LOCAL, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("disk is full") && e.getMessage().contains(disk.dir().toString()),
                    "the error says the disk is full and where: " + e.getMessage());

            assertEquals(version, servedVersion(server), "the mirror still serves the previous version");
            Checker.Report r = check(mirrorPublic);
            assertTrue(r.ok(), r.problems().toString());
            assertNoTempFiles(mirrorPublic);

            disk.free();
            assertTrue(sync.sync().changed());
            assertTrue(servedVersion(server) > version);
            assertTrue(check(mirrorPublic).ok());
        }
    }
}
