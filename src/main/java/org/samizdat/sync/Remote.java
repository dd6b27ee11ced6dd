package org.samizdat.sync;

import java.util.Optional;

/** Where a client downloads metadata from: an untrusted repository or mirror, by file name. */
public interface Remote {
    /**
     * The bytes at {@code path} (relative to the remote's base, starting with '/'), empty when the
     * remote says it has no such file (404, 403 or 410); more than {@code maxLength} bytes fails.
     */
    Optional<byte[]> get(String path, long maxLength) throws SyncException;

    /** The base URL, for messages. */
    String url();
}
