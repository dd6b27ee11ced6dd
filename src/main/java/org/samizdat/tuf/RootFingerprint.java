package org.samizdat.tuf;

import java.util.Locale;
import org.samizdat.archive.Sha256;

/**
 * The sha256 of an archive's {@code 1.root.json}: the one value a publisher hands to mirrors and
 * readers, from which every later root, key and document is verified (trust on first use).
 */
public record RootFingerprint(String hex) {
    public RootFingerprint {
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a root fingerprint is 64 hex digits (spaces and colons allowed), not "
                    + (hex == null ? "nothing" : "\"" + hex + "\""));
        }
    }

    /** Reads a fingerprint as people copy it: upper or lower case, grouped by spaces, colons or line breaks. */
    public static RootFingerprint parse(String text) {
        return new RootFingerprint(text == null ? null : text.replaceAll("[\\s:]", "").toLowerCase(Locale.ROOT));
    }

    /** The fingerprint of a first root file. */
    public static RootFingerprint of(byte[] firstRoot) {
        return new RootFingerprint(Sha256.hex(firstRoot));
    }

    /** Whether {@code firstRoot} is the root this fingerprint names. */
    public boolean matches(byte[] firstRoot) {
        return Sha256.hex(firstRoot).equals(hex);
    }

    /** Groups of four hex digits, eight to a line, so a person can read it out and compare it. */
    public String grouped(String lineBreak) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                sb.append(i % 32 == 0 ? lineBreak : " ");
            }
            sb.append(hex, i, i + 4);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return hex;
    }
}
