package org.samizdat.cli;

import picocli.CommandLine.Option;

/** How many root keys to make and how many must sign a new root (init, and a root rotation). */
final class RootKeyOptions {
    @Option(names = "--root-keys", paramLabel = "N", defaultValue = "1",
            description = "How many root keys to make (default: ${DEFAULT-VALUE}); give one to each trustee.")
    int count;

    @Option(names = "--root-threshold", paramLabel = "K",
            description = "How many root keys must sign a new root (default: a majority of --root-keys).")
    Integer threshold;

    /** The threshold, a majority by default; fails when it is not between 1 and the number of keys. */
    int threshold() {
        int k = threshold == null ? count / 2 + 1 : threshold;
        if (count < 1 || k < 1 || k > count) {
            throw new IllegalArgumentException("--root-threshold must be between 1 and --root-keys (" + count + ")");
        }
        return k;
    }
}
