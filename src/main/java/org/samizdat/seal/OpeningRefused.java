package org.samizdat.seal;

import java.io.IOException;

/**
 * Why a node refuses to open a sealed release: the key is not the committed one, or the
 * ciphertext does not decrypt to exactly the committed manifest and documents. Unlike other
 * I/O failures (a full disk), this is the key's or the publisher's fault, and trying again with
 * the same key and ciphertext gives the same answer.
 */
public final class OpeningRefused extends IOException {
    public OpeningRefused(String message) {
        super(message);
    }

    public OpeningRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
