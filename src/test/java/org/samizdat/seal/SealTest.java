package org.samizdat.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.ReleaseInfo;
import org.samizdat.repo.SealedRelease;
import org.samizdat.repo.StagedDocument;
import org.samizdat.repo.TestArchive;
import org.samizdat.store.FileStore;
import org.samizdat.work.Progress;

@Timeout(60)
class SealTest {
    @TempDir
    Path tmp;
    TestArchive archive;
    Sealing sealing;

    @BeforeEach
    void archive() throws Exception {
        archive = TestArchive.create(tmp);
        sealing = new Sealing(archive, tmp.resolve("shares"));
        archive.stage("open", 3);
        archive.publish("An ordinary release");
    }

    private String key(Sealer.Sealed s) throws Exception {
        return Files.readString(s.keyFile()).strip();
    }

    @Test
    void aSealedReleaseSignsItsCiphertextAndCommitmentsAndNothingOfItsDocuments() throws Exception {
        List<StagedDocument> docs = archive.stage("cables", 40);
        Sealer.Sealed s = sealing.seal("Insurance", 3, 5, "2027-01-01T00:00:00Z");
        assertEquals("r0002", s.release());
        assertEquals(5, s.shareFiles().size());
        assertTrue(archive.check().ok(), archive.check().problems().toString());

        Catalog catalog = Catalog.open(new FileStore(archive.publicDir()));
        assertEquals(List.of("r0002/_release.json", "r0002/_release.torrent", "r0002/_sealed.pgp"),
                List.copyOf(catalog.targets("r0002").keySet()));
        SealedRelease sealed = catalog.sealed("r0002").orElseThrow();
        assertEquals("2027-01-01T00:00:00Z", sealed.opensAfter());
        assertEquals(s.keySha256(), sealed.keySha256());
        assertTrue(catalog.release("r0002").documents().isEmpty());
        assertEquals(ReleaseInfo.Seal.SEALED, catalog.info("r0002").seal());
        // no name, hash or count of a sealed document appears in any signed file
        StringBuilder metadata = new StringBuilder();
        try (Stream<Path> files = Files.list(archive.publicDir().resolve("metadata"))) {
            for (Path f : files.toList()) {
                metadata.append(Files.readString(f));
            }
        }
        metadata.append(new String(Files.readAllBytes(new FileStore(archive.publicDir()).path(catalog.torrent("r0002")
                .orElseThrow().storedName().transform(n -> "targets/" + n))), StandardCharsets.ISO_8859_1));
        for (StagedDocument d : docs) {
            assertFalse(metadata.indexOf(d.sha256()) >= 0, "the metadata names the hash of " + d.path());
            assertFalse(metadata.indexOf(d.path().value()) >= 0, "the metadata names " + d.path());
        }
        assertFalse(metadata.indexOf("\"documents\":40") >= 0);
        // nor is any plaintext stored in the public tree
        for (StagedDocument d : docs) {
            assertFalse(new FileStore(archive.publicDir()).exists("targets/" + d.path().under("r0002").hashedName(d.sha256())));
        }
    }

    @Test
    void theCommittedKeyOpensItAndEveryDocumentIsThenListedReadAndChecked() throws Exception {
        List<StagedDocument> docs = archive.stage("cables", 40);
        Sealer.Sealed s = sealing.seal("Insurance", 0, 0, null);
        Catalog before = Catalog.open(new FileStore(archive.publicDir()));
        Opening.Opened o = Opening.open(archive.publicDir(), before.sealed("r0002").orElseThrow(), key(s),
                before.withdrawals(), Progress.NONE);
        assertEquals(40, o.documents());
        assertFalse(o.already());

        Catalog after = Catalog.open(new FileStore(archive.publicDir()));
        Catalog.Release r = after.release("r0002");
        assertEquals(40, r.documents().size());
        assertEquals(ReleaseInfo.Seal.OPENED, after.info("r0002").seal());
        assertEquals(40, after.info("r0002").documents());
        for (Catalog.Entry e : r.documents()) {
            assertTrue(after.read(e).isPresent(), e.path());
        }
        String one = docs.get(7).path().under("r0002").value();
        assertEquals(docs.get(7).sha256(), after.find(one).orElseThrow().file().sha256());
        assertEquals("r0002", after.find(one).orElseThrow().release());
        assertTrue(archive.check().ok(), archive.check().problems().toString());
        assertFalse(Files.exists(archive.publicDir().resolve(".opening/r0002")));
        // opening again is a no-op
        assertTrue(Opening.open(archive.publicDir(), after.sealed("r0002").orElseThrow(), key(s), after.withdrawals(),
                Progress.NONE).already());
        // check verifies the opened documents against the commitment
        Path stored = new FileStore(archive.publicDir()).path("targets/" + after.find(one).orElseThrow().storedName());
        Files.writeString(stored, "tampered");
        List<String> problems = archive.check().problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("the sealed manifest of r0002"), problems.toString());
    }

    @Test
    void anOpenedDocumentCanBeWithdrawnAndIsThenGoneFromTheTree() throws Exception {
        List<StagedDocument> docs = archive.stage("cables", 5);
        Sealer.Sealed s = sealing.seal("Insurance", 0, 0, null);
        Catalog c = Catalog.open(new FileStore(archive.publicDir()));
        Opening.open(archive.publicDir(), c.sealed("r0002").orElseThrow(), key(s), c.withdrawals(), Progress.NONE);
        String path = docs.get(2).path().under("r0002").value();
        String stored = "targets/" + docs.get(2).path().under("r0002").hashedName(docs.get(2).sha256());
        assertTrue(new FileStore(archive.publicDir()).exists(stored));
        org.samizdat.repo.KeyChange.Outcome o = new org.samizdat.repo.KeyChange(archive.publisher()).withdraw(path, "names a source");
        assertTrue(o.toString().length() > 0);
        Catalog after = Catalog.open(new FileStore(archive.publicDir()));
        assertTrue(after.withdrawals().contains(path), "the signed list names it");
        assertEquals(4, after.release("r0002").documents().size());
        assertEquals(1, after.release("r0002").withdrawn().size());
        assertFalse(new FileStore(archive.publicDir()).exists(stored), "a withdrawn document's file is deleted");
        assertTrue(archive.check().ok(), archive.check().problems().toString());
    }

    @Test
    void aWrongOrTruncatedKeyIsRefusedAndWritesNothing() throws Exception {
        archive.stage("cables", 10);
        Sealer.Sealed s = sealing.seal("Insurance", 0, 0, null);
        Catalog c = Catalog.open(new FileStore(archive.publicDir()));
        SealedRelease sealed = c.sealed("r0002").orElseThrow();
        List<String> before = new FileStore(archive.publicDir()).list("");
        String right = key(s);
        String wrong = (right.charAt(0) == 'a' ? "b" : "a") + right.substring(1);
        for (String k : List.of(wrong, right.substring(0, 63), "")) {
            OpeningRefused e = assertThrows(OpeningRefused.class,
                    () -> Opening.open(archive.publicDir(), sealed, k, c.withdrawals(), Progress.NONE));
            assertTrue(e.getMessage().contains("not the signed commitment"), e.getMessage());
        }
        assertEquals(before, new FileStore(archive.publicDir()).list(""));
        assertTrue(Catalog.open(new FileStore(archive.publicDir())).release("r0002").documents().isEmpty());
    }

    @Test
    void aPublisherWhoEncryptsOtherDocumentsThanItCommittedToIsCaughtAndNothingIsServed() throws Exception {
        List<StagedDocument> docs = archive.stage("cables", 12);
        String victim = docs.get(5).path().under("r0002").value();
        String name = victim.substring(victim.lastIndexOf('/') + 1);
        Sealer.Sealed s = sealing.seal("Insurance", 0, 0, null, Sealing.swapping("/" + name,
                archive.source("cables", Integer.parseInt(name.replaceAll("\\D", ""))), tmp.resolve("swapped")));
        Catalog c = Catalog.open(new FileStore(archive.publicDir()));
        List<String> before = new FileStore(archive.publicDir()).list("targets");
        OpeningRefused e = assertThrows(OpeningRefused.class,
                () -> Opening.open(archive.publicDir(), c.sealed("r0002").orElseThrow(), key(s), c.withdrawals(), Progress.NONE));
        assertTrue(e.getMessage().contains(victim + " inside the ciphertext is not the committed document"), e.getMessage());
        assertEquals(before, new FileStore(archive.publicDir()).list("targets"), "nothing of the release may be stored");
        assertFalse(Files.exists(archive.publicDir().resolve(".opening/r0002")));
    }

    @Test
    void aDamagedCiphertextIsBlamedOnTheDiskNotThePublisher() throws Exception {
        archive.stage("cables", 10);
        Sealer.Sealed s = sealing.seal("Insurance", 0, 0, null);
        Catalog c = Catalog.open(new FileStore(archive.publicDir()));
        SealedRelease sealed = c.sealed("r0002").orElseThrow();
        Path file = new FileStore(archive.publicDir()).path(sealed.ciphertextName());
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, b.length - 100)); // truncated on disk
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> Opening.open(archive.publicDir(), sealed, key(s), c.withdrawals(), Progress.NONE));
        assertFalse(e instanceof OpeningRefused, e.toString());
        assertTrue(e.getMessage().contains("damaged on this disk"), e.getMessage());
        assertTrue(Catalog.open(new FileStore(archive.publicDir())).release("r0002").documents().isEmpty());
    }

    @Test
    void aSealInterruptedBeforeItsTimestampIsFinishedWithTheSameKeyAndAPublishIsRefusedMeanwhile() throws Exception {
        archive.stage("cables", 10);
        // the seal dies after its key and shares are written, while encrypting
        Path keys = archive.dir().sealedKeysDir();
        Sealer dying = new Sealer(new Sealer.Options(keys, tmp.resolve("shares"), 2, 3, null), new java.security.SecureRandom(),
                (phase, done, total) -> {
                    if (done > 0) {
                        throw new IllegalStateException("killed");
                    }
                });
        Exception killed = assertThrows(Exception.class, () -> archive.publisher().seal("Insurance", dying));
        assertTrue(killed.getMessage().contains("killed"), killed.toString());
        String key = Files.readString(keys.resolve("r0002.key")).strip();
        java.io.IOException refused = assertThrows(java.io.IOException.class, () -> archive.publish("in the clear"));
        assertTrue(refused.getMessage().contains("was being sealed"), refused.getMessage());

        Sealer.Sealed s = sealing.seal("Insurance", 0, 0, null);
        assertEquals(key, key(s));
        assertEquals(Sha256.hex(key), Catalog.open(new FileStore(archive.publicDir())).sealed("r0002").orElseThrow().keySha256());
        assertTrue(new FileStore(archive.publicDir()).strayTemps().isEmpty());
        assertTrue(archive.check().ok(), archive.check().problems().toString());
    }
}
