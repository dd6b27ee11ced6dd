package org.samizdat.tuf;

import java.util.LinkedHashMap;
import java.util.Map;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;

/** A target's signed description: exact length, sha256, and the {@code custom} metadata. */
public record TargetFile(long length, String sha256, Map<String, Object> custom) {
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("length", length);
        m.put("hashes", new LinkedHashMap<>(Map.of("sha256", sha256)));
        if (custom != null) {
            m.put("custom", custom);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    public static TargetFile fromJson(String file, String path, Object json) throws TufException {
        if (!(json instanceof Map<?, ?> m) || !(m.get("length") instanceof Long len) || len < 0
                || !(m.get("hashes") instanceof Map<?, ?> hashes)) {
            throw new TufException(file, "target format", "target " + path + " needs a length and hashes");
        }
        if (!(hashes.get("sha256") instanceof String sha) || !Hex.isLowerHex(sha, Sha256.HEX_LENGTH)) {
            throw new TufException(file, "hash algorithms", "target " + path + " has no lowercase sha256 hash");
        }
        Object custom = m.get("custom");
        return new TargetFile(len, sha, custom instanceof Map ? (Map<String, Object>) custom : null);
    }
}
