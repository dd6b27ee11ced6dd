package org.samizdat.repo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Json;
import org.samizdat.tuf.SigningKey;

/**
 * The archive's private keys, one file per role under {@code private/keys/}, mode 0600 in a 0700
 * directory. With a passphrase each seed is sealed with AES-256-GCM under a key derived by
 * PBKDF2-HMAC-SHA256 (600,000 iterations, one salt per archive); without one they are plain.
 */
public final class Keyring {
    /** Roles whose keys sign every release and timestamp; these must be on the publishing machine. */
    public static final List<String> ONLINE = List.of("releases", "snapshot", "timestamp", "mirrors");
    /** Roles whose keys are needed only at init and for rare re-signing; may be moved offline. */
    public static final List<String> OFFLINE = List.of("root", "targets");
    static final int ITERATIONS = 600_000;
    private static final String KDF_FILE = "passphrase.json";

    private final Path dir;
    private final char[] passphrase;
    private SecretKey sealKey;

    public Keyring(Path dir, char[] passphrase) {
        this.dir = dir;
        this.passphrase = passphrase == null || passphrase.length == 0 ? null : passphrase.clone();
    }

    public boolean encrypted() {
        return Files.exists(dir.resolve(KDF_FILE));
    }

    /** Creates the key directory and writes fresh keys for every role; refuses to overwrite. */
    public Map<String, SigningKey> create() throws IOException {
        Files.createDirectories(dir.getParent());
        if (Files.exists(dir)) {
            throw new FileAlreadyExistsException(dir + " already exists; refusing to overwrite keys");
        }
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (passphrase != null) {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            Map<String, Object> kdf = new LinkedHashMap<>();
            kdf.put("kdf", "PBKDF2WithHmacSHA256");
            kdf.put("iterations", (long) ITERATIONS);
            kdf.put("salt", Hex.encode(salt));
            writePrivate(dir.resolve(KDF_FILE), Json.write(kdf));
        }
        Map<String, SigningKey> keys = new LinkedHashMap<>();
        for (String role : concat(OFFLINE, ONLINE)) {
            SigningKey k = SigningKey.generate();
            save(role, k);
            keys.put(role, k);
        }
        return keys;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    public boolean has(String role) {
        return Files.exists(file(role));
    }

    /** Loads a role's key, checking that the stored public half matches the seed. */
    public SigningKey load(String role) throws IOException {
        Path f = file(role);
        if (!Files.exists(f)) {
            throw new IOException("no " + role + " key at " + f
                    + (OFFLINE.contains(role) ? " (it is an offline key: put its file back to use it)" : ""));
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(Files.readAllBytes(f));
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": damaged key file: " + e.getMessage());
        }
        byte[] seed;
        if (m.get("encrypted") instanceof Map<?, ?> enc) {
            seed = open(f, enc);
        } else if (m.get("seed") instanceof String hex) {
            seed = Hex.decode(hex);
        } else {
            throw new IOException(f + ": damaged key file: no seed");
        }
        SigningKey k = SigningKey.fromSeed(seed);
        if (!k.key().publicHex().equals(m.get("public"))) {
            throw new IOException(f + ": damaged key file: the public key does not match the private seed");
        }
        return k;
    }

    private void save(String role, SigningKey k) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("keytype", "ed25519");
        m.put("public", k.key().publicHex());
        if (passphrase != null) {
            m.put("encrypted", seal(k.seed()));
        } else {
            m.put("seed", Hex.encode(k.seed()));
        }
        writePrivate(file(role), Json.write(m));
    }

    private Path file(String role) {
        return dir.resolve(role + ".key.json");
    }

    private Map<String, Object> seal(byte[] seed) throws IOException {
        try {
            byte[] nonce = new byte[12];
            new SecureRandom().nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, sealKey(), new GCMParameterSpec(128, nonce));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cipher", "AES-256-GCM");
            m.put("nonce", Hex.encode(nonce));
            m.put("ciphertext", Hex.encode(c.doFinal(seed)));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt key: " + e.getMessage(), e);
        }
    }

    private byte[] open(Path f, Map<?, ?> enc) throws IOException {
        if (passphrase == null) {
            throw new IOException(f + " is encrypted: give the passphrase with --passphrase-file FILE"
                    + " or the SAMIZDAT_PASSPHRASE environment variable");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, sealKey(), new GCMParameterSpec(128, Hex.decode((String) enc.get("nonce"))));
            return c.doFinal(Hex.decode((String) enc.get("ciphertext")));
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IOException(f + ": wrong passphrase (or a damaged key file)");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(f + ": damaged key file: " + e.getMessage());
        }
    }

    private SecretKey sealKey() throws IOException {
        if (sealKey == null) {
            Map<String, Object> kdf = Json.parseObject(Files.readAllBytes(dir.resolve(KDF_FILE)));
            try {
                PBEKeySpec spec = new PBEKeySpec(passphrase, Hex.decode((String) kdf.get("salt")),
                        (int) (long) (Long) kdf.get("iterations"), 256);
                byte[] raw = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
                sealKey = new SecretKeySpec(raw, "AES");
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot derive the key-encryption key: " + e.getMessage(), e);
            }
        }
        return sealKey;
    }

    private static void writePrivate(Path f, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(f, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
    }
}
