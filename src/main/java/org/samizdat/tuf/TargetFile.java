package org.samizdat.tuf;

import java.util.LinkedHashMap;
import java.util.Map;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;

/**
 * A target's signed description: exact length, hashes, and the {@code custom} metadata. This
 * archive always lists a sha256 (null here only for another publisher's target hashed otherwise).
 */
public record TargetFile(long length, String sha256, Map<String, Object> custom, Map<String, String> hashes) {
    public TargetFile {
        hashes = hashes == null ? Map.of("sha256", sha256) : Map.copyOf(hashes);
    }

    public TargetFile(long length, String sha256, Map<String, Object> custom) {
        this(length, sha256, custom, null);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("length", length);
        m.put("hashes", new java.util.TreeMap<>(hashes));
        if (custom != null) {
            m.put("custom", custom);
        }
        return m;
    }

    /** Spec 5.7.3: the exact length and every listed hash must match (an algorithm this client cannot compute fails). */
    public void verify(String file, byte[] bytes) throws TufException {
        new MetaFile(1, length, hashes).check(file, bytes);
    }

    /**
     * This project's clients (mirror, check, fetch) name every document by its sha256 (the file
     * layout of consistent snapshots, spec 5.7.2), so a target listed without one is refused.
     */
    public void requireSha256(String file, String path) throws TufException {
        if (sha256 == null) {
            throw new TufException(file, "hash algorithms", "lists " + path
                    + " without a sha256, which mirrors and readers name documents by");
        }
    }

    /** The first hash listed, for hash-prefixed file names of consistent snapshots (sha256 when present). */
    public String prefixHash() {
        return sha256 != null ? sha256 : hashes.values().iterator().next();
    }

    @SuppressWarnings("unchecked")
    public static TargetFile fromJson(String file, String path, Object json) throws TufException {
        if (!(json instanceof Map<?, ?> m) || !(m.get("length") instanceof Long len) || len < 0
                || !(m.get("hashes") instanceof Map<?, ?> hashes) || hashes.isEmpty()) {
            throw new TufException(file, "target format", "target " + path + " needs a length and hashes");
        }
        Map<String, String> all = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : hashes.entrySet()) {
            if (!(e.getValue() instanceof String h) || !h.matches("[0-9a-fA-F]+")) {
                throw new TufException(file, "hash algorithms", "target " + path + " has a malformed " + e.getKey() + " hash");
            }
            all.put((String) e.getKey(), h.toLowerCase(java.util.Locale.ROOT));
        }
        String sha = all.get("sha256");
        if (sha != null && !Hex.isLowerHex(sha, Sha256.HEX_LENGTH)) {
            throw new TufException(file, "hash algorithms", "target " + path + " has a sha256 that is not 64 hex digits");
        }
        Object custom = m.get("custom");
        return new TargetFile(len, sha, custom instanceof Map ? (Map<String, Object>) custom : null, all);
    }
}
