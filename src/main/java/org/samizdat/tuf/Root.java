package org.samizdat.tuf;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The root role: every top-level key and the keyids and threshold of each top-level role. */
public record Root(long version, Instant expires, boolean consistentSnapshot, Map<String, Key> keys,
                   Map<String, RoleKeys> roles) {
    public static final List<String> TOP_LEVEL = List.of("root", "targets", "snapshot", "timestamp");

    public static Root from(Metadata m) throws TufException {
        Map<String, Object> s = m.signed();
        if (!(s.get("consistent_snapshot") instanceof Boolean cs)) {
            throw new TufException(m.file(), "metadata format", "consistent_snapshot must be a boolean");
        }
        Map<String, Key> keys = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : Fields.object(m.file(), s, "keys").entrySet()) {
            keys.put(e.getKey(), Key.fromJson(m.file(), e.getValue()));
        }
        Map<String, RoleKeys> roles = new LinkedHashMap<>();
        Map<String, Object> rolesJson = Fields.object(m.file(), s, "roles");
        for (String name : TOP_LEVEL) {
            if (!rolesJson.containsKey(name)) {
                throw new TufException(m.file(), "root roles", "top-level role " + name + " is missing");
            }
        }
        for (Map.Entry<String, Object> e : rolesJson.entrySet()) {
            roles.put(e.getKey(), RoleKeys.fromJson(m.file(), e.getKey(), e.getValue()));
        }
        return new Root(m.version(), m.expires(), cs, keys, roles);
    }

    public Map<String, Object> toSigned() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("_type", "root");
        s.put("spec_version", Metadata.SPEC_VERSION);
        s.put("version", version);
        s.put("expires", TufTime.format(expires));
        s.put("consistent_snapshot", consistentSnapshot);
        Map<String, Object> k = new LinkedHashMap<>();
        keys.forEach((id, key) -> k.put(id, key.toJson()));
        s.put("keys", k);
        Map<String, Object> r = new LinkedHashMap<>();
        roles.forEach((name, role) -> r.put(name, role.toJson()));
        s.put("roles", r);
        return s;
    }

    public RoleKeys role(String name) {
        return roles.get(name);
    }
}
