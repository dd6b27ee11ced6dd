package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.TestArchive;
import org.samizdat.search.SampleArchive;
import org.samizdat.store.FileStore;

/**
 * HTTP abuse against {@code serve} over real loopback sockets: encoded traversal, overlong request
 * lines and headers, many and overlapping ranges, HEAD and conditional requests on every route,
 * odd methods, and the private directory. Each is answered with a clean 4xx (never a 5xx, never a
 * byte of {@code private/}), and the node keeps serving afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeAbuseIT {
    TestArchive archive;
    ReaderServer node;
    int port;
    String docPath;
    String docUrl;
    byte[] doc;
    List<String> secrets = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        archive = SampleArchive.create(tmp, 8);
        node = new ReaderServer(archive.publicDir(), tmp.resolve("index"), List.of("http://mirror.example"));
        port = node.server.port();
        Catalog catalog = Catalog.open(new FileStore(archive.publicDir()));
        Catalog.Entry e = catalog.release("r0001").documents().getFirst();
        docPath = e.path();
        docUrl = "/targets/" + e.storedName();
        doc = Files.readAllBytes(archive.publicDir().resolve(docUrl.substring(1)));
        // every file of private/ (keys, the publisher's state, staging) is a secret the server must never send
        try (Stream<Path> files = Files.walk(archive.dir().privateDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                if (text.length() >= 32) {
                    secrets.add(text.substring(text.length() / 2 - 16, text.length() / 2 + 16));
                }
            }
        }
        assertTrue(secrets.size() >= 3, "the archive has keys and state to protect");
    }

    @AfterAll
    void stop() throws Exception {
        node.close();
    }

    /** Every route a reader or a mirror can ask for. */
    List<String> routes() {
        return List.of("/", "/search?q=embassy", "/api/search?q=embassy", "/releases", "/releases/r0001",
                "/doc/" + docPath, "/browse", "/mirrors",
                "/run-a-mirror", "/feed.atom", "/static/style.css", "/metadata/timestamp.json", "/metadata/1.root.json",
                docUrl, "/api/status", "/healthz", "/metrics");
    }

    private void assertNothingLeaked(String what, RawHttp.Reply reply) {
        for (String secret : secrets) {
            assertFalse(reply.whole().contains(secret), what + " leaked a byte of private/");
        }
        assertTrue(reply.status() < 500, what + " -> " + reply.statusLine());
    }

    private void assertStillServing() throws Exception {
        RawHttp.Reply ok = RawHttp.get(port, docUrl);
        assertEquals(200, ok.status());
        assertEquals(doc.length, ok.body().length());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/private/keys/releases.key.json", "/private/state.json", "/archive.json", "/public/../private/state.json",
            "/targets/../private/keys/releases.key.json", "/targets/%2e%2e/%2e%2e/private/keys/releases.key.json",
            "/targets/%2E%2E%2F%2E%2E%2Fprivate%2Fstate.json", "/targets/%252e%252e/%252e%252e/private/state.json",
            "/targets/..;/..;/private/state.json", "/targets/.%2e/.%2e/private/state.json",
            "/metadata/%c0%ae%c0%ae/%c0%ae%c0%ae/private/state.json", "/metadata/%ef%bc%8e%ef%bc%8e/private/state.json",
            "/targets/..%5c..%5cprivate%5cstate.json", "/targets/..\\..\\private\\state.json",
            "/doc/../../private/state.json", "/doc/%2e%2e/%2e%2e/private/state.json", "/browse/..%2f..%2fprivate",
            "/releases/..%2f..%2fprivate%2fstate.json", "/static/../../private/state.json",
            "//private/state.json", "/./private/state.json", "/targets/%00/../../private/state.json",
            "http://127.0.0.1/../private/state.json", "/metadata/timestamp.json%00.txt", "/metadata/timestamp.json/.."})
    void anEncodedTraversalNeverReachesThePrivateDirectory(String target) throws Exception {
        RawHttp.Reply reply = RawHttp.get(port, target);
        assertNothingLeaked(target, reply);
        assertTrue(reply.status() == 400 || reply.status() == 404 || reply.status() == 301 && target.startsWith("http:"),
                target + " -> " + reply.statusLine());
    }

    @Test
    void anOverlongRequestLineIsRefusedWithA4xxAndTheNodeKeepsServing() throws Exception {
        RawHttp.Reply reply = RawHttp.get(port, "/targets/" + "a".repeat(64 * 1024));
        assertTrue(reply.status() == 400 || reply.status() == 414, reply.statusLine());
        assertTrue(reply.body().length() < 1000, "a short plain answer, not an echo");
        assertStillServing();
    }

    @Test
    void overlongOrTooManyHeadersAreRefusedWith431() throws Exception {
        RawHttp.Reply one = RawHttp.get(port, docUrl, "X-Padding: " + "b".repeat(64 * 1024));
        assertEquals(431, one.status(), one.statusLine());
        String[] many = new String[5000];
        for (int i = 0; i < many.length; i++) {
            many[i] = "X-H" + i + ": v";
        }
        RawHttp.Reply lots = RawHttp.get(port, docUrl, many);
        assertEquals(431, lots.status(), lots.statusLine());
        assertFalse(lots.body().contains("X-H1"), "headers are not echoed");
        assertStillServing();
    }

    @Test
    void malformedRequestsGet400NotAnError() throws Exception {
        for (String request : List.of("GET / HTTP/9.9\r\nHost: x\r\n\r\n", "GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nBad\u0000Header: v\r\n\r\n", "\u0001\u0002\u0003\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")) {
            RawHttp.Reply reply = RawHttp.parse(RawHttp.exchange(port, request.getBytes(StandardCharsets.ISO_8859_1)));
            // 505 is the right answer to an unknown HTTP version; everything else is the client's error
            assertTrue(reply.status() >= 400 && reply.status() < 500 || reply.status() == 505 && request.contains("9.9"),
                    printable(request) + " -> " + reply.statusLine());
        }
        assertStillServing();
    }

    @Test
    void manyOrOverlappingRangesCannotAmplifyAResponse() throws Exception {
        String overlapping = "Range: bytes=" + "0-,".repeat(500) + "0-";
        RawHttp.Reply reply = RawHttp.get(port, docUrl, overlapping);
        // answered as one whole body, or refused: never 500 copies of the document
        assertTrue(reply.status() == 200 || reply.status() == 206 || reply.status() == 416, reply.statusLine());
        assertTrue(reply.body().length() <= 2 * doc.length + 4096,
                "response of " + reply.body().length() + " bytes for a " + doc.length + "-byte document");
        StringBuilder small = new StringBuilder("Range: bytes=0-0");
        for (int i = 1; i < 600; i++) { // 600 ranges fit the 8 KiB header limit
            small.append(',').append(i % doc.length).append('-').append(i % doc.length);
        }
        RawHttp.Reply many = RawHttp.get(port, docUrl, small.toString());
        assertTrue(many.status() == 200 || many.status() == 206 || many.status() == 416, many.statusLine());
        assertTrue(many.body().length() <= 2 * doc.length + 64 * 1024, many.body().length() + " bytes");
        RawHttp.Reply beyond = RawHttp.get(port, docUrl, "Range: bytes=" + (doc.length + 10) + "-");
        assertEquals(416, beyond.status(), beyond.statusLine());
        assertEquals("bytes */" + doc.length, beyond.header("Content-Range"));
        RawHttp.Reply one = RawHttp.get(port, docUrl, "Range: bytes=2-5");
        assertEquals(206, one.status());
        assertEquals(new String(doc, 2, 4, StandardCharsets.ISO_8859_1), one.body());
        assertStillServing();
    }

    @Test
    void headOnEveryRouteGivesTheGetHeadersAndNoBody() throws Exception {
        for (String route : routes()) {
            RawHttp.Reply get = RawHttp.get(port, route);
            RawHttp.Reply head = RawHttp.request(port, "HEAD", route);
            assertEquals(200, get.status(), route);
            assertEquals(get.status(), head.status(), route);
            assertEquals(get.header("Content-Type"), head.header("Content-Type"), route);
            assertEquals("", head.body(), route + ": HEAD sent a body");
            String length = head.header("Content-Length");
            // live answers (figures, and searches that show their own timing) may differ by a digit between two requests
            boolean live = route.startsWith("/api/") || route.startsWith("/search") || route.equals("/metrics");
            if (length != null && !live) {
                assertEquals(get.body().length(), Integer.parseInt(length), route + ": HEAD's Content-Length");
            }
        }
    }

    @Test
    void conditionalRequestsOnEveryRouteAnswer304OnlyForTheCurrentValidator() throws Exception {
        for (String route : routes()) {
            RawHttp.Reply get = RawHttp.get(port, route);
            String etag = get.header("ETag");
            if (route.startsWith("/api/") || route.startsWith("/search") || route.equals("/healthz")
                    || route.equals("/metrics")) {
                // live figures and search answers (which show their own timing) carry no validator: a conditional request gets them in full
                assertEquals(200, RawHttp.get(port, route, "If-None-Match: \"x\"", "If-Modified-Since: "
                        + "Sun, 01 Jan 2090 00:00:00 GMT").status(), route);
                continue;
            }
            assertNotNull(etag, route + " has an ETag");
            RawHttp.Reply same = RawHttp.get(port, route, "If-None-Match: " + etag);
            assertEquals(304, same.status(), route);
            assertEquals("", same.body(), route);
            RawHttp.Reply listed = RawHttp.get(port, route, "If-None-Match: \"stale\", " + etag);
            assertEquals(304, listed.status(), route + " with a list");
            RawHttp.Reply other = RawHttp.get(port, route, "If-None-Match: \"stale\"");
            assertEquals(200, other.status(), route);
            assertEquals(get.body(), other.body(), route);
            RawHttp.Reply headSame = RawHttp.request(port, "HEAD", route, "If-None-Match: " + etag);
            assertEquals(304, headSame.status(), "HEAD " + route);
        }
        String lastModified = RawHttp.get(port, docUrl).header("Last-Modified");
        assertEquals(304, RawHttp.get(port, docUrl, "If-Modified-Since: " + lastModified).status());
        assertEquals(412, RawHttp.get(port, docUrl, "If-Match: \"not-this\"").status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddMethods")
    void oddMethodsAreRefusedOnEveryRouteWithoutEchoing(String method) throws Exception {
        for (String route : routes()) {
            RawHttp.Reply reply = RawHttp.request(port, method, route, "X-Echo-Probe: probe-7f3a");
            assertTrue(reply.status() == 405 || reply.status() == 404 || reply.status() == 400
                    || method.equals("OPTIONS") && reply.status() == 200, method + " " + route + " -> " + reply.statusLine());
            assertFalse(reply.body().contains("probe-7f3a"), method + " " + route + " echoed the request");
            assertNothingLeaked(method + " " + route, reply);
        }
    }

    static Stream<String> oddMethods() {
        return Stream.of("TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "PROPFIND");
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
    }
}
