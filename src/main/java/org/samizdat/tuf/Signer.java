package org.samizdat.tuf;

/** Something that signs metadata for one {@link Key}: a key in memory or in a hardware token. */
public interface Signer {
    Key key();

    default String keyid() {
        return key().keyid();
    }

    /** The lowercase hex signature of {@code message} in the key's scheme. */
    String signHex(byte[] message);
}
