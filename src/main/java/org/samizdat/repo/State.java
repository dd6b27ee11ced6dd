package org.samizdat.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.samizdat.archive.Json;
import org.samizdat.store.FileStore;

/**
 * The highest timestamp and snapshot versions this publisher has signed, kept in
 * {@code private/state.json}, so {@code check} can tell a rolled-back public tree from the real one.
 */
public record State(long timestamp, long snapshot) {
    static final String FILE = "state.json";

    public static State read(ArchiveDir dir) throws IOException {
        if (!Files.exists(dir.stateFile())) {
            return new State(0, 0);
        }
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(dir.stateFile()));
        return new State(m.get("timestamp") instanceof Long t ? t : 0, m.get("snapshot") instanceof Long s ? s : 0);
    }

    /** Raises the recorded versions; written after the timestamp so it never runs ahead of the disk. */
    static void record(ArchiveDir dir, long timestamp, long snapshot) throws IOException {
        State old = read(dir);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", Math.max(old.timestamp(), timestamp));
        m.put("snapshot", Math.max(old.snapshot(), snapshot));
        new FileStore(dir.privateDir()).put(FILE, Json.write(m));
    }
}
