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
    public boolean verifies(byte[] message, String sigHex) {
        return SigningScheme.of(keytype, scheme).map(s -> s.verify(publicHex, message, sigHex)).orElse(false);
    }
}
