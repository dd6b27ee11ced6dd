package org.samizdat.tuf;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/** Ed25519 through the JDK's provider (JEP 339): raw 32-byte keys and seeds, 64-byte signatures. */
public final class Ed25519 {
    /** X.509 SubjectPublicKeyInfo prefix of a raw Ed25519 key. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519() {
    }

    /** A key pair as raw bytes. */
    public record RawPair(byte[] seed, byte[] publicKey) {
    }

    /** A fresh key pair from the system's strong random source. */
    public static RawPair generate() {
        byte[] seed = new byte[32];
        try {
            SecureRandom.getInstanceStrong().nextBytes(seed);
        } catch (GeneralSecurityException e) {
            new SecureRandom().nextBytes(seed);
        }
        return fromSeed(seed);
    }

    /** The key pair of an RFC 8032 seed; the public half is derived, not trusted from storage. */
    public static RawPair fromSeed(byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
        }
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("Ed25519");
            kpg.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            KeyPair kp = kpg.generateKeyPair();
            byte[] spki = kp.getPublic().getEncoded();
            return new RawPair(seed.clone(), Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    public static byte[] sign(byte[] seed, byte[] message) {
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** True only for a valid signature; malformed keys or signatures are simply invalid. */
    public static boolean verify(byte[] rawPublic, byte[] message, byte[] signature) {
        if (rawPublic.length != 32 || signature.length != 64) {
            return false;
        }
        try {
            byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
            System.arraycopy(rawPublic, 0, spki, SPKI_PREFIX.length, 32);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Hands the key generator a fixed seed, the JDK's only door to seed-derived public keys. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(bytes.length, seed.length));
        }
    }
}
