package org.samizdat.tuf;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The timestamp role: the version, length and hash of the current snapshot, nothing else. */
public record Timestamp(long version, Instant expires, MetaFile snapshot) {
    public static Timestamp from(Metadata m) throws TufException {
        Map<String, Object> meta = Fields.object(m.file(), m.signed(), "meta");
        // Spec: timestamp meta lists only snapshot.json (tuf-js drops anything else and fails the signature).
        if (meta.size() != 1 || !meta.containsKey("snapshot.json")) {
            throw new TufException(m.file(), "timestamp meta", "meta must list exactly snapshot.json");
        }
        return new Timestamp(m.version(), m.expires(), MetaFile.fromJson(m.file(), "snapshot.json", meta.get("snapshot.json")));
    }

    public Map<String, Object> toSigned() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("_type", "timestamp");
        s.put("spec_version", Metadata.SPEC_VERSION);
        s.put("version", version);
        s.put("expires", TufTime.format(expires));
        s.put("meta", new LinkedHashMap<>(Map.of("snapshot.json", snapshot.toJson())));
        return s;
    }
}
