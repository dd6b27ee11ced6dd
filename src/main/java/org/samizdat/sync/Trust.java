package org.samizdat.sync;

import java.util.Arrays;
import org.samizdat.tuf.RootFingerprint;

/** What a mirror or a reader trusts to begin with: the fingerprint of {@code 1.root.json}, or the file itself. */
public record Trust(RootFingerprint fingerprint, byte[] rootFile) {
    public Trust {
        if ((fingerprint == null) == (rootFile == null)) {
            throw new IllegalArgumentException("give exactly one of --fingerprint and --root");
        }
    }

    /** Trust in the root whose fingerprint is written as {@code text} (grouped, any case). */
    public static Trust fingerprint(String text) {
        return new Trust(RootFingerprint.parse(text), null);
    }

    /** Whether {@code firstRoot} is the trusted first root. */
    public boolean accepts(byte[] firstRoot) {
        return fingerprint != null ? fingerprint.matches(firstRoot) : Arrays.equals(firstRoot, rootFile);
    }
}
