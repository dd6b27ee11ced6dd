package org.samizdat.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTest {
    private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");

    private static Map<String, Key> keys(SigningKey... ks) {
        Map<String, Key> m = new LinkedHashMap<>();
        for (SigningKey k : ks) {
            m.put(k.keyid(), k.key());
        }
        return m;
    }

    @Test
    void aThresholdCountsEachAuthorisedKeyOnce() throws TufException {
        SigningKey a = SigningKey.generate();
        SigningKey b = SigningKey.generate();
        SigningKey stranger = SigningKey.generate();
        Metadata m = Metadata.sign("timestamp.json",
                new Timestamp(1, EXPIRES, MetaFile.ofVersion(1)).toSigned(), List.of(a, stranger));
        RoleKeys two = new RoleKeys("timestamp", List.of(a.keyid(), b.keyid()), 2);
        assertEquals(1, m.countValid(two, keys(a, b, stranger)));
        TufException e = assertThrows(TufException.class, () -> m.verifyThreshold(two, keys(a, b, stranger)));
        assertEquals("signature threshold", e.rule());
        m.verifyThreshold(new RoleKeys("timestamp", List.of(a.keyid()), 1), keys(a));
    }

    @Test
    void aKeyListedTwiceInTwoEncodingsCountsOnceTowardAThreshold() throws Exception {
        SigningKey a = SigningKey.generate();
        // the same Ed25519 key as PEM (SubjectPublicKeyInfo) under a second keyid
        byte[] spki = java.util.HexFormat.of().parseHex("302a300506032b6570032100" + a.key().publicHex());
        Key pem = new Key("ed25519", "ed25519", "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getEncoder().encodeToString(spki) + "\n-----END PUBLIC KEY-----\n");
        assertTrue(!pem.keyid().equals(a.keyid()) && pem.material().equals(a.key().material()));
        Map<String, Object> signed = new Timestamp(1, EXPIRES, MetaFile.ofVersion(1)).toSigned();
        String sig = a.signHex(org.samizdat.archive.CanonicalJson.encode(signed));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("signatures", List.of(Map.of("keyid", a.keyid(), "sig", sig), Map.of("keyid", pem.keyid(), "sig", sig)));
        top.put("signed", signed);
        Metadata m = Metadata.parse("timestamp.json", org.samizdat.archive.Json.write(top), "timestamp");
        Map<String, Key> both = new LinkedHashMap<>(keys(a));
        both.put(pem.keyid(), pem);
        RoleKeys two = new RoleKeys("timestamp", List.of(a.keyid(), pem.keyid()), 2);
        assertTrue(pem.verifies(org.samizdat.archive.CanonicalJson.encode(signed), sig), "the PEM form is the same key");
        assertEquals(1, m.countValid(two, both), "one key, however many encodings");
        TufException e = assertThrows(TufException.class, () -> m.verifyThreshold(two, both));
        assertEquals("signature threshold", e.rule());
    }

    @Test
    void aFileWhereOneKeySignsTwiceIsRejected() throws TufException {
        SigningKey a = SigningKey.generate();
        Metadata m = Metadata.sign("timestamp.json", new Timestamp(1, EXPIRES, MetaFile.ofVersion(1)).toSigned(), List.of(a, a));
        TufException e = assertThrows(TufException.class, () -> Metadata.parse("timestamp.json", m.toBytes(), "timestamp"));
        assertEquals("one signature per key", e.rule());
    }

    @Test
    void unknownFieldsAreKeptSoTheSignatureStillVerifies() throws TufException {
        SigningKey a = SigningKey.generate();
        Map<String, Object> signed = new Timestamp(1, EXPIRES, MetaFile.ofVersion(1)).toSigned();
        signed.put("x-extension", Map.of("kept", true));
        byte[] bytes = Metadata.sign("timestamp.json", signed, List.of(a)).toBytes();
        Metadata parsed = Metadata.parse("timestamp.json", bytes, "timestamp");
        parsed.verifyThreshold(new RoleKeys("timestamp", List.of(a.keyid()), 1), keys(a));
    }

    @Test
    void rejectsWrongTypesDatesAndSpecVersions() {
        SigningKey a = SigningKey.generate();
        Map<String, Object> signed = new Timestamp(1, EXPIRES, MetaFile.ofVersion(1)).toSigned();
        byte[] ts = Metadata.sign("timestamp.json", signed, List.of(a)).toBytes();
        assertEquals("role type", assertThrows(TufException.class, () -> Metadata.parse("x", ts, "snapshot")).rule());
        signed.put("expires", "2030-01-01T00:00:00.5Z");
        byte[] frac = Metadata.sign("t", signed, List.of(a)).toBytes();
        assertEquals("date-time format", assertThrows(TufException.class, () -> Metadata.parse("t", frac, null)).rule());
        signed.put("expires", "2030-01-01T00:00:00Z");
        signed.put("spec_version", "2.0.0");
        byte[] v2 = Metadata.sign("t", signed, List.of(a)).toBytes();
        assertEquals("spec_version", assertThrows(TufException.class, () -> Metadata.parse("t", v2, null)).rule());
        assertTrue(assertThrows(TufException.class, () -> Metadata.parse("t", "[]".getBytes(StandardCharsets.UTF_8), null))
                .getMessage().contains("t:"));
    }
}
