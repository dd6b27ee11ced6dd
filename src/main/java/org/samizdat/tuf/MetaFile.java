package org.samizdat.tuf;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.samizdat.archive.Hex;

/**
 * An entry of snapshot or timestamp {@code meta}: a version and, optionally, the length and hashes
 * of the file's exact bytes (not its canonical form).
 */
public record MetaFile(long version, Long length, Map<String, String> hashes) {
    /** Hash algorithms a client can check, by TUF name and JDK name. */
    private static final Map<String, String> ALGORITHMS = Map.of("sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");

    public MetaFile {
        hashes = hashes == null ? Map.of() : Map.copyOf(hashes);
    }

    public static MetaFile ofVersion(long version) {
        return new MetaFile(version, null, null);
    }

    public static MetaFile of(long version, long length, String sha256) {
        return new MetaFile(version, length, Map.of("sha256", sha256));
    }

    /** The sha256 listed, or null. */
    public String sha256() {
        return hashes.get("sha256");
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        if (length != null) {
            m.put("length", length);
        }
        if (!hashes.isEmpty()) {
            m.put("hashes", new TreeMap<>(hashes));
        }
        return m;
    }

    /**
     * Checks exact bytes against this entry (spec 5.5.2 and 5.6.2: the length and every hash the
     * parent lists must match; a hash in an algorithm this client cannot compute fails).
     */
    public void check(String file, byte[] bytes) throws TufException {
        if (length != null && length != bytes.length) {
            throw new TufException(file, "length matches parent", bytes.length + " bytes, its parent signed " + length);
        }
        for (Map.Entry<String, String> h : hashes.entrySet()) {
            String jdk = ALGORITHMS.get(h.getKey());
            if (jdk == null) {
                throw new TufException(file, "hash algorithms", "its parent lists a " + h.getKey() + " hash, which this client cannot check");
            }
            try {
                if (!Hex.encode(MessageDigest.getInstance(jdk).digest(bytes)).equals(h.getValue())) {
                    throw new TufException(file, "hash matches parent", "its " + h.getKey() + " differs from the one its parent signed");
                }
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no " + jdk, e);
            }
        }
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
        Map<String, String> hashes = new TreeMap<>();
        if (m.containsKey("hashes")) {
            if (!(m.get("hashes") instanceof Map<?, ?> h) || h.isEmpty()) {
                throw new TufException(file, "hash algorithms", "meta entry " + name + " has an empty or malformed hashes object");
            }
            for (Map.Entry<?, ?> e : h.entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw new TufException(file, "hash algorithms", "meta entry " + name + " has a non-string " + e.getKey() + " hash");
                }
                hashes.put((String) e.getKey(), s);
            }
        }
        return new MetaFile(v, length, hashes);
    }
}
