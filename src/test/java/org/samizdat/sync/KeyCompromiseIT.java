package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.Checker;
import org.samizdat.repo.Head;
import org.samizdat.repo.KeyChange;
import org.samizdat.repo.Keyring;
import org.samizdat.repo.Lifetimes;
import org.samizdat.repo.Publisher;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;
import org.samizdat.repo.Withdrawals;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.SigningKey;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.work.Progress;

/**
 * The compromise-recovery drill of README.md, end to end over loopback HTTP: a thief copies the
 * archive with its online keys (releases, snapshot, timestamp, mirrors), serves what they sign
 * from a hostile upstream, and a mirror, {@code fetch} and {@code tuf-client} refuse a rewritten
 * release and a withdrawal; the publisher rotates the online keys with the offline ones, every
 * node recovers (spec 5.3.11), and what the thief signs afterwards is refused.
 */
class KeyCompromiseIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String DOC = "r0001/docs/doc-1.txt";

    @TempDir
    Path tmp;

    private TestArchive origin;
    private Path mirror;

    private MirrorSync.Result sync(String url) throws Exception {
        return new MirrorSync(mirror, new Upstream(url, TIMEOUT), Trust.fingerprint(origin.fingerprint), Clock.systemUTC(), 2,
                Progress.NONE).sync();
    }

    private Path fetchCache = Path.of("fetch-cache");
    private Path tufClientState = Path.of("tuf-client");

    private Fetcher fetcher() {
        return new Fetcher(tmp.resolve(fetchCache), Trust.fingerprint(origin.fingerprint), Clock.systemUTC(), TIMEOUT,
                Duration.ofSeconds(5), false, line -> { });
    }

    private TufClient tufClient(String url) throws Exception {
        TrustedState state = new TrustedState(tmp.resolve(tufClientState));
        if (state.read("root").isEmpty()) {
            state.write("root", Files.readAllBytes(origin.metadata("1.root.json"))); // tuf-client init
        }
        return new TufClient(state, new Upstream(url + "/metadata", TIMEOUT),
                Instant.now(), false, ClientLimits.DEFAULT, line -> { });
    }

    /** A copy of a whole archive directory (the thief's copy of the publishing machine: no offline keys in it). */
    private static Path copy(Path from, Path to) throws Exception {
        return TestArchive.copyTree(from, to);
    }

    private static Publisher thiefPublisher(Path archive) {
        ArchiveDir dir = new ArchiveDir(archive);
        return new Publisher(dir, new Keyring(dir.keysDir(), null), null, Lifetimes.DEFAULT, Clock.systemUTC(), Progress.NONE);
    }

    private static SigningKey stolen(Path archive, String role) throws Exception {
        return new Keyring(new ArchiveDir(archive).keysDir(), null).load(role);
    }

    /**
     * The thief writes role files into its tree and signs a snapshot pinning them and a timestamp
     * over it with the stolen keys, as its own publisher would.
     */
    private static void thiefCommits(Path archive, Map<String, byte[]> roleFiles) throws Exception {
        FileStore pub = new ArchiveDir(archive).publicStore();
        Head head = Head.load(pub);
        Map<String, MetaFile> meta = new TreeMap<>(head.snapshot().meta());
        for (Map.Entry<String, byte[]> e : roleFiles.entrySet()) {
            String file = e.getKey();
            long v = Long.parseLong(file.substring(0, file.indexOf('.')));
            pub.put("metadata/" + file, e.getValue());
            meta.put(file.substring(file.indexOf('.') + 1), MetaFile.of(v, e.getValue().length, Sha256.hex(e.getValue())));
        }
        Instant now = Instant.now();
        Snapshot snap = new Snapshot(head.snapshot().version() + 1, now.plus(Duration.ofDays(30)), meta);
        byte[] snapBytes = Metadata.sign(snap.version() + ".snapshot.json", snap.toSigned(),
                List.of(stolen(archive, "snapshot"))).toBytes();
        pub.put("metadata/" + snap.version() + ".snapshot.json", snapBytes);
        Timestamp ts = new Timestamp(head.timestamp().version() + 1, now.plus(Duration.ofDays(7)),
                MetaFile.of(snap.version(), snapBytes.length, Sha256.hex(snapBytes)));
        pub.put("metadata/timestamp.json", Metadata.sign("timestamp.json", ts.toSigned(), List.of(stolen(archive, "timestamp"))).toBytes());
    }

    @SuppressWarnings("unchecked")
    private static byte[] rewrittenRelease(Path archive) throws Exception {
        FileStore pub = new ArchiveDir(archive).publicStore();
        long v = Head.load(pub).snapshot().meta().get("r0001.json").version();
        Map<String, Object> signed = new LinkedHashMap<>((Map<String, Object>) Json.parseObject(
                pub.get("metadata/" + v + ".r0001.json").orElseThrow()).get("signed"));
        Map<String, Object> targets = new TreeMap<>((Map<String, Object>) signed.get("targets"));
        Map<String, Object> entry = new LinkedHashMap<>((Map<String, Object>) targets.get(DOC));
        byte[] other = "the thief's version of this cable\n".getBytes();
        entry.put("length", (long) other.length);
        entry.put("hashes", Map.of("sha256", Sha256.hex(other)));
        targets.put(DOC, entry);
        signed.put("targets", targets);
        signed.put("version", v + 1);
        pub.put("targets/r0001/docs/" + Sha256.hex(other) + ".doc-1.txt", other);
        return Metadata.sign((v + 1) + ".r0001.json", signed, List.of(stolen(archive, "releases"))).toBytes();
    }

    /** A targets role withdrawing a document, signed with every stolen online key (none is the targets key). */
    private static byte[] forgedWithdrawal(Path archive) throws Exception {
        FileStore pub = new ArchiveDir(archive).publicStore();
        Targets t = Head.load(pub).targets();
        byte[] list = Withdrawals.NONE.with(DOC, "the thief wants it gone", Instant.now()).toBytes();
        pub.put(Withdrawals.fileName(Sha256.hex(list)), list);
        Map<String, TargetFile> listed = new TreeMap<>(t.targets());
        listed.put(Withdrawals.PATH, new TargetFile(list.length, Sha256.hex(list), Map.of()));
        Targets forged = new Targets(t.version() + 1, t.expires(), listed, t.delegationKeys(), t.delegations(), null);
        List<SigningKey> keys = new ArrayList<>();
        for (String role : Keyring.ONLINE) {
            keys.add(stolen(archive, role));
        }
        return Metadata.sign(forged.version() + ".targets.json", forged.toSigned(), keys).toBytes();
    }

    private static void assertRefused(SyncException e, String rule) {
        assertTrue(e.getMessage().contains(rule), "expected [" + rule + "] in: " + e.getMessage());
    }

    @Test
    void aThiefOfTheOnlineKeysCannotRewriteOrWithdrawAndTheRotationRecoversEveryNode() throws Exception {
        origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 3);
        origin.publish("cables");
        mirror = tmp.resolve("mirror");
        byte[] honestDoc = Files.readAllBytes(origin.source("docs", 1));
        try (StaticServer honest = new StaticServer(origin.publicDir())) {
            sync(honest.url());
            tufClient(honest.url()).targetInfo(DOC).orElseThrow();
            fetcher().fetch(DOC, List.of(honest.url()), tmp.resolve("before.txt"));
        }

        // The theft: the publishing machine's archive directory, online keys and all.
        Path thief = copy(origin.dir().root(), tmp.resolve("thief"));
        Files.createDirectories(tmp.resolve("planted"));
        Files.writeString(tmp.resolve("planted/notice.txt"), "a planted document\n");
        assertEquals(0, org.samizdat.cli.Main.run("add", thief.toString(), tmp.resolve("planted").toString()));
        assertEquals(0, org.samizdat.cli.Main.run("publish", thief.toString()));
        Path rewritten = copy(thief, tmp.resolve("thief-rewrites"));
        Path withdrawing = copy(thief, tmp.resolve("thief-withdraws"));
        long thiefTimestamp;
        try (StaticServer hostile = new StaticServer(new ArchiveDir(thief).publicDir())) {
            // What TUF cannot stop: with the online keys a thief can add a release, and nodes follow.
            sync(hostile.url());
            fetcher().fetch("r0002/planted/notice.txt", List.of(hostile.url()), tmp.resolve("planted.txt"));
            tufClient(hostile.url()).targetInfo("r0002/planted/notice.txt").orElseThrow();
            thiefTimestamp = Timestamp.from(Metadata.parse("timestamp.json",
                    Files.readAllBytes(mirror.resolve("metadata/timestamp.json")), "timestamp")).version();
        }

        // Each attack below meets a client that holds the thief's last version; the withdrawal's own copies.
        copy(tmp.resolve(fetchCache), tmp.resolve("fetch-cache-2"));
        copy(tmp.resolve(tufClientState), tmp.resolve("tuf-client-2"));

        // What it can stop: rewriting a published release ...
        long v = Head.load(new ArchiveDir(rewritten).publicStore()).snapshot().meta().get("r0001.json").version();
        thiefCommits(rewritten, Map.of((v + 1) + ".r0001.json", rewrittenRelease(rewritten)));
        byte[] mirrorTimestamp = Files.readAllBytes(mirror.resolve("metadata/timestamp.json"));
        try (StaticServer hostile = new StaticServer(new ArchiveDir(rewritten).publicDir())) {
            assertRefused(assertThrows(SyncException.class, () -> sync(hostile.url())), "published release");
            assertRefused(assertThrows(SyncException.class,
                    () -> fetcher().fetch(DOC, List.of(hostile.url()), tmp.resolve("rewritten.txt"))), "published release");
            org.samizdat.tuf.TufException e = assertThrows(org.samizdat.tuf.TufException.class,
                    () -> tufClient(hostile.url()).targetInfo(DOC));
            assertEquals("published release", e.rule());
        }
        assertFalse(Files.exists(tmp.resolve("rewritten.txt")));
        assertArrayEquals(mirrorTimestamp, Files.readAllBytes(mirror.resolve("metadata/timestamp.json")), "the mirror kept its version");

        // ... and withdrawing a document, which needs the offline targets key.
        fetchCache = Path.of("fetch-cache-2");
        tufClientState = Path.of("tuf-client-2");
        long tv = Head.load(new ArchiveDir(withdrawing).publicStore()).targets().version();
        thiefCommits(withdrawing, Map.of((tv + 1) + ".targets.json", forgedWithdrawal(withdrawing)));
        try (StaticServer hostile = new StaticServer(new ArchiveDir(withdrawing).publicDir())) {
            assertRefused(assertThrows(SyncException.class, () -> sync(hostile.url())), "signature threshold");
            assertRefused(assertThrows(SyncException.class,
                    () -> fetcher().fetch(DOC, List.of(hostile.url()), tmp.resolve("withdrawn.txt"))), "signature threshold");
            org.samizdat.tuf.TufException e = assertThrows(org.samizdat.tuf.TufException.class,
                    () -> tufClient(hostile.url()).targetInfo(DOC));
            assertEquals("signature threshold", e.rule());
        }
        assertTrue(Files.exists(mirror.resolve("targets/r0001/docs/" + Sha256.hex(honestDoc) + ".doc-1.txt")),
                "the document was not withdrawn from the mirror");

        // The recovery: the publisher brings the offline keys and rotates every online key. The
        // clients are the ones that last saw the rewritten release.
        fetchCache = Path.of("fetch-cache");
        tufClientState = Path.of("tuf-client");
        KeyChange.Outcome o = new KeyChange(new Publisher(origin.dir(), new Keyring(origin.dir().keysDir(), null),
                origin.offlineKeyring(), Lifetimes.DEFAULT, Clock.fixed(Instant.now(), ZoneOffset.UTC), Progress.NONE))
                .rotate(Keyring.ONLINE, List.of(), 1, 1);
        assertTrue(o.pending().isEmpty() && o.done().contains("root version 2"), o.toString());
        long recovered = Head.load(origin.dir().publicStore()).timestamp().version();
        assertTrue(recovered < thiefTimestamp + 1, "the recovered timestamp (" + recovered + ") is not above the thief's ("
                + thiefTimestamp + "): nodes must forget the thief's versions, not outnumber them");
        try (StaticServer honest = new StaticServer(origin.publicDir())) {
            MirrorSync.Result r = sync(honest.url());
            assertEquals(recovered, r.timestampVersion());
            assertEquals(List.of("r0001"), Catalog.open(new FileStore(mirror)).releaseIds(), "the planted release is gone");
            Checker.Report report = new Checker(mirror, new org.samizdat.repo.State(0, 0), org.samizdat.tuf.RootFingerprint.parse(origin.fingerprint),
                    Instant.now(), true, Progress.NONE).check();
            assertTrue(report.ok(), report.problems().toString());
            fetcher().fetch(DOC, List.of(honest.url()), tmp.resolve("after.txt"));
            assertArrayEquals(honestDoc, Files.readAllBytes(tmp.resolve("after.txt")));
            TufClient client = tufClient(honest.url());
            assertEquals(Sha256.hex(honestDoc), client.targetInfo(DOC).orElseThrow().sha256());
            assertEquals(2, client.trusted().root().version());
            assertTrue(client.targetInfo("r0002/planted/notice.txt").isEmpty());
        }

        // Afterwards the thief's keys sign nothing any node accepts.
        Files.writeString(tmp.resolve("planted/more.txt"), "more\n");
        assertEquals(0, org.samizdat.cli.Main.run("add", thief.toString(), tmp.resolve("planted/more.txt").toString()));
        assertEquals(0, org.samizdat.cli.Main.run("publish", thief.toString()));
        byte[] recoveredTimestamp = Files.readAllBytes(mirror.resolve("metadata/timestamp.json"));
        try (StaticServer hostile = new StaticServer(new ArchiveDir(thief).publicDir())) {
            assertRefused(assertThrows(SyncException.class, () -> sync(hostile.url())), "signature threshold");
            assertThrows(SyncException.class, () -> fetcher().fetch("r0003/more.txt", List.of(hostile.url()), tmp.resolve("x")));
            assertThrows(org.samizdat.tuf.TufException.class, () -> tufClient(hostile.url()).refresh());
        }
        assertArrayEquals(recoveredTimestamp, Files.readAllBytes(mirror.resolve("metadata/timestamp.json")));
    }
}
