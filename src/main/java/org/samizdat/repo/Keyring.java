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
 * A directory of private signing keys, one file per key ({@code ROLE.key.json}, further keys of a
 * role as {@code ROLE.SLOT.key.json}), mode 0600 in a 0700 directory. An archive has two: the
 * online keyring in {@code private/keys/} (releases, snapshot, timestamp, mirrors) and the offline
 * keyring (root and targets) that {@code init} writes elsewhere, to leave the machine. With a
 * passphrase each seed is sealed with AES-256-GCM under a key derived by PBKDF2-HMAC-SHA256
 * (600,000 iterations, one salt per keyring); without one they are plain.
 */
public final class Keyring {
    /** Roles whose keys sign every release and timestamp; these must be on the publishing machine. */
    public static final List<String> ONLINE = List.of("releases", "snapshot", "timestamp", "mirrors");
    /** Roles whose keys sign only key changes, renewals of root and targets, and withdrawals: kept offline. */
    public static final List<String> OFFLINE = List.of("root", "targets");
    /** The slot of a key made by a rotation that is not yet in force. */
    public static final String NEXT = "next";
    static final int ITERATIONS = 600_000;
    private static final String KDF_FILE = "passphrase.json";
    private static final String SUFFIX = ".key.json";

    private final Path dir;
    private final char[] passphrase;
    private SecretKey sealKey;

    public Keyring(Path dir, char[] passphrase) {
        this.dir = dir;
        this.passphrase = passphrase == null || passphrase.length == 0 ? null : passphrase.clone();
    }

    public Path dir() {
        return dir;
    }

    public boolean encrypted() {
        return Files.exists(dir.resolve(KDF_FILE));
    }

    /** Creates the key directory and writes one fresh key for each of {@code roles}; refuses to overwrite. */
    public Map<String, SigningKey> create(List<String> roles) throws IOException {
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
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
        for (String role : roles) {
            keys.put(role, add(role, null));
        }
        return keys;
    }

    /** Writes a fresh key for {@code role} in {@code slot} (null: the role's first key); refuses to overwrite. */
    public SigningKey add(String role, String slot) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no keyring at " + dir);
        }
        if (passphrase == null && encrypted()) {
            throw new IOException(dir + " is encrypted: give its passphrase to add a key to it");
        }
        SigningKey k = SigningKey.generate();
        save(file(role, slot), role, k);
        return k;
    }

    /** Every key of {@code role} here, in every slot (a rotation's new keys included), by file name. */
    public List<SigningKey> loadAll(String role) throws IOException {
        List<SigningKey> keys = new java.util.ArrayList<>();
        for (Path f : files(role)) {
            keys.add(load(f));
        }
        return keys;
    }

    /** The keys of {@code role} in force: every slot but a rotation's {@link #NEXT} ones. */
    public List<SigningKey> loadCurrent(String role) throws IOException {
        List<SigningKey> keys = new java.util.ArrayList<>();
        for (Path f : files(role)) {
            if (!isNext(role, f)) {
                keys.add(load(f));
            }
        }
        return keys;
    }

    /** Whether a rotation left new keys for {@code role} that are not yet in force. */
    public boolean hasNext(String role) throws IOException {
        for (Path f : files(role)) {
            if (isNext(role, f)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Puts a rotation's new keys of {@code role} in force: the old ones move to {@code retired/}
     * (kept, never used again), {@code ROLE.next*.key.json} become {@code ROLE*.key.json}.
     */
    public void promote(String role) throws IOException {
        List<Path> all = files(role);
        if (all.stream().noneMatch(f -> isNext(role, f))) {
            return;
        }
        Path retired = dir.resolve("retired");
        Files.createDirectories(retired);
        for (Path f : all) {
            if (!isNext(role, f)) {
                Files.move(f, retired.resolve(java.time.Instant.now().toEpochMilli() + "-" + f.getFileName()));
            }
        }
        for (Path f : files(role)) {
            String name = f.getFileName().toString();
            String rest = name.substring(role.length() + 1 + NEXT.length()); // ".key.json" or ".2.key.json"
            Files.move(f, dir.resolve(role + rest));
        }
        org.samizdat.store.FileStore.syncDirectories(List.of(dir));
    }

    private boolean isNext(String role, Path f) {
        return f.getFileName().toString().startsWith(role + "." + NEXT + ".");
    }

    private List<Path> files(String role) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(SUFFIX) && (n.equals(role + SUFFIX) || n.startsWith(role + "."));
            }).sorted().toList();
        }
    }

    public boolean has(String role) {
        return Files.exists(file(role, null));
    }

    /** Loads a role's key, checking that the stored public half matches the seed. */
    public SigningKey load(String role) throws IOException {
        Path f = file(role, null);
        if (!Files.exists(f)) {
            throw new IOException("no " + role + " key at " + f
                    + (OFFLINE.contains(role) ? " (it is an offline key: give its keyring with --offline-keys DIR)" : ""));
        }
        return load(f);
    }

    private SigningKey load(Path f) throws IOException {
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

    private void save(Path f, String role, SigningKey k) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("keytype", "ed25519");
        m.put("public", k.key().publicHex());
        if (passphrase != null) {
            m.put("encrypted", seal(k.seed()));
        } else {
            m.put("seed", Hex.encode(k.seed()));
        }
        writePrivate(f, Json.write(m));
    }

    private Path file(String role, String slot) {
        return dir.resolve(role + (slot == null ? "" : "." + slot) + SUFFIX);
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
