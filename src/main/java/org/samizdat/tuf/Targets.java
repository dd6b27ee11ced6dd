package org.samizdat.tuf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A targets role, top-level or delegated: its targets and its delegations, either a list of
 * classic roles or TAP 15 succinct bins.
 */
public record Targets(long version, Instant expires, Map<String, TargetFile> targets, Map<String, Key> delegationKeys,
                      List<Delegation> delegations, SuccinctRoles succinct) {
    public static Targets from(Metadata m) throws TufException {
        Map<String, Object> s = m.signed();
        Map<String, TargetFile> targets = new TreeMap<>();
        for (Map.Entry<String, Object> e : Fields.object(m.file(), s, "targets").entrySet()) {
            targets.put(e.getKey(), TargetFile.fromJson(m.file(), e.getKey(), e.getValue()));
        }
        Map<String, Key> keys = new LinkedHashMap<>();
        List<Delegation> roles = new ArrayList<>();
        SuccinctRoles succinct = null;
        if (s.containsKey("delegations")) {
            Map<String, Object> d = Fields.object(m.file(), s, "delegations");
            for (Map.Entry<String, Object> e : Fields.object(m.file(), d, "keys").entrySet()) {
                keys.put(e.getKey(), Key.fromJson(m.file(), e.getValue()));
            }
            boolean hasRoles = d.containsKey("roles");
            // TAP 15: roles and succinct_roles are mutually exclusive.
            if (hasRoles == d.containsKey("succinct_roles")) {
                throw new TufException(m.file(), "delegation format", "delegations need exactly one of roles and succinct_roles");
            }
            if (hasRoles) {
                if (!(d.get("roles") instanceof List<?> list)) {
                    throw new TufException(m.file(), "delegation format", "delegations.roles must be a list");
                }
                java.util.Set<String> names = new java.util.HashSet<>();
                for (Object o : list) {
                    Delegation del = Delegation.fromJson(m.file(), o);
                    if (!names.add(del.name())) {
                        throw new TufException(m.file(), "unique role names", "role " + del.name() + " is delegated twice");
                    }
                    roles.add(del);
                }
            } else {
                succinct = SuccinctRoles.fromJson(m.file(), d.get("succinct_roles"));
            }
        }
        return new Targets(m.version(), m.expires(), targets, keys, roles, succinct);
    }

    public Map<String, Object> toSigned() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("_type", "targets");
        s.put("spec_version", Metadata.SPEC_VERSION);
        s.put("version", version);
        s.put("expires", TufTime.format(expires));
        Map<String, Object> t = new TreeMap<>();
        targets.forEach((path, f) -> t.put(path, f.toJson()));
        s.put("targets", t);
        if (!delegationKeys.isEmpty() || !delegations.isEmpty() || succinct != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            Map<String, Object> k = new LinkedHashMap<>();
            delegationKeys.forEach((id, key) -> k.put(id, key.toJson()));
            d.put("keys", k);
            if (succinct != null) {
                d.put("succinct_roles", succinct.toJson());
            } else {
                List<Object> roles = new ArrayList<>();
                delegations.forEach(r -> roles.add(r.toJson()));
                d.put("roles", roles);
            }
            s.put("delegations", d);
        }
        return s;
    }

    /** The delegated role keys for a child role name, from classic roles or succinct bins. */
    public RoleKeys keysForChild(String name) {
        if (succinct != null) {
            return succinct.isBin(name) ? succinct.keysFor(name) : null;
        }
        for (Delegation d : delegations) {
            if (d.name().equals(name)) {
                return d.keys();
            }
        }
        return null;
    }

    /** Names of every delegated child role, in priority order. */
    public List<String> childNames() {
        if (succinct != null) {
            return succinct.allBinNames();
        }
        return delegations.stream().map(Delegation::name).toList();
    }
}
