package org.samizdat.repo;

import org.samizdat.work.Progress;
import org.samizdat.work.Parallel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Delegation;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.RoleKeys;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.SigningKey;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.SuccinctRoles;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TufException;

/**
 * Writes an archive. Every publish follows the spec's order for a live repository: target files
 * first, then the new delegated roles, then {@code releases}, then the snapshot, and
 * {@code timestamp.json} last, each file written atomically; until the timestamp is replaced,
 * clients and mirrors see the previous version whole, and a re-run after a crash completes.
 */
public final class Publisher {
    /** A release role lists at most this many targets itself; above it, TAP 15 bins (tuf-js parses maps in O(n^2)). */
    public static final int BIN_THRESHOLD = 4096;
    /** Bins are sized to hold about this many targets each. */
    static final int TARGETS_PER_BIN = 512;
    static final String MIRRORS_ROLE = "mirrors";
    static final String RELEASES_ROLE = "releases";

    private final ArchiveDir dir;
    private final Keyring keyring;
    private final Keyring offline;
    private final Lifetimes lifetimes;
    private final Clock clock;
    private final Progress progress;

    /**
     * @param keyring the online keys ({@code private/keys})
     * @param offline the offline keys (root, targets), or null when they are not at hand
     */
    public Publisher(ArchiveDir dir, Keyring keyring, Keyring offline, Lifetimes lifetimes, Clock clock, Progress progress) {
        this.dir = dir;
        this.keyring = keyring;
        this.offline = offline;
        this.lifetimes = lifetimes;
        this.clock = clock;
        this.progress = progress;
    }

    ArchiveDir dir() {
        return dir;
    }

    private boolean torrents = true;

    /** This publisher, publishing releases without a torrent, as format 1.2 did: for tests of older archives. */
    Publisher withoutTorrents() {
        torrents = false;
        return this;
    }

    Keyring online() {
        return keyring;
    }

    Keyring offline() {
        return offline;
    }

    Lifetimes lifetimes() {
        return lifetimes;
    }

    Clock clock() {
        return clock;
    }

    /** What {@code init} made: the root fingerprint (sha256 of {@code 1.root.json}). */
    public record Created(String fingerprint) {
    }

    /** Creates keys and version 1 of every role, with no documents and one root key. */
    public Created init(String name) throws IOException {
        return init(name, 1, 1);
    }

    /**
     * Creates keys and version 1 of every role, with no documents: the online keys in
     * {@code private/keys}, the root and targets keys in the offline keyring, {@code rootKeys}
     * root keys of which {@code rootThreshold} must sign every new root.
     */
    public Created init(String name, int rootKeys, int rootThreshold) throws IOException {
        if (Files.exists(dir.configFile()) || Files.exists(dir.privateDir())) {
            throw new IOException(dir.root() + " already holds an archive; refusing to overwrite it");
        }
        if (offline == null) {
            throw new IllegalStateException("init needs a place for the offline keys");
        }
        if (rootKeys < 1 || rootThreshold < 1 || rootThreshold > rootKeys) {
            throw new IllegalArgumentException("the root threshold must be between 1 and the number of root keys ("
                    + rootKeys + ")");
        }
        Files.createDirectories(dir.root());
        Map<String, SigningKey> keys = new LinkedHashMap<>(offline.create(Keyring.OFFLINE));
        List<SigningKey> rootSigners = new ArrayList<>(List.of(keys.get("root")));
        for (int i = 2; i <= rootKeys; i++) {
            rootSigners.add(offline.add("root", String.valueOf(i)));
        }
        keys.putAll(keyring.create(Keyring.ONLINE));
        Instant now = clock.instant();
        FileStore pub = dir.publicStore();

        Map<String, Key> rootKeyMap = new LinkedHashMap<>();
        Map<String, RoleKeys> roles = new LinkedHashMap<>();
        for (String role : Root.TOP_LEVEL) {
            List<SigningKey> ks = role.equals("root") ? rootSigners : List.of(keys.get(role));
            ks.forEach(k -> rootKeyMap.put(k.keyid(), k.key()));
            roles.put(role, new RoleKeys(role, ks.stream().map(SigningKey::keyid).toList(),
                    role.equals("root") ? rootThreshold : 1));
        }
        Root root = new Root(1, now.plus(lifetimes.root()), true, rootKeyMap, roles);
        Metadata rootMeta = Metadata.sign("1.root.json", root.toSigned(), rootSigners);
        write(pub, rootMeta);

        SigningKey releasesKey = keys.get(RELEASES_ROLE);
        SigningKey mirrorsKey = keys.get(MIRRORS_ROLE);
        Map<String, Key> delegationKeys = new LinkedHashMap<>();
        delegationKeys.put(mirrorsKey.keyid(), mirrorsKey.key());
        delegationKeys.put(releasesKey.keyid(), releasesKey.key());
        List<String> releasePatterns = new ArrayList<>();
        for (int depth = 2; depth <= TargetPath.MAX_DEPTH; depth++) {
            releasePatterns.add("r*" + "/*".repeat(depth - 1));
        }
        List<Delegation> delegations = List.of(
                new Delegation(new RoleKeys(MIRRORS_ROLE, List.of(mirrorsKey.keyid()), 1), true, List.of("mirrors/*"), null),
                new Delegation(new RoleKeys(RELEASES_ROLE, List.of(releasesKey.keyid()), 1), true, releasePatterns, null));
        Targets targets = new Targets(1, now.plus(lifetimes.targets()), Map.of(), delegationKeys, delegations, null);
        Map<String, MetaFile> meta = new TreeMap<>();
        meta.put("targets.json", writeRole(pub, Metadata.sign("1.targets.json", targets.toSigned(), List.of(keys.get("targets"))), 1));
        Targets mirrors = emptyTargets(1, now.plus(lifetimes.releases()));
        meta.put("mirrors.json", writeRole(pub, Metadata.sign("1.mirrors.json", mirrors.toSigned(), List.of(mirrorsKey)), 1));
        Targets releases = emptyTargets(1, now.plus(lifetimes.releases()));
        meta.put("releases.json", writeRole(pub, Metadata.sign("1.releases.json", releases.toSigned(), List.of(releasesKey)), 1));
        writeSnapshotAndTimestamp(pub, new Snapshot(1, now.plus(lifetimes.snapshot()), meta), 0,
                keys.get("snapshot"), keys.get("timestamp"), now);
        Files.createDirectories(pub.path("targets").getParent().resolve("targets"));
        Files.createDirectories(dir.stagingDir());

        String fingerprint = Sha256.hex(rootMeta.toBytes());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("format", 1L);
        config.put("name", name == null ? dir.root().getFileName().toString() : name);
        config.put("root_fingerprint", fingerprint);
        config.put("created", org.samizdat.tuf.TufTime.format(now));
        new FileStore(dir.root()).put(ArchiveDir.CONFIG, Json.write(config));
        return new Created(fingerprint);
    }

    private static Targets emptyTargets(long version, Instant expires) {
        return new Targets(version, expires, Map.of(), Map.of(), List.of(), null);
    }

    /** What a publish made ({@code finishedEarlier}: an interrupted publish had already signed it; only cleanup was left). */
    public record Release(String id, int documents, long snapshotVersion, int roleFiles, long metadataBytes,
                          boolean finishedEarlier, long clearingMillis) {
        /** Of the time a publish took, how much went to clearing the staged copies after the release was out. */
        public double clearingSeconds() {
            return clearingMillis / 1000.0;
        }
    }

    /**
     * Signs everything staged as the next release. A batch interrupted by a crash is finished first
     * (with its original release id); if nothing is staged, fails with a clear message.
     */
    public Release publish(String title) throws IOException, TufException {
        try (Lock lock = Lock.take(dir)) {
            return publishLocked(title, null);
        }
    }

    /**
     * Signs everything staged as the next release, sealed: {@code sealer} writes the documents as
     * one ciphertext and gives its target; the release lists that, its manifest (without a
     * document count) and its torrent, and nothing else of the documents. Crash-safe as
     * {@link #publish}: a re-run after a crash seals the same batch again.
     */
    public Release seal(String title, ReleaseContent sealer) throws IOException, TufException {
        try (Lock lock = Lock.take(dir)) {
            return publishLocked(title, java.util.Objects.requireNonNull(sealer));
        }
    }

    /** The id the next publish or seal will give its release (the interrupted batch's, if any). */
    public String nextReleaseId() throws IOException, TufException {
        Path info = dir.stagingDir().resolve(Staging.BATCH_INFO);
        if (Files.exists(info)) {
            return (String) Json.parseObject(Files.readAllBytes(info)).get("id");
        }
        Head head = Head.load(dir.publicStore());
        return Batch.nextId(Targets.from(head.loadRole(RELEASES_ROLE, head.targets().keysForChild(RELEASES_ROLE),
                head.targets().delegationKeys())));
    }

    private Release publishLocked(String title, ReleaseContent sealer) throws IOException, TufException {
        FileStore pub = dir.publicStore();
        Head head = Head.load(pub);
        Metadata releasesMeta = head.loadRole(RELEASES_ROLE,
                head.targets().keysForChild(RELEASES_ROLE), head.targets().delegationKeys());
        Targets releases = Targets.from(releasesMeta);
        Staging staging = new Staging(dir.stagingDir());
        Batch batch = Batch.open(staging, releases, title);
        if (batch != null && releases.childNames().contains(batch.id())) {
            // the batch was published before a crash cut its cleanup short: finish that, then go on
            String finished = batch.id();
            batch.finish(staging);
            batch = Batch.open(staging, releases, title);
            if (batch == null) {
                return new Release(finished, 0, head.snapshot().version(), 0, 0, true, 0);
            }
        }
        if (batch == null) {
            throw new NothingStagedException();
        }
        if (sealer == null && Files.exists(dir.sealedKeysDir().resolve(batch.id() + ".key"))) {
            // an interrupted seal made a key for this batch: publishing it in the clear would break its seal
            throw new IOException("release " + batch.id() + " was being sealed when it was interrupted; run seal again"
                    + " to finish it (or delete " + dir.sealedKeysDir().resolve(batch.id() + ".key") + " to publish it unsealed)");
        }
        SigningKey releasesKey = keyring.load(RELEASES_ROLE);
        SigningKey snapshotKey = keyring.load("snapshot");
        SigningKey timestampKey = keyring.load("timestamp");
        Instant now = clock.instant();
        List<StagedDocument> docs = batch.documents();

        // 1. content
        Map<String, TargetFile> files = new TreeMap<>();
        if (sealer == null) {
            placeTargets(pub, staging, batch.id(), docs, files);
        } else {
            files.putAll(sealer.write(pub, batch.id(), docs, staging::object));
        }
        byte[] manifest = sealer == null ? batch.manifest(docs.size(), now) : batch.sealedManifest(now);
        String manifestPath = batch.id() + "/" + Intake.RELEASE_MANIFEST;
        pub.put("targets/" + new TargetPath(manifestPath).hashedName(Sha256.hex(manifest)), manifest);
        Map<String, Object> manifestCustom = new LinkedHashMap<>();
        manifestCustom.put("release", batch.id());
        manifestCustom.put("kind", "release-manifest");
        files.put(manifestPath, new TargetFile(manifest.length, Sha256.hex(manifest), manifestCustom));
        if (torrents) {
            // the release's torrent, over its documents and manifest as just written, is a target of the release too
            org.samizdat.archive.Torrent torrent = ReleaseTorrent.build(pub, batch.id(), files,
                    ReleaseTorrent.seeds(signedMirrorList(pub)), progress);
            org.samizdat.archive.Torrent.Encoded encoded = torrent.encoded();
            putTarget(pub, files, ReleaseTorrent.path(batch.id()), encoded.file(), ReleaseTorrent.custom(batch.id(), encoded.infoHashHex()));
        }

        // 2. the release's own role, and its bins when it is large
        Instant roleExpiry = now.plus(lifetimes.releases());
        Map<String, MetaFile> meta = new TreeMap<>(head.snapshot().meta());
        long bytes = 0;
        int roleFiles = 0;
        MetaFile releaseRole;
        if (files.size() <= BIN_THRESHOLD) {
            releaseRole = writeRole(pub, Metadata.sign("1." + batch.id() + ".json",
                    new Targets(1, roleExpiry, files, Map.of(), List.of(), null).toSigned(), List.of(releasesKey)), 1);
            bytes += releaseRole.length();
            roleFiles++;
        } else {
            SuccinctRoles bins = new SuccinctRoles(List.of(releasesKey.keyid()), 1, bitLength(files.size()),
                    batch.id() + "-bin");
            Map<String, Map<String, TargetFile>> byBin = new TreeMap<>();
            for (String name : bins.allBinNames()) {
                byBin.put(name, new TreeMap<>());
            }
            files.forEach((path, f) -> byBin.get(bins.binFor(path)).put(path, f));
            // TAP 15: every bin exists and is listed, even when empty. Bins are independent files,
            // so they are encoded, signed and written on every core.
            List<Map.Entry<String, Map<String, TargetFile>>> binList = new ArrayList<>(byBin.entrySet());
            List<MetaFile> signedBins = Parallel.map(binList, 0, "signing bins", progress, e -> writeRole(pub,
                    Metadata.sign("1." + e.getKey() + ".json", new Targets(1, roleExpiry, e.getValue(), Map.of(), List.of(), null)
                            .toSigned(), List.of(releasesKey)), 1));
            for (int i = 0; i < binList.size(); i++) {
                MetaFile bin = signedBins.get(i);
                bytes += bin.length();
                meta.put(binList.get(i).getKey() + ".json", bin);
                roleFiles++;
            }
            releaseRole = writeRole(pub, Metadata.sign("1." + batch.id() + ".json",
                    new Targets(1, roleExpiry, Map.of(), Map.of(releasesKey.keyid(), releasesKey.key()), List.of(), bins)
                            .toSigned(), List.of(releasesKey)), 1);
            bytes += releaseRole.length();
            roleFiles++;
        }
        meta.put(batch.id() + ".json", releaseRole);

        // 3. releases delegates the new release's prefix to its role
        Set<Integer> depths = new TreeSet<>();
        files.keySet().forEach(p -> depths.add(p.split("/").length));
        List<String> patterns = new ArrayList<>();
        for (int d : depths) {
            patterns.add(batch.id() + "/*".repeat(d - 1));
        }
        List<Delegation> delegations = new ArrayList<>(releases.delegations());
        delegations.add(new Delegation(new RoleKeys(batch.id(), List.of(releasesKey.keyid()), 1), true, patterns, null));
        long releasesVersion = releases.version() + 1;
        Targets newReleases = new Targets(releasesVersion, roleExpiry, Map.of(),
                Map.of(releasesKey.keyid(), releasesKey.key()), delegations, null);
        MetaFile releasesPin = writeRole(pub, Metadata.sign(releasesVersion + "." + RELEASES_ROLE + ".json",
                newReleases.toSigned(), List.of(releasesKey)), releasesVersion);
        bytes += releasesPin.length();
        roleFiles++;
        meta.put(RELEASES_ROLE + ".json", releasesPin);

        // 4. snapshot, 5. timestamp last
        long snapVersion = head.snapshot().version() + 1;
        bytes += writeSnapshotAndTimestamp(pub, new Snapshot(snapVersion, now.plus(lifetimes.snapshot()), meta),
                head.timestamp().version(), snapshotKey, timestampKey, now);
        long clearing = System.nanoTime();
        batch.finish(staging, docs);
        return new Release(batch.id(), docs.size(), snapVersion, roleFiles, bytes, false, (System.nanoTime() - clearing) / 1_000_000);
    }

    /** The smallest bit length that keeps bins at about {@link #TARGETS_PER_BIN} targets. */
    static int bitLength(int targets) {
        int bits = 1;
        while (bits < 16 && (long) TARGETS_PER_BIN << bits < targets) {
            bits++;
        }
        return bits;
    }

    private void placeTargets(FileStore pub, Staging staging, String release, List<StagedDocument> docs,
                              Map<String, TargetFile> files) throws IOException {
        for (StagedDocument d : docs) {
            files.put(d.path().under(release).value(), new TargetFile(d.length(), d.sha256(), d.meta().toCustom(release)));
        }
        java.util.Set<Path> dirs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Parallel.map(docs, 0, "placing documents", progress, d -> {
            Path obj = staging.object(d);
            String name = "targets/" + d.path().under(release).hashedName(d.sha256());
            long size;
            try {
                size = Files.size(obj);
            } catch (java.nio.file.NoSuchFileException gone) {
                size = -1;
            }
            if (size != d.length()) {
                if (pub.exists(name)) {
                    return null; // placed before a crash cut this publish short
                }
                throw new IOException("staged content of " + d.path() + " (" + obj + ") is "
                        + (size < 0 ? "missing" : "damaged") + "; add it again");
            }
            // a pack's copy belongs to this document alone, so it is moved, not linked and later unlinked
            dirs.add(d.object() != null ? pub.move(obj, name) : pub.link(obj, name, false));
            return null;
        });
        FileStore.syncDirectories(dirs); // the links are durable before any metadata names them
    }

    /** Writes a target file under its hashed name and lists it in {@code files}. */
    private static void putTarget(FileStore pub, Map<String, TargetFile> files, String path, byte[] bytes,
                                  Map<String, Object> custom) throws IOException {
        String sha = Sha256.hex(bytes);
        pub.put("targets/" + new TargetPath(path).hashedName(sha), bytes);
        files.put(path, new TargetFile(bytes.length, sha, custom));
    }

    /** The signed mirror list of the published version, or an empty one when none verifies. */
    private static MirrorList signedMirrorList(FileStore pub) throws IOException {
        try {
            return Catalog.open(pub).mirrorList();
        } catch (TufException e) {
            return MirrorList.EMPTY; // then the torrent names no web seed; nodes serve one with theirs
        }
    }

    /**
     * Signs a torrent for each release that has none, those published before torrents existed:
     * a published release never changes, so each goes into the mirrors role as
     * {@code mirrors/rNNNN.torrent} (docs/FORMAT.md section 6), then snapshot and timestamp. Needs
     * the mirrors, snapshot and timestamp keys. Returns the releases given a torrent.
     */
    public List<String> addTorrents(List<String> ids) throws IOException, TufException {
        try (Lock lock = Lock.take(dir)) {
            FileStore pub = dir.publicStore();
            Catalog catalog = Catalog.open(pub);
            Head head = catalog.head();
            Targets current = Targets.from(head.loadRole(MIRRORS_ROLE, head.targets().keysForChild(MIRRORS_ROLE),
                    head.targets().delegationKeys()));
            Map<String, TargetFile> listed = new TreeMap<>(current.targets());
            List<String> done = new ArrayList<>();
            List<String> seeds = ReleaseTorrent.seeds(catalog.mirrorList());
            for (String id : ids.isEmpty() ? catalog.releaseIds() : ids) {
                if (!catalog.releaseIds().contains(id)) {
                    throw new IOException("the archive has no release " + id + " (it has " + catalog.releaseIds() + ")");
                }
                if (catalog.torrent(id).isPresent()) {
                    continue;
                }
                org.samizdat.archive.Torrent t = ReleaseTorrent.build(pub, id, catalog.targets(id), seeds, progress);
                org.samizdat.archive.Torrent.Encoded encoded = t.encoded();
                putTarget(pub, listed, ReleaseTorrent.mirrorsPath(id), encoded.file(), ReleaseTorrent.custom(id, encoded.infoHashHex()));
                done.add(id);
            }
            if (!done.isEmpty()) {
                signMirrorsRole(pub, head, current, listed);
            }
            return done;
        }
    }

    /** A new mirrors role listing {@code listed}, then snapshot and timestamp. Returns the new snapshot version. */
    private long signMirrorsRole(FileStore pub, Head head, Targets current, Map<String, TargetFile> listed)
            throws IOException, TufException {
        Instant now = clock.instant();
        long v = current.version() + 1;
        Targets next = new Targets(v, now.plus(lifetimes.releases()), listed, Map.of(), List.of(), null);
        Map<String, MetaFile> meta = new TreeMap<>(head.snapshot().meta());
        meta.put(MIRRORS_ROLE + ".json", writeRole(pub, Metadata.sign(v + "." + MIRRORS_ROLE + ".json", next.toSigned(),
                List.of(keyring.load(MIRRORS_ROLE))), v));
        Snapshot snap = new Snapshot(head.snapshot().version() + 1, now.plus(lifetimes.snapshot()), meta);
        writeSnapshotAndTimestamp(pub, snap, head.timestamp().version(), keyring.load("snapshot"), keyring.load("timestamp"), now);
        return snap.version();
    }

    /**
     * Signs a new signed mirror list (docs/FORMAT.md section 6): the list as a target of a new
     * {@code mirrors} role (which keeps the torrents it lists), then snapshot and timestamp. Needs
     * the mirrors, snapshot and timestamp keys (a registry's). Returns the new snapshot version.
     */
    public long publishMirrorList(MirrorList list) throws IOException, TufException {
        try (Lock lock = Lock.take(dir)) {
            FileStore pub = dir.publicStore();
            Head head = Head.load(pub);
            // verified against the targets role before anything is signed over it
            Targets current = Targets.from(head.loadRole(MIRRORS_ROLE, head.targets().keysForChild(MIRRORS_ROLE),
                    head.targets().delegationKeys()));
            byte[] bytes = list.toBytes();
            String sha = Sha256.hex(bytes);
            pub.put(MirrorList.fileName(sha), bytes);
            Map<String, TargetFile> listed = new TreeMap<>(current.targets());
            listed.put(MirrorList.PATH, new TargetFile(bytes.length, sha, Map.of("kind", "mirror-list")));
            return signMirrorsRole(pub, head, current, listed);
        }
    }

    /** The signed mirror list of a public tree (verified against the mirrors role), or an empty one. */
    public static MirrorList mirrorList(FileStore store) throws IOException, TufException {
        return Catalog.open(store).mirrorList();
    }

    /** What a resign did: lines for the user, and warnings about roles it could not renew. */
    public record Resigned(List<String> renewed, List<String> warnings, long timestampVersion) {
    }

    /**
     * Renews signatures without a new release: a new timestamp always; the snapshot and any online
     * role within the last third of its lifetime; targets and root likewise when their offline keys
     * are present, otherwise a warning.
     */
    public Resigned resign() throws IOException, TufException {
        try (Lock lock = Lock.take(dir)) {
            return resignLocked(false);
        }
    }

    /**
     * Renews {@code timestamp.json} when it is in the last third of its lifetime, pinning the
     * snapshot already published; what a long-running origin calls on a schedule. Only the
     * timestamp key is loaded, so the internet-facing process holds no other key. Returns null
     * when nothing was due; warns when the snapshot itself needs {@code resign} soon.
     */
    public Resigned renewTimestampIfDue() throws IOException, TufException {
        try (Lock lock = Lock.take(dir)) {
            FileStore pub = dir.publicStore();
            Head head = Head.load(pub);
            Instant now = clock.instant();
            if (!due(head.timestamp().expires(), lifetimes.timestamp(), now)) {
                return null;
            }
            List<String> warnings = new ArrayList<>();
            if (due(head.snapshot().expires(), lifetimes.snapshot(), now)) {
                warnings.add("the snapshot expires " + head.snapshot().expires() + "; run samizdat resign " + dir.root()
                        + " where the snapshot key is (serve holds only the timestamp key)");
            }
            writeSnapshotAndTimestamp(pub, head.snapshot(), head.timestamp().version(), null, keyring.load("timestamp"), now);
            long v = head.timestamp().version() + 1;
            return new Resigned(List.of("timestamp (version " + v + ")"), warnings, v);
        }
    }

    /** As {@link #resign()}, but renews every role's signature whatever its expiry. */
    public Resigned resignAll() throws IOException, TufException {
        try (Lock lock = Lock.take(dir)) {
            return resignLocked(true);
        }
    }

    private Resigned resignLocked(boolean all) throws IOException, TufException {
        FileStore pub = dir.publicStore();
        Head head = Head.load(pub);
        Instant now = clock.instant();
        List<String> renewed = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, MetaFile> meta = new TreeMap<>(head.snapshot().meta());
        boolean snapshotChanged = false;

        Root root = head.root();
        if (all || due(root.expires(), lifetimes.root(), now)) {
            List<SigningKey> rootKeys = offlineKeys("root", root.role("root"));
            if (rootKeys.size() >= root.role("root").threshold()) {
                Root next = new Root(root.version() + 1, now.plus(lifetimes.root()), true, root.keys(), root.roles());
                // Spec root rotation: the new root is signed by the old and the new root keys (here the same keys).
                write(pub, Metadata.sign(next.version() + ".root.json", next.toSigned(), rootKeys));
                renewed.add("root (version " + next.version() + ")");
            } else {
                warnings.add("root expires " + root.expires() + "; give the offline keyring (--offline-keys DIR) with "
                        + root.role("root").threshold() + " root key(s) to renew it, or use samizdat keys renew");
            }
        }
        // Spec 5.6: every role is verified against the keys its delegator names before it is
        // re-signed, so nothing read back from public/ is signed unverified.
        Map<String, Metadata> dueRoles = head.verifiedRoles((name, role) -> all
                || due(role.expires(), name.equals("targets") ? lifetimes.targets() : lifetimes.releases(), now));
        for (Map.Entry<String, Metadata> e : dueRoles.entrySet()) {
            String role = e.getKey();
            Metadata m = e.getValue();
            long v = m.version();
            java.time.Duration lifetime = role.equals("targets") ? lifetimes.targets() : lifetimes.releases();
            List<SigningKey> signers;
            if (role.equals("targets")) {
                signers = offlineKeys("targets", root.role("targets"));
                if (signers.size() < root.role("targets").threshold()) {
                    warnings.add("targets expires " + m.expires() + "; give the offline keyring (--offline-keys DIR)"
                            + " to renew it");
                    continue;
                }
            } else {
                signers = List.of(keyring.load(role.equals(MIRRORS_ROLE) ? MIRRORS_ROLE : RELEASES_ROLE));
            }
            Map<String, Object> signed = new LinkedHashMap<>(m.signed());
            signed.put("version", v + 1);
            signed.put("expires", org.samizdat.tuf.TufTime.format(now.plus(lifetime)));
            meta.put(role + ".json", writeRole(pub, Metadata.sign((v + 1) + "." + role + ".json", signed, signers), v + 1));
            snapshotChanged = true;
            renewed.add(role + " (version " + (v + 1) + ")");
        }
        Snapshot snap = head.snapshot();
        SigningKey snapshotKey = null;
        if (snapshotChanged || all || due(snap.expires(), lifetimes.snapshot(), now)) {
            snap = new Snapshot(snap.version() + 1, now.plus(lifetimes.snapshot()), meta);
            snapshotKey = keyring.load("snapshot");
            renewed.add("snapshot (version " + snap.version() + ")");
        }
        writeSnapshotAndTimestamp(pub, snap, head.timestamp().version(), snapshotKey, keyring.load("timestamp"), now);
        renewed.add("timestamp (version " + (head.timestamp().version() + 1) + ")");
        return new Resigned(renewed, warnings, head.timestamp().version() + 1);
    }

    /** The offline keys of {@code role} at hand that {@code keys} lists (none without the offline keyring). */
    private List<SigningKey> offlineKeys(String role, RoleKeys keys) throws IOException {
        if (offline == null) {
            return List.of();
        }
        return offline.loadCurrent(role).stream().filter(k -> keys.keyids().contains(k.keyid())).toList();
    }

    static boolean due(Instant expires, java.time.Duration lifetime, Instant now) {
        return !now.plus(Lifetimes.renewWindow(lifetime)).isBefore(expires);
    }

    long writeSnapshotAndTimestamp(FileStore pub, Snapshot snap, long previousTimestamp, SigningKey snapshotKey,
                                           SigningKey timestampKey, Instant now) throws IOException {
        String snapFile = snap.version() + ".snapshot.json";
        byte[] snapBytes;
        long written = 0;
        if (snapshotKey != null) {
            Metadata snapMeta = Metadata.sign(snapFile, snap.toSigned(), List.of(snapshotKey));
            snapBytes = snapMeta.toBytes();
            written += write(pub, snapMeta);
        } else {
            snapBytes = pub.get(Head.META + snapFile).orElseThrow(() -> new IOException(snapFile + " is missing"));
        }
        Timestamp ts = new Timestamp(previousTimestamp + 1, now.plus(lifetimes.timestamp()),
                MetaFile.of(snap.version(), snapBytes.length, Sha256.hex(snapBytes)));
        written += write(pub, Metadata.sign("timestamp.json", ts.toSigned(), List.of(timestampKey)));
        State.record(dir, ts.version(), snap.version());
        return written;
    }

    /**
     * Writes a targets role and returns what the snapshot pins of it: its version, length and
     * sha256, so no upstream can pad or alter a role file that mirrors copy (docs/FORMAT.md 4).
     */
    static MetaFile writeRole(FileStore store, Metadata m, long version) throws IOException {
        byte[] bytes = m.toBytes();
        store.put(Head.META + m.file(), bytes);
        return MetaFile.of(version, bytes.length, Sha256.hex(bytes));
    }

    static long write(FileStore store, Metadata m) throws IOException {
        byte[] bytes = m.toBytes();
        store.put(Head.META + m.file(), bytes);
        return bytes.length;
    }

    /** Thrown when there is nothing to publish. */
    public static final class NothingStagedException extends IOException {
        NothingStagedException() {
            super("nothing is staged: add documents first with: samizdat add ARCHIVE PATH...");
        }
    }

    /** An exclusive lock on the archive for the duration of a publish or resign. */
    static final class Lock implements AutoCloseable {
        /**
         * Present while a writer holds the lock: one found by the next writer means the last was
         * killed, and only then is the public tree walked for the temporary files it left (a walk
         * of a 250,000-document tree took 4 of a release's 5 seconds when it ran every time).
         */
        static final String WRITING = "writing";
        private final FileChannel channel;
        private final FileLock lock;
        private final Path marker;

        private Lock(FileChannel channel, FileLock lock, Path marker) {
            this.channel = channel;
            this.lock = lock;
            this.marker = marker;
        }

        /** Cleans up after a killed writer if there was one, then marks this one as running, durably. */
        private void begin(ArchiveDir dir) throws IOException {
            if (Files.exists(marker)) {
                for (Path p : dir.publicStore().strayTemps()) {
                    Files.deleteIfExists(p);
                }
            }
            try (FileChannel m = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                m.force(true);
            }
            FileStore.syncDirectories(List.of(marker.getParent()));
        }

        /** How long a command waits for another one (a publish, the registry's signing) to finish. */
        static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

        static Lock take(ArchiveDir dir) throws IOException {
            Files.createDirectories(dir.privateDir());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                FileChannel ch = FileChannel.open(dir.privateDir().resolve("lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null; // held by this process (the registry signing beside a publish)
                }
                if (l != null) {
                    Lock taken = new Lock(ch, l, dir.privateDir().resolve(WRITING));
                    try {
                        taken.begin(dir);
                    } catch (IOException | RuntimeException e) {
                        l.release();
                        ch.close();
                        throw e;
                    }
                    return taken;
                }
                ch.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("another samizdat command has been publishing or signing " + dir.root() + " for "
                            + WAIT.toSeconds() + " s; try again when it ends");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for another command to finish with " + dir.root());
                }
            }
        }


        @Override
        public void close() throws IOException {
            try {
                Files.deleteIfExists(marker); // finished, or failed having removed its own temporary files
            } finally {
                lock.release();
                channel.close();
            }
        }
    }
}
