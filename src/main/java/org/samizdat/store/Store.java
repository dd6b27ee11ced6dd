package org.samizdat.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Named blobs under relative, slash-separated names. {@link #put} is atomic: a reader sees the
 * old bytes or the new bytes, never a part, and after it returns the bytes are durable.
 */
public interface Store {
    /** The whole blob, or empty when there is none. */
    Optional<byte[]> get(String name) throws IOException;

    /** A stream over the blob, or empty when there is none. */
    Optional<InputStream> open(String name) throws IOException;

    /** Length in bytes, or -1 when there is none. */
    long size(String name) throws IOException;

    boolean exists(String name) throws IOException;

    /** Writes atomically and durably (temp file, fsync, rename, fsync of the directory). */
    void put(String name, byte[] bytes) throws IOException;

    /** Streams into a temp file, then makes it visible atomically; returns the byte count. */
    long put(String name, InputStream in) throws IOException;

    /** Removes a blob; absent is fine. */
    void delete(String name) throws IOException;

    /** Names under a prefix ("" for all), each relative to the store, in no particular order. */
    List<String> list(String prefix) throws IOException;

    /** Checks a store name: relative, '/'-separated, no empty, '.' or '..' segments, no NUL or '\'. */
    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad store name: " + name);
        }
        for (String s : name.split("/", -1)) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("bad store name: " + name);
            }
        }
        return name;
    }
}
