package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.server.LocalConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.TestArchive;
import org.samizdat.search.SampleArchive;

/**
 * Fuzzes the server's request handling (Jetty's parser, the routes, the static files and the
 * reader's pages) through an in-memory connector: any method, request target and header value.
 */
class RequestFuzzTest {
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "OPTIONS", "TRACE", "get", "G\u00e9T");
    private static final List<String> HEADERS = List.of("Range", "If-None-Match", "If-Modified-Since", "If-Match",
            "If-Range", "Accept-Encoding", "Accept", "Cookie", "X-Forwarded-For", "Host", "Referer");
    static Path tmp;
    static ReaderServer node;
    static LocalConnector local;
    static final List<String> secrets = new ArrayList<>();
    static final Set<String> publicFiles = new HashSet<>();

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory("samizdat-request-fuzz");
        TestArchive archive = SampleArchive.create(tmp, 4);
        node = new ReaderServer(archive.publicDir(), tmp.resolve("index"), List.of("http://mirror.example"));
        local = node.server.localConnector();
        try (Stream<Path> files = Files.walk(archive.dir().privateDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                if (text.length() >= 32) {
                    secrets.add(text.substring(text.length() / 2 - 16, text.length() / 2 + 16));
                }
            }
        }
        try (Stream<Path> files = Files.walk(archive.publicDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                publicFiles.add(Sha256.hex(Files.readAllBytes(f)));
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        try (Stream<Path> walk = Files.walk(tmp)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Every request gets a complete answer that is not a server error and holds no byte of
     * {@code private/}; a whole archive file sent with 200 is byte for byte a file of the public tree.
     */
    @FuzzTest(maxDuration = "10s")
    void anyRequestIsAnsweredWithoutAServerErrorOrALeak(FuzzedDataProvider data) throws Exception {
        String method = data.pickValue(METHODS);
        String header = data.pickValue(HEADERS);
        String value = data.consumeString(300).replaceAll("[\r\n]", "");
        String target = data.consumeRemainingAsString().replaceAll("[\r\n]", "");
        String request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + ": " + value
                + "\r\nConnection: close\r\n\r\n";
        ByteBuffer answer = local.getResponse(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)), 10, TimeUnit.SECONDS);
        assertNotNull(answer, "no answer to " + request);
        byte[] bytes = new byte[answer.remaining()];
        answer.get(bytes);
        RawHttp.Reply reply = RawHttp.parse(bytes);
        assertTrue(reply.status() >= 100 && reply.status() != 500 && reply.status() != 503,
                reply.statusLine() + " for " + request);
        String whole = reply.whole();
        for (String secret : secrets) {
            assertFalse(whole.contains(secret), "leaked private/ for " + request);
        }
        String path = target.startsWith("/") ? target : "";
        if (reply.status() == 200 && (path.startsWith("/targets/") || path.startsWith("/metadata/"))
                && reply.header("Content-Range") == null && method.equals("GET")) {
            assertTrue(publicFiles.contains(Sha256.hex(reply.body().getBytes(StandardCharsets.ISO_8859_1))),
                    "sent a body that is no file of the public tree for " + request);
        }
    }
}
