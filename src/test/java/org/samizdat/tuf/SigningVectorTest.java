package org.samizdat.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Hex;

/** A signing test vector (docs/FORMAT.md section 3): key, keyid, canonical signed and Ed25519 signature. */
class SigningVectorTest {
    static final String SEED = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final String PUBLIC = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
    static final String KEYID = "63d00ee3cf4f5c61ad94efa696c68f13b608fe56ecea13fb144a6fd18e9235b9";
    static final String SIG = "62f7d456d25a35462e22b7be1cff895cfc5a7fdc90b4856e934cd27a975711c7"
            + "9c6a95239a96a323de7bfa17d2fbc7aac1b487d3163bbe45d193332c91ad3e09";

    @Test
    void theSeedGivesTheVectorsPublicKeyAndKeyid() {
        SigningKey k = SigningKey.fromSeed(Hex.decode(SEED));
        assertEquals(PUBLIC, k.key().publicHex());
        assertEquals("{\"keytype\":\"ed25519\",\"keyval\":{\"public\":\"" + PUBLIC + "\"},\"scheme\":\"ed25519\"}",
                new String(CanonicalJson.encode(k.key().toJson()), StandardCharsets.UTF_8));
        assertEquals(KEYID, k.keyid());
    }

    @Test
    void theTimestampIsCanonicalisedAndSignedByteForByte() {
        Timestamp ts = new Timestamp(1, Instant.parse("2030-01-01T00:00:00Z"), MetaFile.ofVersion(1));
        byte[] canonical = CanonicalJson.encode(ts.toSigned());
        assertEquals("{\"_type\":\"timestamp\",\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"snapshot.json\":"
                + "{\"version\":1}},\"spec_version\":\"1.0.31\",\"version\":1}", new String(canonical, StandardCharsets.UTF_8));
        SigningKey k = SigningKey.fromSeed(Hex.decode(SEED));
        assertEquals(SIG, k.signHex(canonical));
        Metadata m = Metadata.sign("timestamp.json", ts.toSigned(), List.of(k));
        assertEquals(SIG, m.signatures().get(0).get("sig"));
        assertTrue(k.key().verifies(canonical, SIG));
    }

    @Test
    void aChangedByteOrAnotherKeyDoesNotVerify() {
        SigningKey k = SigningKey.fromSeed(Hex.decode(SEED));
        byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
        String sig = k.signHex(msg);
        assertFalse(k.key().verifies("hellp".getBytes(StandardCharsets.UTF_8), sig));
        assertFalse(SigningKey.generate().key().verifies(msg, sig));
        // upper-case hex is the same signature (python-tuf and tuf-js decode either case)
        assertTrue(k.key().verifies(msg, sig.toUpperCase()));
        assertFalse(k.key().verifies(msg, "00"));
    }
}
