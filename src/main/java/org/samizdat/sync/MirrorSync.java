package org.samizdat.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.repo.Parallel;
import org.samizdat.repo.Progress;
import org.samizdat.repo.RootChain;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Delegation;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.RoleKeys;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.SuccinctRoles;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TufException;

/**
 * One sync of a mirror from an upstream: the TUF client workflow (root chain, timestamp,
 * snapshot, changed roles, each verified against the publisher's keys and against what this
 * mirror already trusts), then the missing documents, verified before they are stored, then the
 * metadata, {@code timestamp.json} last. A failure at any point leaves the previous version served.
 */
public final class MirrorSync {
    /** Size caps from the TUF client defaults (python-tuf and tuf-js). */
    static final long ROOT_MAX = 512_000;
    static final long TIMESTAMP_MAX = 16_384;
    static final long SNAPSHOT_MAX = 2_000_000;
    static final long TARGETS_MAX = 5_000_000;
    static final int MAX_ROOT_ROTATIONS = 256;
    static final int MAX_ROLES = 100_000;

    /** What the mirror trusts to begin with: the fingerprint of {@code 1.root.json}, or its bytes. */
    public record Trust(String fingerprint, byte[] rootFile) {
        public Trust {
            if ((fingerprint == null) == (rootFile == null)) {
                throw new IllegalArgumentException("give exactly one of --fingerprint and --root");
            }
            fingerprint = fingerprint == null ? null : fingerprint.replaceAll("[\\s:]", "").toLowerCase(java.util.Locale.ROOT);
            if (fingerprint != null && !fingerprint.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("a root fingerprint is 64 hex digits (spaces allowed), not " + fingerprint);
            }
        }

        boolean accepts(byte[] firstRoot) {
            return fingerprint != null ? Sha256.hex(firstRoot).equals(fingerprint) : java.util.Arrays.equals(firstRoot, rootFile);
        }
    }

    /** What a sync did. */
    public record Result(boolean changed, long timestampVersion, long snapshotVersion, int documents, long bytes,
                         boolean expired) {
    }

    private final FileStore local;
    private final Upstream upstream;
    private final Trust trust;
    private final Clock clock;
    private final int parallelism;
    private boolean documentsToo = true;
    private boolean acceptExpired;
    private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Progress progress;

    public MirrorSync(Path publicDir, Upstream upstream, Trust trust, Clock clock, int parallelism, Progress progress) {
        this.local = new FileStore(publicDir);
        this.upstream = upstream;
        this.trust = trust;
        this.clock = clock;
        this.parallelism = Math.max(1, parallelism);
        this.progress = progress;
    }

    /** Syncs metadata only (what {@code fetch} needs before it downloads one document). */
    public MirrorSync metadataOnly() {
        this.documentsToo = false;
        return this;
    }

    /**
     * Archive mode: expired metadata is accepted with a warning (signatures, versions and hashes
     * are still verified), for reading an archive whose publisher has stopped re-signing.
     */
    public MirrorSync acceptExpired() {
        this.acceptExpired = true;
        return this;
    }

    /** Warnings of the last sync (expired metadata accepted in archive mode). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private void expired(String file, Instant expires) throws SyncException {
        if (!acceptExpired) {
            throw lie(file + " expired " + expires + "; keeping the version this mirror has [freeze]");
        }
        warnings.add(file + " expired " + expires);
    }

    private SyncException lie(String detail) {
        return new SyncException(SyncException.Kind.VERIFICATION, "upstream " + upstream.url() + ": " + detail, null);
    }

    private SyncException lie(TufException e) {
        return lie(e.getMessage());
    }

    public Result sync() throws SyncException {
        Instant now = clock.instant(); // spec 5.1: one fixed start time for every expiry check
        Map<String, byte[]> toWrite = new LinkedHashMap<>();
        try {
            Root root = trustedRoot(toWrite);
            // Timestamp (spec 5.4)
            String tsName = "timestamp.json";
            byte[] tsBytes = upstream.get("/metadata/" + tsName, TIMESTAMP_MAX)
                    .orElseThrow(() -> lie("has no metadata/timestamp.json"));
            Metadata tsMeta = Metadata.parse(tsName, tsBytes, "timestamp");
            tsMeta.verifyThreshold(root.role("timestamp"), root.keys());
            Timestamp ts = Timestamp.from(tsMeta);
            Timestamp localTs = readLocalTimestamp();
            if (localTs != null) {
                if (ts.version() < localTs.version()) {
                    throw lie("timestamp.json version " + ts.version() + " is older than the " + localTs.version()
                            + " this mirror has [rollback]");
                }
                if (ts.snapshot().version() < localTs.snapshot().version()) {
                    throw lie("timestamp.json points to snapshot " + ts.snapshot().version() + ", older than "
                            + localTs.snapshot().version() + " [rollback]");
                }
                if (ts.version() == localTs.version() && toWrite.isEmpty() && (acceptExpired || !tsMeta.isExpired(now))) {
                    return new Result(false, ts.version(), ts.snapshot().version(), 0, 0, tsMeta.isExpired(now));
                }
            }
            warnings.clear();
            if (tsMeta.isExpired(now)) {
                expired("timestamp.json", ts.expires());
            }
            // Snapshot (spec 5.5)
            String snapName = ts.snapshot().version() + ".snapshot.json";
            byte[] snapBytes = fetchMeta(snapName, ts.snapshot().length() != null ? ts.snapshot().length() : SNAPSHOT_MAX);
            checkPinned(snapName, snapBytes, ts.snapshot());
            Metadata snapMeta = Metadata.parse(snapName, snapBytes, "snapshot");
            snapMeta.verifyThreshold(root.role("snapshot"), root.keys());
            if (snapMeta.version() != ts.snapshot().version()) {
                throw lie(snapName + " holds version " + snapMeta.version() + " [version matches timestamp]");
            }
            if (snapMeta.isExpired(now)) {
                expired(snapName, snapMeta.expires());
            }
            Snapshot snap = Snapshot.from(snapMeta);
            Snapshot localSnap = readLocalSnapshot(localTs);
            if (localSnap != null) {
                for (Map.Entry<String, MetaFile> e : localSnap.meta().entrySet()) {
                    MetaFile next = snap.meta().get(e.getKey());
                    if (next == null || next.version() < e.getValue().version()) {
                        throw lie(snapName + " drops or rolls back " + e.getKey() + " [rollback]");
                    }
                }
            }
            // Targets and delegations (spec 5.6), then documents (5.7)
            List<Pending> documents = new ArrayList<>();
            walk(root, snap, now, toWrite, documents);
            toWrite.put(snapName, snapBytes);
            long bytes = documentsToo ? downloadAll(documents) : 0;
            // Visible at last: metadata in order, timestamp.json last (Debian's two-stage rule).
            for (Map.Entry<String, byte[]> e : toWrite.entrySet()) {
                local.put("metadata/" + e.getKey(), e.getValue());
            }
            local.put("metadata/" + tsName, tsBytes);
            return new Result(true, ts.version(), snap.version(), documents.size(), bytes, false);
        } catch (TufException e) {
            throw lie(e);
        } catch (IOException e) {
            throw new SyncException(SyncException.Kind.LOCAL, "cannot write the mirror: " + e.getMessage(), e);
        }
    }

    private Root trustedRoot(Map<String, byte[]> toWrite) throws SyncException, IOException, TufException {
        Root trusted;
        Optional<byte[]> localFirst = local.get("metadata/1.root.json");
        if (localFirst.isPresent()) {
            if (!trust.accepts(localFirst.get())) {
                throw new SyncException(SyncException.Kind.LOCAL, "this mirror holds an archive with another root"
                        + " fingerprint (" + Sha256.hex(localFirst.get()) + "); use an empty directory", null);
            }
            trusted = RootChain.walk(local).getLast();
        } else {
            byte[] first = upstream.get("/metadata/1.root.json", ROOT_MAX).orElseThrow(() -> lie("has no metadata/1.root.json"));
            if (!trust.accepts(first)) {
                throw lie("1.root.json has fingerprint " + Sha256.hex(first) + ", not the trusted one [trusted root]");
            }
            Metadata m = Metadata.parse("1.root.json", first, "root");
            trusted = Root.from(m);
            m.verifyThreshold(trusted.role("root"), trusted.keys());
            toWrite.put("1.root.json", first);
        }
        // Spec 5.3: follow N+1.root.json until it is absent, each signed by the old and the new keys.
        for (int i = 0; i < MAX_ROOT_ROTATIONS; i++) {
            long n = trusted.version() + 1;
            String name = n + ".root.json";
            Optional<byte[]> next = upstream.get("/metadata/" + name, ROOT_MAX);
            if (next.isEmpty()) {
                break;
            }
            Metadata m = Metadata.parse(name, next.get(), "root");
            m.verifyThreshold(trusted.role("root"), trusted.keys());
            Root candidate = Root.from(m);
            m.verifyThreshold(candidate.role("root"), candidate.keys());
            if (candidate.version() != n) {
                throw lie(name + " holds version " + candidate.version() + " [root version]");
            }
            trusted = candidate;
            toWrite.put(name, next.get());
        }
        return trusted;
    }

    private byte[] fetchMeta(String name, long max) throws SyncException {
        return upstream.get("/metadata/" + name, max).orElseThrow(() -> lie("has no metadata/" + name));
    }

    private void checkPinned(String name, byte[] bytes, MetaFile pinned) throws SyncException {
        if (pinned.length() != null && pinned.length() != bytes.length) {
            throw lie(name + " is " + bytes.length + " bytes, signed as " + pinned.length() + " [length matches parent]");
        }
        if (pinned.sha256() != null && !pinned.sha256().equals(Sha256.hex(bytes))) {
            throw lie(name + " differs from the sha256 its parent signed [hash matches parent]");
        }
    }

    private Timestamp readLocalTimestamp() throws IOException, TufException {
        Optional<byte[]> b = local.get("metadata/timestamp.json");
        return b.isEmpty() ? null : Timestamp.from(Metadata.parse("timestamp.json", b.get(), "timestamp"));
    }

    private Snapshot readLocalSnapshot(Timestamp ts) throws IOException, TufException {
        if (ts == null) {
            return null;
        }
        String name = ts.snapshot().version() + ".snapshot.json";
        Optional<byte[]> b = local.get("metadata/" + name);
        return b.isEmpty() ? null : Snapshot.from(Metadata.parse(name, b.get(), "snapshot"));
    }

    private record Visit(String role, RoleKeys keys, Map<String, Key> keyMap, List<Delegation> chain, SuccinctRoles bins) {
    }

    /** A document to fetch: its hashed file name and what was signed for it. */
    private record Pending(String file, TargetFile target) {
    }

    private void walk(Root root, Snapshot snap, Instant now, Map<String, byte[]> toWrite, List<Pending> documents)
            throws SyncException, IOException, TufException {
        Set<String> visited = new HashSet<>();
        Deque<Visit> queue = new ArrayDeque<>();
        queue.add(new Visit("targets", root.role("targets"), root.keys(), List.of(), null));
        while (!queue.isEmpty()) {
            Visit v = queue.poll();
            if (!visited.add(v.role()) || visited.size() > MAX_ROLES) {
                continue;
            }
            long version = snap.versionOf(v.role());
            if (version < 0) {
                throw lie(snap.version() + ".snapshot.json does not list " + v.role() + ".json [snapshot completeness]");
            }
            String name = version + "." + v.role() + ".json";
            Optional<byte[]> have = local.get("metadata/" + name);
            byte[] bytes = have.isPresent() ? have.get() : fetchMeta(name, TARGETS_MAX);
            checkPinned(name, bytes, snap.meta().get(v.role() + ".json"));
            Metadata m = Metadata.parse(name, bytes, "targets");
            m.verifyThreshold(v.keys(), v.keyMap());
            if (m.version() != version) {
                throw lie(name + " holds version " + m.version() + " [version matches snapshot]");
            }
            if (m.isExpired(now)) {
                expired(name, m.expires());
            }
            Targets t = Targets.from(m);
            if (have.isEmpty()) {
                toWrite.put(name, bytes);
                for (Map.Entry<String, TargetFile> e : t.targets().entrySet()) {
                    String path = e.getKey();
                    Optional<String> bad = TargetPath.problem(path);
                    if (bad.isPresent()) {
                        throw lie(name + " lists a target path that " + bad.get() + " [target path]");
                    }
                    boolean delegated = v.chain().stream().allMatch(d -> d.covers(path))
                            && (v.bins() == null || v.bins().binFor(path).equals(v.role()));
                    if (!delegated) {
                        throw lie(name + " lists " + path + ", outside the paths delegated to " + v.role() + " [delegated paths]");
                    }
                    documents.add(new Pending(new TargetPath(path).hashedName(e.getValue().sha256()), e.getValue()));
                }
            }
            if (t.succinct() != null) {
                for (String bin : t.succinct().allBinNames()) {
                    queue.add(new Visit(bin, t.succinct().keysFor(bin), t.delegationKeys(), v.chain(), t.succinct()));
                }
            }
            for (Delegation d : t.delegations()) {
                List<Delegation> chain = new ArrayList<>(v.chain());
                chain.add(d);
                queue.add(new Visit(d.name(), d.keys(), t.delegationKeys(), chain, null));
            }
        }
    }

    private long downloadAll(List<Pending> documents) throws SyncException, IOException {
        AtomicLong bytes = new AtomicLong();
        try {
            Parallel.map(documents, parallelism, "documents", progress, p -> {
                String name = "targets/" + p.file();
                if (local.size(name) != p.target().length()) {
                    Path dest = local.path(name);
                    Files.createDirectories(dest.getParent());
                    Path temp = dest.resolveSibling(FileStore.TEMP_PREFIX
                            + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + "-" + dest.getFileName());
                    try {
                        // verified against the signed length and hash before it gets its real name
                        upstream.download("/" + name, temp, p.target().length(), p.target().sha256());
                        Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        Files.deleteIfExists(temp);
                    }
                    bytes.addAndGet(p.target().length());
                }
                return null;
            });
        } catch (Parallel.Failure f) {
            if (f.getCause() instanceof SyncException s) {
                throw s;
            }
            throw f;
        }
        return bytes.get();
    }

    /**
     * The signed description of one target, found by walking the delegations that cover its path
     * (pre-order, as the spec's target search does) in the metadata this node holds and trusts.
     */
    public Optional<TargetFile> find(String path) throws IOException, TufException {
        Root root = RootChain.walk(local).getLast();
        Timestamp ts = readLocalTimestamp();
        Snapshot snap = readLocalSnapshot(ts);
        if (snap == null) {
            return Optional.empty();
        }
        return find(path, snap, "targets", 0);
    }

    private Optional<TargetFile> find(String path, Snapshot snap, String role, int depth) throws IOException, TufException {
        if (depth > 32) {
            return Optional.empty(); // spec: bounded delegation depth
        }
        String name = snap.versionOf(role) + "." + role + ".json";
        Optional<byte[]> bytes = local.get("metadata/" + name);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Targets t = Targets.from(Metadata.parse(name, bytes.get(), "targets"));
        TargetFile f = t.targets().get(path);
        if (f != null) {
            return Optional.of(f);
        }
        if (t.succinct() != null) {
            return find(path, snap, t.succinct().binFor(path), depth + 1);
        }
        for (Delegation d : t.delegations()) {
            if (d.covers(path)) {
                Optional<TargetFile> found = find(path, snap, d.name(), depth + 1);
                if (found.isPresent() || d.terminating()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }
}
