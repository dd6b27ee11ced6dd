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
