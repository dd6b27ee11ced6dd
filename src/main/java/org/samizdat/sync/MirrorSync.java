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
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Delegation;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.RoleKeys;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.SuccinctRoles;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TrustedSet;
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
    private final Progress progress;

    public MirrorSync(Path publicDir, Upstream upstream, Trust trust, Clock clock, int parallelism, Progress progress) {
        this.local = new FileStore(publicDir);
        this.upstream = upstream;
        this.trust = trust;
        this.clock = clock;
        this.parallelism = Math.max(1, parallelism);
        this.progress = progress;
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
            TrustedSet trusted = trustedRoot(now, toWrite);
            if (!trusted.root().consistentSnapshot()) {
                throw lie("root.json has consistent_snapshot false; a mirror copies consistent snapshots only [consistent snapshot]");
            }
            // Spec 5.4, with this mirror's own timestamp as the reference a new one must not roll back from
            // (ignored when it no longer verifies: the timestamp keys were rotated, spec 5.3.11).
            Optional<byte[]> localTs = local.get("metadata/timestamp.json");
            if (localTs.isPresent()) {
                try {
                    trusted.updateTimestamp(localTs.get());
                } catch (TufException e) {
                    // expired or re-keyed: still the rollback reference when it was admitted
                }
            }
            Timestamp before = trusted.timestamp();
            byte[] tsBytes = upstream.get("/metadata/timestamp.json", TIMESTAMP_MAX)
                    .orElseThrow(() -> lie("has no metadata/timestamp.json"));
            if (!trusted.updateTimestamp(tsBytes)) {
                // the same version as this mirror's: nothing new unless the root changed
                if (trusted.timestampMetadata().isExpired(now)) {
                    throw lie("timestamp.json expired " + trusted.timestamp().expires() + "; keeping the version this mirror has [freeze]");
                }
                if (toWrite.isEmpty()) {
                    return new Result(false, before.version(), before.snapshot().version(), 0, 0, false);
                }
            }
            Timestamp ts = trusted.timestamp();
            // Spec 5.5, with this mirror's snapshot as the rollback reference
            if (before != null) {
                String mine = before.snapshot().version() + ".snapshot.json";
                Optional<byte[]> b = local.get("metadata/" + mine);
                if (b.isPresent()) {
                    try {
                        trusted.updateSnapshot(mine, b.get(), true);
                    } catch (TufException e) {
                        // superseded by the new timestamp: it stays the reference for 5.5.5
                    }
                }
            }
            String snapName = ts.snapshot().version() + ".snapshot.json";
            byte[] snapBytes = null;
            if (trusted.snapshot() == null || trusted.snapshot().version() != ts.snapshot().version()) {
                snapBytes = fetchMeta(snapName, ts.snapshot().length() != null ? ts.snapshot().length() : SNAPSHOT_MAX);
                trusted.updateSnapshot(snapName, snapBytes, false);
            }
            Snapshot snap = trusted.snapshot();
            // Targets and delegations (spec 5.6), then documents (5.7)
            List<Pending> documents = new ArrayList<>();
            walk(trusted, toWrite, documents);
            if (snapBytes != null) {
                toWrite.put(snapName, snapBytes);
            }
            long bytes = downloadAll(documents);
            // Visible at last: metadata in order, timestamp.json last (Debian's two-stage rule).
            for (Map.Entry<String, byte[]> e : toWrite.entrySet()) {
                local.put("metadata/" + e.getKey(), e.getValue());
            }
            local.put("metadata/timestamp.json", tsBytes);
            return new Result(true, ts.version(), snap.version(), documents.size(), bytes, false);
        } catch (TufException e) {
            throw lie(e);
        } catch (IOException e) {
            throw new SyncException(SyncException.Kind.LOCAL, "cannot write the mirror: " + e.getMessage(), e);
        }
    }

    /**
     * Spec 5.2-5.3: the first root (this mirror's, or the upstream's when it has the trusted
     * fingerprint), every newer root this mirror holds, then each N+1.root.json the upstream has.
     */
    private TrustedSet trustedRoot(Instant now, Map<String, byte[]> toWrite) throws SyncException, IOException, TufException {
        Optional<byte[]> localFirst = local.get("metadata/1.root.json");
        byte[] first;
        if (localFirst.isPresent()) {
            if (!trust.accepts(localFirst.get())) {
                throw new SyncException(SyncException.Kind.LOCAL, "this mirror holds an archive with another root"
                        + " fingerprint (" + Sha256.hex(localFirst.get()) + "); use an empty directory", null);
            }
            first = localFirst.get();
        } else {
            first = upstream.get("/metadata/1.root.json", ROOT_MAX).orElseThrow(() -> lie("has no metadata/1.root.json"));
            if (!trust.accepts(first)) {
                throw lie("1.root.json has fingerprint " + Sha256.hex(first) + ", not the trusted one [trusted root]");
            }
            toWrite.put("1.root.json", first);
        }
        TrustedSet trusted = new TrustedSet(first, now, false);
        for (long n = 2; ; n++) {
            Optional<byte[]> mine = local.get("metadata/" + n + ".root.json");
            if (mine.isEmpty()) {
                break;
            }
            trusted.updateRoot(n + ".root.json", mine.get());
        }
        // Spec 5.3: follow N+1.root.json until it is absent, each signed by the old and the new keys.
        for (int i = 0; i < MAX_ROOT_ROTATIONS; i++) {
            String name = (trusted.root().version() + 1) + ".root.json";
            Optional<byte[]> next = upstream.get("/metadata/" + name, ROOT_MAX);
            if (next.isEmpty()) {
                break;
            }
            trusted.updateRoot(name, next.get());
            toWrite.put(name, next.get());
        }
        return trusted;
    }

    private byte[] fetchMeta(String name, long max) throws SyncException {
        return upstream.get("/metadata/" + name, max).orElseThrow(() -> lie("has no metadata/" + name));
    }

    /** A role still to verify, with the keys its delegator lists for it and the delegations above it. */
    private record Visit(String role, RoleKeys keys, Map<String, Key> keyMap, List<Delegation> chain, SuccinctRoles bins) {
    }

    /** A document to fetch: its hashed file name and what was signed for it. */
    private record Pending(String file, TargetFile target) {
    }

    /**
     * Verifies every targets role the snapshot lists that this mirror does not yet hold (spec 5.6,
     * breadth-first over the whole delegation graph, each role once), and lists the documents of
     * the new ones. Roles this mirror holds at the listed version are verified again from disk.
     */
    private void walk(TrustedSet trusted, Map<String, byte[]> toWrite, List<Pending> documents)
            throws SyncException, IOException, TufException {
        Snapshot snap = trusted.snapshot();
        Set<String> visited = new HashSet<>();
        Deque<Visit> queue = new ArrayDeque<>();
        queue.add(new Visit("targets", trusted.root().role("targets"), trusted.root().keys(), List.of(), null));
        while (!queue.isEmpty()) {
            Visit v = queue.poll();
            if (!visited.add(v.role()) || visited.size() > MAX_ROLES) {
                continue;
            }
            // A mirror serves each role under its own name: one that is not a plain file name
            // (a '/', "..", a NUL, a non-ASCII look-alike) could name another file, so it is refused.
            if (!v.role().matches("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}")) {
                throw lie("the delegations name a role \"" + v.role().replace("\0", "\\0")
                        + "\", which is not a plain file name [role name]");
            }
            MetaFile pinned = snap.meta().get(v.role() + ".json");
            if (pinned == null) {
                throw lie(snap.version() + ".snapshot.json does not list " + v.role() + ".json [snapshot completeness]");
            }
            String name = pinned.version() + "." + v.role() + ".json";
            Optional<byte[]> have = local.get("metadata/" + name);
            byte[] bytes = have.isPresent() ? have.get() : fetchMeta(name, pinned.length() != null ? pinned.length() : TARGETS_MAX);
            Targets t = trusted.verifyTargets(name, bytes, v.role(), v.keys(), v.keyMap());
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
                    if (e.getValue().sha256() == null) {
                        throw lie(name + " lists " + path + " without a sha256, which mirrors name documents by [hash algorithms]");
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
}
