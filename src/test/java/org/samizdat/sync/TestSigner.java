package org.samizdat.sync;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import org.samizdat.archive.Hex;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.SigningKey;
import org.samizdat.tuf.SigningScheme;

/** A test key of any scheme a TUF publisher may use, with the public {@link Key} other clients see. */
record TestSigner(Key key, Signer signer) {
    interface Signer {
        String signHex(byte[] message) throws GeneralSecurityException;
    }

    String keyid() {
        return key.keyid();
    }

    String signHex(byte[] message) {
        try {
            return signer.signHex(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static TestSigner ed25519() {
        SigningKey k = SigningKey.generate();
        return new TestSigner(k.key(), k::signHex);
    }

    static TestSigner of(SigningScheme scheme) {
        try {
            return switch (scheme) {
                case ED25519 -> ed25519();
                case ECDSA_P256, ECDSA_P384 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec(scheme == SigningScheme.ECDSA_P256 ? "secp256r1" : "secp384r1"));
                    KeyPair kp = g.generateKeyPair();
                    String alg = scheme == SigningScheme.ECDSA_P256 ? "SHA256withECDSA" : "SHA384withECDSA";
                    yield new TestSigner(new Key("ecdsa", scheme.scheme(), pem(kp)), m -> {
                        Signature s = Signature.getInstance(alg);
                        s.initSign(kp.getPrivate());
                        s.update(m);
                        return Hex.encode(s.sign());
                    });
                }
                case RSA_PSS_SHA384, RSA_PSS_SHA512 -> throw new IllegalArgumentException("not needed by these tests: " + scheme);
                case RSA_PSS_SHA256, RSA_PKCS1_SHA256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048);
                    KeyPair kp = g.generateKeyPair();
                    boolean pss = scheme == SigningScheme.RSA_PSS_SHA256;
                    yield new TestSigner(new Key("rsa", scheme.scheme(), pem(kp)), m -> {
                        Signature s = Signature.getInstance(pss ? "RSASSA-PSS" : "SHA256withRSA");
                        if (pss) {
                            s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                        }
                        s.initSign(kp.getPrivate());
                        s.update(m);
                        return Hex.encode(s.sign());
                    });
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(KeyPair kp) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(kp.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
