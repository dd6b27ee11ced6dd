package org.samizdat.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Torrent;
import org.samizdat.cli.Cli;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.TestArchive;
import org.samizdat.server.ArchiveServer;
import org.samizdat.server.OriginStatus;
import org.samizdat.server.RawHttp;
import org.samizdat.server.ServerConfig;
import org.samizdat.store.FileStore;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.Trust;
import org.samizdat.sync.Upstream;
import org.samizdat.work.Progress;

/**
 * A release of a few thousand documents downloaded by real BitTorrent clients from Debian (aria2c,
 * transmission-cli) from samizdat mirrors acting only as web seeds: no tracker, no DHT, no peers.
 * A mirror dies midway, or serves a corrupted document, and the download still completes from the
 * other; {@code check-download} passes on what the clients wrote and names a tampered file.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TorrentIT {
    static final int DOCUMENTS = 3000;
    /** The document that is long enough for pieces lying wholly inside it. */
    static final int LONG = 1500;
    @TempDir
    static Path shared;
    static TestArchive origin;
    static ArchiveServer originServer;

    @TempDir
    Path tmp;
    final List<ArchiveServer> servers = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void publish() throws Exception {
        origin = TestArchive.create(shared.resolve("origin"), Instant.now());
        Path docs = shared.resolve("docs");
        Random random = new Random(16);
        for (int i = 0; i < DOCUMENTS; i++) {
            // nested folders, sizes from a few hundred bytes to 6 KB: pieces span many files
            Path f = docs.resolve(cable(i).substring("r0001/docs/".length()));
            Files.createDirectories(f.getParent());
            StringBuilder b = new StringBuilder("Reference: 0" + i + "STATE\nSubject: cable " + i + "\n\n");
            // one long report (about 360 KB, a dozen pieces): a piece from its middle holds its bytes alone
            int words = i == LONG ? 40_000 : 40 + random.nextInt(500);
            for (int w = 0; w < words; w++) {
                b.append("word").append(random.nextInt(5000)).append(' ');
            }
            Files.writeString(f, b.toString(), StandardCharsets.UTF_8);
        }
        origin.stage(docs);
        origin.publish("Cables");
        originServer = new ArchiveServer(new ServerConfig("127.0.0.1", 0, origin.publicDir(), "origin"),
                new OriginStatus(origin.publicDir(), Clock.systemUTC()), () -> { }).start();
    }

    /** The target path of the i-th document: nested folders by year and a number. */
    static String cable(int i) {
        return "r0001/docs/cables/" + (2000 + i % 10) + "/" + (i % 7) + "/cable-" + i + ".txt";
    }

    @org.junit.jupiter.api.AfterAll
    static void stopOrigin() throws Exception {
        originServer.close();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ArchiveServer s : servers) {
            s.close();
        }
    }

    /** A mirror synced from the origin, serving on loopback; {@code tamper} runs on its tree before it serves. */
    private ArchiveServer mirror(String name, java.util.function.Consumer<Path> tamper) throws Exception {
        Path pub = tmp.resolve(name).resolve("public");
        Files.createDirectories(pub.resolve("metadata"));
        new MirrorSync(pub, new Upstream(originServer.url(), Duration.ofSeconds(10)), Trust.fingerprint(origin.fingerprint),
                Clock.systemUTC(), 4, Progress.NONE).sync();
        tamper.accept(pub);
        ArchiveServer s = new ArchiveServer(new ServerConfig("127.0.0.1", 0, pub, name),
                new OriginStatus(pub, Clock.systemUTC()), () -> { }).start();
        servers.add(s);
        return s;
    }

    private static Path stored(Path pub, String path) {
        try {
            Catalog.Entry e = Catalog.open(new FileStore(pub)).find(path).orElseThrow();
            return pub.resolve("targets/" + e.storedName());
        } catch (IOException | org.samizdat.tuf.TufException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Flips one byte of a document in a mirror's tree: same length, wrong hash. */
    private static void corrupt(Path pub, String path) {
        try {
            Path f = stored(pub, path);
            byte[] b = Files.readAllBytes(f);
            b[b.length / 2] ^= 0x20;
            Files.write(f, b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long webSeedBytes(ArchiveServer s) {
        return (long) s.metrics().get("samizdat_webseed_bytes_sent").counter().count();
    }

    /** The release's torrent as a node hands it out (its web seeds: that node first). */
    private Path torrentFrom(ArchiveServer node, Path to) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.url()
                + "/releases/r0001.torrent")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("application/x-bittorrent", r.headers().firstValue("content-type").orElse(""));
        Files.write(to, r.body());
        return to;
    }

    private Process start(Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20); // polling a condition, bounded above
        }
    }

    private Cli.Run checkDownload(Path dir, ArchiveServer from) {
        return Cli.run("check-download", dir.toString(), "--release", "r0001", "--from", from.url(), "--fingerprint",
                origin.fingerprint, "--cache", tmp.resolve("cache").toString());
    }

    private static List<String> aria2(Path out, Path torrent, String... more) {
        List<String> c = new ArrayList<>(List.of("aria2c", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--seed-time=0", "--bt-stop-timeout=60", "--summary-interval=0",
                "--console-log-level=warn", "--listen-port=6881-6999", "--max-overall-download-limit=1500K",
                "-d", out.toString(), "-T", torrent.toString()));
        c.addAll(List.of(more));
        return c;
    }

    @Test
    void aria2ReadsTheInfohashAndFilesThatSamizdatSigned() throws Exception {
        Catalog c = Catalog.open(new FileStore(origin.publicDir()));
        Catalog.Entry t = c.torrent("r0001").orElseThrow();
        Torrent torrent = Torrent.parse(c.read(t).orElseThrow());
        assertEquals(t.file().custom().get("infohash"), torrent.infoHashHex());
        Path file = tmp.resolve("r0001.torrent");
        Files.write(file, torrent.encode());
        Process p = new ProcessBuilder("aria2c", "-S", file.toString()).redirectErrorStream(true).start();
        String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), shown);
        // aria2 recomputes the infohash by re-encoding the info dictionary: canonical bencoding gives the same one
        assertTrue(shown.contains("Info Hash: " + torrent.infoHashHex()), shown);
        assertTrue(shown.contains("|./" + cable(1003) + "\n"), shown);
        assertEquals(DOCUMENTS + 1, torrent.files().size(), "every document and the manifest");
    }

    @Test
    void aria2CompletesFromTwoWebSeedsWhenOneDiesMidwayAndCheckDownloadPasses() throws Exception {
        ArchiveServer a = mirror("a", pub -> { });
        ArchiveServer b = mirror("b", pub -> { });
        Path out = tmp.resolve("aria2");
        // the torrent from A names A; B is given on the command line, as a mirror added later would be
        Process p = start(tmp.resolve("aria2.log"), aria2(out, torrentFrom(a, tmp.resolve("r0001.torrent")),
                b.url() + "/seed/").toArray(String[]::new));
        await("A has served a first part of the release", Duration.ofSeconds(60), () -> webSeedBytes(a) > 300_000);
        assertTrue(p.isAlive(), "the download is still running when A dies");
        a.close();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "aria2 finished");
        String log = Files.readString(tmp.resolve("aria2.log"));
        assertEquals(0, p.exitValue(), log);
        assertTrue(webSeedBytes(b) > 0, "B served the rest");
        Cli.Run check = checkDownload(out, b);
        assertEquals(0, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("OK: r0001 in") && check.out().contains(String.format("%,d file(s)", DOCUMENTS + 1)),
                check.out());
    }

    /** transmission-cli with DHT, local peer discovery, peer exchange and uTP off; it seeds until killed, so a finish script marks the end. */
    private Process transmission(Path out, Path torrent) throws IOException {
        Path config = tmp.resolve("transmission-config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("settings.json"), """
                {"dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
                 "port-forwarding-enabled": false, "peer-port-random-on-start": true, "speed-limit-down": 1500,
                 "speed-limit-down-enabled": true, "rename-partial-files": false, "incomplete-dir-enabled": false,
                 "message-level": 1}
                """);
        Path done = tmp.resolve("transmission.done");
        Path script = tmp.resolve("done.sh");
        Files.writeString(script, "#!/bin/sh\ntouch '" + done + "'\n");
        script.toFile().setExecutable(true);
        Files.createDirectories(out);
        return start(tmp.resolve("transmission.log"), "transmission-cli", "-g", config.toString(), "-w", out.toString(),
                "-f", script.toString(), "-ep", torrent.toString());
    }

    private void awaitTransmission() throws Exception {
        try {
            await("transmission ran its finish script", Duration.ofSeconds(240), () -> Files.exists(tmp.resolve("transmission.done")));
        } catch (AssertionError e) {
            String log = Files.readString(tmp.resolve("transmission.log"));
            throw new AssertionError(e.getMessage() + "; its log ends: " + log.substring(Math.max(0, log.length() - 3000)), e);
        }
    }

    @Test
    void transmissionCompletesFromTwoWebSeedsWhenOneDiesMidwayAndCheckDownloadPasses() throws Exception {
        ArchiveServer a = mirror("a", pub -> { });
        ArchiveServer b = mirror("b", pub -> { });
        Path torrent = tmp.resolve("r0001.torrent");
        Torrent signed = Torrent.parse(Files.readAllBytes(torrentFrom(a, torrent)));
        Files.write(torrent, signed.withUrlList(List.of(a.url() + "/seed/", b.url() + "/seed/")).encode());
        Path out = tmp.resolve("transmission");
        transmission(out, torrent);
        await("A has served a first part of the release", Duration.ofSeconds(60), () -> webSeedBytes(a) > 300_000);
        a.close();
        awaitTransmission();
        assertTrue(webSeedBytes(b) > 0, "B served the rest");
        Cli.Run check = checkDownload(out, b);
        assertEquals(0, check.code(), check.out() + check.err());
    }

    @Test
    void aCorruptedDocumentOnOneSeedFailsItsPieceAndBothClientsCompleteFromTheOther() throws Exception {
        ArchiveServer a = mirror("a", pub -> { });
        // B serves the long report with one byte flipped in its middle (same length, wrong bytes). That byte lies in a
        // piece made of this file alone, so a client knows which seed spoiled it. (Where a bad piece spans files from
        // both seeds, aria2 drops both URIs for it and stalls: measured with short documents, at 93% to 99%.)
        ArchiveServer b = mirror("b", pub -> corrupt(pub, cable(LONG)));
        Path torrent = tmp.resolve("r0001.torrent");
        Torrent signed = Torrent.parse(Files.readAllBytes(torrentFrom(a, torrent)));
        // the liar first, so that clients do ask it
        Files.write(torrent, signed.withUrlList(List.of(b.url() + "/seed/", a.url() + "/seed/")).encode());

        Path aria2Out = tmp.resolve("aria2");
        Process p = start(tmp.resolve("aria2.log"), aria2(aria2Out, torrent).toArray(String[]::new));
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "aria2 finished");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("aria2.log")));
        assertTrue(webSeedBytes(b) > 100_000, "the liar was asked for pieces");
        String aria2Log = Files.readString(tmp.resolve("aria2.log"));
        System.out.println("aria2 rejected " + aria2Log.split("Invalid checksum", -1).length / 2 + " bad piece(s) from the liar or"
                + " a mix of both seeds, and completed"); // informative: which pieces came from B is aria2's choice
        assertEquals(0, checkDownload(aria2Out, a).code());
        long fromLiar = webSeedBytes(b);

        Path trOut = tmp.resolve("transmission");
        transmission(trOut, torrent);
        awaitTransmission();
        assertTrue(webSeedBytes(b) > fromLiar, "Transmission asked the liar too");
        Cli.Run check = checkDownload(trOut, a);
        assertEquals(0, check.code(), check.out() + check.err());
    }

    @Test
    void fetchReleaseSpreadsOverMirrorsLeavesOutALiarAndCheckDownloadNamesTamperedMissingAndExtraFiles() throws Exception {
        String bad = cable(101);
        ArchiveServer a = mirror("a", pub -> { });
        // a tenth of the release corrupted on the liar, so that it is surely asked for some
        ArchiveServer liar = mirror("b", pub -> {
            for (int i = 1; i < DOCUMENTS; i += 10) {
                corrupt(pub, cable(i));
            }
        });
        Path out = tmp.resolve("fetched");
        Cli.Run fetched = Cli.run("fetch", "--release", "r0001", "-o", out.toString(), "--from", liar.url(), "--from", a.url(),
                "--fingerprint", origin.fingerprint, "--cache", tmp.resolve("cache").toString());
        assertEquals(0, fetched.code(), fetched.err());
        assertTrue(fetched.err().contains("leaving " + liar.url() + " out: it served a file that fails its signed hash"),
                fetched.err());
        assertTrue(fetched.err().contains(String.format("%,d file(s) verified", DOCUMENTS + 1)), fetched.err());
        assertEquals(0, checkDownload(out, a).code());

        // a second run keeps what is intact and fetches nothing
        Cli.Run again = Cli.run("fetch", "--release", "r0001", "-o", out.toString(), "--from", a.url(),
                "--fingerprint", origin.fingerprint, "--cache", tmp.resolve("cache").toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains(String.format("(%,d already there and intact), 0 bytes downloaded", DOCUMENTS + 1)),
                again.err());
        Cli.Run all = Cli.run("fetch", "--all", "-o", out.toString(), "--from", a.url(),
                "--fingerprint", origin.fingerprint, "--cache", tmp.resolve("cache").toString());
        assertEquals(0, all.code(), all.err());
        assertTrue(all.err().contains(String.format("Fetched 1 release(s) into %s: %,d file(s) verified", out, DOCUMENTS + 1)),
                all.err());
        assertEquals(2, Cli.run("fetch", "--all", cable(1), "--from", a.url(), "--fingerprint", origin.fingerprint).code(),
                "a document and --all together are refused");

        Path tampered = out.resolve(bad);
        byte[] bytes = Files.readAllBytes(tampered);
        bytes[0] ^= 1;
        Files.write(tampered, bytes);
        Files.delete(out.resolve(cable(9)));
        Files.writeString(out.resolve("r0001/docs/cables/extra.txt"), "not signed");
        Cli.Run check = checkDownload(out, a);
        assertEquals(3, check.code(), check.out());
        assertTrue(check.out().contains("FAIL " + bad + ": its sha256 is not the signed one"), check.out());
        assertTrue(check.out().contains("FAIL " + cable(9) + ": is missing"), check.out());
        assertTrue(check.out().contains("FAIL r0001/docs/cables/extra.txt: is not a file of release r0001"), check.out());
        assertTrue(check.out().contains("FAILED: 3 problem(s)"), check.out());
    }

    private long webSeedBytesInStatus(HttpClient http) {
        try {
            return ((Number) org.samizdat.archive.Json.parseObject(http.send(HttpRequest.newBuilder(
                    URI.create(originServer.url() + "/api/status")).build(), HttpResponse.BodyHandlers.ofByteArray()).body())
                    .get("webseed_bytes_sent")).longValue();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theReleasePageOffersTheTorrentAndMagnetAndStatusCountsWebSeedBytes() throws Exception {
        Catalog c = Catalog.open(new FileStore(origin.publicDir()));
        String infohash = (String) c.torrent("r0001").orElseThrow().file().custom().get("infohash");
        HttpClient http = HttpClient.newHttpClient();
        String page = http.send(HttpRequest.newBuilder(URI.create(originServer.url() + "/releases/r0001")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(page.contains("href=\"/releases/r0001.torrent\""), page);
        assertTrue(page.contains("magnet:?xt=urn:btih:" + infohash + "&amp;dn=r0001"), page);
        assertTrue(page.contains("href=\"/targets/r0001/"), "the signed torrent file is linked");
        Torrent served = Torrent.parse(Files.readAllBytes(torrentFrom(originServer, tmp.resolve("t.torrent"))));
        assertEquals(infohash, served.infoHashHex(), "a node's torrent has the signed infohash");
        assertEquals(List.of(originServer.url() + "/seed/"), served.urlList());
        long before = webSeedBytesInStatus(http);
        assertEquals(200, RawHttp.get(originServer.port(), "/seed/" + cable(5)).status());
        long size = Files.size(stored(origin.publicDir(), cable(5)));
        // counted when the response completes, which may be just after the client has read it
        await("/api/status counts the bytes sent", Duration.ofSeconds(10), () -> webSeedBytesInStatus(http) - before >= size);
        assertEquals(size, webSeedBytesInStatus(http) - before);
    }

    @Test
    void hostileOrMalformedWebSeedPathsNeverLeaveTheTreeAndGetPlain400Or404() throws Exception {
        int port = originServer.port();
        String doc = "/seed/" + cable(0);
        RawHttp.Reply ok = RawHttp.get(port, doc, "Range: bytes=0-9");
        assertEquals(206, ok.status(), ok.statusLine());
        assertEquals("Reference:", ok.body());
        // dot segments are resolved before routing (RFC 3986): what is left either is another public route
        // or climbs out of the tree and is refused; none reaches the archive's private files
        for (String evil : List.of("/seed/r0001/../../../private/keys/releases.json", "/seed/../../archive.json",
                "/seed/r0001/%2e%2e/%2e%2e/%2e%2e/archive.json", "/seed/r0001/docs/..%2f..%2f..%2f..%2farchive.json",
                "/seed/r0001/docs/cable%00.txt", "/seed/r0001/docs\\..\\..\\x", "/seed/", "/seed//etc/passwd",
                "/seed/r0001/caf%C3%A9.txt", "/seed/%2Fetc%2Fpasswd", "/seed/r0001/docs/%2e%2e%5c%2e%2e%5carchive.json",
                "/seed/r0001//docs/x.txt", "/seed/r0001/docs/.tmp-x.txt%20", "/seed/" + "a/".repeat(20) + "b")) {
            RawHttp.Reply r = RawHttp.get(port, evil);
            assertTrue(r.status() == 400 || r.status() == 404, evil + " -> " + r.statusLine());
            assertFalse(r.body().contains("root_fingerprint") || r.body().contains("private"), evil + " leaked: " + r.body());
            assertTrue(r.header("Content-Type") == null || r.header("Content-Type").startsWith("text/plain"), evil);
        }
        for (String absent : List.of("/seed/r0001/_release.torrent", "/seed/r0001/nothing.txt", "/seed/r0002/a.txt",
                "/seed/mirrors/list.json", "/seed/r0001/docs/cables/2000/0/.tmp-cable-0.txt", "/seed/r0001/docs/cables/2000/0/cable-7.txt")) {
            assertEquals(404, RawHttp.get(port, absent).status(), absent);
        }
        assertEquals(405, RawHttp.request(port, "POST", doc).status());
        assertEquals(200, RawHttp.get(port, "/seed/r0001/_release.json").status(), "the manifest is one of the torrent's files");
    }
}
