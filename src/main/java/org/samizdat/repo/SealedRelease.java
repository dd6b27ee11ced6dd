package org.samizdat.repo;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.tuf.TargetFile;

/**
 * What the signed metadata says of a sealed release (docs/FORMAT.md section 6, "Sealed
 * releases"): its ciphertext target {@code rNNNN/_sealed.pgp}, whose {@code custom} commits to the
 * key (the sha256 of its text) and to the plaintext manifest (the sha256 of {@code _sealed.json}),
 * with an optional "opens after" date. Nothing else about the documents is signed before opening.
 * Once a node opens it, the key and the manifest are stored under the names their commitments
 * give them, so anyone can fetch and check both without a further signature.
 */
public record SealedRelease(String id, TargetFile ciphertext, String keySha256, String manifestSha256, String opensAfter) {
    /** The ciphertext's name at the top of a sealed release. */
    public static final String CIPHERTEXT = "_sealed.pgp";
    /** The plaintext manifest's name, inside the ciphertext and, once opened, beside it. */
    public static final String MANIFEST = "_sealed.json";
    /** The opened key's name, stored beside the ciphertext under its sha256. */
    public static final String KEY = "_sealed.key";
    /** The {@code custom.kind} of a ciphertext target. */
    public static final String KIND = "sealed-release";
    /** The only ciphertext format: OpenPGP (RFC 4880) symmetrically encrypted with the key as passphrase. */
    public static final String FORMAT = "openpgp";
    /**
     * Where a node opens sealed releases, inside its public tree but outside every served path;
     * its modification time changes when an opening finishes, which tells readers of the tree to
     * look again.
     */
    public static final String OPENING_DIR = ".opening";
    /** A key is 32 random bytes written as 64 lowercase hex digits (the passphrase gpg is given). */
    public static final int KEY_HEX_LENGTH = 64;

    /** The sealed release among a release's signed targets, or empty when the release is not sealed. */
    public static Optional<SealedRelease> of(String id, Map<String, TargetFile> targets) {
        TargetFile f = targets.get(ciphertextPath(id));
        return f == null ? Optional.empty() : Optional.of(from(id, f));
    }

    /** Reads the commitments from a ciphertext target's {@code custom}; a malformed one is refused. */
    public static SealedRelease from(String id, TargetFile ciphertext) {
        Map<String, Object> c = ciphertext.custom() == null ? Map.of() : ciphertext.custom();
        if (!KIND.equals(c.get("kind")) || !id.equals(c.get("release")) || !FORMAT.equals(c.get("format"))
                || !(c.get("key_sha256") instanceof String k) || !Hex.isLowerHex(k, Sha256.HEX_LENGTH)
                || !(c.get("manifest_sha256") instanceof String m) || !Hex.isLowerHex(m, Sha256.HEX_LENGTH)
                || ciphertext.sha256() == null) {
            throw new IllegalArgumentException(ciphertextPath(id) + ": custom must carry kind \"" + KIND + "\", release \""
                    + id + "\", format \"" + FORMAT + "\" and the key_sha256 and manifest_sha256 commitments");
        }
        Object after = c.get("opens_after");
        if (after != null && !(after instanceof String s && s.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"))) {
            throw new IllegalArgumentException(ciphertextPath(id) + ": opens_after must be a date as YYYY-MM-DDTHH:MM:SSZ");
        }
        return new SealedRelease(id, ciphertext, k, m, (String) after);
    }

    /** The signed {@code custom} of a ciphertext target. */
    public static Map<String, Object> custom(String id, String keySha256, String manifestSha256, String opensAfter) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("format", FORMAT);
        c.put("key_sha256", keySha256);
        c.put("kind", KIND);
        c.put("manifest_sha256", manifestSha256);
        if (opensAfter != null) {
            c.put("opens_after", opensAfter);
        }
        c.put("release", id);
        return c;
    }

    public static String ciphertextPath(String id) {
        return id + "/" + CIPHERTEXT;
    }

    /** Whether a target path is a release's ciphertext. */
    public static boolean isCiphertext(String path) {
        int slash = path.indexOf('/');
        return slash > 0 && path.indexOf('/', slash + 1) < 0 && path.substring(slash + 1).equals(CIPHERTEXT);
    }

    /** The ciphertext's stored name in the public tree. */
    public String ciphertextName() {
        return "targets/" + new TargetPath(ciphertextPath(id)).hashedName(ciphertext.sha256());
    }

    /** Where a node that opened the release keeps the key: under its committed sha256, so the name proves it. */
    public String keyName() {
        return "targets/" + new TargetPath(id + "/" + KEY).hashedName(keySha256);
    }

    /** Where a node that opened the release keeps the plaintext manifest, under its committed sha256. */
    public String manifestName() {
        return "targets/" + new TargetPath(id + "/" + MANIFEST).hashedName(manifestSha256);
    }

    /**
     * A key as given (a file's text, a form field): surrounding white space is dropped; what is
     * left must be 64 hex digits, and upper case is read as lower case. Empty when it is no key.
     */
    public static Optional<String> keyText(String given) {
        String k = given == null ? "" : given.strip().toLowerCase(java.util.Locale.ROOT);
        return Hex.isLowerHex(k, KEY_HEX_LENGTH) ? Optional.of(k) : Optional.empty();
    }

    /** Whether a key's text matches the signed commitment (the sha256 of its 64 hex digits), compared in constant time. */
    public boolean opensWith(String keyText) {
        return keyText != null && java.security.MessageDigest.isEqual(
                Sha256.hex(keyText.getBytes(StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII),
                keySha256.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The committed plaintext manifest, from bytes claimed to be it: refused unless their sha256
     * is the signed commitment and they parse strictly ({@link SealedManifest#parse}). Every
     * reader of a manifest (opening, catalog, check, fetch) goes through here.
     */
    public SealedManifest manifest(byte[] bytes) {
        String got = Sha256.hex(bytes);
        if (!got.equals(manifestSha256)) {
            throw new IllegalArgumentException("the manifest of " + id + " is not the one the publisher committed to (sha256 "
                    + got + ", signed " + manifestSha256 + ")");
        }
        return SealedManifest.parse(id, bytes);
    }
}
