package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.SigningKey;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TufException;

/** Key rotations and withdrawals through the offline keys: proposed, signed (here or offline), imported. */
class KeyChangeTest {
    @TempDir
    Path tmp;

    private static Head head(TestArchive a) throws Exception {
        return Head.load(a.dir().publicStore());
    }

    @Test
    void rotatingTheReleasesKeyReSignsEveryPublishedReleaseUnderItAndMirrorsRulesStillHold() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("one", 3);
        a.publish("one");
        a.stage("two", 2);
        a.publish("two");
        String oldKey = a.key("releases").keyid();
        Map<String, TargetFile> before = Targets.from(Metadata.parse("1.r0001.json",
                Files.readAllBytes(a.metadata("1.r0001.json")), "targets")).targets();

        KeyChange.Outcome o = new KeyChange(a.publisher()).rotate(List.of("releases"), List.of(), 1, 1);

        assertTrue(o.pending().isEmpty(), "the offline keyring was at hand: signed and imported at once");
        String newKey = a.key("releases").keyid();
        assertNotEquals(oldKey, newKey);
        assertEquals(List.of(newKey), head(a).targets().keysForChild("releases").keyids());
        Targets r0001 = Targets.from(head(a).loadRole("r0001", new org.samizdat.tuf.RoleKeys("r0001", List.of(newKey), 1),
                Map.of(newKey, a.key("releases").key())));
        assertEquals(2, r0001.version());
        assertEquals(before, r0001.targets(), "a published release keeps its targets through a rotation");
        Checker.Report report = a.check(true);
        assertTrue(report.ok(), report.problems().toString());
        a.stage("three", 1);
        a.publish("three"); // publishing goes on with the new key
        assertTrue(a.check(true).ok());
    }

    @Test
    void withoutTheOfflineKeysARotationWaitsUnsignedAndIsImportedOnlyOnceSignedOffline() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        KeyChange change = new KeyChange(a.onlinePublisher());
        KeyChange.Outcome o = change.rotate(List.of("timestamp"), List.of(), 1, 1);
        assertEquals(List.of(change.pendingDir().resolve("2.root.json")), o.pending());
        String oldTimestampKey = a.key("timestamp").keyid();

        TufException unsigned = assertThrows(TufException.class, () -> change.importSigned(o.pending()));
        assertEquals("signature threshold", unsigned.rule(), unsigned.getMessage());
        assertFalse(Files.exists(a.metadata("2.root.json")), "nothing was written");

        assertEquals(1, KeyChange.sign(o.pending().get(0), a.offlineKeyring())); // on the offline machine
        List<String> done = change.importSigned(o.pending());
        assertTrue(done.contains("root version 2"), done.toString());
        assertNotEquals(oldTimestampKey, a.key("timestamp").keyid(), "the new timestamp key is in force");
        assertEquals(List.of(a.key("timestamp").keyid()), head(a).root().role("timestamp").keyids());
        assertFalse(Files.exists(change.pendingDir()));
        assertTrue(a.check(true).ok(), a.check(true).problems().toString());
    }

    @Test
    void aNewRootNeedsTheThresholdOfTheOldRootKeysSignedByTrusteesInTurn() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        new KeyChange(a.publisher()).rotate(List.of("root"), List.of(), 3, 2); // 3 root keys, any 2 sign
        assertEquals(2, head(a).root().role("root").threshold());
        List<SigningKey> rootKeys = a.offlineKeyring().loadAll("root");
        assertEquals(3, rootKeys.size());
        // each trustee holds one key, in a keyring of their own
        Keyring[] trustees = new Keyring[3];
        for (int i = 0; i < 3; i++) {
            Path d = Files.createDirectories(tmp.resolve("trustee-" + i));
            Path keyFile;
            try (var files = Files.list(a.offlineKeyring().dir())) {
                keyFile = files.filter(f -> f.getFileName().toString().startsWith("root")).sorted().toList().get(i);
            }
            Files.copy(keyFile, d.resolve("root.key.json"));
            trustees[i] = new Keyring(d, null);
        }
        KeyChange change = new KeyChange(a.onlinePublisher());
        Path next = change.rotate(List.of("snapshot"), List.of(), 1, 1).pending().get(0);
        KeyChange.sign(next, trustees[0]);
        TufException one = assertThrows(TufException.class, () -> change.importSigned(List.of(next)));
        assertTrue(one.getMessage().contains("1 of the 2"), one.getMessage() + " / " + a.offlineKeyring().dir());
        KeyChange.sign(next, trustees[2]);
        change.importSigned(List.of(next));
        assertEquals(3, head(a).root().version());
        Checker.Report report = a.check(true);
        assertTrue(report.ok(), report.problems().toString());
    }

    @Test
    void aWithdrawalSignedOfflineRemovesTheDocumentAndTheOnlineKeysCannotForgeOne() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("docs", 3);
        a.publish("one");
        String path = "r0001/docs/doc-1.txt";
        String file = "targets/" + new TargetPath(path).hashedName(Sha256.hex(Files.readAllBytes(a.source("docs", 1))));
        assertTrue(a.dir().publicStore().exists(file));

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new KeyChange(a.publisher()).withdraw("r0001/docs/nope.txt", "x"));
        assertTrue(unknown.getMessage().contains("no published release lists"), unknown.getMessage());

        new KeyChange(a.publisher()).withdraw(path, "names a source");
        assertFalse(a.dir().publicStore().exists(file), "the origin stops serving it");
        Withdrawals w = KeyChange.withdrawals(a.dir().publicStore(), head(a).targets());
        assertEquals("names a source", w.notices().get(path).reason());
        Checker.Report report = a.check(true);
        assertTrue(report.ok(), report.problems().toString());
        assertEquals(2 + 2 + 1, report.targets(), "two documents, the manifest, the torrent and the list itself");

        // a thief of the online keys signs a targets role withdrawing another document
        Targets t = head(a).targets();
        byte[] list = w.with("r0001/docs/doc-2.txt", "forged", a.now()).toBytes();
        Map<String, TargetFile> listed = new TreeMap<>(t.targets());
        listed.put(Withdrawals.PATH, new TargetFile(list.length, Sha256.hex(list), Map.of()));
        Targets forged = new Targets(t.version() + 1, t.expires(), listed, t.delegationKeys(), t.delegations(), null);
        Path forgedFile = tmp.resolve(forged.version() + ".targets.json");
        Files.write(forgedFile, Metadata.sign(forgedFile.getFileName().toString(), forged.toSigned(),
                List.of(a.key("releases"), a.key("snapshot"), a.key("timestamp"), a.key("mirrors"))).toBytes());
        new FileStore(Files.createDirectories(a.dir().privateDir().resolve(KeyChange.PENDING))).put("withdrawals.json", list);
        TufException refused = assertThrows(TufException.class,
                () -> new KeyChange(a.onlinePublisher()).importSigned(List.of(forgedFile)));
        assertEquals("signature threshold", refused.rule());
        assertFalse(KeyChange.withdrawals(a.dir().publicStore(), head(a).targets()).contains("r0001/docs/doc-2.txt"));
    }
}
