package org.samizdat.tuf;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The snapshot role: the version of every targets metadata file, top-level and delegated. */
public record Snapshot(long version, Instant expires, Map<String, MetaFile> meta) {
    public static Snapshot from(Metadata m) throws TufException {
        Map<String, MetaFile> meta = new TreeMap<>();
        for (Map.Entry<String, Object> e : Fields.object(m.file(), m.signed(), "meta").entrySet()) {
            if (!e.getKey().endsWith(".json")) {
                throw new TufException(m.file(), "snapshot meta", "entry " + e.getKey() + " is not a .json role file");
            }
            meta.put(e.getKey(), MetaFile.fromJson(m.file(), e.getKey(), e.getValue()));
        }
        return new Snapshot(m.version(), m.expires(), meta);
    }

    public Map<String, Object> toSigned() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("_type", "snapshot");
        s.put("spec_version", Metadata.SPEC_VERSION);
        s.put("version", version);
        s.put("expires", TufTime.format(expires));
        Map<String, Object> m = new TreeMap<>();
        meta.forEach((k, v) -> m.put(k, v.toJson()));
        s.put("meta", m);
        return s;
    }

    /** The version snapshot lists for a role, or -1 when it lists none. */
    public long versionOf(String role) {
        MetaFile f = meta.get(role + ".json");
        return f == null ? -1 : f.version();
    }
}
