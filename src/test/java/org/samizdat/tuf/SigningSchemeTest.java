package org.samizdat.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.samizdat.archive.Hex;

class SigningSchemeTest {
    private static final byte[] MESSAGE = "{\"_type\":\"timestamp\"}".getBytes(StandardCharsets.UTF_8);

    private static String pem(KeyPair kp) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(kp.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    private static String sign(KeyPair kp, String algorithm, PSSParameterSpec pss) throws Exception {
        Signature s = Signature.getInstance(algorithm);
        if (pss != null) {
            s.setParameter(pss);
        }
        s.initSign(kp.getPrivate());
        s.update(MESSAGE);
        return Hex.encode(s.sign());
    }

    @Test
    void schemesAreFoundByKeytypeAndSchemeIncludingTheOlderEcdsaKeytype() {
        assertEquals(Optional.of(SigningScheme.ECDSA_P256), SigningScheme.of("ecdsa", "ecdsa-sha2-nistp256"));
        assertEquals(Optional.of(SigningScheme.ECDSA_P256), SigningScheme.of("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"));
        assertEquals(Optional.of(SigningScheme.RSA_PSS_SHA256), SigningScheme.of("rsa", "rsassa-pss-sha256"));
        assertEquals(Optional.empty(), SigningScheme.of("rsa", "ed25519"), "a scheme belongs to one key type");
        assertEquals(Optional.empty(), SigningScheme.of("dsa", "dsa-sha1"));
    }

    @Test
    void anEcdsaP256SignatureVerifiesAndATamperedOneDoesNot() throws Exception {
        KeyPair kp = ec("secp256r1");
        String sig = sign(kp, "SHA256withECDSA", null);
        assertTrue(SigningScheme.ECDSA_P256.verify(pem(kp), MESSAGE, sig));
        assertTrue(SigningScheme.ECDSA_P256.verify(pem(kp), MESSAGE, sig.toUpperCase()), "hex case does not matter");
        byte[] other = MESSAGE.clone();
        other[0] ^= 1;
        assertFalse(SigningScheme.ECDSA_P256.verify(pem(kp), other, sig));
    }

    @Test
    void aKeyOnAnotherCurveDoesNotVerifyUnderTheP256Scheme() throws Exception {
        KeyPair kp = ec("secp384r1");
        assertFalse(SigningScheme.ECDSA_P256.verify(pem(kp), MESSAGE, sign(kp, "SHA256withECDSA", null)));
        assertTrue(SigningScheme.ECDSA_P384.verify(pem(kp), MESSAGE, sign(kp, "SHA384withECDSA", null)));
    }

    @Test
    void rsaPssVerifiesWithTheDigestLengthSaltAndTheMaximumSalt() throws Exception {
        KeyPair kp = rsa(2048);
        String digestSalt = sign(kp, "RSASSA-PSS", new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        String maxSalt = sign(kp, "RSASSA-PSS", new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 256 - 32 - 2, 1));
        assertTrue(SigningScheme.RSA_PSS_SHA256.verify(pem(kp), MESSAGE, digestSalt));
        assertTrue(SigningScheme.RSA_PSS_SHA256.verify(pem(kp), MESSAGE, maxSalt));
        assertFalse(SigningScheme.RSA_PKCS1_SHA256.verify(pem(kp), MESSAGE, digestSalt), "PSS is not PKCS#1 v1.5");
        assertTrue(SigningScheme.RSA_PKCS1_SHA256.verify(pem(kp), MESSAGE, sign(kp, "SHA256withRSA", null)));
    }

    @Test
    void rsaKeysShorterThan2048BitsNeverVerify() throws Exception {
        KeyPair kp = rsa(1024);
        String sig = sign(kp, "RSASSA-PSS", new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        assertFalse(SigningScheme.RSA_PSS_SHA256.verify(pem(kp), MESSAGE, sig));
    }

    @Test
    void malformedKeysAndSignaturesAreSimplyInvalid() throws Exception {
        KeyPair kp = ec("secp256r1");
        String sig = sign(kp, "SHA256withECDSA", null);
        for (String key : new String[] {"", "not pem", "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----", pem(rsa(2048))}) {
            assertFalse(SigningScheme.ECDSA_P256.verify(key, MESSAGE, sig), key);
        }
        for (String bad : new String[] {"", "zz", "abc", sig.substring(2), null}) {
            assertFalse(SigningScheme.ECDSA_P256.verify(pem(kp), MESSAGE, bad), String.valueOf(bad));
        }
    }

    @Test
    void anEd25519KeyMayBeHexOrPem() throws Exception {
        SigningKey k = SigningKey.generate();
        String sig = k.signHex(MESSAGE);
        assertTrue(SigningScheme.ED25519.verify(k.key().publicHex(), MESSAGE, sig));
        byte[] spki = new byte[44];
        System.arraycopy(new byte[] {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}, 0, spki, 0, 12);
        System.arraycopy(Hex.decode(k.key().publicHex()), 0, spki, 12, 32);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(spki) + "\n-----END PUBLIC KEY-----\n";
        assertTrue(SigningScheme.ED25519.verify(pem, MESSAGE, sig));
    }
}
