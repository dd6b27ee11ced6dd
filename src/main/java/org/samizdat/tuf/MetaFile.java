package org.samizdat.tuf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An entry of snapshot or timestamp {@code meta}: a version and, optionally, the length and sha256
 * of the file's exact bytes (not its canonical form).
 */
public record MetaFile(long version, Long length, String sha256) {
    public static MetaFile ofVersion(long version) {
        return new MetaFile(version, null, null);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        if (length != null) {
            m.put("length", length);
        }
        if (sha256 != null) {
            m.put("hashes", new LinkedHashMap<>(Map.of("sha256", sha256)));
        }
        return m;
    }

    public static MetaFile fromJson(String file, String name, Object json) throws TufException {
        if (!(json instanceof Map<?, ?> m) || !(m.get("version") instanceof Long v) || v < 1) {
            throw new TufException(file, "metadata format", "meta entry " + name + " needs an integer version >= 1");
        }
        Long length = null;
        if (m.containsKey("length")) {
            if (!(m.get("length") instanceof Long l) || l < 0) {
                throw new TufException(file, "metadata format", "meta entry " + name + " has a bad length");
            }
            length = l;
        }
        String sha = null;
        if (m.containsKey("hashes")) {
            if (!(m.get("hashes") instanceof Map<?, ?> h) || !(h.get("sha256") instanceof String s)) {
                throw new TufException(file, "hash algorithms", "meta entry " + name + " lists no sha256 hash");
            }
            sha = s;
        }
        return new MetaFile(v, length, sha);
    }
}
