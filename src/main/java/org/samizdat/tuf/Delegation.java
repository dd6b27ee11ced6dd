package org.samizdat.tuf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.Sha256;

/** A classic delegated role entry: name, keys, threshold, terminating, and paths or hash prefixes. */
public record Delegation(RoleKeys keys, boolean terminating, List<String> paths, List<String> pathHashPrefixes) {
    public String name() {
        return keys.name();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", keys.name());
        m.putAll(keys.toJson());
        m.put("terminating", terminating);
        if (paths != null) {
            m.put("paths", new ArrayList<>(paths));
        } else {
            m.put("path_hash_prefixes", new ArrayList<>(pathHashPrefixes));
        }
        return m;
    }

    public static Delegation fromJson(String file, Object json) throws TufException {
        if (!(json instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)) {
            throw new TufException(file, "delegation format", "a delegated role needs a name");
        }
        if (Root.TOP_LEVEL.contains(name)) {
            throw new TufException(file, "delegated role name", "a delegated role may not be called " + name);
        }
        if (!(m.get("terminating") instanceof Boolean terminating)) {
            throw new TufException(file, "delegation format", "role " + name + " needs a boolean terminating");
        }
        boolean hasPaths = m.containsKey("paths");
        boolean hasPrefixes = m.containsKey("path_hash_prefixes");
        // Spec: exactly one of paths and path_hash_prefixes.
        if (hasPaths == hasPrefixes) {
            throw new TufException(file, "delegation format", "role " + name + " needs exactly one of paths and path_hash_prefixes");
        }
        List<String> list = strings(file, name, m.get(hasPaths ? "paths" : "path_hash_prefixes"));
        return new Delegation(RoleKeys.fromJson(file, name, m), terminating, hasPaths ? list : null, hasPaths ? null : list);
    }

    /** Whether this role is trusted for {@code target} (spec: segment-wise PATHPATTERN or hash prefix). */
    public boolean covers(String target) {
        if (paths != null) {
            for (String p : paths) {
                if (PathPattern.matches(p, target)) {
                    return true;
                }
            }
            return false;
        }
        String hash = Sha256.hex(target);
        for (String prefix : pathHashPrefixes) {
            if (hash.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> strings(String file, String name, Object json) throws TufException {
        if (!(json instanceof List<?> l)) {
            throw new TufException(file, "delegation format", "role " + name + " paths must be a list");
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof String s)) {
                throw new TufException(file, "delegation format", "role " + name + " has a non-string path");
            }
            out.add(s);
        }
        return out;
    }
}
