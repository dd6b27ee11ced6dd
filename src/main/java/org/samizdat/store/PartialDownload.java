package org.samizdat.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A download's temporary file, beside its destination so it can be renamed into place. Its name
 * starts with a dot (never served) and carries the writing process's id, so a later run tells the
 * leftover of a killed process from a file another running process is still writing, and removes
 * only the former.
 */
public final class PartialDownload {
    static final String PREFIX = ".part-";

    private PartialDownload() {
    }

    /** A new temporary file in {@code dir} for this process. */
    public static Path create(Path dir) throws IOException {
        return Files.createTempFile(dir, PREFIX + ProcessHandle.current().pid() + "-", ".tmp");
    }

    /** Deletes the temporary files in {@code dir} whose process is gone; returns how many. */
    public static int removeOrphans(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(PREFIX)) {
                    continue;
                }
                int dash = name.indexOf('-', PREFIX.length());
                long pid;
                try {
                    pid = Long.parseLong(name.substring(PREFIX.length(), dash < 0 ? name.length() : dash));
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }
}
