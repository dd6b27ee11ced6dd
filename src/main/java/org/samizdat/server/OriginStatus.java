package org.samizdat.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Timestamp;

/** Status of a node serving its own archive: role origin, the version it serves, its expiry. */
public final class OriginStatus implements NodeStatus {
    private final Path publicDir;
    private final Clock clock;

    public OriginStatus(Path publicDir, Clock clock) {
        this.publicDir = publicDir;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "origin");
        try {
            Timestamp ts = Timestamp.from(Metadata.parse("timestamp.json",
                    Files.readAllBytes(publicDir.resolve("metadata/timestamp.json")), "timestamp"));
            m.put("version", ts.version());
            m.put("snapshot_version", ts.snapshot().version());
            m.put("expires", org.samizdat.tuf.TufTime.format(ts.expires()));
            m.put("archive_mode", !clock.instant().isBefore(ts.expires()));
        } catch (Exception e) {
            m.put("error", "cannot read timestamp.json: " + e.getMessage());
        }
        m.put("last_sync", null);
        m.put("upstream", null);
        m.put("version_lag", 0L);
        return m;
    }
}
