package org.samizdat.tuf;

import java.util.LinkedHashMap;
import java.util.Map;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;

/**
 * A public key object as TUF lists it (the public value is hex for Ed25519, PEM for ECDSA and RSA): exactly {@code {keytype, scheme, keyval:{public}}}. Its keyid
 * is the sha256 of that object's canonical JSON (TUF spec "Key objects"; securesystemslib's
 * default keyid), computed over those three fields only so every client agrees.
 */
public record Key(String keytype, String scheme, String publicHex) {
    public static Key ed25519(byte[] rawPublic) {
        return new Key("ed25519", "ed25519", Hex.encode(rawPublic));
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keytype", keytype);
        m.put("scheme", scheme);
        m.put("keyval", new LinkedHashMap<>(Map.of("public", publicHex)));
        return m;
    }

    /** Reads a key object; unknown key types are kept but never verify. */
    public static Key fromJson(String where, Object json) throws TufException {
        if (!(json instanceof Map<?, ?> m) || !(m.get("keytype") instanceof String type)
                || !(m.get("scheme") instanceof String scheme) || !(m.get("keyval") instanceof Map<?, ?> val)
                || !(val.get("public") instanceof String pub)) {
            throw new TufException(where, "key object", "a key must have string keytype, scheme and keyval.public");
        }
        return new Key(type, scheme, pub);
    }

    public String keyid() {
        return Sha256.hex(CanonicalJson.encode(toJson()));
    }

    /** Whether {@code sigHex} is this key's valid signature over {@code message}; unknown schemes never verify. */
    /** The X.509 SubjectPublicKeyInfo prefix of an Ed25519 key: what a raw 32-byte key is wrapped in. */
    private static final String ED25519_SPKI_PREFIX = "302a300506032b6570032100";

    /**
     * The key itself, whatever its encoding or type name: the DER of its SubjectPublicKeyInfo in
     * hex (an Ed25519 key given as raw hex is wrapped as one). A key listed twice, once in hex and
     * once in PEM, or once as "ecdsa" and once by its scheme's name, has one material, so it counts
     * once toward a threshold (spec: a threshold counts keys, not keyids or encodings).
     */
    public String material() {
        try {
            if (publicHex.startsWith("-----BEGIN")) {
                return Hex.encode(SigningScheme.pem(publicHex));
            }
            if (Hex.isLowerHex(publicHex, 64)) {
                return ED25519_SPKI_PREFIX + publicHex;
            }
        } catch (IllegalArgumentException malformed) {
            // a malformed key never verifies; it counts as itself
        }
        return keytype + "/" + scheme + "/" + publicHex;
    }

    public boolean verifies(byte[] message, String sigHex) {
        return SigningScheme.of(keytype, scheme).map(s -> s.verify(publicHex, message, sigHex)).orElse(false);
    }
}
