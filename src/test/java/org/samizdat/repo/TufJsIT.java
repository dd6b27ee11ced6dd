package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Targets;

/**
 * Interop with an independent TUF client: tuf-js 6 from npm refreshes against an archive served
 * over loopback HTTP, downloads documents from a small release and from a hash-binned one, and
 * rejects a tampered document, a rolled-back timestamp and expired metadata.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TufJsIT {
    @TempDir
    Path tmp;

    @BeforeAll
    void installTufJs() throws Exception {
        TufJs.install();
    }

    private static String hashedName(TestArchive a, String release, String path) throws Exception {
        Targets r = Targets.from(Metadata.parse("1." + release + ".json",
                Files.readAllBytes(a.metadata("1." + release + ".json")), "targets"));
        return r.targets().get(path).sha256();
    }

    @Test
    void tufJsVerifiesAndDownloadsFromASmallReleaseAndFromAHashBinnedRelease() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("a"), Instant.now());
        a.stage("small", 5);
        a.publish("Small");
        a.stage("big", 4200);
        a.publish("Big");
        try (StaticServer server = new StaticServer(a.publicDir())) {
            Map<String, Path> downloads = new LinkedHashMap<>();
            for (int i : new int[] {0, 4}) {
                downloads.put("r0001/small/doc-" + i + ".txt", tmp.resolve("small-" + i));
            }
            for (int i : new int[] {0, 1234, 4199}) {
                downloads.put("r0002/big/doc-" + i + ".txt", tmp.resolve("big-" + i));
            }
            TufJs.Result r = TufJs.run(server.url(), a.metadata("1.root.json"), tmp.resolve("client"), downloads);
            assertTrue(r.ok(), r.error() + ": " + r.message());
            for (int i : new int[] {0, 4}) {
                assertArrayEquals(Files.readAllBytes(a.source("small", i)), Files.readAllBytes(tmp.resolve("small-" + i)));
            }
            for (int i : new int[] {0, 1234, 4199}) {
                assertArrayEquals(Files.readAllBytes(a.source("big", i)), Files.readAllBytes(tmp.resolve("big-" + i)));
            }
            // a path no role lists is not found, not guessed
            TufJs.Result missing = TufJs.run(server.url(), a.metadata("1.root.json"), tmp.resolve("client"),
                    Map.of("r0002/big/doc-99999.txt", tmp.resolve("none")));
            assertEquals("TargetNotFound", missing.error());
        }
    }

    @Test
    void tufJsFollowsARootRotationOfEveryKeyWithTheSameTrustedState() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("a"), Instant.now());
        a.stage("docs", 3);
        a.publish("One");
        try (StaticServer server = new StaticServer(a.publicDir())) {
            Path state = tmp.resolve("client");
            TufJs.Result before = TufJs.run(server.url(), a.metadata("1.root.json"), state,
                    Map.of("r0001/docs/doc-0.txt", tmp.resolve("before")));
            assertTrue(before.ok(), before.error() + ": " + before.message());
            // root (now 3 keys, any 2), targets and every online key replaced in one signed change
            new KeyChange(a.publisher()).rotate(List.of("root", "targets", "timestamp", "snapshot", "releases", "mirrors"),
                    List.of(), 3, 2);
            TufJs.Result after = TufJs.run(server.url(), a.metadata("1.root.json"), state,
                    Map.of("r0001/docs/doc-2.txt", tmp.resolve("after")));
            assertTrue(after.ok(), after.error() + ": " + after.message());
            assertArrayEquals(Files.readAllBytes(a.source("docs", 2)), Files.readAllBytes(tmp.resolve("after")));
            assertEquals(2L, ((Map<?, ?>) Json.parseObject(Files.readAllBytes(state.resolve("root.json"))).get("signed"))
                    .get("version"), "tuf-js trusts the new root");
        }
    }

    @Test
    void tufJsRejectsATamperedDocument() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("a"), Instant.now());
        a.stage("docs", 3);
        a.publish(null);
        String sha = hashedName(a, "r0001", "r0001/docs/doc-1.txt");
        Path file = a.publicDir().resolve("targets/r0001/docs/" + sha + ".doc-1.txt");
        byte[] b = Files.readAllBytes(file);
        b[0] ^= 0x20;
        Files.write(file, b);
        try (StaticServer server = new StaticServer(a.publicDir())) {
            TufJs.Result r = TufJs.run(server.url(), a.metadata("1.root.json"), tmp.resolve("client"),
                    Map.of("r0001/docs/doc-1.txt", tmp.resolve("out")));
            assertFalse(r.ok());
            assertEquals("LengthOrHashMismatchError", r.error(), r.message());
            assertFalse(Files.exists(tmp.resolve("out")), "nothing unverified is written");
        }
    }

    @Test
    void tufJsRejectsARolledBackTimestamp() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("a"), Instant.now());
        a.stage("one", 2);
        a.publish(null);
        byte[] old = Files.readAllBytes(a.metadata("timestamp.json"));
        a.stage("two", 2);
        a.publish(null);
        try (StaticServer server = new StaticServer(a.publicDir())) {
            Path state = tmp.resolve("client");
            assertTrue(TufJs.run(server.url(), a.metadata("1.root.json"), state, Map.of()).ok());
            Files.write(a.metadata("timestamp.json"), old);
            TufJs.Result r = TufJs.run(server.url(), a.metadata("1.root.json"), state, Map.of());
            assertFalse(r.ok());
            assertEquals("BadVersionError", r.error(), r.message());
        }
    }

    @Test
    void tufJsRejectsExpiredMetadata() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("a"), Instant.now().minus(Duration.ofDays(10)));
        a.stage("docs", 2);
        a.publish(null); // its timestamp expired three days ago
        try (StaticServer server = new StaticServer(a.publicDir())) {
            TufJs.Result r = TufJs.run(server.url(), a.metadata("1.root.json"), tmp.resolve("client"),
                    Map.of("r0001/docs/doc-0.txt", tmp.resolve("out")));
            assertFalse(r.ok());
            assertEquals("ExpiredMetadataError", r.error(), r.message());
            // after the publisher re-signs, the same client accepts it
            a.advance(Duration.ofDays(10));
            a.publisher().resign();
            TufJs.Result fresh = TufJs.run(server.url(), a.metadata("1.root.json"), tmp.resolve("client"),
                    Map.of("r0001/docs/doc-0.txt", tmp.resolve("out")));
            assertTrue(fresh.ok(), fresh.error() + ": " + fresh.message());
        }
    }
}
