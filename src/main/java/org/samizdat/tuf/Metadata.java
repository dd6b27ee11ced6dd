package org.samizdat.tuf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Json;
import org.samizdat.archive.JsonException;

/**
 * A signed metadata file: {@code {"signatures":[{keyid,sig}], "signed":{...}}}. The {@code signed}
 * object is kept as parsed, unknown fields included, because signatures cover its canonical form.
 */
public final class Metadata {
    /** The versions of the TUF specification this implementation reads (major version 1). */
    public static final String SPEC_VERSION = "1.0.31";

    private final String file;
    private final Map<String, Object> signed;
    private final List<Map<String, Object>> signatures;

    private Metadata(String file, Map<String, Object> signed, List<Map<String, Object>> signatures) {
        this.file = file;
        this.signed = signed;
        this.signatures = signatures;
    }

    /** Parses a file's bytes, checking the envelope's shape and the fields every role has. */
    @SuppressWarnings("unchecked")
    public static Metadata parse(String file, byte[] bytes, String expectedType) throws TufException {
        Map<String, Object> top;
        try {
            top = Json.parseObject(bytes);
        } catch (JsonException e) {
            throw new TufException(file, "metadata format", "not valid JSON: " + e.getMessage());
        }
        if (!(top.get("signed") instanceof Map<?, ?> signed) || !(top.get("signatures") instanceof List<?> sigs)) {
            throw new TufException(file, "metadata format", "must be an object with \"signed\" and \"signatures\"");
        }
        List<Map<String, Object>> signatures = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Object o : sigs) {
            if (!(o instanceof Map<?, ?> sig) || !(sig.get("keyid") instanceof String keyid)
                    || !(sig.get("sig") instanceof String)) {
                throw new TufException(file, "signature format", "every signature needs string keyid and sig");
            }
            // A keyid may sign at most once (spec: each key counts once; tuf-js rejects duplicates).
            if (!seen.add(keyid)) {
                throw new TufException(file, "one signature per key", "keyid " + keyid + " signs twice");
            }
            signatures.add((Map<String, Object>) sig);
        }
        Metadata m = new Metadata(file, (Map<String, Object>) signed, signatures);
        m.checkCommon(expectedType);
        return m;
    }

    /** Signs {@code signed} with each key and wraps it. */
    public static Metadata sign(String file, Map<String, Object> signed, List<SigningKey> keys) {
        byte[] canonical = CanonicalJson.encode(signed);
        List<Map<String, Object>> sigs = new ArrayList<>();
        for (SigningKey k : keys) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("keyid", k.keyid());
            s.put("sig", k.signHex(canonical));
            sigs.add(s);
        }
        return new Metadata(file, signed, sigs);
    }

    /**
     * This metadata with a signature added by each key that has not signed it yet; how several
     * holders of offline keys (a root threshold) sign the same file in turn.
     */
    public Metadata withSignaturesOf(List<? extends Signer> keys) {
        byte[] canonical = CanonicalJson.encode(signed);
        List<Map<String, Object>> sigs = new ArrayList<>(signatures);
        Set<String> have = new HashSet<>();
        sigs.forEach(s -> have.add((String) s.get("keyid")));
        for (Signer k : keys) {
            if (have.add(k.keyid())) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("keyid", k.keyid());
                s.put("sig", k.signHex(canonical));
                sigs.add(s);
            }
        }
        return new Metadata(file, signed, sigs);
    }

    private void checkCommon(String expectedType) throws TufException {
        if (!(signed.get("_type") instanceof String type)) {
            throw new TufException(file, "metadata format", "signed._type is missing");
        }
        if (expectedType != null && !expectedType.equals(type)) {
            throw new TufException(file, "role type", "is a " + type + " file where a " + expectedType + " file belongs");
        }
        if (!(signed.get("spec_version") instanceof String sv) || !sv.matches("1\\.\\d+(\\.\\d+)?")) {
            throw new TufException(file, "spec_version", "spec_version must be 1.x(.y), got " + signed.get("spec_version"));
        }
        if (!(signed.get("version") instanceof Long v) || v < 1) {
            throw new TufException(file, "version", "version must be an integer >= 1");
        }
        TufTime.parse(file, signed.get("expires") instanceof String s ? s : null);
    }

    /** The bytes written to disk: compact JSON with sorted keys. */
    public byte[] toBytes() {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("signatures", signatures);
        top.put("signed", signed);
        return Json.write(top);
    }

    public String file() {
        return file;
    }

    public Map<String, Object> signed() {
        return signed;
    }

    public String type() {
        return (String) signed.get("_type");
    }

    public long version() {
        return (Long) signed.get("version");
    }

    public Instant expires() {
        return Instant.parse((String) signed.get("expires"));
    }

    public boolean isExpired(Instant now) {
        return expired(expires(), now);
    }

    /** Spec: metadata is expired when now >= expires. */
    static boolean expired(Instant expires, Instant now) {
        return !now.isBefore(expires);
    }

    public List<Map<String, Object>> signatures() {
        return signatures;
    }

    /**
     * Counts the distinct authorised keys with a valid signature and fails below the threshold
     * (spec 5.3.4 / 5.4.3 / 5.5.3 / 5.6.3: signed by a threshold of the role's keys).
     */
    public void verifyThreshold(RoleKeys role, Map<String, Key> keys) throws TufException {
        int valid = countValid(role, keys);
        if (valid < role.threshold()) {
            throw new TufException(file, "signature threshold", role.name() + " is signed by " + valid + " of the "
                    + role.threshold() + " required keys");
        }
    }

    /**
     * The number of distinct authorised keys with a valid signature. A key listed under two keyids,
     * or in two encodings ({@link Key#material}), still counts once (spec: a threshold counts keys).
     */
    public int countValid(RoleKeys role, Map<String, Key> keys) {
        byte[] canonical = CanonicalJson.encode(signed);
        Set<String> counted = new HashSet<>();
        for (Map<String, Object> s : signatures) {
            String keyid = (String) s.get("keyid");
            Key key = keys.get(keyid);
            if (key == null || !role.keyids().contains(keyid) || counted.contains(key.material())) {
                continue;
            }
            if (key.verifies(canonical, (String) s.get("sig"))) {
                counted.add(key.material());
            }
        }
        return counted.size();
    }
}
