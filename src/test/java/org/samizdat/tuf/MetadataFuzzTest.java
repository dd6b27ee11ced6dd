package org.samizdat.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Json;
import org.samizdat.repo.TestArchive;

/**
 * Fuzzes metadata parsing and the trusted set: arbitrary bytes, and real signed metadata with
 * fuzzed edits. Only a TufException may come out, and an edited file is accepted only when its
 * signed part is, canonically, the one the publisher signed.
 */
class MetadataFuzzTest {
    private static final List<String> TYPES = List.of("root", "timestamp", "snapshot", "targets");
    /** A real archive's metadata, in the order a client loads it: root, timestamp, snapshot, targets, releases, r0001. */
    private static final byte[][] REAL = realMetadata();
    private static final Instant NOW = TestArchive.START.plusSeconds(3600);

    private static byte[][] realMetadata() {
        try {
            Path dir = Files.createTempDirectory("samizdat-fuzz");
            TestArchive archive = TestArchive.create(dir, TestArchive.START);
            archive.stage("cables", 3);
            long v = archive.publish("Fuzz seed").snapshotVersion();
            Path m = archive.publicDir().resolve("metadata");
            byte[] snapshot = Files.readAllBytes(m.resolve(v + ".snapshot.json"));
            Snapshot snap = Snapshot.from(Metadata.parse("snapshot.json", snapshot, "snapshot"));
            byte[][] files = {Files.readAllBytes(m.resolve("1.root.json")), Files.readAllBytes(m.resolve("timestamp.json")),
                    snapshot, Files.readAllBytes(m.resolve(snap.versionOf("targets") + ".targets.json")),
                    Files.readAllBytes(m.resolve(snap.versionOf("releases") + ".releases.json")),
                    Files.readAllBytes(m.resolve(snap.versionOf("r0001") + ".r0001.json"))};
            try (var walk = Files.walk(dir)) { // the archive was only the source of these bytes
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Any bytes, read as any role, parse into that role or fail with a TufException naming a rule. */
    @FuzzTest(maxDuration = "10s")
    void anyBytesAreParsedAsARoleOrRefusedWithARule(byte[] input) {
        for (String type : TYPES) {
            try {
                Metadata m = Metadata.parse("fuzz.json", input, type);
                switch (type) {
                    case "root" -> Root.from(m);
                    case "timestamp" -> Timestamp.from(m);
                    case "snapshot" -> Snapshot.from(m);
                    default -> Targets.from(m);
                }
            } catch (TufException refused) {
                assertNotNull(refused.rule());
            }
        }
    }

    /**
     * Real signed metadata with a few fuzzed edits (bytes replaced, inserted or deleted) is either
     * refused with a TufException or accepted with a signed part canonically identical to the
     * original: no edit of what was signed gets through.
     */
    @FuzzTest(maxDuration = "10s")
    void editedMetadataIsAcceptedOnlyWhenWhatWasSignedIsUnchanged(FuzzedDataProvider data) throws TufException {
        int stage = data.consumeInt(1, REAL.length - 1);
        byte[] edited = edit(REAL[stage], data);
        try {
            admit(stage, edited);
        } catch (TufException refused) {
            return;
        }
        assertArrayEquals(CanonicalJson.encode(Json.parseObject(REAL[stage]).get("signed")),
                CanonicalJson.encode(Json.parseObject(edited).get("signed")),
                "accepted an edit of signed content: " + new String(edited, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Loads the real metadata up to {@code stage} in a client's order, with {@code edited} in place of that stage's file. */
    private static TrustedSet admit(int stage, byte[] edited) throws TufException {
        TrustedSet trusted = new TrustedSet(REAL[0], NOW, false);
        for (int i = 1; i <= stage; i++) {
            byte[] bytes = i == stage ? edited : REAL[i];
            switch (i) {
                case 1 -> trusted.updateTimestamp(bytes);
                case 2 -> trusted.updateSnapshot("snapshot.json", bytes, false);
                case 3 -> trusted.updateTargets("targets.json", bytes, "targets", "root");
                case 4 -> trusted.updateTargets("releases.json", bytes, "releases", "targets");
                default -> trusted.updateTargets("r0001.json", bytes, "r0001", "releases");
            }
        }
        return trusted;
    }

    /**
     * The walk reaches a release role, and an edit of it is refused there, by the snapshot's pin
     * of its length and sha256 (format 1.1) or by its signature.
     */
    @Test
    void theLastStageIsAReleaseRoleThatReachesItsChecks() throws TufException {
        assertEquals(6, REAL.length);
        TrustedSet unedited = admit(REAL.length - 1, REAL[REAL.length - 1]);
        assertFalse(unedited.targets("r0001").targets().isEmpty(), "the release role was admitted with its documents");
        byte[] forged = new String(REAL[5], java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("\"length\":\\d+", "\"length\":1").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        TufException e = assertThrows(TufException.class, () -> admit(5, forged));
        assertEquals("r0001.json", e.file(), e.getMessage());
        assertTrue(List.of("length matches parent", "hash matches parent", "signature threshold").contains(e.rule()),
                e.getMessage());
    }

    private static byte[] edit(byte[] original, FuzzedDataProvider data) {
        byte[] out = original;
        int edits = data.consumeInt(1, 4);
        for (int e = 0; e < edits && out.length > 0; e++) {
            int at = data.consumeInt(0, out.length - 1);
            byte[] bytes = data.consumeBytes(data.consumeInt(0, 8));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(out, 0, at);
            b.writeBytes(bytes);
            int skip = switch (data.consumeInt(0, 2)) {
                case 0 -> bytes.length;          // replace
                case 1 -> 0;                     // insert
                default -> data.consumeInt(1, 8); // delete a few, then insert
            };
            int from = Math.min(out.length, at + skip);
            b.write(out, from, out.length - from);
            out = b.toByteArray();
        }
        return out;
    }
}
