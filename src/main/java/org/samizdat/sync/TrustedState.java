package org.samizdat.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.samizdat.store.FileStore;

/**
 * A client's persistent trusted metadata: the last verified copy of each role in one directory,
 * under non-versioned names ({@code root.json}, {@code timestamp.json}, {@code snapshot.json},
 * {@code targets.json}, a delegated role under its percent-encoded name), each written atomically,
 * so the next run can detect a rollback or a freeze relative to what this one saw.
 */
public final class TrustedState {
    private final FileStore dir;

    public TrustedState(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.dir = new FileStore(dir);
    }

    public Path dir() {
        return dir.root();
    }

    /** The file name of a role: its name percent-encoded as a single path segment, plus ".json". */
    public static String fileName(String role) {
        return encode(role) + ".json";
    }

    public Optional<byte[]> read(String role) throws IOException {
        return dir.get(fileName(role));
    }

    public void write(String role, byte[] bytes) throws IOException {
        dir.put(fileName(role), bytes);
    }

    public void delete(String role) throws IOException {
        Files.deleteIfExists(dir.path(fileName(role)));
    }

    /**
     * Percent-encodes everything but ASCII letters, digits and {@code -._~}, so a role name chosen by
     * a repository can never name another directory or file (RFC 3986 unreserved characters).
     */
    public static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
