package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Sha256;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TufException;

class PublisherTest {
    @TempDir
    Path tmp;

    private static Targets role(TestArchive a, String file) throws Exception {
        return Targets.from(Metadata.parse(file, Files.readAllBytes(a.metadata(file)), "targets"));
    }

    private static Snapshot snapshot(TestArchive a) throws Exception {
        Timestamp ts = Timestamp.from(Metadata.parse("timestamp.json", Files.readAllBytes(a.metadata("timestamp.json")), "timestamp"));
        String f = ts.snapshot().version() + ".snapshot.json";
        return Snapshot.from(Metadata.parse(f, Files.readAllBytes(a.metadata(f)), "snapshot"));
    }

    @Test
    void theTemporaryFilesOfAKilledWriterAreRemovedByTheNextAndAFinishedWriterLeavesNoMark() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("cables", 2);
        a.publish("First");
        Path marker = a.dir().privateDir().resolve(Publisher.Lock.WRITING);
        assertFalse(Files.exists(marker), "a publish that finished leaves no mark");
        // what a publish killed while writing leaves: its mark and a temporary file in the public tree
        Path left = a.publicDir().resolve("targets/r0001/cables/.tmp-1234abcd-doc-1.txt");
        Files.writeString(left, "half a document");
        Files.createFile(marker);
        a.stage("more", 1);
        a.publish("Second");
        assertFalse(Files.exists(left), "the killed writer's temporary file was removed");
        assertFalse(Files.exists(marker));
        assertTrue(a.check(true).ok(), a.check(true).problems().toString());
    }

    @Test
    void aReleaseOlderThanTorrentsGetsOneSignedIntoTheMirrorsRoleWhichANewMirrorListKeeps() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("cables", 5);
        Publisher p = a.publisher();
        p.withoutTorrents().publish("Old"); // as a format 1.2 publisher did
        FileStore pub = a.dir().publicStore();
        assertTrue(Catalog.open(pub).torrent("r0001").isEmpty());

        assertEquals(List.of("r0001"), p.addTorrents(List.of()));
        Catalog c = Catalog.open(pub);
        Catalog.Entry t = c.torrent("r0001").orElseThrow();
        assertEquals("mirrors/r0001.torrent", t.path());
        org.samizdat.archive.Torrent torrent = org.samizdat.archive.Torrent.parse(c.read(t).orElseThrow());
        assertEquals(t.file().custom().get("infohash"), torrent.infoHashHex());
        assertEquals(6, torrent.files().size(), "five documents and the manifest");
        assertEquals(List.of("_release.json"), torrent.files().get(0).path());
        assertTrue(a.check(true).ok(), a.check(true).problems().toString());
        assertEquals(List.of(), p.addTorrents(List.of()), "every release has one now");

        p.publishMirrorList(new MirrorList(a.now(), null, List.of()));
        assertEquals("mirrors/r0001.torrent", Catalog.open(pub).torrent("r0001").orElseThrow().path(),
                "a new mirror list keeps the torrents the mirrors role lists");
        a.stage("more", 2);
        a.publish("New");
        assertEquals("r0002/_release.torrent", Catalog.open(pub).torrent("r0002").orElseThrow().path());
        assertThrows(java.io.IOException.class, () -> p.addTorrents(List.of("r0009")));
    }

    @Test
    void aNewArchiveIsSignedCompleteAndItsFingerprintIsTheHashOfTheFirstRoot() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        assertEquals(Sha256.hex(Files.readAllBytes(a.metadata("1.root.json"))), a.fingerprint);
        Checker.Report r = a.check(true);
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(3, r.roles());
        assertEquals(0, r.targets());
        for (String f : List.of("1.root.json", "1.targets.json", "1.releases.json", "1.mirrors.json", "1.snapshot.json", "timestamp.json")) {
            assertTrue(Files.exists(a.metadata(f)), f);
        }
    }

    @Test
    void aReleaseIsDelegatedToItsOwnRoleUnderItsPrefix() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("cables", 5);
        Publisher.Release r = a.publish("First");
        assertEquals("r0001", r.id());
        assertEquals(5, r.documents());
        Targets release = role(a, "1.r0001.json");
        assertEquals(7, release.targets().size()); // five documents, the release manifest and its torrent
        assertTrue(release.targets().containsKey("r0001/cables/doc-3.txt"));
        assertEquals("Document 3 of cables", release.targets().get("r0001/cables/doc-3.txt").custom().get("title"));
        Targets releases = role(a, "2.releases.json");
        assertEquals(List.of("r0001/*", "r0001/*/*"), releases.delegations().get(0).paths());
        var f = release.targets().get("r0001/cables/doc-3.txt");
        assertEquals(f.length(), Files.size(a.publicDir().resolve("targets/r0001/cables/" + f.sha256() + ".doc-3.txt")));
        assertTrue(a.check(true).ok());
        assertTrue(new Staging(a.dir().stagingDir()).pending().isEmpty());
    }

    @Test
    void aReleaseAboveFourThousandNinetySixDocumentsIsSplitIntoHashBins() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("big", 4200);
        a.publish(null);
        Targets release = role(a, "1.r0001.json");
        assertTrue(release.targets().isEmpty());
        assertNotNull(release.succinct());
        assertEquals(4, release.succinct().bitLength());
        Snapshot snap = snapshot(a);
        int total = 0;
        for (String bin : release.succinct().allBinNames()) {
            assertEquals(1, snap.versionOf(bin), bin);
            Targets t = role(a, "1." + bin + ".json");
            assertTrue(t.targets().size() <= 4096);
            for (String path : t.targets().keySet()) {
                assertEquals(bin, release.succinct().binFor(path));
            }
            total += t.targets().size();
        }
        assertEquals(4202, total); // 4,200 documents, the manifest and the torrent
        Checker.Report r = a.check(true);
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(4202, r.targets());
    }

    @Test
    void metadataWrittenForAReleaseGrowsWithTheReleaseNotWithTheArchive() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("big", 5000);
        a.publish(null);
        a.stage("small", 10);
        Publisher.Release small = a.publish(null);
        assertEquals("r0002", small.id());
        // one release role, releases and snapshot are rewritten; the 5,000-document release is untouched
        assertEquals(2, small.roleFiles());
        assertTrue(small.metadataBytes() < 20_000, "wrote " + small.metadataBytes() + " bytes");
        assertEquals(1, snapshot(a).versionOf("r0001"));
        assertTrue(a.check(true).ok());
    }

    @Test
    void publishingWithNothingStagedFailsAndChangesNothing() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        byte[] before = Files.readAllBytes(a.metadata("timestamp.json"));
        assertThrows(Publisher.NothingStagedException.class, () -> a.publish(null));
        assertEquals(Sha256.hex(before), Sha256.hex(Files.readAllBytes(a.metadata("timestamp.json"))));
    }

    @Test
    void aBatchInterruptedBeforeItsTimestampIsFinishedUnderTheSameReleaseId() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("first", 3);
        // simulate a publish killed right after it moved the index aside
        Staging staging = new Staging(a.dir().stagingDir());
        Targets releases = role(a, "1.releases.json");
        Batch batch = Batch.open(staging, releases, "Interrupted");
        assertEquals("r0001", batch.id());
        a.stage("later", 2); // added while the publish "ran": waits for the next release
        Publisher.Release r = a.publish("ignored title");
        assertEquals("r0001", r.id());
        assertEquals(3, r.documents());
        assertEquals(2, staging.pending().size());
        assertEquals("r0002", a.publish(null).id());
        assertTrue(a.check(true).ok());
    }

    @Test
    void resignRenewsTheTimestampAndEachRoleNearItsExpiry() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("docs", 3);
        a.publish(null);
        long snapBefore = snapshot(a).version();
        a.advance(Duration.ofDays(1));
        Publisher.Resigned r = a.publisher().resign();
        assertEquals(List.of("timestamp (version 3)"), r.renewed());
        assertEquals(snapBefore, snapshot(a).version());

        a.advance(Duration.ofDays(25)); // the snapshot (30 days) is in its last third
        r = a.publisher().resign();
        assertTrue(r.renewed().contains("snapshot (version " + (snapBefore + 1) + ")"), r.renewed().toString());

        a.advance(Duration.ofDays(300)); // releases, r0001 and mirrors (1 year) are too
        r = a.publisher().resign();
        assertTrue(r.renewed().contains("r0001 (version 2)"), r.renewed().toString());
        assertTrue(r.renewed().contains("releases (version 3)"), r.renewed().toString());
        assertTrue(r.renewed().contains("mirrors (version 2)"), r.renewed().toString());
        Checker.Report report = a.check(true);
        assertTrue(report.ok(), report.problems().toString());
    }

    @Test
    void resignWarnsInsteadOfRenewingWhenTheOfflineKeysAreAway() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.advance(Duration.ofDays(600));
        Publisher.Resigned r = a.onlinePublisher().resign();
        assertEquals(2, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).contains("root expires") && r.warnings().get(0).contains("--offline-keys"),
                r.warnings().toString());
        assertFalse(Files.exists(a.metadata("2.root.json")));
        assertTrue(a.check(false).ok());
    }

    @Test
    void initKeepsTheRootAndTargetsKeysOutOfTheArchive() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        try (var online = Files.list(a.dir().keysDir())) {
            assertEquals(List.of("mirrors.key.json", "releases.key.json", "snapshot.key.json", "timestamp.key.json"),
                    online.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(a.offlineKeyring().has("root") && a.offlineKeyring().has("targets"));
        assertFalse(a.offlineKeyring().dir().startsWith(a.dir().root()));
    }

    @Test
    void theServingProcessRenewsTheTimestampWithTheTimestampKeyAlone() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("docs", 2);
        a.publish("one");
        for (String role : List.of("releases", "snapshot", "mirrors")) {
            Files.move(a.dir().keysDir().resolve(role + ".key.json"), tmp.resolve(role + ".key.json"));
        }
        assertNull(a.onlinePublisher().renewTimestampIfDue(), "nothing is due yet");
        a.advance(Duration.ofDays(25)); // the timestamp (7 days) is due, and the snapshot (30 days) nearly
        Publisher.Resigned r = a.onlinePublisher().renewTimestampIfDue();
        assertEquals(List.of("timestamp (version 3)"), r.renewed());
        assertTrue(r.warnings().get(0).contains("samizdat resign"), r.warnings().toString());
        assertTrue(a.check(false).ok());
    }

    @Test
    void resignRefusesToSignARoleThatDoesNotVerifyInsteadOfSigningWhatPublicSays() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("docs", 2);
        a.publish("one");
        // an attacker with write access to public/ (not to the keys) swaps r0001's listed hash
        Path role = a.metadata("1.r0001.json");
        String text = Files.readString(role);
        Files.writeString(role, text.replaceFirst("\"length\":[0-9]+", "\"length\":999999"));
        a.advance(Duration.ofDays(300));
        TufException e = assertThrows(TufException.class, () -> a.publisher().resignAll());
        assertTrue(e.getMessage().contains("r0001"), e.getMessage());
        assertFalse(Files.exists(a.metadata("2.r0001.json")), "nothing was signed");
    }

    @Test
    void stagedContentSurvivesARestartOfTheProcess() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("docs", 4);
        // a new Staging over the same directory, as a new process would see it
        assertEquals(4, new Staging(a.dir().stagingDir()).pending().size());
        assertEquals(4, a.publish(null).documents());
        try (var left = Files.list(a.dir().stagingDir().resolve(Staging.PACKS))) {
            assertEquals(List.of(), left.toList(), "a published batch leaves no staged copy behind");
        }
    }

    @Test
    void aPublishClearsOnlyThePacksNoPendingDocumentIsIn() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("first", 3);
        Staging staging = new Staging(a.dir().stagingDir());
        Batch.open(staging, role(a, "1.releases.json"), "Interrupted"); // the batch is taken, then more is added
        List<StagedDocument> later = a.stage("later", 2);
        assertEquals(3, a.publish(null).documents());
        for (StagedDocument d : later) {
            assertTrue(Files.exists(staging.object(d)), d.object() + " is still needed by the next release");
        }
        assertEquals(2, a.publish(null).documents());
        assertTrue(a.check(true).ok());
    }

    @Test
    void contentStagedBeforePacksIsStillPublishedAndCleared() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        List<StagedDocument> staged = a.stage("old", 3);
        // rewrite the staging area as an older samizdat left it: content by sha256 in objects/, no places in the index
        Staging staging = new Staging(a.dir().stagingDir());
        Files.createDirectories(staging.objects());
        StringBuilder index = new StringBuilder();
        for (StagedDocument d : staged) {
            Files.move(staging.object(d), staging.objects().resolve(d.sha256()));
            StagedDocument old = new StagedDocument(d.path(), d.sha256(), d.length(), d.meta(), null);
            index.append(new String(org.samizdat.archive.Json.write(old.toJson()), java.nio.charset.StandardCharsets.UTF_8)).append('\n');
        }
        Files.writeString(a.dir().stagingDir().resolve(Staging.INDEX), index);
        assertEquals(3, a.publish(null).documents());
        assertTrue(a.check(true).ok());
        try (var left = Files.list(staging.objects())) {
            assertEquals(List.of(), left.toList());
        }
    }
}
