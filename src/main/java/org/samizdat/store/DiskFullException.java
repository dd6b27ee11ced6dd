package org.samizdat.store;

import java.io.IOException;
import java.nio.file.Path;

/** A write the file system refused for want of space (ENOSPC, or a quota), saying where and what to do. */
public final class DiskFullException extends IOException {
    private static final long serialVersionUID = 1L;

    public DiskFullException(Path where, IOException cause) {
        super("the disk is full: no space left to write " + where + " (" + cause.getMessage()
                + "); free some space on that disk and run this again. Files already in place are unchanged", cause);
    }

    /** {@code e} as a DiskFullException when the file system ran out of space, else {@code e} itself. */
    public static IOException classify(IOException e, Path where) {
        if (e instanceof DiskFullException) {
            return e;
        }
        String m = e.getMessage();
        // Linux's strerror texts for ENOSPC and EDQUOT, which is all the JDK passes on.
        boolean full = m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
        return full ? new DiskFullException(where, e) : e;
    }
}
