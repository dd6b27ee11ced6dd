package org.samizdat.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.MirrorList;
import org.samizdat.repo.Publisher;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;
import org.samizdat.repo.TufJs;
import org.samizdat.store.FileStore;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.Trust;
import org.samizdat.sync.Upstream;
import org.samizdat.work.Progress;

/**
 * The registry against real mirrors on loopback: honest ones are probed and signed into the list,
 * which tuf-js verifies as a target; a mirror serving tampered documents is dropped and returns
 * once whole; a stale one is left out; a node that never answers cannot stall a cycle; and
 * hostile registrations are refused with their reason.
 */
class RegistryIT {
    /** Probes on loopback; a mirror behind the origin for longer than 2 s is stale. */
    private static final RegistryConfig CONFIG = new RegistryConfig(Duration.ofMinutes(1), Duration.ofSeconds(2), 8, 3,
            Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(1), 10, true);

    @TempDir
    Path tmp;

    private TestArchive origin;

    private Path mirrorOf(String name) throws Exception {
        Path dir = tmp.resolve(name);
        try (StaticServer o = new StaticServer(origin.publicDir())) {
            new MirrorSync(dir, new Upstream(o.url(), Duration.ofSeconds(5)), Trust.fingerprint(origin.fingerprint),
                    Clock.systemUTC(), 2, Progress.NONE).sync();
        }
        return dir;
    }

    private static Set<String> listed(MirrorList l) {
        Set<String> s = new TreeSet<>();
        l.mirrors().forEach(e -> s.add(e.urls().getFirst()));
        return s;
    }

    /** Every document of every release of a mirror replaced by other bytes of the same length (each call flips them back). */
    private static List<Path> tamper(Path mirror) throws Exception {
        List<Path> docs;
        try (Stream<Path> s = Files.walk(mirror.resolve("targets"))) {
            docs = s.filter(Files::isRegularFile).filter(p -> mirror.resolve("targets").relativize(p).toString().startsWith("r"))
                    .toList();
        }
        for (Path d : docs) {
            byte[] b = Files.readAllBytes(d);
            b[0] ^= 1;
            Files.write(d, b);
        }
        return docs;
    }

    @Test
    void theSignedListCarriesTheHealthyMirrorsDropsALiarAndAStaleOneAndTufJsVerifiesIt() throws Exception {
        origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 3);
        origin.publish("one");
        Path a = mirrorOf("a");
        Path b = mirrorOf("b");
        Path liar = mirrorOf("liar");
        Path stale = mirrorOf("stale");
        origin.stage("more", 2);
        origin.publish("two");
        // the stale mirror never syncs again: back-date the release it misses beyond the allowance
        Path missed = origin.metadata("3.snapshot.json");
        Files.setLastModifiedTime(missed, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        a = mirrorOf("a");
        b = mirrorOf("b");
        liar = mirrorOf("liar");
        tamper(liar);
        try (StaticServer o = new StaticServer(origin.publicDir());
             StaticServer sa = new StaticServer(a); StaticServer sb = new StaticServer(b);
             StaticServer sl = new StaticServer(liar); StaticServer ss = new StaticServer(stale);
             ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             Registry registry = new Registry(origin.publicDir(), tmp.resolve("registry"), o.url(), CONFIG,
                     l -> origin.publisher().publishMirrorList(l), Clock.systemUTC(), line -> { })) {
            Thread.ofVirtual().start(() -> {
                List<Socket> held = new ArrayList<>(); // accepts and never answers
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            String never = "http://127.0.0.1:" + silent.getLocalPort();
            for (String url : List.of(sa.url(), sb.url(), sl.url(), ss.url(), never)) {
                registry.register(Registration.parse(url.getBytes(StandardCharsets.UTF_8)), "192.0.2.1");
            }
            long started = System.nanoTime();
            Registry.Cycle c = registry.probeAll();
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 20,
                    "a node that never answers costs one timeout, not the cycle");
            assertEquals(5, c.probed());
            assertEquals(3, c.healthy(), "whole: a, b and the stale one; " + registry.known());
            MirrorList signed = Publisher.mirrorList(new FileStore(origin.publicDir()));
            assertEquals(Set.of(sa.url(), sb.url()), listed(signed), registry.known().toString());
            assertEquals(o.url(), signed.registry());
            for (Registry.Known k : registry.known()) {
                if (k.url().equals(sl.url())) {
                    assertTrue(k.problem().startsWith("serves other bytes"), k.problem());
                } else if (k.url().equals(ss.url())) {
                    assertTrue(k.lagSeconds(Instant.now()) >= 0 && k.last().snapshotVersion() < signed.mirrors().getFirst()
                            .snapshotVersion(), k.toString());
                } else if (k.url().equals(never)) {
                    assertTrue(k.problem().startsWith("unreachable"), k.problem());
                }
            }

            // tuf-js verifies the list as a target of the mirrors role
            TufJs.Result r = TufJs.run(o.url(), origin.metadata("1.root.json"), tmp.resolve("tufjs"),
                    Map.of(MirrorList.PATH, tmp.resolve("list.json")));
            assertTrue(r.ok(), r.error() + ": " + r.message());
            assertEquals(listed(signed), listed(MirrorList.parse(Files.readAllBytes(tmp.resolve("list.json")))));

            // the liar repairs itself and returns at the next probe; the mirrors follow the new list's version
            tamper(liar); // each flipped byte flipped back
            mirrorOf("a");
            mirrorOf("b");
            mirrorOf("liar");
            c = registry.probeAll();
            assertTrue(c.signedSnapshot() > 0, "the list changed, so it was signed again");
            assertEquals(Set.of(sa.url(), sb.url(), sl.url()), listed(Publisher.mirrorList(new FileStore(origin.publicDir()))));
            assertTrue(origin.check(true).ok());

            // no change: no new signature
            assertEquals(0, registry.probeAll().signedSnapshot());
            assertTrue(registry.cycles(Instant.now().minus(Duration.ofHours(1))).size() >= 3, "each cycle is kept");
        }
    }

    @Test
    void hostileRegistrationsAreRefusedWithTheirReason() throws Exception {
        origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        try (Registry strict = new Registry(origin.publicDir(), tmp.resolve("registry"), null, RegistryConfig.DEFAULT,
                l -> 0, Clock.systemUTC(), line -> { })) {
            for (String url : List.of("http://127.0.0.1:8080", "http://10.1.2.3", "http://[::1]:80", "http://169.254.169.254",
                    "http://192.168.0.1", "http://[fd00::1]", "http://localhost:9")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> strict.register(Registration.parse(url.getBytes(StandardCharsets.UTF_8)), "198.51.100.7"), url);
                assertTrue(e.getMessage().contains("private, loopback or link-local"), e.getMessage());
            }
            for (String body : List.of("not a url", "ftp://example.org", "http://user:pw@example.org", "http://example.org/?q=1",
                    "http://x.onion", "{\"url\": 3}", "x".repeat(3000))) {
                assertThrows(IllegalArgumentException.class, () -> Registration.parse(body.getBytes(StandardCharsets.UTF_8)), body);
            }
        }
        try (Registry limited = new Registry(origin.publicDir(), tmp.resolve("registry2"), null, CONFIG, l -> 0,
                Clock.systemUTC(), line -> { })) {
            for (int i = 0; i < CONFIG.registrationsPerHour(); i++) {
                limited.register(Registration.parse(("http://127.0.0." + (i + 2) + ":8080").getBytes()), "203.0.113.9");
            }
            assertThrows(Registry.TooManyRegistrations.class,
                    () -> limited.register(Registration.parse("http://127.0.0.99:8080".getBytes()), "203.0.113.9"));
            limited.register(Registration.parse("http://127.0.0.99:8080".getBytes()), "203.0.113.10"); // another address
        }
    }

    private static java.net.http.HttpResponse<String> post(String url, byte[] body) throws Exception {
        try (java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient()) {
            return c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/mirrors"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void postApiMirrorsRefusesHostileRegistrationsClearlyAndAMirrorThatRedirectsIsNeverListed() throws Exception {
        origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 2);
        origin.publish("one");
        com.sun.net.httpserver.HttpServer redirecting = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        redirecting.createContext("/", x -> {
            x.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            x.sendResponseHeaders(301, -1);
            x.close();
        });
        redirecting.start();
        try (Registry registry = new Registry(origin.publicDir(), tmp.resolve("registry"), null, CONFIG,
                l -> origin.publisher().publishMirrorList(l), Clock.systemUTC(), line -> { });
             org.samizdat.server.ArchiveServer node = new org.samizdat.server.ArchiveServer(
                     new org.samizdat.server.ServerConfig("127.0.0.1", 0, origin.publicDir(), "origin"),
                     new org.samizdat.server.OriginStatus(origin.publicDir(), Clock.systemUTC()), () -> { }, null,
                     new org.samizdat.server.ReaderSources(null, List::of, registry)).start()) {
            var huge = post(node.url(), ("http://127.0.0.1:1/" + "a".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
            assertEquals(400, huge.statusCode());
            assertTrue(huge.body().contains("at most 2048 bytes"), huge.body());
            var junk = post(node.url(), "<script>".getBytes(StandardCharsets.UTF_8));
            assertEquals(400, junk.statusCode());
            assertTrue(junk.body().contains("not a mirror URL"), junk.body());
            String redirector = "http://127.0.0.1:" + redirecting.getAddress().getPort();
            assertEquals(202, post(node.url(), redirector.getBytes(StandardCharsets.UTF_8)).statusCode());
            for (int i = 1; i < CONFIG.registrationsPerHour(); i++) {
                assertEquals(202, post(node.url(), ("http://127.0.0." + (i + 1) + ":9").getBytes(StandardCharsets.UTF_8)).statusCode());
            }
            var tooMany = post(node.url(), "http://127.0.0.99:9".getBytes(StandardCharsets.UTF_8));
            assertEquals(429, tooMany.statusCode(), "thousands of registrations from one address stop at the limit");
            assertTrue(tooMany.headers().firstValue("Retry-After").isPresent());

            Registry.Cycle c = registry.probeAll();
            assertEquals(0, c.listed(), "an unverified registrant is never listed: " + registry.known());
            Registry.Known r = registry.known().stream().filter(k -> k.url().equals(redirector)).findFirst().orElseThrow();
            assertTrue(r.problem().contains("redirects are not followed"), r.problem());

            // the operator's view: registrants with their problems, and copies over time drawn on the server
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url() + "/mirrors")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertTrue(page.body().contains("This node's registry") && page.body().contains(redirector), page.body());
                var chart = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url() + "/mirrors/history.svg"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, chart.statusCode());
                assertEquals("image/svg+xml", chart.headers().firstValue("Content-Type").orElseThrow());
                assertTrue(chart.body().startsWith("<svg") && chart.body().contains("<polyline")
                        && chart.body().contains("registered: " + CONFIG.registrationsPerHour())
                        && chart.body().contains("median lag of the listed"), chart.body());
                assertTrue(!chart.body().contains("<script"), "no script in the chart");
            }
        } finally {
            redirecting.stop(0);
        }
    }
}
