package org.samizdat.repo;

import org.samizdat.archive.Sha256;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.TufException;

/** Checks a metadata file's exact bytes against the length and hash its parent pins. */
final class Hashes {
    private Hashes() {
    }

    static void checkMeta(String file, byte[] bytes, MetaFile pinned) throws TufException {
        if (pinned == null) {
            return;
        }
        if (pinned.length() != null && pinned.length() != bytes.length) {
            throw new TufException(file, "length matches parent", bytes.length + " bytes, parent says " + pinned.length());
        }
        if (pinned.sha256() != null && !pinned.sha256().equals(Sha256.hex(bytes))) {
            throw new TufException(file, "hash matches parent", "sha256 differs from the one its parent signed");
        }
    }
}
