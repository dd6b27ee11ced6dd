package org.samizdat.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Delegation;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.RoleKeys;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TufException;

/**
 * Verifies every byte of a public TUF tree: the root chain, every signature and threshold, every
 * version against snapshot and against the previous snapshot (rollback), expiry, and each
 * target's length and sha256. Collects every problem rather than stopping at the first.
 */
public final class Checker {
    private final Path publicDir;
    private final State recorded;
    private final String expectedFingerprint;
    private final Instant now;
    private final boolean strict;
    private final Progress progress;

    /**
     * @param recorded versions the publisher last signed (zeros when unknown, as on a mirror)
     * @param expectedFingerprint sha256 of the trusted {@code 1.root.json}, or null
     */
    public Checker(Path publicDir, State recorded, String expectedFingerprint, Instant now, boolean strict,
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
                         long targetBytes) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public Report check() throws IOException {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<String> warnings = new ArrayList<>();
        FileStore store = new FileStore(publicDir);
        int[] roles = {0};
        long[] counts = {0, 0};
        long snapVersion = 0;
        try {
            List<Root> chain = RootChain.walk(store);
            Root root = chain.getLast();
            if (expectedFingerprint != null) {
                String fp = Sha256.hex(store.get(Head.META + "1.root.json").orElseThrow());
                if (!fp.equals(expectedFingerprint)) {
                    problems.add("1.root.json: fingerprint " + fp + " is not the trusted " + expectedFingerprint
                            + " [trusted root]");
                }
            }
            expiry(root.version() + ".root.json", root.expires(), problems, warnings);

            Metadata tsMeta = Metadata.parse("timestamp.json", Head.read(store, "timestamp.json"), "timestamp");
            tsMeta.verifyThreshold(root.role("timestamp"), root.keys());
            Timestamp ts = Timestamp.from(tsMeta);
            expiry("timestamp.json", ts.expires(), problems, warnings);
            // Spec 5.4.3: the timestamp version never goes back.
            if (ts.version() < recorded.timestamp()) {
                problems.add("timestamp.json: version " + ts.version() + " is older than version " + recorded.timestamp()
                        + " this publisher signed [rollback]");
            }
            snapVersion = ts.snapshot().version();
            if (snapVersion < recorded.snapshot()) {
                problems.add("timestamp.json: points to snapshot " + snapVersion + ", older than snapshot "
                        + recorded.snapshot() + " this publisher signed [rollback]");
            }
            String snapFile = snapVersion + ".snapshot.json";
            byte[] snapBytes = Head.read(store, snapFile);
            ts.snapshot().check(snapFile, snapBytes);
            Metadata snapMeta = Metadata.parse(snapFile, snapBytes, "snapshot");
            snapMeta.verifyThreshold(root.role("snapshot"), root.keys());
            if (snapMeta.version() != snapVersion) {
                problems.add(snapFile + ": holds version " + snapMeta.version() + " [version matches timestamp]");
            }
            Snapshot snap = Snapshot.from(snapMeta);
            expiry(snapFile, snap.expires(), problems, warnings);
            compareWithPrevious(store, root, snap, problems);

            List<Work> targets = new ArrayList<>();
            Set<String> visited = walk(store, root, snap, problems, warnings, targets);
            roles[0] = visited.size();
            for (String listed : snap.meta().keySet()) {
                String role = listed.substring(0, listed.length() - 5);
                if (!visited.contains(role)) {
                    warnings.add(snapFile + ": lists " + listed + ", which no delegation reaches");
                }
            }
            verifyTargets(store, targets, problems, counts);
            orphans(store, targets, warnings);
        } catch (TufException e) {
            problems.add(e.getMessage());
        }
        for (Path p : new FileStore(publicDir).strayTemps()) {
            warnings.add(publicDir.relativize(p) + ": leftover temporary file of an interrupted write (harmless)");
        }
        return new Report(List.copyOf(problems), warnings, snapVersion, roles[0], counts[0], counts[1]);
    }

    private void expiry(String file, Instant expires, List<String> problems, List<String> warnings) {
        if (!now.isBefore(expires)) {
            String msg = file + ": expired " + expires + " [expiry]";
            (strict ? problems : warnings).add(msg);
        }
    }

    /** Spec 5.5.5: every role the previous snapshot listed is still listed, at no lower version. */
    private void compareWithPrevious(FileStore store, Root root, Snapshot snap, List<String> problems) throws IOException {
        String prevFile = (snap.version() - 1) + ".snapshot.json";
        var bytes = store.get(Head.META + prevFile);
        if (bytes.isEmpty()) {
            return;
        }
        try {
            Metadata prevMeta = Metadata.parse(prevFile, bytes.get(), "snapshot");
            prevMeta.verifyThreshold(root.role("snapshot"), root.keys());
            Snapshot prev = Snapshot.from(prevMeta);
            for (Map.Entry<String, MetaFile> e : prev.meta().entrySet()) {
                MetaFile now = snap.meta().get(e.getKey());
                if (now == null) {
                    problems.add(snap.version() + ".snapshot.json: drops " + e.getKey() + " listed by " + prevFile + " [rollback]");
                } else if (now.version() < e.getValue().version()) {
                    problems.add(snap.version() + ".snapshot.json: " + e.getKey() + " goes back from version "
                            + e.getValue().version() + " to " + now.version() + " [rollback]");
                }
            }
        } catch (TufException e) {
            problems.add(e.getMessage());
        }
    }

    /** A target to verify: where it is listed and what was signed. */
    private record Work(String role, String path, TargetFile file) {
    }

    /** A role to visit, with the delegations its targets must also satisfy. */
    private record Visit(String role, RoleKeys keys, Map<String, Key> keyMap, List<Delegation> chain, String bin,
                         org.samizdat.tuf.SuccinctRoles bins) {
    }

    private Set<String> walk(FileStore store, Root root, Snapshot snap, List<String> problems, List<String> warnings,
                             List<Work> targets) throws IOException {
        Set<String> visited = new HashSet<>();
        Deque<Visit> queue = new ArrayDeque<>();
        queue.add(new Visit("targets", root.role("targets"), root.keys(), List.of(), null, null));
        while (!queue.isEmpty()) {
            Visit v = queue.poll();
            if (!visited.add(v.role())) {
                continue;
            }
            Targets t;
            try {
                Metadata m = Head.loadRole(store, snap, v.role(), v.keys(), v.keyMap());
                expiry(m.file(), m.expires(), problems, warnings);
                t = Targets.from(m);
            } catch (TufException e) {
                problems.add(e.getMessage());
                continue;
            }
            String file = snap.versionOf(v.role()) + "." + v.role() + ".json";
            for (Map.Entry<String, TargetFile> e : t.targets().entrySet()) {
                String path = e.getKey();
                var bad = TargetPath.problem(path);
                if (bad.isPresent()) {
                    problems.add(file + ": target \"" + path + "\" " + bad.get() + " [target path]");
                    continue;
                }
                boolean delegated = v.chain().stream().allMatch(d -> d.covers(path))
                        && (v.bins() == null || v.bins().binFor(path).equals(v.role()));
                if (!delegated) {
                    problems.add(file + ": lists " + path + ", outside the paths delegated to " + v.role()
                            + " [delegated paths]");
                    continue;
                }
                targets.add(new Work(v.role(), path, e.getValue()));
            }
            if (t.succinct() != null) {
                for (String bin : t.succinct().allBinNames()) {
                    queue.add(new Visit(bin, t.succinct().keysFor(bin), t.delegationKeys(), v.chain(), bin, t.succinct()));
                }
            }
            for (Delegation d : t.delegations()) {
                List<Delegation> chain = new ArrayList<>(v.chain());
                chain.add(d);
                queue.add(new Visit(d.name(), d.keys(), t.delegationKeys(), chain, null, null));
            }
        }
        return visited;
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
        if (w.file().sha256() == null) {
            problems.add(w.role() + " lists " + w.path() + " without a sha256 [hash algorithms]");
            return;
        }
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
    public static String configuredFingerprint(Path archiveRoot) throws IOException {
        Path config = archiveRoot.resolve(ArchiveDir.CONFIG);
        if (!Files.exists(config)) {
            return null;
        }
        Object fp = org.samizdat.archive.Json.parseObject(Files.readAllBytes(config)).get("root_fingerprint");
        return fp instanceof String s ? s : null;
    }
}
