package org.samizdat.repo;

import org.samizdat.work.Progress;
import org.samizdat.work.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.RoleWalk;
import org.samizdat.tuf.RootFingerprint;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.TufException;

/**
 * Verifies every byte of a public TUF tree: the root chain, every signature and threshold, every
 * version against snapshot and against the previous snapshot (rollback), expiry, and each
 * target's length and sha256. Collects every problem rather than stopping at the first.
 */
public final class Checker {
    private final Path publicDir;
    private final State recorded;
    private final RootFingerprint expectedFingerprint;
    private final Instant now;
    private final boolean strict;
    private final Progress progress;

    /**
     * @param recorded versions the publisher last signed (zeros when unknown, as on a mirror)
     * @param expectedFingerprint sha256 of the trusted {@code 1.root.json}, or null
     */
    public Checker(Path publicDir, State recorded, RootFingerprint expectedFingerprint, Instant now, boolean strict,
                   Progress progress) {
        this.publicDir = publicDir;
        this.recorded = recorded;
        this.expectedFingerprint = expectedFingerprint;
        this.now = now;
        this.strict = strict;
        this.progress = progress;
    }

    /** Everything {@code check} found. */
    public record Report(List<String> problems, List<String> warnings, long snapshotVersion, int roles, long targets,
                         long targetBytes, long manifests, long signedLists) {
        /**
         * The verified targets, said as every count is: "4 document(s) (+2 release files)", and
         * the signed lists (mirror list, withdrawals) apart: "(+1 signed list)".
         */
        public String documents() {
            String s = ReleaseInfo.documents(targets - manifests - signedLists, manifests, "");
            return signedLists == 0 ? s : s + " (+" + signedLists + " signed list" + (signedLists == 1 ? "" : "s") + ")";
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public Report check() throws IOException {
        if (!Files.exists(publicDir.resolve(Head.META + "timestamp.json"))) {
            String why = Files.exists(publicDir.resolve(Head.META + "1.root.json"))
                    ? publicDir + " holds no complete version yet (no metadata/timestamp.json): a first sync that never"
                            + " finished; run the mirror again to complete it"
                    : publicDir + " is not an archive or a mirror (no metadata/1.root.json)";
            return new Report(List.of(why), List.of(), 0, 0, 0, 0, 0, 0);
        }
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<String> warnings = new ArrayList<>();
        FileStore store = new FileStore(publicDir);
        int roles = 0;
        long[] counts = {0, 0};
        List<Work> verified = new ArrayList<>();
        long snapVersion = 0;
        try {
            // The client's own rules (TrustedSet), with expiry reported here rather than fatal.
            TrustedSet trusted = RootChain.trusted(store, now, true);
            if (expectedFingerprint != null) {
                byte[] first = store.get(Head.META + "1.root.json").orElseThrow();
                if (!expectedFingerprint.matches(first)) {
                    problems.add("1.root.json: fingerprint " + RootFingerprint.of(first) + " is not the trusted "
                            + expectedFingerprint + " [trusted root]");
                }
            }
            byte[] tsBytes = Head.read(store, "timestamp.json");
            Timestamp ts = Timestamp.from(Metadata.parse("timestamp.json", tsBytes, "timestamp"));
            // Spec 5.4.3 and 5.5.5 against the publisher's own record: versions never go back.
            if (ts.version() < recorded.timestamp()) {
                problems.add("timestamp.json: version " + ts.version() + " is older than version " + recorded.timestamp()
                        + " this publisher signed [rollback]");
            }
            snapVersion = ts.snapshot().version();
            if (snapVersion < recorded.snapshot()) {
                problems.add("timestamp.json: points to snapshot " + snapVersion + ", older than snapshot "
                        + recorded.snapshot() + " this publisher signed [rollback]");
            }
            trusted.updateTimestamp(tsBytes);
            // The previous snapshot, when present, is the reference the current one must not roll back from (5.5.5).
            String prevFile = (snapVersion - 1) + ".snapshot.json";
            var prev = store.get(Head.META + prevFile);
            Map<String, MetaFile> previous = Map.of();
            if (prev.isPresent()) {
                try {
                    previous = Snapshot.from(Metadata.parse(prevFile, prev.get(), "snapshot")).meta();
                } catch (TufException unreadable) {
                    // reported below, when it is admitted as the rollback reference
                }
                try {
                    trusted.updateSnapshot(prevFile, prev.get(), true);
                } catch (TufException e) {
                    // 5.3.11: a snapshot signed under keys a later root rotated away is no reference any more
                    if (!e.rule().equals("version matches timestamp")
                            && !(e.rule().equals("signature threshold") && signedUnderAnEarlierRoot(store, trusted, prevFile, prev.get()))) {
                        problems.add(e.getMessage());
                    }
                }
            }
            String snapFile = snapVersion + ".snapshot.json";
            Snapshot snap = trusted.updateSnapshot(snapFile, Head.read(store, snapFile), false);

            List<Work> targets = new ArrayList<>();
            Map<String, MetaFile> before = previous;
            Targets[] top = new Targets[1];
            Set<String> visited = RoleWalk.walk(trusted, (file, max) -> store.get(Head.META + file), ClientLimits.DEFAULT,
                    new RoleWalk.Visitor<RuntimeException>() {
                        @Override
                        public boolean role(String file, byte[] bytes, Targets role) throws IOException {
                            if (file.equals(role.version() + ".targets.json")) {
                                top[0] = role; // the walk starts at the top-level targets role
                            }
                            keptPublished(store, file, role, before, top[0], problems);
                            return true;
                        }

                        @Override
                        public void target(String role, String file, String path, TargetFile target) {
                            targets.add(new Work(role, path, target));
                        }

                        @Override
                        public void problem(TufException e) {
                            problems.add(e.getMessage());
                        }
                    });
            roles = visited.size();
            opened(store, targets, problems);
            // a withdrawn document is gone from every tree by design (docs/FORMAT.md section 7)
            try {
                Withdrawals withdrawn = KeyChange.withdrawals(store, top[0]);
                targets.removeIf(w -> withdrawn.contains(w.path()));
            } catch (TufException e) {
                problems.add(e.getMessage());
            }
            for (String listed : snap.meta().keySet()) {
                String role = listed.substring(0, listed.length() - 5);
                if (!visited.contains(role)) {
                    warnings.add(snapFile + ": lists " + listed + ", which no delegation reaches");
                }
            }
            for (String w : trusted.warnings()) {
                (strict ? problems : warnings).add(w + " [expiry]");
            }
            verifyTargets(store, targets, problems, counts);
            verified.addAll(targets);
            orphans(store, targets, warnings);
        } catch (TufException e) {
            problems.add(e.getMessage());
        }
        for (Path p : new FileStore(publicDir).strayTemps()) {
            warnings.add(publicDir.relativize(p) + ": leftover temporary file of an interrupted write (harmless)");
        }
        long manifests = verified.stream().filter(w -> ReleaseInfo.isReleaseFile(w.path())).count();
        // the lists the top-level targets and mirrors roles sign (withdrawals, the mirror list) are no documents
        long lists = verified.stream().filter(w -> !ReleaseInfo.isReleaseFile(w.path())
                && (w.role().equals("targets") || w.role().equals(Publisher.MIRRORS_ROLE))).count();
        return new Report(List.copyOf(problems), warnings, snapVersion, roles, counts[0], counts[1], manifests, lists);
    }

    /** Whether a snapshot verifies under the snapshot keys of a root before the trusted one (keys since rotated). */
    private static boolean signedUnderAnEarlierRoot(FileStore store, TrustedSet trusted, String file, byte[] bytes)
            throws IOException {
        try {
            Metadata m = Metadata.parse(file, bytes, "snapshot");
            for (long v = trusted.root().version() - 1; v >= 1; v--) {
                Root earlier = Root.from(Metadata.parse(v + ".root.json", Head.read(store, v + ".root.json"), "root"));
                try {
                    m.verifyThreshold(earlier.role("snapshot"), earlier.keys());
                    return true;
                } catch (TufException notThisOne) {
                    // an older root, perhaps
                }
            }
        } catch (TufException unreadable) {
            return false;
        }
        return false;
    }

    /** A release the previous snapshot listed must not be rewritten by the current one ({@link PublishedRelease}). */
    private static void keptPublished(FileStore store, String file, Targets role, Map<String, MetaFile> previous,
                                      Targets top, List<String> problems) throws IOException {
        String name = file.substring(file.indexOf('.') + 1, file.length() - ".json".length());
        MetaFile had = previous.get(name + ".json");
        if (!PublishedRelease.applies(name) || had == null || had.version() >= role.version()) {
            return;
        }
        String oldFile = had.version() + "." + name + ".json";
        var old = store.get(Head.META + oldFile);
        if (old.isEmpty()) {
            return;
        }
        try {
            PublishedRelease.checkKept(file, name, Targets.from(Metadata.parse(oldFile, old.get(), "targets")), role,
                    top == null ? null : top.keysForChild(Publisher.RELEASES_ROLE));
        } catch (TufException e) {
            problems.add(e.getMessage());
        }
    }

    /**
     * Sealed releases this node opened (docs/FORMAT.md section 6): the stored key must hash to the
     * signed commitment, the stored manifest to its own, and each document it lists is then
     * verified like a signed target.
     */
    private static void opened(FileStore store, List<Work> targets, List<String> problems) throws IOException {
        for (Work w : List.copyOf(targets)) {
            if (!SealedRelease.isCiphertext(w.path())) {
                continue;
            }
            String id = w.path().substring(0, w.path().indexOf('/'));
            SealedRelease sealed;
            try {
                sealed = SealedRelease.from(id, w.file());
            } catch (IllegalArgumentException e) {
                problems.add(w.role() + ".json: " + e.getMessage() + " [sealed release]");
                continue;
            }
            var key = store.get(sealed.keyName());
            if (key.isEmpty()) {
                continue; // still sealed here
            }
            String role = "the sealed manifest of " + id;
            if (!sealed.opensWith(new String(key.get(), java.nio.charset.StandardCharsets.US_ASCII))) {
                problems.add(sealed.keyName() + ": not the key " + id + " committed to [sealed key]");
                continue;
            }
            targets.add(new Work(w.role(), id + "/" + SealedRelease.KEY, new TargetFile(key.get().length, sealed.keySha256(), null)));
            var manifest = store.get(sealed.manifestName());
            if (manifest.isEmpty()) {
                problems.add(sealed.manifestName() + ": missing although " + id + " is opened here [sealed manifest]");
                continue;
            }
            try {
                SealedManifest committed = sealed.manifest(manifest.get());
                targets.add(new Work(w.role(), id + "/" + SealedRelease.MANIFEST,
                        new TargetFile(manifest.get().length, sealed.manifestSha256(), null)));
                for (SealedManifest.Document d : committed.documents()) {
                    targets.add(new Work(role, d.path(), d.target()));
                }
            } catch (IllegalArgumentException e) {
                problems.add(sealed.manifestName() + ": " + e.getMessage() + " [sealed manifest]");
            }
        }
    }

    /** A target to verify: where it is listed and what was signed. */
    private record Work(String role, String path, TargetFile file) {
    }

    private void verifyTargets(FileStore store, List<Work> targets, List<String> problems, long[] counts)
            throws IOException {
        AtomicLong bytes = new AtomicLong();
        Parallel.map(targets, 0, "verifying documents", progress, w -> {
            verifyTarget(store, w, problems, bytes);
            return null;
        });
        counts[0] = targets.size();
        counts[1] = bytes.get();
    }

    private static void verifyTarget(FileStore store, Work w, List<String> problems, AtomicLong bytes) throws IOException {
        String name = "targets/" + new TargetPath(w.path()).hashedName(w.file().sha256());
        var in = store.open(name);
        if (in.isEmpty()) {
            problems.add(name + ": missing (listed by " + w.role() + " as " + w.path() + ") [target present]");
            return;
        }
        MessageDigest md = Sha256.newDigest();
        long n;
        try (InputStream s = new DigestInputStream(in.get(), md)) {
            n = s.transferTo(java.io.OutputStream.nullOutputStream());
        }
        bytes.addAndGet(n);
        // Spec 5.7.3: the target's length and hashes match what its role signed.
        if (n != w.file().length()) {
            problems.add(name + ": " + n + " bytes, " + w.role() + " signed " + w.file().length() + " [target length]");
        } else if (!Hex.encode(md.digest()).equals(w.file().sha256())) {
            problems.add(name + ": sha256 differs from the one " + w.role() + " signed [target hash]");
        }
    }

    private void orphans(FileStore store, List<Work> targets, List<String> warnings) throws IOException {
        Set<String> known = new HashSet<>();
        for (Work w : targets) {
            known.add("targets/" + new TargetPath(w.path()).hashedName(w.file().prefixHash()));
        }
        int count = 0;
        for (String name : store.list("targets")) {
            if (!known.contains(name)) {
                count++;
            }
        }
        if (count > 0) {
            warnings.add(count + " file(s) under targets/ are not listed by the current version"
                    + " (documents of an unfinished publish, or of no release)");
        }
    }

    /** Reads a fingerprint-bearing archive config's trusted fingerprint, when the directory has one. */
    public static RootFingerprint configuredFingerprint(Path archiveRoot) throws IOException {
        Path config = archiveRoot.resolve(ArchiveDir.CONFIG);
        if (!Files.exists(config)) {
            return null;
        }
        Object fp = org.samizdat.archive.Json.parseObject(Files.readAllBytes(config)).get("root_fingerprint");
        return fp instanceof String s ? RootFingerprint.parse(s) : null;
    }
}
