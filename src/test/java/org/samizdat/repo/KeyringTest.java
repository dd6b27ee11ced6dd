package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Hex;
import org.samizdat.tuf.SigningKey;

class KeyringTest {
    @TempDir
    Path tmp;

    @Test
    void keysAreWrittenOwnerOnlyInAnOwnerOnlyDirectory() throws IOException {
        Keyring k = new Keyring(tmp.resolve("private/keys"), null);
        k.create(java.util.List.of("root", "targets", "releases", "snapshot", "timestamp", "mirrors"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("private/keys"))));
        for (String role : new String[] {"root", "targets", "releases", "snapshot", "timestamp", "mirrors"}) {
            Path f = tmp.resolve("private/keys/" + role + ".key.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), role);
        }
        assertFalse(k.encrypted());
    }

    @Test
    void encryptedKeysNeedTheRightPassphraseAndHoldNoPlainSeed() throws IOException {
        Keyring k = new Keyring(tmp.resolve("keys"), "correct horse".toCharArray());
        Map<String, SigningKey> made = k.create(Keyring.ONLINE);
        assertTrue(k.encrypted());
        String file = Files.readString(tmp.resolve("keys/timestamp.key.json"));
        assertFalse(file.contains(Hex.encode(made.get("timestamp").seed())));
        assertEquals(made.get("timestamp").keyid(), new Keyring(tmp.resolve("keys"), "correct horse".toCharArray())
                .load("timestamp").keyid());
        IOException none = assertThrows(IOException.class, () -> new Keyring(tmp.resolve("keys"), null).load("timestamp"));
        assertTrue(none.getMessage().contains("--passphrase-file"), none.getMessage());
        IOException wrong = assertThrows(IOException.class,
                () -> new Keyring(tmp.resolve("keys"), "wrong".toCharArray()).load("timestamp"));
        assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
    }

    @Test
    void refusesToOverwriteExistingKeys() throws IOException {
        new Keyring(tmp.resolve("keys"), null).create(Keyring.ONLINE);
        assertThrows(IOException.class, () -> new Keyring(tmp.resolve("keys"), null).create(Keyring.ONLINE));
    }

    @Test
    void aRotationsNewKeyIsKeptApartUntilPromotedAndTheOldOneIsRetiredNotDeleted() throws IOException {
        Keyring k = new Keyring(tmp.resolve("keys"), null);
        SigningKey old = k.create(Keyring.ONLINE).get("releases");
        SigningKey next = k.add("releases", Keyring.NEXT);
        assertTrue(k.hasNext("releases"));
        assertEquals(old.keyid(), k.load("releases").keyid(), "the new key is not in force before promote");
        assertEquals(java.util.List.of(old.keyid()), k.loadCurrent("releases").stream().map(SigningKey::keyid).toList());
        assertEquals(2, k.loadAll("releases").size());
        k.promote("releases");
        assertFalse(k.hasNext("releases"));
        assertEquals(next.keyid(), k.load("releases").keyid());
        try (var retired = Files.list(tmp.resolve("keys/retired"))) {
            assertEquals(1, retired.count());
        }
        assertTrue(k.loadAll("release").isEmpty(), "a role's name is matched whole, not as a prefix");
    }
}
