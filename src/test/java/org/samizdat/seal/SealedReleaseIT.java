package org.samizdat.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;
import org.samizdat.cli.Cli;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.Checker;
import org.samizdat.repo.SealedManifest;
import org.samizdat.repo.SealedRelease;
import org.samizdat.repo.State;
import org.samizdat.repo.TestArchive;
import org.samizdat.search.Indexer;
import org.samizdat.search.SearchIndex;
import org.samizdat.server.ArchiveServer;
import org.samizdat.server.FloodLimits;
import org.samizdat.server.OriginStatus;
import org.samizdat.server.ReaderSources;
import org.samizdat.server.ServerConfig;
import org.samizdat.store.FileStore;
import org.samizdat.sync.Downstreams;
import org.samizdat.sync.Mirror;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.Trust;
import org.samizdat.sync.Upstream;
import org.samizdat.tuf.RootFingerprint;
import org.samizdat.work.Progress;

/**
 * Sealed releases across a network over loopback: an origin and three chained mirrors, wired as
 * {@code serve} and {@code mirror} wire them. A sealed release spreads to every node with no
 * plaintext served or indexed anywhere; the key, from 3 of 5 trustees' shares, is posted to the
 * last mirror only, and every node opens, checks and indexes it; gpg opens the ciphertext without
 * samizdat; a publisher that sealed other documents than it committed to is refused everywhere.
 */
@Timeout(300)
class SealedReleaseIT {
    private static final int SEALED_DOCS = 2000;
    private static final String WORD = "quillfeather";
    @TempDir
    Path tmp;
    final List<AutoCloseable> closing = new ArrayList<>();
    final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // the tests send many requests from one address; the flood defences are tested elsewhere
    static final FloodLimits OPEN = new FloodLimits(0, 0, 0, 0, 0, Duration.ZERO, 0, 0, 0, 1000, 5);

    /** One node: its tree, server, index and opener. */
    record Node(String name, Path publicDir, ArchiveServer server, Indexer indexer, Unsealer unsealer) {
        String url() {
            return server.url();
        }
    }

    @AfterEach
    void stop() throws Exception {
        // not shutdownNow: an interrupted index update closes Lucene's channels and with them its write lock
        executor.shutdown();
        if (!executor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private Node origin(TestArchive a) throws Exception {
        Path pub = a.publicDir();
        Downstreams downstreams = new Downstreams(Clock.systemUTC(), s -> { });
        downstreams.start(executor);
        downstreams.watch(pub.resolve("metadata/timestamp.json"), executor);
        Indexer indexer = new Indexer(SearchIndex.open(tmp.resolve("origin-index"), s -> { }), pub, s -> { });
        indexer.start(executor);
        Unsealer unsealer = new Unsealer(pub, downstreams::list, line -> System.out.println("origin: " + line)).start();
        ArchiveServer server = new ArchiveServer(new ServerConfig("127.0.0.1", 0, pub, "origin").withLimits(OPEN),
                new OriginStatus(pub, Clock.systemUTC()), () -> { }, downstreams,
                new ReaderSources(indexer, downstreams::list).withUnsealer(unsealer)).start();
        closing.add(indexer);
        closing.add(unsealer);
        closing.add(server);
        return new Node("origin", pub, server, indexer, unsealer);
    }

    private Node mirror(String name, Node upstream, String fingerprint) throws Exception {
        Path pub = tmp.resolve(name).resolve("public");
        Files.createDirectories(pub.resolve("metadata"));
        MirrorSync sync = new MirrorSync(pub, new Upstream(upstream.url(), Duration.ofSeconds(10)), Trust.fingerprint(fingerprint),
                Clock.systemUTC(), 4, Progress.NONE);
        sync.sync();
        Mirror mirror = new Mirror(sync, pub, upstream.url(), Clock.systemUTC(), line -> System.out.println(name + ": " + line));
        Downstreams downstreams = new Downstreams(Clock.systemUTC(), s -> { });
        downstreams.start(executor);
        Indexer indexer = new Indexer(SearchIndex.open(tmp.resolve(name).resolve("index"), s -> { }), pub, s -> { });
        indexer.start(executor);
        java.util.function.Supplier<List<String>> neighbours = () -> {
            List<String> known = new ArrayList<>(List.of(upstream.url()));
            known.addAll(downstreams.list());
            return known;
        };
        Unsealer unsealer = new Unsealer(pub, neighbours, line -> System.out.println(name + ": " + line)).start();
        ArchiveServer server = new ArchiveServer(new ServerConfig("127.0.0.1", 0, pub, name).withLimits(OPEN), mirror::status,
                mirror::trigger, downstreams, new ReaderSources(indexer, neighbours).withUnsealer(unsealer)).start();
        closing.add(indexer);
        closing.add(unsealer);
        closing.add(server);
        String self = server.url();
        mirror.afterSync(r -> {
            if (r.changed()) {
                downstreams.notifyAllSoon();
            }
            Downstreams.subscribe(upstream.url(), self);
            unsealer.afterSync(upstream.url());
        });
        assertEquals(null, Downstreams.subscribe(upstream.url(), self));
        mirror.start(executor, Duration.ofSeconds(30)); // new versions arrive by notify, not by this poll
        return new Node(name, pub, server, indexer, unsealer);
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling a condition, with a deadline
        }
    }

    private HttpResponse<byte[]> get(Node n, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(n.url() + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private String state(Node n, String id) {
        Object m = Json.parseObject(get(n, "/api/status").body()).get("sealed_releases");
        return m instanceof Map<?, ?> map && map.get(id) instanceof String s ? s : "";
    }

    private long searchTotal(Node n, String q) {
        return (Long) Json.parseObject(get(n, "/api/search?q=" + q).body()).get("total");
    }

    private static long version(Node n) {
        try {
            return Catalog.open(new FileStore(n.publicDir())).version();
        } catch (Exception notYet) {
            return -1;
        }
    }

    private static boolean hasRelease(Node n, String id) {
        try {
            Catalog c = Catalog.open(new FileStore(n.publicDir()));
            return c.releaseIds().contains(id)
                    && new FileStore(n.publicDir()).exists(c.sealed(id).orElseThrow().ciphertextName());
        } catch (Exception notYet) {
            return false;
        }
    }

    private Path sources(String folder, int count, String word) throws Exception {
        Path dir = tmp.resolve("sources").resolve(folder);
        for (int i = 0; i < count; i++) {
            Path f = dir.resolve("box-" + (i % 10)).resolve("memo-" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "Subject: Memo " + i + "\nTags: SEALED\n\nThe " + word + " memo number " + i + " of " + folder
                    + ".\n");
        }
        return dir;
    }

    private Checker.Report check(Node n, TestArchive a) throws Exception {
        return new Checker(n.publicDir(), n.name().equals("origin") ? State.read(a.dir()) : new State(0, 0),
                RootFingerprint.parse(a.fingerprint), Instant.now(), false, Progress.NONE).check();
    }

    /** A publisher with one ordinary release, its origin, and {@code mirrors} mirrors chained behind it. */
    private List<Node> network(TestArchive a, int mirrors) throws Exception {
        a.stage("open", 20);
        a.publish("Open release");
        List<Node> all = new ArrayList<>(List.of(origin(a)));
        for (int i = 0; i < mirrors; i++) {
            all.add(mirror("mirror-" + (char) ('a' + i), all.getLast(), a.fingerprint));
        }
        return all;
    }

    @Test
    void aSealedReleaseSpreadsClosedThenOpensOnEveryNodeFromAKeyPostedToTheLastMirror() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("publisher"), Instant.now());
        List<Node> all = network(a, 3);
        Node ma = all.get(1);
        Node mc = all.get(3);

        Path dir = sources("insurance", SEALED_DOCS, WORD);
        a.stage(dir);
        Sealer.Sealed s = new Sealing(a, tmp.resolve("shares")).seal("Insurance", 3, 5, "2027-06-01T00:00:00Z");
        String id = s.release();
        await("the sealed release on every mirror", Duration.ofSeconds(60), () -> all.stream().allMatch(n -> hasRelease(n, id)));
        SealedRelease sealed = Catalog.open(new FileStore(mc.publicDir())).sealed(id).orElseThrow();
        SealedManifest.Document sample = new SealedManifest.Document(id + "/insurance/box-3/memo-13.txt", 0,
                org.samizdat.archive.Sha256.hex(Files.readAllBytes(dir.resolve("box-3/memo-13.txt"))), Map.of());

        // before opening: nothing of the plaintext is served, listed or indexed anywhere
        for (Node n : all) {
            await(n.name() + "'s index at the sealed version", Duration.ofSeconds(60),
                    () -> n.indexer().index().indexedVersion() == version(n));
            assertEquals(0, searchTotal(n, WORD), n.name());
            assertEquals(404, get(n, "/targets/" + sample.storedName()).statusCode(), n.name());
            assertEquals(404, get(n, "/doc/" + sample.path()).statusCode(), n.name());
            String page = new String(get(n, "/releases/" + id).body(), StandardCharsets.UTF_8);
            assertTrue(page.contains("sealed") && page.contains(sealed.keySha256()) && page.contains("2027-06-01T00:00:00Z"), page);
            assertTrue(page.contains("action=\"/api/unseal\""), "the page offers a form to post the key");
            String list = new String(get(n, "/releases").body(), StandardCharsets.UTF_8);
            assertTrue(list.contains(">sealed</td>"), "the list of releases says it is sealed: " + list);
            assertTrue(check(n, a).ok(), n.name() + ": " + check(n, a).problems());
        }

        // a reader's fetch cannot get a sealed document yet
        Path fetched = tmp.resolve("fetched.txt");
        Cli.Run early = Cli.run("fetch", sample.path(), "--from", mc.url(), "--fingerprint", a.fingerprint,
                "--cache", tmp.resolve("fetch-cache").toString(), "-o", fetched.toString());
        assertTrue(early.code() != 0, early.out());
        assertTrue(early.err().contains("has not opened the sealed release"), early.err());

        // gpg from Debian opens the ciphertext fetched from a mirror, with the key, without samizdat
        Path cipher = tmp.resolve("fetched.tar.pgp");
        Files.write(cipher, get(mc, "/" + sealed.ciphertextName()).body());
        Path key = tmp.resolve("key.txt");
        Files.writeString(key, Files.readString(s.keyFile()));
        Path gnupgHome = Files.createDirectories(tmp.resolve("gnupg"));
        Files.setPosixFilePermissions(gnupgHome, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path tar = tmp.resolve("plain.tar");
        Process gpg = new ProcessBuilder("gpg", "--homedir", gnupgHome.toString(), "--batch", "--pinentry-mode", "loopback",
                "--passphrase-file", key.toString(), "--output", tar.toString(), "--decrypt", cipher.toString())
                .redirectErrorStream(true).start();
        String gpgOut = new String(gpg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gpg.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, gpg.exitValue(), gpgOut);
        Path untarred = Files.createDirectories(tmp.resolve("untarred"));
        Process untar = new ProcessBuilder("tar", "-xf", tar.toString(), "-C", untarred.toString()).redirectErrorStream(true).start();
        String tarOut = new String(untar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(untar.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, untar.exitValue(), tarOut);
        for (int i : new int[] {0, 13, SEALED_DOCS - 1}) {
            String rel = "box-" + (i % 10) + "/memo-" + i + ".txt";
            assertArrayEquals(Files.readAllBytes(dir.resolve(rel)), Files.readAllBytes(untarred.resolve(id).resolve("insurance").resolve(rel)), rel);
        }
        assertEquals(sealed.manifestSha256(), org.samizdat.archive.Sha256.hex(Files.readAllBytes(untarred.resolve(id + "/_sealed.json"))));

        // a wrong key posted anywhere changes nothing
        String wrong = "ab".repeat(32);
        Path wrongKey = tmp.resolve("wrong.txt");
        Files.writeString(wrongKey, wrong);
        Cli.Run refused = Cli.run("unseal", mc.url(), "--release", id, "--key", wrongKey.toString());
        assertEquals(3, refused.code(), refused.out() + refused.err());
        assertTrue(refused.out().contains("not the signed commitment"), refused.out());

        // two of five shares do not give the key; three do, and posted to the last mirror only, they open every node
        List<Path> shares = s.shareFiles();
        Cli.Run two = Cli.run("unseal", mc.url(), "--share", shares.get(0).toString(), "--share", shares.get(4).toString());
        assertEquals(3, two.code(), two.out() + two.err());
        assertTrue(two.err().contains("3 of the 5 are needed"), two.err());
        assertTrue(all.stream().allMatch(n -> !state(n, id).equals("opened")));

        long t0 = System.nanoTime();
        Cli.Run three = Cli.run("unseal", mc.url(), "--share", shares.get(1).toString(), "--share", shares.get(2).toString(),
                "--share", shares.get(4).toString(), "--wait", "0");
        assertEquals(0, three.code(), three.out() + three.err());
        await("every node to open " + id, Duration.ofSeconds(120), () -> all.stream().allMatch(n -> state(n, id).equals("opened")));
        System.out.printf("sealed release of %,d documents: key posted to mirror-c; the last of 4 nodes opened it %.2f s later%n",
                SEALED_DOCS, (System.nanoTime() - t0) / 1e9);

        // every node serves, lists, indexes and checks the opened documents
        for (Node n : all) {
            await(n.name() + "'s index of the opened release", Duration.ofSeconds(120), () -> searchTotal(n, WORD) == SEALED_DOCS);
            assertArrayEquals(Files.readAllBytes(dir.resolve("box-3/memo-13.txt")), get(n, "/targets/" + sample.storedName()).body());
            assertEquals(200, get(n, "/doc/" + sample.path()).statusCode(), n.name());
            assertArrayEquals(Files.readString(s.keyFile()).strip().getBytes(StandardCharsets.US_ASCII),
                    get(n, "/" + sealed.keyName()).body(), "the key is published under its committed hash");
            Checker.Report r = check(n, a);
            assertTrue(r.ok(), n.name() + ": " + r.problems());
            assertTrue(r.targets() >= SEALED_DOCS + 20, n.name() + " checked " + r.targets());
            assertTrue(new String(get(n, "/releases/" + id).body(), StandardCharsets.UTF_8).contains("sealed, and opened"));
        }

        // readers verify an opened document against the signed commitment: with fetch, and with tuf-js and the published recipe
        Cli.Run late = Cli.run("fetch", sample.path(), "--from", mc.url(), "--fingerprint", a.fingerprint,
                "--cache", tmp.resolve("fetch-cache").toString(), "-o", fetched.toString());
        assertEquals(0, late.code(), late.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("box-3/memo-13.txt")), Files.readAllBytes(fetched));
        Path byTufJs = tmp.resolve("tufjs.txt");
        Path state = Files.createDirectories(tmp.resolve("tufjs-state"));
        Files.copy(a.metadata("1.root.json"), state.resolve("root.json")); // its sha256 is the fingerprint
        Map<String, Object> recipe = org.samizdat.repo.TufJs.runRecipe("sealed-document.mjs", ma.url(), state.toString(),
                sample.path(), byTufJs.toString());
        assertEquals(Boolean.TRUE, recipe.get("ok"), recipe.toString());
        assertArrayEquals(Files.readAllBytes(dir.resolve("box-3/memo-13.txt")), Files.readAllBytes(byTufJs));
    }

    @Test
    void aMirrorThatLiesAboutTheCiphertextIsRefusedByHash() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("publisher"), Instant.now());
        a.stage(sources("insurance", 30, WORD));
        new Sealing(a, null).seal("Insurance", 0, 0, null);
        // a liar serves the same signed metadata with one byte of the ciphertext flipped (same length)
        Path lie = TestArchive.copyTree(a.publicDir(), tmp.resolve("liar"));
        SealedRelease sealed = Catalog.open(new FileStore(lie)).sealed("r0001").orElseThrow();
        Path cipher = new FileStore(lie).path(sealed.ciphertextName());
        byte[] b = Files.readAllBytes(cipher);
        b[b.length / 2] ^= 1;
        Files.write(cipher, b);
        ArchiveServer liar = new ArchiveServer(new ServerConfig("127.0.0.1", 0, lie, "liar").withLimits(OPEN),
                new OriginStatus(lie, Clock.systemUTC()), () -> { }).start();
        closing.add(liar);
        Path pub = Files.createDirectories(tmp.resolve("mirror/public/metadata")).getParent();
        MirrorSync fromLiar = new MirrorSync(pub, new Upstream(liar.url(), Duration.ofSeconds(10)), Trust.fingerprint(a.fingerprint),
                Clock.systemUTC(), 4, Progress.NONE);
        org.samizdat.sync.SyncException e = org.junit.jupiter.api.Assertions.assertThrows(org.samizdat.sync.SyncException.class,
                fromLiar::sync);
        assertEquals(org.samizdat.sync.SyncException.Kind.VERIFICATION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("_sealed.pgp"), e.getMessage());
        assertTrue(!Files.exists(pub.resolve("metadata/timestamp.json")), "nothing of the lie becomes visible");
        assertTrue(!new FileStore(pub).exists(sealed.ciphertextName()));
        // the honest origin's copy is taken, and checks
        Node origin = origin(a);
        new MirrorSync(pub, new Upstream(origin.url(), Duration.ofSeconds(10)), Trust.fingerprint(a.fingerprint), Clock.systemUTC(),
                4, Progress.NONE).sync();
        assertTrue(new FileStore(pub).exists(sealed.ciphertextName()));
        assertTrue(new Checker(pub, new State(0, 0), RootFingerprint.parse(a.fingerprint), Instant.now(), false, Progress.NONE)
                .check().ok());
    }

    @Test
    void aPublisherWhoSealedOtherDocumentsThanItCommittedToIsRefusedOnEveryNode() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("publisher"), Instant.now());
        List<Node> all = network(a, 2);
        Node mb = all.get(2);

        Path dir = sources("decoy", 50, "lyrebird");
        a.stage(dir);
        Sealer.Sealed s = new Sealing(a, tmp.resolve("shares")).seal("Insurance", 0, 0, null,
                Sealing.swapping("/memo-7.txt", dir.resolve("box-7/memo-7.txt"), tmp.resolve("swapped.txt")));
        String id = s.release();
        await("the sealed release on every mirror", Duration.ofSeconds(60), () -> all.stream().allMatch(n -> hasRelease(n, id)));
        Cli.Run posted = Cli.run("unseal", mb.url(), "--release", id, "--key", s.keyFile().toString(), "--wait", "0");
        assertEquals(0, posted.code(), posted.out() + posted.err());
        await("every node to refuse " + id, Duration.ofSeconds(60),
                () -> all.stream().allMatch(n -> state(n, id).startsWith("refused")));
        for (Node n : all) {
            assertTrue(state(n, id).contains("memo-7.txt inside the ciphertext is not the committed document"), state(n, id));
            assertEquals(0, searchTotal(n, "lyrebird"), n.name());
            assertTrue(Catalog.open(new FileStore(n.publicDir())).release(id).documents().isEmpty());
            String sha = org.samizdat.archive.Sha256.hex(Files.readAllBytes(dir.resolve("box-0/memo-0.txt")));
            assertEquals(404, get(n, "/targets/" + id + "/decoy/box-0/" + sha + ".memo-0.txt").statusCode(), n.name());
            assertEquals(404, get(n, "/" + Catalog.open(new FileStore(n.publicDir())).sealed(id).orElseThrow().keyName()).statusCode());
            assertTrue(check(n, a).ok(), check(n, a).problems().toString());
        }
    }
}
