package org.samizdat.tuf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** The keyids and threshold that a role's metadata must be signed with. */
public record RoleKeys(String name, List<String> keyids, int threshold) {
    public RoleKeys {
        keyids = List.copyOf(keyids);
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold of " + name + " must be at least 1");
        }
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keyids", new ArrayList<>(keyids));
        m.put("threshold", (long) threshold);
        return m;
    }

    public static RoleKeys fromJson(String file, String name, Object json) throws TufException {
        if (!(json instanceof Map<?, ?> m) || !(m.get("keyids") instanceof List<?> ids)
                || !(m.get("threshold") instanceof Long t)) {
            throw new TufException(file, "role format", "role " + name + " needs keyids and an integer threshold");
        }
        if (t < 1 || t > Integer.MAX_VALUE) {
            throw new TufException(file, "threshold", "role " + name + " has threshold " + t + " (must be >= 1)");
        }
        List<String> keyids = new ArrayList<>();
        for (Object o : ids) {
            if (!(o instanceof String s)) {
                throw new TufException(file, "role format", "role " + name + " has a non-string keyid");
            }
            keyids.add(s);
        }
        // Spec: keyids within a role are unique.
        if (new LinkedHashSet<>(keyids).size() != keyids.size()) {
            throw new TufException(file, "unique keyids", "role " + name + " lists a keyid twice");
        }
        return new RoleKeys(name, keyids, (int) (long) t);
    }
}
