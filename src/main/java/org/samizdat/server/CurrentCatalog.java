package org.samizdat.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.samizdat.repo.Catalog;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TufException;

/**
 * The catalog of the version a node serves, reopened when {@code timestamp.json} changes or a
 * sealed release is opened (the work directory of openings changes when one finishes). If the
 * new version cannot be read, the last good catalog keeps being used, the failure is logged once,
 * and that version is not tried again until {@code timestamp.json} changes once more.
 */
final class CurrentCatalog {
    private static final System.Logger LOG = System.getLogger(CurrentCatalog.class.getName());
    private final Path publicDir;
    private volatile Catalog catalog;
    /** The version last tried, readable or not. */
    private volatile Object key;

    CurrentCatalog(Path publicDir) {
        this.publicDir = publicDir;
    }

    /** The current catalog, or null when the node has no complete version yet. */
    Catalog get() {
        Object now;
        try {
            BasicFileAttributes a = Files.readAttributes(publicDir.resolve("metadata/timestamp.json"), BasicFileAttributes.class);
            now = a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey() + ":" + openings(publicDir);
        } catch (IOException none) {
            return catalog;
        }
        if (now.equals(key)) {
            return catalog;
        }
        synchronized (this) {
            if (!now.equals(key)) {
                try {
                    catalog = Catalog.open(new FileStore(publicDir));
                } catch (IOException | TufException unreadable) {
                    // keep the previous catalog: the last good version stays readable
                    LOG.log(System.Logger.Level.WARNING, "the version in " + publicDir + " cannot be read; still serving the"
                            + " last good one: " + unreadable.getMessage());
                }
                // only now: a reader that sees the new key outside the lock also sees the catalog opened for it
                key = now;
            }
        }
        return catalog;
    }

    /** When the work directory of openings last changed (an opening finished or began), or 0. */
    static long openings(Path publicDir) {
        try {
            return Files.getLastModifiedTime(publicDir.resolve(org.samizdat.repo.SealedRelease.OPENING_DIR)).toMillis();
        } catch (IOException none) {
            return 0;
        }
    }
}
