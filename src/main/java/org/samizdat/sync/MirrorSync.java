package org.samizdat.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.samizdat.archive.BundleRequest;
import org.samizdat.archive.TargetPath;
import org.samizdat.work.Parallel;
import org.samizdat.work.Progress;
import org.samizdat.store.FileStore;
import org.samizdat.repo.KeyChange;
import org.samizdat.repo.PublishedRelease;
import org.samizdat.repo.Withdrawals;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.RoleWalk;
import org.samizdat.tuf.RootFingerprint;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.VerifiedRoles;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.VerifiedRoles;
import org.samizdat.tuf.TufException;

/**
 * One sync of a mirror from an upstream: the TUF client workflow (root chain, timestamp,
 * snapshot, changed roles, each verified against the publisher's keys and against what this
 * mirror already trusts), then the missing documents, verified before they are stored, then the
 * metadata, {@code timestamp.json} last. A failure at any point leaves the previous version served.
 */
public final class MirrorSync {
    /** The bounds this client applies to its upstream. */
    private static final ClientLimits LIMITS = ClientLimits.DEFAULT;

    /** What a sync did. */
    public record Result(boolean changed, long timestampVersion, long snapshotVersion, int documents, long bytes,
                         boolean expired, int manifests, int signedLists) {
        /** The new documents, said as every count is: "10 new document(s) (+2 release files)", signed lists apart. */
        public String newDocuments() {
            String s = org.samizdat.repo.ReleaseInfo.documents(documents - manifests - signedLists, manifests, "new");
            return signedLists == 0 ? s : s + " (+" + signedLists + " signed list" + (signedLists == 1 ? "" : "s") + ")";
        }
    }

    private final FileStore local;
    private final Upstream upstream;
    private final Trust trust;
    private final Clock clock;
    private final int parallelism;
    private final Progress progress;
    /** Present while a sync runs: one left behind was killed (a dot-name, so it is never served). */
    private final Path marker;
    private final Path publicDir;
    private final TrustedSet.Expiry expiry;
    /** The targets roles verified by earlier syncs of this mirror, so a sync verifies in full only what changed. */
    private final VerifiedRoles remembered;

    public MirrorSync(Path publicDir, Upstream upstream, Trust trust, Clock clock, int parallelism, Progress progress) {
        this(publicDir, upstream, trust, clock, parallelism, progress, TrustedSet.Expiry.ENFORCE,
                new VerifiedRoles(LIMITS.maxRoles()));
    }

    private MirrorSync(Path publicDir, Upstream upstream, Trust trust, Clock clock, int parallelism, Progress progress,
                       TrustedSet.Expiry expiry, VerifiedRoles remembered) {
        this.expiry = expiry;
        this.remembered = remembered;
        this.publicDir = publicDir;
        this.local = new FileStore(publicDir);
        this.marker = publicDir.resolve(".sync-in-progress");
        this.upstream = upstream;
        this.trust = trust;
        this.clock = clock;
        this.parallelism = Math.max(1, parallelism);
        this.progress = progress;
    }

    /** The same mirror copying from another upstream (a mirror re-parenting). */
    public MirrorSync withUpstream(Upstream other) {
        return new MirrorSync(publicDir, other, trust, clock, parallelism, progress, expiry, remembered);
    }

    /**
     * The same mirror in archive mode: expired metadata is admitted (every other rule holds, and an
     * expired root is still refused). Only {@link ArchiveMode} decides when (SECURITY.md).
     */
    MirrorSync inArchiveMode() {
        return new MirrorSync(publicDir, upstream, trust, clock, parallelism, progress, TrustedSet.Expiry.ARCHIVE, remembered);
    }

    public Upstream upstream() {
        return upstream;
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
            // A sync marks the tree while it runs; a marker left behind means one was killed, and only then
            // is the tree walked for its temporary files (never served, not needed to resume).
            if (Files.exists(marker)) {
                for (Path stray : local.strayTemps()) {
                    Files.deleteIfExists(stray);
                }
            } else {
                try {
                    Files.createDirectories(marker.getParent());
                    Files.write(marker, new byte[0]);
                } catch (IOException full) {
                    // no room even for an empty file: the sync itself will say so where it writes
                }
            }
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
            byte[] tsBytes = upstream.get("/metadata/timestamp.json", LIMITS.timestampMax())
                    .orElseThrow(() -> lie("has no metadata/timestamp.json"));
            boolean newer = trusted.updateTimestamp(tsBytes) || !toWrite.isEmpty();
            if (!newer && remembered.size() > 0) {
                // the same version as this mirror's and no new root: nothing new
                return new Result(false, before.version(), before.snapshot().version(), 0, 0, false, 0, 0);
            }
            // Nothing new but nothing remembered yet (this process's first sync): the held roles are
            // verified now, so that the next version is verified in full only where it changed.
            Timestamp ts = trusted.timestamp();
            // Spec 5.5, with this mirror's snapshot as the rollback reference
            Map<String, MetaFile> held = Map.of(); // the roles this mirror serves now, by version
            if (before != null) {
                String mine = before.snapshot().version() + ".snapshot.json";
                Optional<byte[]> b = local.get("metadata/" + mine);
                if (b.isPresent()) {
                    try {
                        held = Snapshot.from(Metadata.parse(mine, b.get(), "snapshot")).meta();
                    } catch (TufException unreadable) {
                        // then nothing is compared with what this mirror held
                    }
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
                snapBytes = fetchMeta(snapName, ClientLimits.cap(ts.snapshot(), LIMITS.snapshotMax()));
                trusted.updateSnapshot(snapName, snapBytes, false);
            }
            Snapshot snap = trusted.snapshot();
            // Targets and delegations (spec 5.6), then documents (5.7)
            List<Pending> documents = new ArrayList<>();
            WithdrawalState withdrawals = new WithdrawalState();
            walk(trusted, toWrite, documents, held, withdrawals);
            if (!newer && toWrite.isEmpty() && documents.isEmpty()) {
                return new Result(false, before.version(), before.snapshot().version(), 0, 0, false, 0, 0);
            }
            if (snapBytes != null) {
                toWrite.put(snapName, snapBytes);
            }
            long bytes = downloadAll(documents);
            // Visible at last: metadata in order, timestamp.json last (Debian's two-stage rule).
            for (Map.Entry<String, byte[]> e : toWrite.entrySet()) {
                local.put("metadata/" + e.getKey(), e.getValue());
            }
            local.put("metadata/timestamp.json", tsBytes);
            if (withdrawals.isNew) {
                KeyChange.removeWithdrawn(local, withdrawals.list); // stop serving them, now the list is in force
            }
            int manifests = (int) documents.stream().filter(Pending::manifest).count();
            int lists = (int) documents.stream().filter(Pending::signedList).count();
            return new Result(true, ts.version(), snap.version(), documents.size(), bytes, !trusted.warnings().isEmpty(), manifests,
                    lists);
        } catch (TufException e) {
            throw lie(e);
        } catch (IOException e) {
            throw new SyncException(SyncException.Kind.LOCAL, "cannot write the mirror: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(marker); // finished, or failed having removed its own temporary files
            } catch (IOException ignored) {
                // the next sync walks the tree once more: harmless
            }
        }
    }

    /**
     * Spec 5.2-5.3: the first root (this mirror's, or the upstream's when it has the trusted
     * fingerprint), then every newer root, this mirror's own copy first, else the upstream's.
     */
    private TrustedSet trustedRoot(Instant now, Map<String, byte[]> toWrite) throws SyncException, IOException, TufException {
        Optional<byte[]> localFirst = local.get("metadata/1.root.json");
        byte[] first;
        if (localFirst.isPresent()) {
            if (!trust.accepts(localFirst.get())) {
                throw new SyncException(SyncException.Kind.LOCAL, "this mirror holds an archive with another root"
                        + " fingerprint (" + RootFingerprint.of(localFirst.get()) + "); use an empty directory", null);
            }
            first = localFirst.get();
        } else {
            first = upstream.get("/metadata/1.root.json", LIMITS.rootMax()).orElseThrow(upstream::notANode);
            if (!trust.accepts(first)) {
                throw lie("1.root.json has fingerprint " + RootFingerprint.of(first) + ", not the trusted one [trusted root]");
            }
            toWrite.put("1.root.json", first);
        }
        TrustedSet trusted = new TrustedSet(first, now, expiry);
        Set<String> held = new HashSet<>();
        trusted.followRoots((file, max) -> {
            Optional<byte[]> mine = local.get("metadata/" + file);
            if (mine.isPresent()) {
                held.add(file);
                return mine;
            }
            return upstream.get("/metadata/" + file, max);
        }, LIMITS, (file, bytes) -> {
            if (!held.contains(file)) {
                toWrite.put(file, bytes);
            }
        });
        return trusted;
    }

    private byte[] fetchMeta(String name, long max) throws SyncException {
        return upstream.get("/metadata/" + name, max).orElseThrow(() -> lie("has no metadata/" + name));
    }

    /** A document to fetch: its hashed file name and what was signed for it. */
    private record Pending(String file, TargetFile target, boolean manifest, boolean signedList) {
    }

    /**
     * Verifies every targets role the snapshot reaches ({@link RoleWalk}), this mirror's own copy
     * of a role first, else the upstream's, and lists the documents of the roles it did not hold.
     */
    private void walk(TrustedSet trusted, Map<String, byte[]> toWrite, List<Pending> documents,
                      Map<String, MetaFile> previous, WithdrawalState withdrawals) throws SyncException, IOException, TufException {
        Set<String> held = new HashSet<>();
        Targets[] top = new Targets[1];
        RoleWalk.walk(trusted, new org.samizdat.tuf.MetadataSource<SyncException>() {
            @Override
            public Optional<byte[]> read(String file, long max) throws SyncException, IOException {
                Optional<byte[]> mine = local.get("metadata/" + file);
                if (mine.isPresent()) {
                    held.add(file);
                    return mine;
                }
                return upstream.get("/metadata/" + file, max);
            }

            @Override
            public Optional<byte[]> readAgain(String file, long max) throws SyncException {
                // a held file of the same name that the snapshot does not pin (signed by a thief of the
                // online keys before a key rotation): the upstream's replaces it
                if (!held.remove(file)) {
                    return Optional.empty(); // it came from the upstream already: no other place to ask
                }
                return upstream.get("/metadata/" + file, max);
            }
        }, LIMITS, new RoleWalk.Visitor<SyncException>() {
            @Override
            public boolean holds(String file) {
                return held.contains(file);
            }

            @Override
            public boolean role(String file, byte[] bytes, Targets role) throws SyncException, IOException {
                if (file.equals(role.version() + ".targets.json")) {
                    top[0] = role; // the walk starts at the top-level targets role
                }
                if (held.contains(file)) {
                    return false; // verified again; its documents arrived with it
                }
                keptPublished(file, role, previous, top[0]);
                toWrite.put(file, bytes);
                return true;
            }

            @Override
            public void target(String role, String file, String path, TargetFile target) throws SyncException, IOException {
                if (role.equals("targets") && path.equals(Withdrawals.PATH)) {
                    // the walk lists the top-level role's targets before any release's: the list comes first
                    withdrawals.list = withdrawalList(target);
                    withdrawals.isNew = !local.exists(Withdrawals.fileName(target.sha256()));
                } else if (withdrawals.list.contains(path)) {
                    return; // withdrawn by the offline targets key: never fetched, never served
                }
                documents.add(new Pending(new TargetPath(path).hashedName(target.sha256()), target,
                        org.samizdat.repo.ReleaseInfo.isReleaseFile(path), !org.samizdat.repo.ReleaseInfo.isReleaseFile(path)
                        && (role.equals("targets") || role.equals("mirrors"))));
            }

            @Override
            public void problem(TufException e) throws SyncException {
                throw lie(e);
            }
        }, remembered);
    }

    /** The withdrawals list the top-level targets role signs: this mirror's copy, else the upstream's. */
    private Withdrawals withdrawalList(TargetFile target) throws SyncException, IOException {
        String name = Withdrawals.fileName(target.sha256());
        Optional<byte[]> bytes = local.get(name);
        if (bytes.isEmpty()) {
            bytes = upstream.get("/" + name, target.length());
        }
        try {
            target.verify(Withdrawals.PATH, bytes.orElseThrow(() -> lie("has no " + name)));
            return Withdrawals.parse(bytes.get());
        } catch (TufException e) {
            throw lie(e);
        }
    }

    /** What the walk learnt of withdrawals: the list, and whether it is new to this mirror. */
    private static final class WithdrawalState {
        Withdrawals list = Withdrawals.NONE;
        boolean isNew;
    }

    /** A newer version of a release this mirror holds must not rewrite it ({@link PublishedRelease}). */
    private void keptPublished(String file, Targets role, Map<String, MetaFile> previous, Targets top)
            throws SyncException, IOException {
        String name = file.substring(file.indexOf('.') + 1, file.length() - ".json".length());
        MetaFile had = previous.get(name + ".json");
        if (!PublishedRelease.applies(name) || had == null || had.version() >= role.version()) {
            return;
        }
        Optional<byte[]> old = local.get("metadata/" + had.version() + "." + name + ".json");
        if (old.isEmpty()) {
            return;
        }
        try {
            Targets before = Targets.from(Metadata.parse(had.version() + "." + name + ".json", old.get(), "targets"));
            PublishedRelease.checkKept(file, name, before, role, top == null ? null : top.keysForChild("releases"));
        } catch (TufException e) {
            throw lie(e);
        }
    }

    /** Bundles streamed at once from one upstream (a node streams {@code FileBundle.MAX_CONCURRENT}, so two mirrors sync at full speed). */
    static final int BUNDLE_STREAMS = 2;

    /**
     * Fetches every document this mirror lacks, in bundles of up to {@link BundleRequest#MAX_FILES}
     * ({@link BundleRequest}), each document verified against its signed length and sha256 before
     * it is renamed into place; what a bundle did not deliver (an upstream without bundles, busy,
     * or one whose bytes failed a check) is fetched one by one, which says what is wrong.
     */
    private long downloadAll(List<Pending> documents) throws SyncException, IOException {
        List<Pending> needed = new ArrayList<>();
        for (Pending p : documents) {
            if (local.size("targets/" + p.file()) != p.target().length()) {
                needed.add(p);
            }
        }
        List<List<Pending>> bundles = new ArrayList<>();
        List<Pending> current = new ArrayList<>();
        long currentBytes = 0;
        for (Pending p : needed) {
            if (!current.isEmpty() && (current.size() == BundleRequest.MAX_FILES || currentBytes + p.target().length() > BundleRequest.MAX_BYTES)) {
                bundles.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(p);
            currentBytes += p.target().length();
        }
        if (!current.isEmpty()) {
            bundles.add(current);
        }
        AtomicLong bytes = new AtomicLong();
        AtomicLong done = new AtomicLong();
        Set<Path> madeDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            Parallel.map(bundles, Math.min(parallelism, BUNDLE_STREAMS), "documents", Progress.NONE, bundle -> {
                List<Pending> rest = fromBundle(bundle, madeDirs, bytes, done, needed.size());
                if (!rest.isEmpty()) {
                    Parallel.map(rest, parallelism, "documents", Progress.NONE, p -> {
                        receive(p, madeDirs, (name, temp) -> upstream.download("/" + name, temp, p.target().length(), p.target().sha256()));
                        bytes.addAndGet(p.target().length());
                        progress.update("documents", done.incrementAndGet(), needed.size());
                        return null;
                    });
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

    /** The documents of one bundle, as far as the upstream delivers them intact; returns the rest. */
    private List<Pending> fromBundle(List<Pending> bundle, Set<Path> madeDirs, AtomicLong bytes, AtomicLong done, int total)
            throws SyncException, IOException {
        long length = bundle.stream().mapToLong(p -> p.target().length()).sum();
        Optional<Upstream.Bundle> stream = upstream.bundle(new BundleRequest(bundle.stream().map(p -> "targets/" + p.file()).toList()), length);
        if (stream.isEmpty()) {
            return bundle;
        }
        int i = 0;
        try (Upstream.Bundle in = stream.get()) {
            for (; i < bundle.size(); i++) {
                Pending p = bundle.get(i);
                receive(p, madeDirs, (name, temp) -> in.next(name, temp, p.target().length(), p.target().sha256()));
                bytes.addAndGet(p.target().length());
                progress.update("documents", done.incrementAndGet(), total);
            }
        } catch (SyncException e) {
            if (e.kind() == SyncException.Kind.LOCAL) {
                throw e; // this node's disk: fetching again would fail the same way
            }
            // a short or lying bundle: the rest (this document included) one by one, each checked alone
        }
        return bundle.subList(i, bundle.size());
    }

    /** Where a document's bytes come from: they are written to {@code temp} and checked there. */
    private interface Source {
        void into(String name, Path temp) throws SyncException;
    }

    /** One document into a temporary name beside its own, verified, then renamed into place. */
    private void receive(Pending p, Set<Path> madeDirs, Source source) throws SyncException, IOException {
        String name = "targets/" + p.file();
        Path dest = local.path(name);
        if (!madeDirs.contains(dest.getParent())) {
            Files.createDirectories(dest.getParent());
            madeDirs.add(dest.getParent()); // only once it exists: another thread may skip making it
        }
        Path temp = dest.resolveSibling(FileStore.TEMP_PREFIX
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + "-" + dest.getFileName());
        boolean named = false;
        try {
            // verified against the signed length and hash before it gets its real name
            source.into(name, temp);
            Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            named = true;
        } finally {
            if (!named) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
