package org.samizdat.repo;

import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.TufException;

/** Checks a metadata file's exact bytes against the length and hash its parent pins. */
final class Hashes {
    private Hashes() {
    }

    static void checkMeta(String file, byte[] bytes, MetaFile pinned) throws TufException {
        if (pinned != null) {
            pinned.check(file, bytes);
        }
    }
}
