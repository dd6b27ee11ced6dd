package org.samizdat.work;

/** Receives progress of long operations; the CLI draws it on a terminal. */
public interface Progress {
    Progress NONE = (phase, done, total) -> { };

    /** {@code done} of {@code total} units of {@code phase} are finished ({@code total} -1 when unknown). */
    void update(String phase, long done, long total);
}
