package org.samizdat.tuf;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a walk over a repository reads metadata files by their published name
 * ({@code 3.root.json}, {@code 12.bin-0a.json}): a remote repository, the local tree of a mirror,
 * or the one in front of the other. {@code E} is the error a remote read raises.
 */
@FunctionalInterface
public interface MetadataSource<E extends Exception> {
    /** The file's bytes, reading at most {@code maxBytes}; empty when the repository has no such file. */
    Optional<byte[]> read(String file, long maxBytes) throws E, IOException;

    /**
     * Another copy of a file whose first copy does not match the length and hash its parent
     * pins (a mirror's own copy of a role that a thief signed under the same name, before a key
     * rotation): the upstream's. Empty when there is no other place to ask.
     */
    default Optional<byte[]> readAgain(String file, long maxBytes) throws E, IOException {
        return Optional.empty();
    }
}
