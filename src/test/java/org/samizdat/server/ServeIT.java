package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;
import org.samizdat.repo.TestArchive;
import org.samizdat.repo.TufJs;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Targets;
import org.samizdat.archive.BundleRequest;
import org.samizdat.archive.TargetPath;

/** {@code serve} over real loopback sockets: the static TUF tree, HTTP semantics, hostile paths, status, metrics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeIT {
    Path tmp;
    TestArchive archive;
    ArchiveServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String docPath;
    Path docFile;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        archive = TestArchive.create(tmp, Instant.now());
        archive.stage("cables", 5);
        archive.publish("First");
        server = new ArchiveServer(new ServerConfig("127.0.0.1", 0, archive.publicDir(), "Test"),
                new OriginStatus(archive.publicDir(), Clock.systemUTC()), () -> { }).start();
        Targets r = Targets.from(Metadata.parse("1.r0001.json", Files.readAllBytes(archive.metadata("1.r0001.json")), "targets"));
        String sha = r.targets().get("r0001/cables/doc-2.txt").sha256();
        docPath = "/targets/r0001/cables/" + sha + ".doc-2.txt";
        docFile = archive.source("cables", 2);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesDocumentsByteForByteWithImmutableCaching() throws Exception {
        HttpResponse<byte[]> r = get(docPath);
        assertEquals(200, r.statusCode());
        assertArrayEquals(Files.readAllBytes(docFile), r.body());
        assertEquals(ArchiveServer.IMMUTABLE, r.headers().firstValue("Cache-Control").orElseThrow());
        HttpResponse<byte[]> ts = get("/metadata/timestamp.json");
        assertEquals(200, ts.statusCode());
        assertFalse(ts.headers().firstValue("Cache-Control").orElseThrow().contains("immutable"));
        assertTrue(get("/metadata/1.root.json").headers().firstValue("Cache-Control").orElseThrow().contains("immutable"));
        assertTrue(r.headers().firstValue("Server").isEmpty(), "no server version is advertised");
    }

    private HttpResponse<byte[]> bundle(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + BundleRequest.PATH)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aBundleIsTheAskedDocumentsBackToBackInTheOrderAsked() throws Exception {
        Targets r = Targets.from(Metadata.parse("1.r0001.json", Files.readAllBytes(archive.metadata("1.r0001.json")), "targets"));
        List<String> names = new java.util.ArrayList<>();
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (int i : List.of(3, 1, 2)) {
            String path = "r0001/cables/doc-" + i + ".txt";
            names.add("targets/" + new TargetPath(path).hashedName(r.targets().get(path).sha256()));
            expected.write(Files.readAllBytes(archive.source("cables", i)));
        }
        HttpResponse<byte[]> answer = bundle(String.join("\n", names) + "\n");
        assertEquals(200, answer.statusCode());
        assertArrayEquals(expected.toByteArray(), answer.body());
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElseThrow());
    }

    @Test
    void aBundleNamingAMissingOrHiddenOrOutsideFileIsRefusedBeforeAnyByte() throws Exception {
        String doc = docPath.substring(1);
        HttpResponse<byte[]> missing = bundle(doc + "\ntargets/r0001/cables/nothing.txt\n");
        assertEquals(404, missing.statusCode());
        assertTrue(new String(missing.body(), StandardCharsets.UTF_8).contains("targets/r0001/cables/nothing.txt"));
        for (String bad : List.of("metadata/timestamp.json", "targets/../private/keys", "targets/r0001/.tmp-1-x.txt",
                "targets/r0001//x", doc + "\n" + doc)) {
            HttpResponse<byte[]> refused = bundle(bad + "\n");
            assertEquals(400, refused.statusCode(), bad);
        }
        assertEquals(400, bundle("").statusCode());
        assertEquals(400, bundle((doc + "\n").repeat(BundleRequest.MAX_FILES + 1)).statusCode());
        assertEquals(405, get(BundleRequest.PATH).statusCode());
    }

    @Test
    void aMissingNextRootIsAPlain404() throws Exception {
        HttpResponse<byte[]> r = get("/metadata/2.root.json");
        assertEquals(404, r.statusCode());
        assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains("<html"));
        assertEquals(404, get("/targets/r0001/cables/nothing.txt").statusCode());
        assertEquals(404, get("/nothing").statusCode());
    }

    /** A download or write in progress (.tmp-*) holds unverified bytes: never served, even by its exact name. */
    @Test
    void aTemporaryFileInsideTheServedTreeIsNeverServed() throws Exception {
        Path partial = archive.publicDir().resolve("targets/r0001/cables/.tmp-1234abcd-doc-2.txt");
        Files.write(partial, "unverified".getBytes(StandardCharsets.UTF_8));
        try {
            assertEquals(404, get("/targets/r0001/cables/.tmp-1234abcd-doc-2.txt").statusCode());
            Path meta = archive.publicDir().resolve("metadata/.tmp-5678-timestamp.json");
            Files.write(meta, "{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(404, get("/metadata/.tmp-5678-timestamp.json").statusCode());
            Files.delete(meta);
            assertEquals(200, get(docPath).statusCode(), "real files are served as before");
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Test
    void aFileThatArrivesAfterA404IsServedAtOnceAndTheTimestampIsReadFreshEveryTime() throws Exception {
        // what a mirror sees: a downstream asks for the next version's files before they exist
        Path next = archive.publicDir().resolve("metadata/9.snapshot.json");
        assertEquals(404, get("/metadata/9.snapshot.json").statusCode());
        Files.writeString(next, "{\"next\":1}");
        try {
            HttpResponse<byte[]> arrived = get("/metadata/9.snapshot.json");
            assertEquals(200, arrived.statusCode());
            assertEquals("{\"next\":1}", new String(arrived.body(), StandardCharsets.UTF_8));
            assertEquals(200, get("/metadata/9.snapshot.json").statusCode(), "served again, from memory");
        } finally {
            Files.delete(next);
        }
        // timestamp.json is replaced in place by every publish and sync: never served from a cache
        Path ts = archive.publicDir().resolve("metadata/timestamp.json");
        byte[] original = Files.readAllBytes(ts);
        assertArrayEquals(original, get("/metadata/timestamp.json").body());
        byte[] replaced = Arrays.copyOf(original, original.length + 1);
        replaced[original.length] = '\n';
        try {
            Files.write(ts, replaced);
            assertArrayEquals(replaced, get("/metadata/timestamp.json").body());
        } finally {
            Files.write(ts, original);
        }
        assertArrayEquals(original, get("/metadata/timestamp.json").body());
    }

    @Test
    void headRangeAndConditionalRequestsWork() throws Exception {
        byte[] whole = Files.readAllBytes(docFile);
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(server.url() + docPath))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(whole.length), head.headers().firstValue("Content-Length").orElseThrow());
        HttpResponse<byte[]> range = get(docPath, "Range", "bytes=3-9");
        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(whole, 3, 10), range.body());
        String etag = get(docPath).headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get(docPath, "If-None-Match", etag).statusCode());
    }

    @Test
    void neverListsDirectoriesNorServesAnythingOutsideThePublicTree() throws Exception {
        assertEquals(404, get("/metadata/").statusCode());
        assertEquals(404, get("/targets/r0001/").statusCode());
        String key = Files.readString(archive.dir().keysDir().resolve("releases.key.json"));
        String seed = (String) Json.parseObject(key.getBytes(StandardCharsets.UTF_8)).get("seed");
        for (String hostile : List.of("/private/keys/releases.key.json", "/targets/../private/keys/releases.key.json",
                "/targets/../../private/keys/releases.key.json", "/metadata/..%2f..%2fprivate/keys/releases.key.json",
                "/targets/%2e%2e/%2e%2e/private/keys/releases.key.json", "/targets/%252e%252e/%252e%252e/private/keys/releases.key.json",
                "/metadata/%2e%2e/%2e%2e/archive/private/state.json", "/metadata/..\\..\\private\\keys\\releases.key.json",
                "/targets/r0001/%00", "//private/keys/releases.key.json", "/metadata/%c0%ae%c0%ae/archive.json")) {
            RawHttp.Reply reply = RawHttp.get(server.port(), hostile);
            String response = reply.whole();
            String status = reply.statusLine();
            assertTrue(status.contains(" 400 ") || status.contains(" 404 "), hostile + " -> " + status);
            assertFalse(response.contains(seed), hostile + " leaked a private key");
        }
    }

    @Test
    void statusAndMetricsReportTheNode() throws Exception {
        Map<String, Object> status = Json.parseObject(get("/api/status").body());
        assertEquals("origin", status.get("role"));
        assertEquals(2L, status.get("version"));
        assertEquals(false, status.get("archive_mode"));
        assertEquals("ok\n", new String(get("/healthz").body(), StandardCharsets.UTF_8));
        get("/metadata/timestamp.json");
        String metrics = new String(get("/metrics").body(), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("samizdat_http_requests_total{route=\"files\"}"), metrics);
        String home = new String(get("/").body(), StandardCharsets.UTF_8);
        assertTrue(home.contains("r0001") && home.contains("First"), home);
        assertTrue(get("/").headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
    }

    @Test
    void tufJsVerifiesDocumentsServedByJetty() throws Exception {
        Path out = tmp.resolve("tufjs-out");
        TufJs.Result r = TufJs.run(server.url(), archive.metadata("1.root.json"), tmp.resolve("tufjs"),
                Map.of("r0001/cables/doc-2.txt", out));
        assertTrue(r.ok(), r.error() + ": " + r.message());
        assertArrayEquals(Files.readAllBytes(docFile), Files.readAllBytes(out));
    }
}
