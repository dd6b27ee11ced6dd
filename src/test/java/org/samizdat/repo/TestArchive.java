package org.samizdat.repo;

import org.samizdat.work.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.samizdat.tuf.SigningKey;

/** A shared fixture: an archive in a temp directory with a clock the test moves, and documents to stage. */
public final class TestArchive {
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private final ArchiveDir dir;
    private final Path sources;
    private Instant now;
    private final Keyring keyring;
    private final Keyring offline;
    public final String fingerprint;

    private TestArchive(Path root, Instant start) throws IOException {
        this.now = start;
        this.dir = new ArchiveDir(root.resolve("archive"));
        this.sources = root.resolve("sources");
        this.keyring = new Keyring(dir.keysDir(), null);
        this.offline = new Keyring(root.resolve("offline-keys"), null);
        this.fingerprint = publisher().init("Test archive").fingerprint();
    }

    public static TestArchive create(Path tempDir) throws IOException {
        return new TestArchive(tempDir, START);
    }

    /** An archive whose clock starts at {@code start} (for example the real now, for third-party clients). */
    public static TestArchive create(Path tempDir, Instant start) throws IOException {
        return new TestArchive(tempDir, start);
    }

    /** The source file {@link #stage} wrote for document {@code i} of {@code folder}. */
    public Path source(String folder, int i) {
        return sources.resolve(folder).resolve("doc-" + i + ".txt");
    }

    public ArchiveDir dir() {
        return dir;
    }

    public Path publicDir() {
        return dir.publicDir();
    }

    public Path metadata(String file) {
        return dir.publicDir().resolve("metadata").resolve(file);
    }

    public Instant now() {
        return now;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    public Publisher publisher() {
        return new Publisher(dir, keyring, offline, Lifetimes.DEFAULT, Clock.fixed(now, ZoneOffset.UTC), Progress.NONE);
    }

    /** A publisher as {@code publish} and {@code serve} run it: the online keys only. */
    public Publisher onlinePublisher() {
        return new Publisher(dir, keyring, null, Lifetimes.DEFAULT, Clock.fixed(now, ZoneOffset.UTC), Progress.NONE);
    }

    /** The offline keyring (root and targets), kept outside the archive. */
    public Keyring offlineKeyring() {
        return offline;
    }

    public SigningKey key(String role) throws IOException {
        return (Keyring.OFFLINE.contains(role) ? offline : keyring).load(role);
    }

    /** Writes {@code count} small cable-like text files under {@code folder} and stages them. */
    public List<StagedDocument> stage(String folder, int count) throws IOException {
        Path d = sources.resolve(folder);
        Files.createDirectories(d);
        for (int i = 0; i < count; i++) {
            String text = "Reference: " + folder.toUpperCase() + i + "\nDate: 2009-02-0" + (1 + i % 9)
                    + "\nSubject: Document " + i + " of " + folder + "\nTags: PREL, T" + (i % 7) + "\n\nBody " + i + " "
                    + "lorem ipsum ".repeat(1 + i % 5) + "\n";
            Files.writeString(d.resolve("doc-" + i + ".txt"), text, StandardCharsets.UTF_8);
        }
        Intake.Result r = Intake.scan(List.of(d), null, false);
        if (!r.problems().isEmpty()) {
            throw new IllegalStateException(r.problems().toString());
        }
        return new Staging(dir.stagingDir()).add(r.items(), Progress.NONE);
    }

    /** Stages every file under {@code directory} (their paths below it become the target paths). */
    public List<StagedDocument> stage(Path directory) throws IOException {
        Intake.Result r = Intake.scan(List.of(directory), null, false);
        if (!r.problems().isEmpty()) {
            throw new IllegalStateException(r.problems().toString());
        }
        return new Staging(dir.stagingDir()).add(r.items(), Progress.NONE);
    }

    public Publisher.Release publish(String title) throws Exception {
        return publisher().publish(title);
    }

    public Checker.Report check() throws IOException {
        return check(false);
    }

    public Checker.Report check(boolean strict) throws IOException {
        return new Checker(dir.publicDir(), State.read(dir), org.samizdat.tuf.RootFingerprint.parse(fingerprint), now, strict, Progress.NONE).check();
    }

    /** A copy of this archive's public tree at {@code to}, as it is now (a mirror that stops here, or a tree to tamper with). */
    public Path copyPublicTree(Path to) throws IOException {
        return copyTree(publicDir(), to);
    }

    /** A copy of the tree at {@code from} into {@code to}, files already there replaced; returns {@code to}. */
    public static Path copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }
}
