package org.samizdat.tuf;

import org.samizdat.archive.Hex;

/** An Ed25519 private key with its public {@link Key}; signs canonical bytes. */
public final class SigningKey implements Signer {
    private final byte[] seed;
    private final Key key;

    private SigningKey(byte[] seed, Key key) {
        this.seed = seed.clone();
        this.key = key;
    }

    public static SigningKey generate() {
        Ed25519.RawPair pair = Ed25519.generate();
        return new SigningKey(pair.seed(), Key.ed25519(pair.publicKey()));
    }

    public static SigningKey fromSeed(byte[] seed) {
        Ed25519.RawPair pair = Ed25519.fromSeed(seed);
        return new SigningKey(pair.seed(), Key.ed25519(pair.publicKey()));
    }

    @Override
    public Key key() {
        return key;
    }

    @Override
    public String keyid() {
        return key.keyid();
    }

    public byte[] seed() {
        return seed.clone();
    }

    /** The lowercase hex Ed25519 signature of {@code message}. */
    @Override
    public String signHex(byte[] message) {
        return Hex.encode(Ed25519.sign(seed, message));
    }
}
