package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samizdat.archive.BundleRequest;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.repo.Checker;
import org.samizdat.work.Progress;
import org.samizdat.repo.State;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.SigningKey;
import org.samizdat.tuf.Targets;

/**
 * Every attack of a lying mirror (TUF research notes 1.9 and 5), each against both {@code mirror}
 * and {@code fetch}: the attack is refused, the error names the mirror and the rule, nothing
 * unverified is stored, the previous version stays in place, and {@code check} passes after.
 *
 * <p>Each test starts from an origin with release r0001, a mirror and a fetch cache that hold
 * that version, and a second release r0002 the hostile mirror is asked for. Attacks that need
 * valid signatures use the archive's online keys (timestamp, snapshot, releases), as an attacker
 * who has stolen them would.
 */
class HostileMirrorIT {
    private static final String NEW_DOC = "r0002/more/doc-1.txt";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private Path tmp;
    private TestArchive origin;
    private Path mirror;
    private Path cache;
    private byte[] firstTimestamp;
    /** Whether the hostile mirror answers bundle requests (else a mirror fetches documents one by one). */
    private boolean bundles;
    private byte[] mirrorTimestamp;
    private Map<String, byte[]> mirrorMetadata;

    @BeforeEach
    void setUp(@TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 3);
        origin.publish(null);
        mirror = tmp.resolve("mirror");
        cache = tmp.resolve("cache");
        firstTimestamp = Files.readAllBytes(origin.metadata("timestamp.json"));
        syncHonestly();
        origin.stage("more", 2);
        origin.publish(null);
    }

    /** Brings the mirror and the fetch cache to the origin's current version through an honest server. */
    private void syncHonestly() throws Exception {
        try (StaticServer honest = new StaticServer(origin.publicDir())) {
            new MirrorSync(mirror, new Upstream(honest.url(), TIMEOUT), trust(), Clock.systemUTC(), 2, Progress.NONE).sync();
            fetcher(false, new ArrayList<>()).fetch("r0001/docs/doc-1.txt", List.of(honest.url()), tmp.resolve("primed.txt"));
        }
        mirrorTimestamp = Files.readAllBytes(mirror.resolve("metadata/timestamp.json"));
        mirrorMetadata = files(mirror.resolve("metadata"));
    }

    private Trust trust() {
        return Trust.fingerprint(origin.fingerprint);
    }

    private Fetcher fetcher(boolean staleOk, List<String> log) {
        return new Fetcher(cache, trust(), Clock.systemUTC(), TIMEOUT, Duration.ofSeconds(5), staleOk, log::add);
    }

    private static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    /**
     * Runs the attack against the mirror and against fetch and asserts all that must hold: the
     * error names the hostile mirror and one of the rules; the mirror's metadata is byte for byte
     * what it was; every document it holds hashes to its name; check passes; fetch wrote nothing.
     */
    private void refused(HostileMirror.Attack attack, Clock clock, String... rules) throws Exception {
        refusedFetching(attack, clock, NEW_DOC, rules);
    }

    /** As above; fetch asks for {@code fetchPath}, or is not tried when it is null. */
    private void refusedFetching(HostileMirror.Attack attack, Clock clock, String fetchPath, String... rules) throws Exception {
        try (HostileMirror hostile = new HostileMirror(origin.publicDir(), attack, bundles)) {
            SyncException m = assertThrows(SyncException.class, () -> new MirrorSync(mirror, new Upstream(hostile.url(), TIMEOUT),
                    trust(), clock, 2, Progress.NONE).sync());
            assertNames(m, hostile, rules);
            assertEquals(mirrorMetadata.keySet(), files(mirror.resolve("metadata")).keySet(), "no metadata file was added");
            assertArrayEquals(mirrorTimestamp, Files.readAllBytes(mirror.resolve("metadata/timestamp.json")),
                    "the mirror still serves its previous version");
            try (Stream<Path> docs = Files.walk(mirror.resolve("targets"))) {
                for (Path p : docs.filter(Files::isRegularFile).toList()) {
                    String name = p.getFileName().toString();
                    assertFalse(name.startsWith(".tmp-"), "a temporary file was left: " + p);
                    assertEquals(name.substring(0, 64), Sha256.hex(Files.readAllBytes(p)), "an unverified document was stored: " + p);
                }
            }
            Checker.Report report = new Checker(mirror, new State(0, 0), org.samizdat.tuf.RootFingerprint.parse(origin.fingerprint), Instant.now(), false, Progress.NONE).check();
            assertTrue(report.ok(), report.problems().toString());

            if (fetchPath == null) {
                return;
            }
            Path out = tmp.resolve("fetched.txt");
            Fetcher f = new Fetcher(cache, trust(), clock, TIMEOUT, Duration.ofSeconds(5), false, line -> { });
            SyncException e = assertThrows(SyncException.class, () -> f.fetch(fetchPath, List.of(hostile.url()), out));
            assertNames(e, hostile, rules);
            assertFalse(Files.exists(out), "fetch wrote an unverified document");
            try (Stream<Path> left = Files.list(tmp)) {
                assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "fetch left a temporary file");
            }
        }
    }

    private void refused(HostileMirror.Attack attack, String... rules) throws Exception {
        refused(attack, Clock.systemUTC(), rules);
    }

    private static void assertNames(SyncException e, HostileMirror hostile, String... rules) {
        String msg = e.getMessage();
        assertTrue(msg.contains(hostile.url()), "the error names the mirror: " + msg);
        assertTrue(Stream.of(rules).anyMatch(r -> msg.contains("[" + r + "]")), "the error names the rule " + List.of(rules) + ": " + msg);
    }

    private byte[] meta(String file) throws Exception {
        return Files.readAllBytes(origin.metadata(file));
    }

    private long snapshotVersion() throws Exception {
        return org.samizdat.tuf.Timestamp.from(Metadata.parse("timestamp.json", meta("timestamp.json"), "timestamp")).snapshot().version();
    }

    /** The document's file as the mirror serves it. */
    private String docFile(String path) throws Exception {
        String role = path.substring(0, path.indexOf('/'));
        Targets t = Targets.from(Metadata.parse(role, meta("1." + role + ".json"), "targets"));
        return "/targets/" + new TargetPath(path).hashedName(t.targets().get(path).sha256());
    }

    @SuppressWarnings("unchecked")
    private static Object mutable(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put((String) k, mutable(v)));
            return c;
        }
        if (o instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(v -> c.add(mutable(v)));
            return c;
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> signedOf(byte[] file) {
        return (Map<String, Object>) ((Map<String, Object>) mutable(Json.parseObject(file))).get("signed");
    }

    private static byte[] sign(String file, Map<String, Object> signed, SigningKey key) {
        return Metadata.sign(file, signed, List.of(key)).toBytes();
    }

    /** A timestamp one version newer than the origin's, signed with the stolen timestamp key, pinning {@code snapshot}. */
    @SuppressWarnings("unchecked")
    private byte[] forgedTimestamp(long snapshotVersion, byte[] snapshot) throws Exception {
        Map<String, Object> ts = signedOf(meta("timestamp.json"));
        ts.put("version", (Long) ts.get("version") + 1);
        Map<String, Object> pin = new LinkedHashMap<>();
        pin.put("version", snapshotVersion);
        if (snapshot != null) {
            pin.put("length", (long) snapshot.length);
            pin.put("hashes", new LinkedHashMap<>(Map.of("sha256", Sha256.hex(snapshot))));
        }
        ts.put("meta", new LinkedHashMap<>(Map.of("snapshot.json", pin)));
        return sign("timestamp.json", ts, origin.key("timestamp"));
    }

    /** Files for a forged snapshot (one version newer, edited, signed with the stolen key) and a timestamp pinning it. */
    private Map<String, byte[]> forgedSnapshot(Consumer<Map<String, Object>> editMeta, Map<String, byte[]> extra) throws Exception {
        long v = snapshotVersion();
        Map<String, Object> snap = signedOf(meta(v + ".snapshot.json"));
        snap.put("version", v + 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> metaMap = (Map<String, Object>) snap.get("meta");
        editMeta.accept(metaMap);
        byte[] snapBytes = sign((v + 1) + ".snapshot.json", snap, origin.key("snapshot"));
        Map<String, byte[]> files = new LinkedHashMap<>(extra);
        files.put("/metadata/" + (v + 1) + ".snapshot.json", snapBytes);
        files.put("/metadata/timestamp.json", forgedTimestamp(v + 1, snapBytes));
        return files;
    }

    /** Files for a forged release role r0002 (signed with the stolen releases key) and the snapshot and timestamp above it. */
    @SuppressWarnings("unchecked")
    private Map<String, byte[]> forgedRelease(Consumer<Map<String, Object>> edit) throws Exception {
        Map<String, Object> role = signedOf(meta("1.r0002.json"));
        edit.accept(role);
        byte[] bytes = sign("1.r0002.json", role, origin.key("releases"));
        return forgedSnapshot(m -> {
            Map<String, Object> entry = (Map<String, Object>) m.get("r0002.json");
            if (entry.containsKey("hashes")) {
                entry.put("length", (long) bytes.length);
                entry.put("hashes", new LinkedHashMap<>(Map.of("sha256", Sha256.hex(bytes))));
            }
        }, Map.of("/metadata/1.r0002.json", bytes));
    }

    // Documents

    private static Optional<HostileMirror.Response> lastByteFlipped(Optional<byte[]> honest) {
        return honest.map(b -> {
            byte[] c = b.clone();
            c[c.length - 1] ^= 1;
            return HostileMirror.Response.bytes(c);
        });
    }

    @Test
    void aBundleWithAlteredBytesCostsOnlyTheDocumentFetchedAgainAlone() throws Exception {
        try (HostileMirror hostile = new HostileMirror(origin.publicDir(),
                (path, honest) -> path.equals(BundleRequest.PATH) ? lastByteFlipped(honest) : Optional.empty(), true)) {
            MirrorSync.Result r = new MirrorSync(mirror, new Upstream(hostile.url(), TIMEOUT), trust(), Clock.systemUTC(), 2,
                    Progress.NONE).sync();
            assertTrue(r.changed());
            assertEquals(1, hostile.requests().stream().filter(BundleRequest.PATH::equals).count(), hostile.requests().toString());
            // the bundle's last document failed its hash and was asked for alone; those before it came in the bundle
            assertEquals(1, hostile.requests().stream().filter(p -> p.startsWith("/targets/")).count(), hostile.requests().toString());
        }
        try (Stream<Path> docs = Files.walk(mirror.resolve("targets"))) {
            for (Path p : docs.filter(Files::isRegularFile).toList()) {
                assertEquals(p.getFileName().toString().substring(0, 64), Sha256.hex(Files.readAllBytes(p)), p.toString());
            }
        }
        Checker.Report report = new Checker(mirror, new State(0, 0), org.samizdat.tuf.RootFingerprint.parse(origin.fingerprint),
                Instant.now(), false, Progress.NONE).check();
        assertTrue(report.ok(), report.problems().toString());
        assertArrayEquals(Files.readAllBytes(origin.metadata("timestamp.json")), Files.readAllBytes(mirror.resolve("metadata/timestamp.json")));
    }

    @Test
    void aDrippedBundleIsCutOffAtItsDeadlineAndItsDocumentsAreFetchedAlone() throws Exception {
        long start = System.nanoTime();
        try (HostileMirror hostile = new HostileMirror(origin.publicDir(), (path, honest) -> path.equals(BundleRequest.PATH)
                ? honest.map(b -> HostileMirror.Response.drip(b, Duration.ofMillis(300))) : Optional.empty(), true)) {
            MirrorSync.Result r = new MirrorSync(mirror, new Upstream(hostile.url(), TIMEOUT), trust(), Clock.systemUTC(), 2,
                    Progress.NONE).sync();
            assertTrue(r.changed());
            assertTrue(hostile.requests().stream().anyMatch(p -> p.startsWith("/targets/")), hostile.requests().toString());
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30, "the drip was cut off in time");
        Checker.Report report = new Checker(mirror, new State(0, 0), org.samizdat.tuf.RootFingerprint.parse(origin.fingerprint),
                Instant.now(), false, Progress.NONE).check();
        assertTrue(report.ok(), report.problems().toString());
    }

    @Test
    void aDocumentAlteredInTheBundleAndAloneIsRefused() throws Exception {
        bundles = true;
        refusedFetching((path, honest) -> path.equals(BundleRequest.PATH) || path.startsWith("/targets/")
                ? lastByteFlipped(honest) : Optional.empty(), Clock.systemUTC(), null, "target hash");
    }

    @Test
    void substitutedContentIsRefused() throws Exception {
        String file = docFile(NEW_DOC);
        refused((path, honest) -> path.equals(file) ? honest.map(b -> {
            byte[] c = b.clone();
            c[0] ^= 1;
            return HostileMirror.Response.bytes(c);
        }) : Optional.empty(), "target hash");
    }

    @Test
    void aTargetLongerThanSignedIsCutAtTheSignedLengthAndRefused() throws Exception {
        String file = docFile(NEW_DOC);
        refused((path, honest) -> path.equals(file)
                ? honest.map(b -> HostileMirror.Response.bytes((new String(b, StandardCharsets.UTF_8) + "x".repeat(1 << 20)).getBytes(StandardCharsets.UTF_8)))
                : Optional.empty(), "target length");
    }

    @Test
    void aTargetShorterThanSignedIsRefused() throws Exception {
        String file = docFile(NEW_DOC);
        refused((path, honest) -> path.equals(file)
                ? honest.map(b -> HostileMirror.Response.bytes(java.util.Arrays.copyOf(b, b.length / 2))) : Optional.empty(), "target length");
    }

    // Rollback, freeze, mix-and-match

    @Test
    void aRolledBackTimestampIsRefused() throws Exception {
        syncHonestly();
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json", firstTimestamp)), "rollback");
    }

    @Test
    void aTimestampPointingToAnOlderSnapshotIsRefused() throws Exception {
        syncHonestly();
        long v = snapshotVersion();
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json", forgedTimestamp(v - 1, meta((v - 1) + ".snapshot.json")))),
                "rollback");
    }

    @Test
    void aSnapshotRollingBackTheReleasesRoleIsRefused() throws Exception {
        syncHonestly();
        refused(HostileMirror.Attack.replace(forgedSnapshot(m -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) m.get("releases.json");
            t.put("version", (Long) t.get("version") - 1);
            t.remove("hashes");
            t.remove("length");
        }, Map.of())), "rollback");
    }

    @Test
    void aSnapshotDroppingAReleaseRoleIsRefused() throws Exception {
        syncHonestly();
        refused(HostileMirror.Attack.replace(forgedSnapshot(m -> m.remove("r0001.json"), Map.of())), "rollback");
    }

    @Test
    void expiredMetadataIsAFreezeAndArchiveModeReadsItWithAWarning() throws Exception {
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);
        refused((path, honest) -> Optional.empty(), later, "freeze");
        try (HostileMirror stale = new HostileMirror(origin.publicDir(), (path, honest) -> Optional.empty())) {
            Fetcher archiveMode = new Fetcher(cache, trust(), later, TIMEOUT, Duration.ofSeconds(5), true, line -> { });
            Fetcher.Outcome o = archiveMode.fetch(NEW_DOC, List.of(stale.url()), tmp.resolve("archived.txt"));
            assertFalse(o.warnings().isEmpty(), "archive mode says the metadata has expired");
            assertArrayEquals(Files.readAllBytes(origin.source("more", 1)), Files.readAllBytes(tmp.resolve("archived.txt")));
        }
    }

    @Test
    void aSnapshotFromAnotherVersionIsMixAndMatch() throws Exception {
        long v = snapshotVersion();
        refused(HostileMirror.Attack.replace(Map.of("/metadata/" + v + ".snapshot.json", meta((v - 1) + ".snapshot.json"))),
                "hash matches parent", "length matches parent");
    }

    // Signatures and keys

    @Test
    void aBadSignatureIsRefused() throws Exception {
        String ts = new String(meta("timestamp.json"), StandardCharsets.UTF_8);
        int at = ts.indexOf("\"sig\":\"") + 7;
        String flipped = ts.substring(0, at) + (ts.charAt(at) == '0' ? '1' : '0') + ts.substring(at + 1);
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json", flipped.getBytes(StandardCharsets.UTF_8))),
                "signature threshold");
    }

    @Test
    void signaturesBelowTheThresholdAreRefused() throws Exception {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("signatures", List.of());
        top.put("signed", signedOf(meta("timestamp.json")));
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json", Json.write(top))), "signature threshold");
    }

    @Test
    void aSignatureByAnUnknownKeyidIsRefused() throws Exception {
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json",
                sign("timestamp.json", signedOf(meta("timestamp.json")), SigningKey.generate()))), "signature threshold");
    }

    @Test
    void aDuplicateKeyidIsRefused() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> top = (Map<String, Object>) mutable(Json.parseObject(meta("timestamp.json")));
        List<Object> sigs = new ArrayList<>((List<?>) top.get("signatures"));
        sigs.add(sigs.get(0));
        top.put("signatures", sigs);
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json", Json.write(top))), "one signature per key");
    }

    @Test
    void aRootWithAnotherFingerprintIsRefused() throws Exception {
        TestArchive other = TestArchive.create(tmp.resolve("other"), Instant.now());
        Path freshMirror = tmp.resolve("fresh-mirror");
        try (HostileMirror hostile = new HostileMirror(other.publicDir(), (path, honest) -> Optional.empty())) {
            SyncException e = assertThrows(SyncException.class, () -> new MirrorSync(freshMirror, new Upstream(hostile.url(), TIMEOUT),
                    trust(), Clock.systemUTC(), 2, Progress.NONE).sync());
            assertNames(e, hostile, "trusted root");
            assertFalse(Files.exists(freshMirror.resolve("metadata/1.root.json")), "the other root was not stored");
            Fetcher fresh = new Fetcher(tmp.resolve("fresh-cache"), trust(), Clock.systemUTC(), TIMEOUT, Duration.ofSeconds(5), false, l -> { });
            assertNames(assertThrows(SyncException.class, () -> fresh.fetch(NEW_DOC, List.of(hostile.url()), tmp.resolve("x"))),
                    hostile, "trusted root");
        }
    }

    @Test
    void aRootRotationSignedOnlyByTheNewKeysIsRefused() throws Exception {
        SigningKey attacker = SigningKey.generate();
        Map<String, Object> root = signedOf(meta("1.root.json"));
        root.put("version", 2L);
        @SuppressWarnings("unchecked")
        Map<String, Object> roles = (Map<String, Object>) root.get("roles");
        @SuppressWarnings("unchecked")
        Map<String, Object> keys = (Map<String, Object>) root.get("keys");
        keys.put(attacker.keyid(), attacker.key().toJson());
        for (Object r : roles.values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> role = (Map<String, Object>) r;
            role.put("keyids", new ArrayList<>(List.of(attacker.keyid())));
        }
        refused(HostileMirror.Attack.replace(Map.of("/metadata/2.root.json", sign("2.root.json", root, attacker))), "signature threshold");
    }

    // Malformed and oversized metadata

    @Test
    void malformedJsonIsRefused() throws Exception {
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json", "{\"signed\": {\"_type\": ".getBytes(StandardCharsets.UTF_8))),
                "metadata format");
    }

    @Test
    void aByteOrderMarkIsRefused() throws Exception {
        byte[] ts = meta("timestamp.json");
        byte[] bom = new byte[ts.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(ts, 0, bom, 3, ts.length);
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json", bom)), "metadata format");
    }

    /**
     * An upstream that pads a role file (whitespace after the JSON: the signature still verifies)
     * is refused, because the snapshot pins every role's length and sha256; before it did, every
     * mirror stored and passed on the bloat.
     */
    @Test
    void aPaddedRoleFileIsRefusedByItsPinnedLengthAndHash() throws Exception {
        byte[] role = meta("1.r0002.json");
        byte[] padded = java.util.Arrays.copyOf(role, role.length + 4096);
        java.util.Arrays.fill(padded, role.length, padded.length, (byte) ' ');
        Metadata.parse("1.r0002.json", padded, "targets"); // still well-formed, still signed
        // refused at the pinned length already while downloading (size cap), or by the pin once read
        refused(HostileMirror.Attack.replace(Map.of("/metadata/1.r0002.json", padded)), "size cap", "length matches parent",
                "hash matches parent");
    }

    @Test
    void oversizedMetadataHitsTheSizeCap() throws Exception {
        Map<String, Object> ts = signedOf(meta("timestamp.json"));
        ts.put("x-padding", "x".repeat(1 << 20));
        refused(HostileMirror.Attack.replace(Map.of("/metadata/timestamp.json", sign("timestamp.json", ts, origin.key("timestamp")))),
                "size cap");
    }

    // Hostile paths

    @ParameterizedTest
    @ValueSource(strings = {"r0002/../../etc/passwd", "/etc/passwd", "r0002\\..\\x", "r0002/a\u0000b", "r0002/%2e%2e/x",
            "r0002/\u2024\u2024/x", "r0002/\uff0e\uff0e/x", "r0002/./x", "r0002//x", "r0002/caf\u00e9.txt"})
    void aHostileTargetPathInSignedMetadataIsRefused(String hostilePath) throws Exception {
        HostileMirror.Attack attack = HostileMirror.Attack.replace(forgedRelease(role -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> targets = (Map<String, Object>) role.get("targets");
            targets.put(hostilePath, new LinkedHashMap<>(Map.of("length", 1L, "hashes", Map.of("sha256", "0".repeat(64)))));
        }));
        refusedFetching(attack, Clock.systemUTC(), null, "target path");
        assertFalse(Files.exists(tmp.resolve("etc")));
        // fetch never turns such a path into a file name: it is refused before any request
        try (HostileMirror hostile = new HostileMirror(origin.publicDir(), attack)) {
            SyncException e = assertThrows(SyncException.class,
                    () -> fetcher(false, new ArrayList<>()).fetch(hostilePath, List.of(hostile.url()), tmp.resolve("out")));
            assertTrue(e.getMessage().contains("is not a document path"), e.getMessage());
            assertTrue(hostile.requests().isEmpty(), hostile.requests().toString());
        }
    }

    @Test
    void aHostileTargetPathInUnsignedMetadataNeverGetsPastTheSignature() throws Exception {
        Map<String, Object> role = signedOf(meta("1.r0002.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> targets = (Map<String, Object>) role.get("targets");
        targets.put("../../escape", new LinkedHashMap<>(Map.of("length", 1L, "hashes", Map.of("sha256", "0".repeat(64)))));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("signatures", List.of());
        top.put("signed", role);
        refused(HostileMirror.Attack.replace(Map.of("/metadata/1.r0002.json", Json.write(top))),
                "signature threshold", "hash matches parent", "length matches parent");
    }

    /**
     * One rule, one place: mirror, check and fetch all refuse a document listed without the
     * sha256 they name documents by, with the words of the single rule object they share
     * ({@link org.samizdat.tuf.TargetFile#requireSha256}).
     */
    @Test
    void mirrorCheckAndFetchRefuseATargetWithoutASha256ThroughTheSameRule() throws Exception {
        Map<String, byte[]> forged = forgedRelease(role -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> targets = (Map<String, Object>) role.get("targets");
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = new LinkedHashMap<>((Map<String, Object>) targets.get(NEW_DOC));
            doc.put("hashes", Map.of("sha512", "ab".repeat(64)));
            targets.put(NEW_DOC, doc);
        });
        org.samizdat.tuf.TufException rule = assertThrows(org.samizdat.tuf.TufException.class,
                () -> new org.samizdat.tuf.TargetFile(1, null, null, Map.of("sha512", "ab".repeat(64))).requireSha256("F", NEW_DOC));
        String words = rule.getMessage().substring("F: ".length());

        refusedFetching(HostileMirror.Attack.replace(forged), Clock.systemUTC(), NEW_DOC, "hash algorithms");
        try (HostileMirror hostile = new HostileMirror(origin.publicDir(), HostileMirror.Attack.replace(forged))) {
            SyncException m = assertThrows(SyncException.class, () -> new MirrorSync(mirror, new Upstream(hostile.url(), TIMEOUT),
                    trust(), Clock.systemUTC(), 2, Progress.NONE).sync());
            assertTrue(m.getMessage().endsWith(words), m.getMessage());
            SyncException f = assertThrows(SyncException.class,
                    () -> fetcher(false, new ArrayList<>()).fetch(NEW_DOC, List.of(hostile.url()), tmp.resolve("out")));
            assertTrue(f.getMessage().contains(words), f.getMessage());
        }
        // check, on a copy of the origin's tree holding the forged files
        Path copy = origin.copyPublicTree(tmp.resolve("forged"));
        for (Map.Entry<String, byte[]> e : forged.entrySet()) {
            Files.write(copy.resolve(e.getKey().substring(1)), e.getValue());
        }
        Checker.Report report = new Checker(copy, new State(0, 0), null, Instant.now(), false, Progress.NONE).check();
        assertTrue(report.problems().stream().anyMatch(p -> p.endsWith(words)), report.problems().toString());
    }

    /**
     * A release role signed with the online key that delegates to 2^32 hash bins: the mirror
     * refuses it at once, before listing a single bin name (it used to enumerate them all, run out
     * of memory, and do so again at every poll).
     */
    @Test
    void aSuccinctDelegationToBillionsOfBinsIsRefusedBeforeItsBinsAreListed() throws Exception {
        SigningKey k = origin.key("releases");
        Map<String, Object> succinct = new LinkedHashMap<>(Map.of("bit_length", 32L, "keyids", List.of(k.keyid()),
                "threshold", 1L, "name_prefix", "r0002-bin"));
        Map<String, Object> delegations = new LinkedHashMap<>(Map.of(
                "keys", new LinkedHashMap<>(Map.of(k.keyid(), k.key().toJson())), "succinct_roles", succinct));
        HostileMirror.Attack attack = HostileMirror.Attack.replace(forgedRelease(role -> {
            role.put("targets", new LinkedHashMap<>());
            role.put("delegations", delegations);
        }));
        long start = System.nanoTime();
        refusedFetching(attack, Clock.systemUTC(), null, "role bound");
        assertTrue(System.nanoTime() - start < 60_000_000_000L, "refused without enumerating the bins");
    }

    /**
     * Files for a new version of a role the mirror and the fetch cache already hold (signed with
     * the stolen online key, {@code releases}), with the snapshot and timestamp above it.
     */
    @SuppressWarnings("unchecked")
    private Map<String, byte[]> rewritten(String role, Consumer<Map<String, Object>> edit) throws Exception {
        long v = ((Number) ((Map<String, Object>) ((Map<String, Object>) signedOf(meta(snapshotVersion() + ".snapshot.json"))
                .get("meta")).get(role + ".json")).get("version")).longValue();
        Map<String, Object> signed = signedOf(meta(v + "." + role + ".json"));
        signed.put("version", v + 1);
        edit.accept(signed);
        byte[] bytes = sign((v + 1) + "." + role + ".json", signed, origin.key("releases"));
        return forgedSnapshot(m -> m.put(role + ".json", new LinkedHashMap<>(Map.of("version", v + 1, "length", (long) bytes.length,
                "hashes", Map.of("sha256", Sha256.hex(bytes))))), Map.of("/metadata/" + (v + 1) + "." + role + ".json", bytes));
    }

    /**
     * A thief of the online keys signs a new version of the published r0001 with other bytes for
     * one of its documents: mirror, check and fetch, which hold r0001, refuse it.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aPublishedReleaseRewrittenWithTheOnlineKeysIsRefused() throws Exception {
        String doc = "r0001/docs/doc-1.txt";
        Map<String, byte[]> forged = rewritten("r0001", r -> {
            Map<String, Object> targets = (Map<String, Object>) r.get("targets");
            Map<String, Object> entry = new LinkedHashMap<>((Map<String, Object>) targets.get(doc));
            entry.put("hashes", Map.of("sha256", "ab".repeat(32)));
            targets.put(doc, entry);
        });
        refusedFetching(HostileMirror.Attack.replace(forged), Clock.systemUTC(), doc, "published release");
    }

    /** The same thief drops the published r0001 from the releases role: refused as well. */
    @Test
    @SuppressWarnings("unchecked")
    void aPublishedReleaseDroppedWithTheOnlineKeysIsRefused() throws Exception {
        Map<String, byte[]> forged = rewritten("releases", r -> {
            Map<String, Object> delegations = new LinkedHashMap<>((Map<String, Object>) r.get("delegations"));
            delegations.put("roles", ((List<Map<String, Object>>) delegations.get("roles")).stream()
                    .filter(d -> !"r0001".equals(d.get("name"))).toList());
            r.put("delegations", delegations);
        });
        refusedFetching(HostileMirror.Attack.replace(forged), Clock.systemUTC(), "r0001/docs/doc-1.txt", "published release");
    }

    /** A release role, signed with the stolen online key, that delegates {@code r0002/*} to a role named {@code name}. */
    private HostileMirror.Attack releaseDelegatingTo(String name) throws Exception {
        SigningKey k = origin.key("releases");
        Map<String, Object> role = new LinkedHashMap<>(Map.of("name", name, "keyids", List.of(k.keyid()),
                "threshold", 1L, "terminating", true, "paths", List.of("r0002/*")));
        Map<String, Object> delegations = new LinkedHashMap<>(Map.of(
                "keys", new LinkedHashMap<>(Map.of(k.keyid(), k.key().toJson())), "roles", List.of(role)));
        return HostileMirror.Attack.replace(forgedRelease(r -> r.put("delegations", delegations)));
    }

    /** A delegated role named like a top-level role in another case would be stored over it on a case-insensitive disk. */
    @Test
    void aDelegatedRoleNamedLikeATopLevelRoleInAnotherCaseIsRefused() throws Exception {
        HostileMirror.Attack attack = releaseDelegatingTo("Snapshot");
        refusedFetching(attack, Clock.systemUTC(), null, "role name");
        try (HostileMirror hostile = new HostileMirror(origin.publicDir(), attack)) {
            SyncException e = assertThrows(SyncException.class, () -> fetcher(false, new ArrayList<>())
                    .fetch("r0002/none.txt", List.of(hostile.url()), tmp.resolve("out")));
            assertNames(e, hostile, "role name");
        }
    }

    @Test
    void aHostileDelegatedRoleNameIsRefused() throws Exception {
        HostileMirror.Attack attack = releaseDelegatingTo("../../escape");
        refusedFetching(attack, Clock.systemUTC(), null, "role name");
        // a reader looking for a document under that role asks for it percent-encoded, and the
        // snapshot (which the attacker did not extend) does not list it
        try (HostileMirror hostile = new HostileMirror(origin.publicDir(), attack)) {
            SyncException e = assertThrows(SyncException.class, () -> fetcher(false, new ArrayList<>())
                    .fetch("r0002/none.txt", List.of(hostile.url()), tmp.resolve("out")));
            assertNames(e, hostile, "snapshot completeness");
            try (Stream<Path> files = Files.walk(tmp)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("escape")), "nothing was written for that role");
            }
        }
    }

    // The network

    @Test
    void slowRetrievalTimesOutAndFetchFailsOverToAnHonestMirror() throws Exception {
        HostileMirror.Attack drip = (path, honest) -> path.startsWith("/metadata/timestamp")
                ? honest.map(b -> HostileMirror.Response.drip(b, Duration.ofMillis(300))) : Optional.empty();
        long start = System.nanoTime();
        refused(drip, "slow retrieval");
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30, "the drip was cut off in time");
        try (HostileMirror slow = new HostileMirror(origin.publicDir(), drip); StaticServer honest = new StaticServer(origin.publicDir())) {
            List<String> log = new ArrayList<>();
            Fetcher.Outcome o = fetcher(false, log).fetch(NEW_DOC, List.of(slow.url(), honest.url()), tmp.resolve("ok.txt"));
            assertEquals(honest.url(), o.mirror());
            assertTrue(log.stream().anyMatch(l -> l.contains(slow.url()) && l.contains("[slow retrieval]")), log.toString());
        }
    }

    @Test
    void aRedirectToAnotherHostIsNotFollowed() throws Exception {
        try (StaticServer elsewhere = new StaticServer(origin.publicDir())) {
            refused((path, honest) -> Optional.of(HostileMirror.Response.redirect(elsewhere.url() + path)), "no redirects");
            assertTrue(elsewhere.requests().isEmpty(), "nothing was asked of the other host: " + elsewhere.requests());
        }
    }

    @Test
    void aServerErrorForTheNextRootIsNotTakenAsNoNewRoot() throws Exception {
        refused((path, honest) -> path.equals("/metadata/2.root.json") ? Optional.of(HostileMirror.Response.status(500)) : Optional.empty(),
                "server error");
    }

    @Test
    void anHtmlPageForTheNextRootIsRefused() throws Exception {
        refused((path, honest) -> path.equals("/metadata/2.root.json")
                ? Optional.of(HostileMirror.Response.bytes("<html><body>Not found</body></html>".getBytes(StandardCharsets.UTF_8)))
                : Optional.empty(), "metadata format");
    }
}
