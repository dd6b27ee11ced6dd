package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.archive.Sha256;
import org.samizdat.tuf.SigningScheme;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.TufException;

/**
 * The TUF client workflow step by step (spec 5.2-5.6.7), each test named after the step it
 * exercises, against an in-memory repository that the test publishes, mutates and re-signs.
 */
class TufClientTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private RepositorySimulator sim;
    private TrustedState state;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void setUp(@TempDir Path dir) throws IOException {
        sim = new RepositorySimulator(NOW);
        state = new TrustedState(dir.resolve("state"));
        state.write("root", sim.trustedRoot());
    }

    private TufClient client() throws Exception {
        return client(ClientLimits.DEFAULT, false);
    }

    private TufClient client(ClientLimits limits, boolean acceptExpired) throws Exception {
        return new TufClient(state, sim, NOW, acceptExpired, limits, log::add);
    }

    private TrustedSet refresh() throws Exception {
        return client().refresh();
    }

    /** Asserts that a refresh fails on {@code rule} and returns the error. */
    private TufException refused(String rule) {
        TufException e = assertThrows(TufException.class, this::refresh);
        assertEquals(rule, e.rule(), e.getMessage());
        return e;
    }

    private long stored(String role) throws Exception {
        return (Long) ((Map<?, ?>) org.samizdat.archive.Json.parseObject(state.read(role).orElseThrow()).get("signed")).get("version");
    }

    private Optional<TargetFile> find(String path) throws Exception {
        return client().targetInfo(path);
    }

    // 5.2 Load the trusted root

    @Test
    void step5_2_aTrustedRootNotSignedByItsOwnKeysIsRefused() throws Exception {
        state.write("root", RepositorySimulator.sign(sim.root, List.of(TestSigner.ed25519())));
        TufException e = assertThrows(TufException.class, this::client);
        assertEquals("signature threshold", e.rule());
    }

    // 5.3 Update the root

    @Test
    void step5_3_rootRotationsAreFollowedEachVerifiedByTheOldAndTheNewKeys() throws Exception {
        TestSigner v1 = sim.signers.get("root").get(0);
        TestSigner a = TestSigner.ed25519();
        TestSigner b = TestSigner.ed25519();
        sim.extraRootSigners.add(v1);
        sim.rotate("root", List.of(a, b), 2);
        sim.newRoot(); // v2: threshold 2 of {a, b}, signed by v1 too
        TestSigner c = TestSigner.ed25519();
        sim.extraRootSigners.addAll(List.of(a, b));
        sim.rotate("root", List.of(c), 1);
        sim.newRoot(); // v3: back to one key
        TrustedSet t = refresh();
        assertEquals(3, t.root().version());
        assertArrayEquals(sim.served.get("3.root.json"), state.read("root").orElseThrow());
        assertEquals(List.of("2.root.json", "3.root.json", "4.root.json", "timestamp.json", "1.snapshot.json", "1.targets.json"),
                sim.takeRequests());
    }

    @Test
    void step5_3_3_aNewRootSignedOnlyByItsNewKeysIsRefused() throws Exception {
        sim.rotate("root", List.of(TestSigner.ed25519()), 1);
        sim.newRoot();
        refused("signature threshold");
        assertEquals(1, stored("root"));
    }

    @Test
    void step5_3_3_aNewRootSignedOnlyByTheOldKeysIsRefused() throws Exception {
        TestSigner old = sim.signers.get("root").get(0);
        sim.rotate("root", List.of(TestSigner.ed25519()), 1);
        sim.root.put("version", 2L);
        sim.served.put("2.root.json", RepositorySimulator.sign(sim.root, List.of(old)));
        refused("signature threshold");
        assertEquals(1, stored("root"));
    }

    @Test
    void step5_3_3_aRaisedThresholdMustBeMetByTheNewRootsOwnSignatures() throws Exception {
        TestSigner old = sim.signers.get("root").get(0);
        sim.rotate("root", List.of(old, TestSigner.ed25519()), 2);
        sim.root.put("version", 2L);
        sim.served.put("2.root.json", RepositorySimulator.sign(sim.root, List.of(old)));
        refused("signature threshold");
    }

    @Test
    void step5_3_4_aRootWithAnotherVersionThanNPlusOneIsRefused() throws Exception {
        sim.root.put("version", 3L);
        sim.served.put("2.root.json", RepositorySimulator.sign(sim.root, sim.signers.get("root")));
        refused("root version");
    }

    @Test
    void step5_3_5_anExpiredIntermediateRootIsStillFollowed() throws Exception {
        RepositorySimulator.expire(sim.root, NOW.minus(Duration.ofDays(1)));
        sim.newRoot();
        RepositorySimulator.expire(sim.root, NOW.plus(Duration.ofDays(1)));
        sim.newRoot();
        assertEquals(3, refresh().root().version());
    }

    @Test
    void step5_3_1_rootUpdatesStopAtTheRotationLimit() throws Exception {
        for (int i = 0; i < 4; i++) {
            sim.newRoot();
        }
        TrustedSet t = client(new ClientLimits(2, 32, 100_000, 512_000, 16_384, 2_000_000, 5_000_000), false).refresh();
        assertEquals(3, t.root().version());
        assertFalse(sim.takeRequests().contains("4.root.json"));
    }

    @Test
    void step5_3_10_anExpiredFinalRootIsAFreeze() throws Exception {
        RepositorySimulator.expire(sim.root, NOW.minusSeconds(1));
        sim.newRoot();
        refused("freeze");
        assertEquals(2, stored("root"), "a verified root is kept even when it has expired (5.3.7)");
        assertTrue(state.read("timestamp").isEmpty());
    }

    @Test
    void step5_3_11_rotatedTimestampKeysRecoverFromAFastForwardedTimestamp() throws Exception {
        sim.timestamp.put("version", 1000L);
        sim.publishTimestamp();
        refresh();
        assertEquals(1001, stored("timestamp"));
        // the repository recovers: new timestamp keys, versions back to normal
        sim.rotate("timestamp", List.of(TestSigner.ed25519()), 1);
        sim.newRoot();
        sim.timestamp.put("version", 1L);
        sim.publish();
        refresh();
        assertEquals(2, stored("timestamp"));
    }

    // 5.4 Update the timestamp

    @Test
    void step5_4_2_aTimestampSignedByAnUnknownKeyIsRefused() throws Exception {
        sim.signers.put("timestamp", List.of(TestSigner.ed25519()));
        sim.publishTimestamp();
        refused("signature threshold");
        assertTrue(state.read("timestamp").isEmpty());
    }

    @Test
    void step5_4_2_aTimestampBelowItsThresholdIsRefused() throws Exception {
        TestSigner one = sim.signers.get("timestamp").get(0);
        sim.rotate("timestamp", List.of(one, TestSigner.ed25519()), 2);
        sim.newRoot();
        sim.signers.put("timestamp", List.of(one));
        sim.publishTimestamp();
        refused("signature threshold");
    }

    @Test
    void step5_4_2_aKeyListedUnderTwoKeyidsCountsOnceTowardsTheThreshold() throws Exception {
        TestSigner k = sim.signers.get("timestamp").get(0);
        String alias = "ab".repeat(32);
        sim.keys().put(alias, k.key().toJson());
        sim.keyids("timestamp").add(alias);
        sim.roleKeys("timestamp").put("threshold", 2L);
        sim.newRoot();
        sim.timestamp.put("version", 2L);
        byte[] canonical = org.samizdat.archive.CanonicalJson.encode(sim.timestamp);
        String sig = k.signHex(canonical);
        sim.served.put("timestamp.json", org.samizdat.archive.Json.write(Map.of(
                "signatures", List.of(Map.of("keyid", k.keyid(), "sig", sig), Map.of("keyid", alias, "sig", sig)),
                "signed", sim.timestamp)));
        refused("signature threshold");
    }

    @Test
    void step5_4_3_1_aTimestampRolledBackBetweenRunsIsRefused() throws Exception {
        refresh();
        byte[] first = sim.served.get("timestamp.json");
        sim.publish();
        refresh();
        sim.served.put("timestamp.json", first);
        refused("rollback");
        assertEquals(2, stored("timestamp"));
    }

    @Test
    void step5_4_3_1_theSameTimestampVersionKeepsWhatIsTrustedAndDownloadsNothingMore() throws Exception {
        refresh();
        sim.takeRequests();
        refresh();
        assertEquals(List.of("2.root.json", "timestamp.json"), sim.takeRequests());
    }

    @Test
    void step5_4_3_2_aTimestampPointingToAnOlderSnapshotIsRefused() throws Exception {
        sim.publish();
        refresh();
        @SuppressWarnings("unchecked")
        Map<String, Object> pin = (Map<String, Object>) ((Map<String, Object>) sim.timestamp.get("meta")).get("snapshot.json");
        pin.put("version", 1L);
        pin.remove("hashes");
        pin.remove("length");
        sim.publishTimestamp();
        refused("rollback");
    }

    @Test
    void step5_4_4_anExpiredTimestampIsAFreezeUnlessArchiveModeAcceptsIt() throws Exception {
        RepositorySimulator.expire(sim.timestamp, NOW.minusSeconds(60));
        sim.publishTimestamp();
        refused("freeze");
        TrustedSet t = client(ClientLimits.DEFAULT, true).refresh();
        assertEquals(List.of("timestamp.json: expired " + org.samizdat.tuf.TufTime.format(NOW.minusSeconds(60))), t.warnings());
    }

    // 5.5 Update the snapshot

    @Test
    void step5_5_2_aSnapshotOtherThanTheOneTheTimestampPinsIsMixAndMatch() throws Exception {
        sim.publish();
        sim.served.put("2.snapshot.json", sim.served.get("1.snapshot.json"));
        refused("hash matches parent");
        assertTrue(state.read("snapshot").isEmpty());
    }

    @Test
    void step5_5_3_aSnapshotSignedByTheWrongKeyIsRefused() throws Exception {
        sim.signers.put("snapshot", List.of(TestSigner.ed25519()));
        sim.publish();
        refused("signature threshold");
    }

    @Test
    void step5_5_4_aSnapshotWhoseVersionDiffersFromTheTimestampsIsRefused() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> pin = (Map<String, Object>) ((Map<String, Object>) sim.timestamp.get("meta")).get("snapshot.json");
        pin.put("version", 5L);
        sim.served.put("5.snapshot.json", sim.served.get("1.snapshot.json"));
        sim.publishTimestamp();
        refused("version matches timestamp");
    }

    @Test
    void step5_5_5_aSnapshotRollingBackATargetsVersionIsRefused() throws Exception {
        sim.bump("targets");
        sim.publish();
        refresh();
        sim.targets.get("targets").put("version", 1L);
        sim.publish();
        refused("rollback");
    }

    @Test
    void step5_5_5_aSnapshotDroppingARoleItListedIsRefused() throws Exception {
        sim.delegate("targets", "a", false, "*");
        sim.bump("targets");
        sim.publish();
        refresh();
        sim.targets.remove("a");
        sim.targets.get("targets").remove("delegations");
        sim.bump("targets");
        sim.publish();
        TufException e = refused("rollback");
        assertTrue(e.getMessage().contains("a.json"), e.getMessage());
    }

    @Test
    void step5_5_6_anExpiredSnapshotIsAFreeze() throws Exception {
        RepositorySimulator.expire(sim.snapshot, NOW.minusSeconds(1));
        sim.publish();
        refused("freeze");
    }

    // 5.6 Update the targets

    @Test
    void step5_6_2_targetsOtherThanTheOnesTheSnapshotHashesAreRefused() throws Exception {
        sim.hashesInSnapshot = true;
        sim.bump("targets");
        sim.publish();
        // properly signed, same length, other bytes: a second targets file the snapshot did not pin
        Map<String, Object> other = new TreeMap<>(sim.targets.get("targets"));
        RepositorySimulator.expire(other, NOW.plus(Duration.ofDays(30)).plusSeconds(1));
        sim.served.put("2.targets.json", RepositorySimulator.sign(other, sim.signers.get("targets")));
        refused("hash matches parent");
    }

    @Test
    void step5_6_2_targetsLongerThanTheSnapshotSaysAreNotEvenReadPastTheirLength() throws Exception {
        sim.hashesInSnapshot = true;
        sim.bump("targets");
        sim.publish();
        Map<String, Object> longer = new TreeMap<>(sim.targets.get("targets"));
        longer.put("x-padding", "more bytes than signed");
        sim.served.put("2.targets.json", RepositorySimulator.sign(longer, sim.signers.get("targets")));
        SyncException e = assertThrows(SyncException.class, this::refresh);
        assertTrue(e.getMessage().contains("[size cap]"), e.getMessage());
    }

    @Test
    void step5_6_3_targetsSignedByTheWrongKeyAreRefused() throws Exception {
        sim.signers.put("targets", List.of(TestSigner.ed25519()));
        sim.bump("targets");
        sim.publish();
        refused("signature threshold");
    }

    @Test
    void step5_6_4_targetsWithAnotherVersionThanTheSnapshotListsAreRefused() throws Exception {
        sim.bump("targets");
        sim.publish();
        sim.served.put("2.targets.json", sim.served.get("1.targets.json"));
        refused("version matches snapshot");
    }

    @Test
    void step5_6_5_expiredTargetsAreAFreeze() throws Exception {
        RepositorySimulator.expire(sim.targets.get("targets"), NOW.minusSeconds(1));
        sim.bump("targets");
        sim.publish();
        refused("freeze");
    }

    @Test
    void step5_6_6_verifiedRolesArePersistedUnderNonVersionedNames() throws Exception {
        sim.newRoot();
        refresh();
        assertArrayEquals(sim.served.get("2.root.json"), state.read("root").orElseThrow());
        assertArrayEquals(sim.served.get("timestamp.json"), state.read("timestamp").orElseThrow());
        assertArrayEquals(sim.served.get("1.snapshot.json"), state.read("snapshot").orElseThrow());
        assertArrayEquals(sim.served.get("1.targets.json"), state.read("targets").orElseThrow());
    }

    @Test
    void step5_3_12_withoutConsistentSnapshotsTheRolesHaveNoVersionInTheirNames() throws Exception {
        sim.root.put("consistent_snapshot", false);
        sim.newRoot();
        sim.publish();
        refresh();
        assertEquals(List.of("2.root.json", "3.root.json", "timestamp.json", "snapshot.json", "targets.json"), sim.takeRequests());
    }

    // 5.6.7 Search the delegation graph

    @Test
    void step5_6_7_aTargetIsFoundThroughTwoLevelsOfDelegation() throws Exception {
        sim.delegate("targets", "a", false, "docs/*");
        sim.delegate("a", "b", false, "docs/*.txt");
        sim.addTarget("b", "docs/x.txt", RepositorySimulator.utf8("hello"));
        sim.bump("targets");
        sim.publish();
        TargetFile f = find("docs/x.txt").orElseThrow();
        assertEquals(Sha256.hex("hello"), f.sha256());
        assertTrue(state.read("a").isPresent() && state.read("b").isPresent());
    }

    @Test
    void step5_6_7_pathPatternsMatchSegmentBySegment() throws Exception {
        sim.delegate("targets", "a", false, "docs/*");
        sim.addTarget("a", "docs/sub/x.txt", RepositorySimulator.utf8("deep"));
        sim.bump("targets");
        sim.publish();
        assertTrue(find("docs/sub/x.txt").isEmpty(), "docs/* must not reach into docs/sub/");
        assertFalse(sim.requests.contains("1.a.json"));
    }

    @Test
    void step5_6_7_rolesAreSearchedInPreOrderAndTheFirstListingWins() throws Exception {
        sim.delegate("targets", "A", false, "*");
        sim.delegate("targets", "B", false, "*");
        sim.delegate("A", "C", false, "*");
        sim.addTarget("B", "f", RepositorySimulator.utf8("from B"));
        sim.addTarget("C", "f", RepositorySimulator.utf8("from C"));
        sim.bump("targets");
        sim.publish();
        refresh();
        sim.takeRequests();
        assertEquals(Sha256.hex("from C"), client().targetInfo("f").orElseThrow().sha256());
        assertEquals(List.of("2.root.json", "timestamp.json", "1.A.json", "1.C.json"), sim.takeRequests());
    }

    @Test
    void step5_6_3_aRoleReachedThroughASecondDelegatorMustMeetThatDelegatorsKeysToo() throws Exception {
        // a diamond: parent-a and parent-b both delegate to "release", each naming its own key,
        // and release is signed only with parent-a's (tuf-conformance
        // test_cached_role_is_verified_against_current_delegator)
        sim.delegate("targets", "parent-a", false, "team-a/*");
        sim.delegate("targets", "parent-b", false, "team-b/*");
        TestSigner keyOfA = sim.delegate("parent-a", "release", false, "team-a/*");
        sim.delegate("parent-b", "release", false, "team-b/*");
        sim.signers.put("release", new ArrayList<>(List.of(keyOfA)));
        sim.addTarget("release", "team-a/trusted_root.json", RepositorySimulator.utf8("trusted A"));
        sim.addTarget("release", "team-b/trusted_root.json", RepositorySimulator.utf8("malicious B"));
        sim.bump("targets");
        sim.publish();
        TufClient one = client(); // one client, two lookups, as a download of two targets makes them
        assertEquals(Sha256.hex("trusted A"), one.targetInfo("team-a/trusted_root.json").orElseThrow().sha256());
        TufException e = assertThrows(TufException.class, () -> one.targetInfo("team-b/trusted_root.json"));
        assertTrue(e.getMessage().contains("threshold") || e.getMessage().contains("signature"), e.getMessage());
        assertThrows(TufException.class, () -> client().targetInfo("team-b/trusted_root.json"),
                "a fresh client reaching release through parent-b only refuses it too");
    }

    @Test
    void step5_6_7_aTerminatingRoleEndsTheSearch() throws Exception {
        sim.delegate("targets", "A", true, "*");
        sim.delegate("targets", "B", false, "*");
        sim.addTarget("B", "f", RepositorySimulator.utf8("only in B"));
        sim.bump("targets");
        sim.publish();
        assertTrue(find("f").isEmpty());
        assertFalse(sim.requests.contains("1.B.json"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void step5_6_7_eachRoleIsVisitedOnceWhenDelegationsFormACycle() throws Exception {
        sim.delegate("targets", "A", false, "*");
        sim.delegate("A", "B", false, "*");
        TestSigner aKey = sim.signers.get("A").get(0);
        Map<String, Object> d = (Map<String, Object>) sim.targets.get("B")
                .computeIfAbsent("delegations", k -> new TreeMap<>(Map.of("keys", new TreeMap<>(), "roles", new ArrayList<>())));
        ((Map<String, Object>) d.get("keys")).put(aKey.keyid(), aKey.key().toJson());
        ((List<Object>) d.get("roles")).add(new TreeMap<>(Map.of("name", "A", "keyids", List.of(aKey.keyid()),
                "threshold", 1L, "terminating", false, "paths", List.of("*"))));
        sim.bump("targets");
        sim.publish();
        assertTrue(find("missing").isEmpty());
        assertEquals(1, sim.requests.stream().filter("1.A.json"::equals).count());
    }

    @Test
    void step5_6_7_theSearchStopsAfterTheDelegationLimit() throws Exception {
        String parent = "targets";
        for (int i = 0; i < 40; i++) {
            sim.delegate(parent, "r" + i, false, "*");
            parent = "r" + i;
        }
        sim.addTarget("r39", "deep", RepositorySimulator.utf8("at the bottom"));
        sim.bump("targets");
        sim.publish();
        assertTrue(find("deep").isEmpty());
        assertEquals(31, sim.requests.stream().filter(r -> r.matches("1\\.r\\d+\\.json")).count(),
                "targets and 31 delegated roles make the 32 the spec allows");
        assertTrue(client(new ClientLimits(256, 64, 100_000, 512_000, 16_384, 2_000_000, 5_000_000), false).targetInfo("deep").isPresent());
    }

    @Test
    void step5_6_7_succinctHashBinsDelegateByTheHashOfThePath() throws Exception {
        TestSigner bins = TestSigner.ed25519();
        Map<String, Object> succinct = new TreeMap<>(Map.of("keyids", List.of(bins.keyid()), "threshold", 1L,
                "bit_length", 3L, "name_prefix", "bin"));
        sim.targets.get("targets").put("delegations", new TreeMap<>(Map.of(
                "keys", new TreeMap<>(Map.of(bins.keyid(), bins.key().toJson())), "succinct_roles", succinct)));
        org.samizdat.tuf.SuccinctRoles roles = new org.samizdat.tuf.SuccinctRoles(List.of(bins.keyid()), 1, 3, "bin");
        for (String bin : roles.allBinNames()) {
            sim.signers.put(bin, List.of(bins));
            sim.targets.put(bin, sim.targetsRole());
        }
        String path = "cables/09STATE1.txt";
        sim.addTarget(roles.binFor(path), path, RepositorySimulator.utf8("binned"));
        sim.bump("targets");
        sim.publish();
        refresh();
        sim.takeRequests();
        assertEquals(Sha256.hex("binned"), client().targetInfo(path).orElseThrow().sha256());
        assertEquals(List.of("2.root.json", "timestamp.json", "1." + roles.binFor(path) + ".json"), sim.takeRequests());
    }

    @Test
    void step5_6_7_pathHashPrefixesDelegateByTheHashOfThePath() throws Exception {
        String path = "a/b.txt";
        String prefix = Sha256.hex(path).substring(0, 2);
        sim.delegate("targets", "other", false, "#" + (prefix.equals("00") ? "01" : "00"));
        sim.delegate("targets", "mine", false, "#" + prefix);
        sim.addTarget("mine", path, RepositorySimulator.utf8("by prefix"));
        sim.bump("targets");
        sim.publish();
        assertTrue(find(path).isPresent());
        assertFalse(sim.requests.contains("1.other.json"));
    }

    @Test
    void step5_6_3_aDelegatedRoleSignedByAKeyItsDelegatorDidNotListIsRefused() throws Exception {
        sim.delegate("targets", "a", false, "*");
        sim.signers.put("a", List.of(TestSigner.ed25519()));
        sim.addTarget("a", "x", RepositorySimulator.utf8("x"));
        sim.bump("targets");
        sim.publish();
        TufException e = assertThrows(TufException.class, () -> find("x"));
        assertEquals("signature threshold", e.rule());
    }

    @Test
    void step5_6_7_roleNamesAreEncodedSoTheyCannotLeaveTheStateDirectory() throws Exception {
        sim.delegate("targets", "../../escape", false, "*");
        sim.addTarget("../../escape", "x", RepositorySimulator.utf8("x"));
        sim.bump("targets");
        sim.publish();
        assertTrue(find("x").isPresent());
        assertTrue(sim.requests.contains("1...%2F..%2Fescape.json"), sim.requests.toString());
        assertTrue(java.nio.file.Files.exists(state.dir().resolve("..%2F..%2Fescape.json")));
    }

    // Keys of other publishers, unknown fields, size caps

    @Test
    void ecdsaP256AndRsaPssKeysOfOtherPublishersVerify() throws Exception {
        TestSigner old = sim.signers.get("root").get(0);
        sim.extraRootSigners.add(old);
        sim.rotate("root", List.of(TestSigner.of(SigningScheme.ECDSA_P256)), 1);
        sim.rotate("timestamp", List.of(TestSigner.of(SigningScheme.RSA_PSS_SHA256)), 1);
        sim.rotate("snapshot", List.of(TestSigner.of(SigningScheme.ECDSA_P256)), 1);
        sim.rotate("targets", List.of(TestSigner.of(SigningScheme.RSA_PSS_SHA256)), 1);
        sim.newRoot();
        sim.bump("targets");
        sim.publish();
        TrustedSet t = refresh();
        assertEquals(2, t.targets("targets").version());
        assertEquals("ecdsa-sha2-nistp256", t.root().keys().get(sim.keyids("root").get(0)).scheme());
    }

    @Test
    void unknownFieldsAreKeptSoSignaturesOverThemStillVerify() throws Exception {
        sim.root.put("x-vendor", Map.of("nested", List.of(1L, "two", true)));
        sim.timestamp.put("x-note", "kept");
        sim.targets.get("targets").put("x-build", Map.of("id", 7L));
        sim.newRoot();
        sim.bump("targets");
        sim.publish();
        TrustedSet t = refresh();
        assertEquals("kept", t.timestampMetadata().signed().get("x-note"));
        assertArrayEquals(sim.served.get("2.root.json"), state.read("root").orElseThrow());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTargetHashedOnlyWithSha512IsFoundAndVerifiedByItsSha512() throws Exception {
        byte[] content = RepositorySimulator.utf8("sha512 only");
        sim.addTarget("targets", "f.txt", content);
        Map<String, Object> info = (Map<String, Object>) ((Map<String, Object>) sim.targets.get("targets").get("targets")).get("f.txt");
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-512");
        info.put("hashes", new TreeMap<>(Map.of("sha512", org.samizdat.archive.Hex.encode(md.digest(content)))));
        sim.bump("targets");
        sim.publish();
        TargetFile f = find("f.txt").orElseThrow();
        assertEquals(null, f.sha256());
        f.verify("f.txt", content);
        TufException e = assertThrows(TufException.class, () -> f.verify("f.txt", RepositorySimulator.utf8("sha512 onlY")));
        assertEquals("hash matches parent", e.rule());
    }

    @Test
    void anOversizedTimestampHitsTheSizeCap() throws Exception {
        sim.timestamp.put("x-padding", "x".repeat(20_000));
        sim.publishTimestamp();
        SyncException e = assertThrows(SyncException.class, this::refresh);
        assertTrue(e.getMessage().contains("[size cap]"), e.getMessage());
        assertTrue(state.read("timestamp").isEmpty());
    }
}
