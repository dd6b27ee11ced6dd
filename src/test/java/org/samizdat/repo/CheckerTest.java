package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Sha256;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.work.Progress;

class CheckerTest {
    @TempDir
    Path tmp;
    TestArchive a;

    @BeforeEach
    void publishTwoReleases() throws Exception {
        a = TestArchive.create(tmp);
        a.stage("one", 4);
        a.publish(null);
        a.stage("two", 3);
        a.publish(null);
        assertTrue(a.check(true).ok());
    }

    private Path someTarget() throws Exception {
        Targets r = Targets.from(Metadata.parse("1.r0002.json", Files.readAllBytes(a.metadata("1.r0002.json")), "targets"));
        var f = r.targets().get("r0002/two/doc-1.txt");
        return a.publicDir().resolve("targets/r0002/two/" + f.sha256() + ".doc-1.txt");
    }

    private static void assertProblem(Checker.Report r, String rule) {
        assertFalse(r.ok());
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("[" + rule + "]")), r.problems().toString());
    }

    @Test
    void findsAFlippedByteInADocument() throws Exception {
        Path t = someTarget();
        byte[] b = Files.readAllBytes(t);
        b[3] ^= 1;
        Files.write(t, b);
        Checker.Report r = a.check();
        assertProblem(r, "target hash");
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).contains("doc-1.txt"));
    }

    @Test
    void findsATruncatedAndAMissingDocument() throws Exception {
        Path t = someTarget();
        Files.write(t, new byte[] {1});
        Targets r1 = Targets.from(Metadata.parse("1.r0001.json", Files.readAllBytes(a.metadata("1.r0001.json")), "targets"));
        var f = r1.targets().get("r0001/one/doc-0.txt");
        Files.delete(a.publicDir().resolve("targets/r0001/one/" + f.sha256() + ".doc-0.txt"));
        Checker.Report r = a.check();
        assertProblem(r, "target length");
        assertProblem(r, "target present");
        assertEquals(2, r.problems().size(), "every problem is listed: " + r.problems());
    }

    @Test
    void findsABadSignature() throws Exception {
        Path f = a.metadata("1.r0001.json");
        String s = Files.readString(f, StandardCharsets.UTF_8);
        int at = s.indexOf("\"sig\":\"") + 7;
        char c = s.charAt(at) == 'a' ? 'b' : 'a';
        Files.writeString(f, s.substring(0, at) + c + s.substring(at + 1), StandardCharsets.UTF_8);
        Checker.Report r = a.check();
        // the snapshot pins every role file's sha256 (format 1.1), so any change to it, its signatures
        // included, is caught by the pin before the signature is even checked
        assertProblem(r, "hash matches parent");
        assertTrue(r.problems().get(0).startsWith("1.r0001.json"), r.problems().toString());
    }

    @Test
    void findsARolledBackRoleInANewlySignedSnapshot() throws Exception {
        // someone with the online snapshot key signs a snapshot that lists an older releases version
        Timestamp ts = Timestamp.from(Metadata.parse("timestamp.json", Files.readAllBytes(a.metadata("timestamp.json")), "timestamp"));
        long v = ts.snapshot().version();
        Snapshot snap = Snapshot.from(Metadata.parse(v + ".snapshot.json", Files.readAllBytes(a.metadata(v + ".snapshot.json")), "snapshot"));
        Map<String, MetaFile> meta = new TreeMap<>(snap.meta());
        meta.put("releases.json", MetaFile.ofVersion(2));
        byte[] bad = Metadata.sign((v + 1) + ".snapshot.json", new Snapshot(v + 1, snap.expires(), meta).toSigned(),
                List.of(a.key("snapshot"))).toBytes();
        Files.write(a.metadata((v + 1) + ".snapshot.json"), bad);
        Timestamp next = new Timestamp(ts.version() + 1, ts.expires(), MetaFile.of(v + 1, bad.length, Sha256.hex(bad)));
        Files.write(a.metadata("timestamp.json"), Metadata.sign("timestamp.json", next.toSigned(), List.of(a.key("timestamp"))).toBytes());
        Checker.Report r = a.check();
        assertProblem(r, "rollback");
        assertTrue(r.problems().get(0).contains("lists releases.json version 2, older than the trusted 3"), r.problems().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void findsAPublishedReleaseRewrittenInANewlySignedVersion() throws Exception {
        // someone with the online keys signs r0001 version 2 with another hash for one document
        Timestamp ts = Timestamp.from(Metadata.parse("timestamp.json", Files.readAllBytes(a.metadata("timestamp.json")), "timestamp"));
        long v = ts.snapshot().version();
        Snapshot snap = Snapshot.from(Metadata.parse(v + ".snapshot.json", Files.readAllBytes(a.metadata(v + ".snapshot.json")), "snapshot"));
        long rv = snap.versionOf("r0001");
        Metadata old = Metadata.parse(rv + ".r0001.json", Files.readAllBytes(a.metadata(rv + ".r0001.json")), "targets");
        Map<String, Object> signed = new LinkedHashMap<>(old.signed());
        signed.put("version", rv + 1);
        Map<String, Object> targets = new TreeMap<>((Map<String, Object>) signed.get("targets"));
        String path = targets.keySet().stream().filter(p -> !p.endsWith("_release.json")).findFirst().orElseThrow();
        Map<String, Object> entry = new LinkedHashMap<>((Map<String, Object>) targets.get(path));
        entry.put("hashes", Map.of("sha256", "ab".repeat(32)));
        targets.put(path, entry);
        signed.put("targets", targets);
        byte[] role = Metadata.sign((rv + 1) + ".r0001.json", signed, List.of(a.key("releases"))).toBytes();
        Files.write(a.metadata((rv + 1) + ".r0001.json"), role);
        Map<String, MetaFile> meta = new TreeMap<>(snap.meta());
        meta.put("r0001.json", MetaFile.of(rv + 1, role.length, Sha256.hex(role)));
        byte[] next = Metadata.sign((v + 1) + ".snapshot.json", new Snapshot(v + 1, snap.expires(), meta).toSigned(),
                List.of(a.key("snapshot"))).toBytes();
        Files.write(a.metadata((v + 1) + ".snapshot.json"), next);
        Timestamp nextTs = new Timestamp(ts.version() + 1, ts.expires(), MetaFile.of(v + 1, next.length, Sha256.hex(next)));
        Files.write(a.metadata("timestamp.json"), Metadata.sign("timestamp.json", nextTs.toSigned(), List.of(a.key("timestamp"))).toBytes());
        Checker.Report r = a.check();
        assertProblem(r, "published release");
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("changes " + path)), r.problems().toString());
    }

    @Test
    void findsARolledBackTimestamp() throws Exception {
        byte[] old = Files.readAllBytes(a.metadata("timestamp.json"));
        a.stage("three", 1);
        a.publish(null);
        Files.write(a.metadata("timestamp.json"), old); // a validly signed but older timestamp
        assertProblem(a.check(), "rollback");
    }

    @Test
    void findsASubstitutedFirstRoot() throws Exception {
        Map<String, Object> cfg = new LinkedHashMap<>(org.samizdat.archive.Json.parseObject(Files.readAllBytes(a.dir().configFile())));
        Checker.Report r = new Checker(a.publicDir(), State.read(a.dir()), org.samizdat.tuf.RootFingerprint.parse("00".repeat(32)), a.now(), false, Progress.NONE).check();
        assertProblem(r, "trusted root");
        assertEquals(a.fingerprint, cfg.get("root_fingerprint"));
    }

    @Test
    void reportsExpiryAndFailsOnItOnlyWhenStrict() throws Exception {
        a.advance(Duration.ofDays(8));
        Checker.Report lenient = a.check(false);
        assertTrue(lenient.ok());
        assertTrue(lenient.warnings().stream().anyMatch(w -> w.contains("timestamp.json: expired")), lenient.warnings().toString());
        assertProblem(a.check(true), "expiry");
    }

    @Test
    void malformedMetadataIsAProblemNotACrash() throws Exception {
        Files.writeString(a.metadata("timestamp.json"), "{\"signed\": [");
        Checker.Report r = a.check();
        assertProblem(r, "metadata format");
        assertTrue(r.problems().get(0).startsWith("timestamp.json"));
    }
}
