package org.samizdat.repo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.RoleKeys;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TufException;

/**
 * The documents of the version a node serves, read release by release from its signed metadata:
 * the top of the archive ({@link Head}) is verified when the catalog opens, each release role and
 * its bins when first asked for. Readers' pages and the search index list documents only through
 * this, so a document appears only if the signed metadata of the served version names it. Only
 * release summaries and role files are kept; documents are listed per release on demand, so a
 * large archive does not sit in memory.
 */
public final class Catalog {
    private final FileStore store;
    private final Head head;
    private final Targets releases;
    private final Map<String, ReleaseInfo> infos = new ConcurrentHashMap<>();
    private final Map<String, Targets> roles = new ConcurrentHashMap<>();
    /** The last two releases whose documents were listed: a reader paging through one reuses it. */
    private final Map<String, Release> recent = new java.util.LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Release> eldest) {
            return size() > 2;
        }
    };

    /** One document: its target path, signed length and hash, metadata and release. */
    public record Entry(String path, TargetFile file, DocumentMeta meta, String release) {
        /** The consistent-snapshot file name under {@code targets/}. */
        public String storedName() {
            return new TargetPath(path).hashedName(file.sha256());
        }
    }

    /** One release: what its manifest says, and its documents in path order (the manifest excluded). */
    public record Release(ReleaseInfo info, long roleVersion, List<Entry> documents, List<Entry> withdrawn) {
    }

    private Catalog(FileStore store, Head head, Targets releases) {
        this.store = store;
        this.head = head;
        this.releases = releases;
    }

    private volatile Withdrawals withdrawals;

    public static Catalog open(FileStore store) throws IOException, TufException {
        Head head = Head.load(store);
        Targets releases = Targets.from(head.loadRole(Publisher.RELEASES_ROLE,
                head.targets().keysForChild(Publisher.RELEASES_ROLE), head.targets().delegationKeys()));
        return new Catalog(store, head, releases);
    }

    /** The snapshot version this catalog reads. */
    public long version() {
        return head.snapshot().version();
    }

    public Head head() {
        return head;
    }

    /** The sha256 of {@code 1.root.json}: what mirrors and readers pin. */
    public String rootFingerprint() throws IOException {
        return Sha256.hex(store.get(Head.META + "1.root.json").orElseThrow(() -> new IOException("1.root.json is missing")));
    }

    /** Release ids, oldest first. */
    public List<String> releaseIds() {
        return releases.childNames();
    }

    /** What a release's manifest says, without loading all its documents. */
    public ReleaseInfo info(String id) throws IOException, TufException {
        ReleaseInfo cached = infos.get(id);
        if (cached != null) {
            return cached;
        }
        String manifestPath = id + "/" + Intake.RELEASE_MANIFEST;
        ReleaseInfo info = info(id, lookup(id, manifestPath));
        infos.put(id, info);
        return info;
    }

    /** A release's documents in path order (the manifest and torrent excluded), verified against the served snapshot. */
    public Release release(String id) throws IOException, TufException {
        synchronized (recent) {
            Release r = recent.get(id);
            if (r != null) {
                return r;
            }
        }
        Map<String, Entry> docs = new java.util.TreeMap<>();
        Map<String, Entry> gone = new java.util.TreeMap<>();
        long version = eachPart(id, (part, withdrawn) -> {
            part.forEach(e -> docs.put(e.path(), e));
            withdrawn.forEach(e -> gone.put(e.path(), e));
        });
        Release r = new Release(info(id), version, List.copyOf(docs.values()), List.copyOf(gone.values()));
        synchronized (recent) {
            recent.put(id, r);
        }
        return r;
    }

    /** Receives a release's documents one part at a time: those listed and those withdrawn. */
    @FunctionalInterface
    public interface PartSink {
        void accept(List<Entry> documents, List<Entry> withdrawn) throws IOException;
    }

    /**
     * A release's documents part by part, each in path order and verified as {@link #release}
     * (which collects them) verifies them: those its role lists, then each bin's, then those of a
     * sealed release this node opened. A caller can go through a release of any size holding one
     * bin of it at a time (the search index builds so within a small heap). Returns the role's version.
     */
    public long eachPart(String id, PartSink sink) throws IOException, TufException {
        Targets role = role(id);
        Withdrawals withdrawn = withdrawals();
        boolean sealed = part(id, role.targets(), withdrawn, sink);
        if (role.succinct() != null) {
            for (String bin : role.succinct().allBinNames()) {
                sealed |= part(id, bin(role, bin).targets(), withdrawn, sink);
            }
        }
        // a sealed release lists its documents once this node has opened it, from the committed manifest
        Optional<SealedManifest> opened = sealed ? opened(id) : Optional.empty();
        if (opened.isPresent()) {
            Map<String, TargetFile> listed = new java.util.TreeMap<>();
            opened.get().documents().forEach(d -> listed.put(d.path(), d.target()));
            part(id, listed, withdrawn, sink);
        }
        return role.version();
    }

    /** One part's documents to the sink; whether the part lists the release's sealed ciphertext. */
    private static boolean part(String id, Map<String, TargetFile> targets, Withdrawals withdrawn, PartSink sink) throws IOException {
        List<Entry> docs = new ArrayList<>(targets.size());
        List<Entry> gone = new ArrayList<>();
        for (Map.Entry<String, TargetFile> e : new java.util.TreeMap<>(targets).entrySet()) {
            if (!ReleaseInfo.isReleaseFile(e.getKey())) {
                (withdrawn.contains(e.getKey()) ? gone : docs).add(entry(e.getKey(), e.getValue(), id));
            }
        }
        sink.accept(docs, gone);
        return SealedRelease.of(id, targets).isPresent();
    }

    /**
     * A key that changes whenever the documents {@link #release} lists could: the versions and
     * pinned sha256 of the release's role and bins in the served snapshot (consistent-snapshot
     * files never change under their names), the withdrawals list, and whether this node opened
     * it. Read from the snapshot and the role alone, so a caller that only needs to know whether a
     * release changed (the search index, at every new version) does not parse every document's
     * metadata.
     */
    public String contentKey(String id) throws IOException, TufException {
        StringBuilder sb = new StringBuilder(id);
        Map<String, org.samizdat.tuf.MetaFile> meta = head.snapshot().meta();
        Targets role = role(id);
        List<String> files = new ArrayList<>(List.of(id));
        if (role.succinct() != null) {
            files.addAll(role.succinct().allBinNames());
        }
        for (String f : files) {
            org.samizdat.tuf.MetaFile m = meta.get(f + ".json");
            sb.append(' ').append(f).append('=').append(m == null ? "?" : m.version() + "/" + m.sha256());
        }
        TargetFile list = head.targets().targets().get(Withdrawals.PATH);
        sb.append(" withdrawals=").append(list == null ? "none" : list.sha256());
        if (sealed(id).isPresent()) {
            sb.append(" opened=").append(opened(id).isPresent());
        }
        return Sha256.hex(sb.toString());
    }

    /**
     * Every target of a release, verified, in path order: its documents (withdrawn ones too), its
     * manifest and its torrent when the release's own role lists one.
     */
    public java.util.SortedMap<String, TargetFile> targets(String id) throws IOException, TufException {
        return targets(role(id));
    }

    private java.util.SortedMap<String, TargetFile> targets(Targets role) throws IOException, TufException {
        java.util.SortedMap<String, TargetFile> all = new java.util.TreeMap<>(role.targets());
        if (role.succinct() != null) {
            for (String bin : role.succinct().allBinNames()) {
                all.putAll(bin(role, bin).targets());
            }
        }
        return all;
    }

    /**
     * A release's torrent target: {@code rNNNN/_release.torrent} in the release's role, or, for a
     * release published before torrents, {@code mirrors/rNNNN.torrent} in the mirrors role.
     */
    public Optional<Entry> torrent(String id) throws IOException, TufException {
        String path = ReleaseTorrent.path(id);
        TargetFile f = lookup(id, path);
        if (f == null) {
            Targets mirrors = mirrorsRole();
            path = ReleaseTorrent.mirrorsPath(id);
            f = mirrors == null ? null : mirrors.targets().get(path);
        }
        return f == null ? Optional.empty() : Optional.of(new Entry(path, f, DocumentMeta.empty(""), id));
    }

    /**
     * The stored file name of a release's target that a web seed may serve: a document that was
     * not withdrawn, or the manifest (the torrent's files); never the torrent itself. Each
     * release's answers are indexed once (path to sha256) for the two releases asked for last, so
     * a client's thousands of requests do not each re-read and re-verify the release's role.
     */
    public Optional<String> seedable(String path) throws IOException, TufException {
        int slash = path.indexOf('/');
        if (slash <= 0 || releases.keysForChild(path.substring(0, slash)) == null || ReleaseTorrent.isTorrent(path)) {
            return Optional.empty();
        }
        String id = path.substring(0, slash);
        Map<String, byte[]> index;
        synchronized (seedIndexes) {
            index = seedIndexes.get(id);
        }
        if (index == null) {
            index = seedIndex(id);
        }
        byte[] sha = index.get(path);
        return sha == null ? Optional.empty()
                : Optional.of(new TargetPath(path).hashedName(org.samizdat.archive.Hex.encode(sha)));
    }

    /** One release's seedable paths to their sha256, built by one thread while others wait for it. */
    private Map<String, byte[]> seedIndex(String id) throws IOException, TufException {
        synchronized (seedIndexes) {
            Map<String, byte[]> index = seedIndexes.get(id);
            if (index != null) {
                return index;
            }
            Map<String, byte[]> built = new java.util.HashMap<>();
            Withdrawals withdrawn = withdrawals();
            for (Map.Entry<String, TargetFile> e : targets(id).entrySet()) {
                if (!ReleaseTorrent.isTorrent(e.getKey()) && !withdrawn.contains(e.getKey())) {
                    built.put(e.getKey(), org.samizdat.archive.Hex.decode(e.getValue().sha256()));
                }
            }
            seedIndexes.put(id, built);
            return built;
        }
    }

    private final Map<String, Map<String, byte[]>> seedIndexes = new java.util.LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, byte[]>> eldest) {
            return size() > 2;
        }
    };

    private volatile Optional<Targets> mirrors;

    /** The mirrors role of this version, verified against the targets role, or null when none is delegated. */
    private Targets mirrorsRole() throws IOException, TufException {
        Optional<Targets> m = mirrors;
        if (m == null) {
            RoleKeys keys = head.targets().keysForChild(Publisher.MIRRORS_ROLE);
            m = keys == null ? Optional.empty() : Optional.of(Targets.from(
                    head.loadRole(Publisher.MIRRORS_ROLE, keys, head.targets().delegationKeys())));
            mirrors = m;
        }
        return m.orElse(null);
    }

    /** The signed mirror list this version carries (verified against the mirrors role), or an empty one. */
    public MirrorList mirrorList() throws IOException, TufException {
        MirrorList l = mirrorList;
        if (l == null) {
            Targets role = mirrorsRole();
            TargetFile listed = role == null ? null : MirrorList.listedIn(role);
            if (listed == null) {
                l = MirrorList.EMPTY;
            } else {
                byte[] bytes = store.get(MirrorList.fileName(listed.sha256())).orElseThrow(() -> new TufException(
                        MirrorList.PATH, TufException.MISSING, "the mirrors role lists it but it is missing"));
                listed.verify(MirrorList.PATH, bytes);
                l = MirrorList.parse(bytes);
            }
            mirrorList = l;
        }
        return l;
    }

    private volatile MirrorList mirrorList;

    /** The documents the publisher withdrew (signed by the targets key), checked against the signed hash. */
    public Withdrawals withdrawals() throws IOException, TufException {
        Withdrawals w = withdrawals;
        if (w == null) {
            w = KeyChange.withdrawals(store, head.targets());
            withdrawals = w;
        }
        return w;
    }

    /** The entry for a target path, reading only the role (and bin) that must list it. */
    public Optional<Entry> find(String path) throws IOException, TufException {
        int slash = path.indexOf('/');
        if (slash <= 0 || releases.keysForChild(path.substring(0, slash)) == null || ReleaseInfo.isReleaseFile(path)) {
            return Optional.empty();
        }
        String id = path.substring(0, slash);
        TargetFile f = lookup(id, path);
        if (f == null) {
            f = opened(id).flatMap(m -> m.find(path)).map(SealedManifest.Document::target).orElse(null);
        }
        return f == null ? Optional.empty() : Optional.of(entry(path, f, id));
    }

    /** The release's ciphertext and commitments when it is sealed (whether or not this node opened it). */
    public Optional<SealedRelease> sealed(String id) throws IOException, TufException {
        TargetFile f = lookup(id, SealedRelease.ciphertextPath(id));
        if (f == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SealedRelease.from(id, f));
        } catch (IllegalArgumentException malformed) {
            throw new TufException(id + ".json", "sealed release", malformed.getMessage());
        }
    }

    /**
     * The committed manifest of a sealed release this node has opened: its key is stored under the
     * committed hash and hashes to it, and the stored manifest hashes to its commitment. Empty when
     * the release is not sealed or not opened here.
     */
    public Optional<SealedManifest> opened(String id) throws IOException, TufException {
        Optional<SealedManifest> cached = openedManifests.get(id);
        if (cached != null) {
            return cached;
        }
        Optional<SealedManifest> m = Optional.empty();
        Optional<SealedRelease> sealed = sealed(id);
        if (sealed.isPresent()) {
            SealedRelease s = sealed.get();
            Optional<byte[]> key = store.get(s.keyName());
            Optional<byte[]> manifest = key.isPresent() && s.opensWith(new String(key.get(), java.nio.charset.StandardCharsets.US_ASCII))
                    ? store.get(s.manifestName()) : Optional.empty();
            if (manifest.isPresent()) {
                try {
                    m = Optional.of(s.manifest(manifest.get()));
                } catch (IllegalArgumentException malformed) {
                    throw new TufException(s.manifestName(), "sealed manifest", malformed.getMessage());
                }
            }
        }
        openedManifests.put(id, m);
        return m;
    }

    private final Map<String, Optional<SealedManifest>> openedManifests = new ConcurrentHashMap<>();

    private TargetFile lookup(String id, String path) throws IOException, TufException {
        Targets role = role(id);
        TargetFile f = role.targets().get(path);
        if (f == null && role.succinct() != null) {
            f = bin(role, role.succinct().binFor(path)).targets().get(path);
        }
        return f;
    }

    private Targets role(String id) throws IOException, TufException {
        Targets cached = roles.get(id);
        if (cached != null) {
            return cached;
        }
        if (releases.keysForChild(id) == null) {
            throw new TufException(Publisher.RELEASES_ROLE + ".json", "delegation", "no release " + id);
        }
        Targets role = Targets.from(head.loadRole(id, releases.keysForChild(id),
                releases.delegationKeys()));
        if (role.succinct() != null) {
            roles.put(id, role); // a binned role is small; a flat one lists every document, so it is reread
        }
        return role;
    }

    private Targets bin(Targets role, String bin) throws IOException, TufException {
        return Targets.from(head.loadRole(bin, role.succinct().keysFor(bin), role.delegationKeys()));
    }

    private static Entry entry(String path, TargetFile f, String release) {
        DocumentMeta meta;
        try {
            meta = DocumentMeta.fromCustom(f.custom() == null ? Map.of() : f.custom());
        } catch (IllegalArgumentException bad) {
            meta = DocumentMeta.empty("");
        }
        return new Entry(path, f, meta, release);
    }

    /** The document's bytes, checked against its signed length and sha256; empty if absent or wrong. */
    public Optional<byte[]> read(Entry e) throws IOException {
        Optional<byte[]> bytes = store.get("targets/" + e.storedName());
        if (bytes.isEmpty() || bytes.get().length != e.file().length()
                || !Sha256.hex(bytes.get()).equals(e.file().sha256())) {
            return Optional.empty();
        }
        return bytes;
    }

    private ReleaseInfo info(String id, TargetFile manifest) throws IOException, TufException {
        if (manifest != null) {
            String path = id + "/" + Intake.RELEASE_MANIFEST;
            Optional<byte[]> bytes = read(new Entry(path, manifest, DocumentMeta.empty(""), id));
            if (bytes.isPresent()) {
                try {
                    Map<String, Object> j = Json.parseObject(bytes.get());
                    if (Boolean.TRUE.equals(j.get("sealed"))) {
                        Optional<SealedManifest> opened = opened(id);
                        return new ReleaseInfo(id, String.valueOf(j.getOrDefault("title", id)),
                                String.valueOf(j.getOrDefault("published", "")),
                                opened.map(o -> (long) o.documents().size()).orElse(0L),
                                opened.isPresent() ? ReleaseInfo.Seal.OPENED : ReleaseInfo.Seal.SEALED);
                    }
                    return new ReleaseInfo(id, String.valueOf(j.getOrDefault("title", id)),
                            String.valueOf(j.getOrDefault("published", "")), j.get("documents") instanceof Long n ? n : 0,
                            ReleaseInfo.Seal.NONE);
                } catch (IllegalArgumentException unreadable) {
                    // fall through: a release without a readable manifest still lists its documents
                }
            }
        }
        return new ReleaseInfo(id, id, "", 0, ReleaseInfo.Seal.NONE);
    }
}
