package org.samizdat.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.samizdat.repo.Catalog;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TufException;

/**
 * The catalog of the version a node serves, reopened when {@code timestamp.json} changes. If the
 * new version cannot be read, the last good catalog keeps being used.
 */
final class CurrentCatalog {
    private final Path publicDir;
    private volatile Catalog catalog;
    private volatile Object key;

    CurrentCatalog(Path publicDir) {
        this.publicDir = publicDir;
    }

    /** The current catalog, or null when the node has no complete version yet. */
    Catalog get() {
        Object now;
        try {
            BasicFileAttributes a = Files.readAttributes(publicDir.resolve("metadata/timestamp.json"), BasicFileAttributes.class);
            now = a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
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
                    key = now;
                } catch (IOException | TufException | RuntimeException unreadable) {
                    // keep the previous catalog: the last good version stays readable
                }
            }
        }
        return catalog;
    }
}
