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
import org.samizdat.store.Store;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TufException;

/**
 * The documents of the version a node serves, read release by release from its signed metadata:
 * the top of the archive ({@link Head}) is verified when the catalog opens, each release role and
 * its bins when first asked for. Readers' pages and the search index list documents only through
 * this, so a document appears only if the signed metadata of the served version names it.
 */
public final class Catalog {
    private final Store store;
    private final Head head;
    private final Targets releases;
    private final Map<String, Release> loaded = new ConcurrentHashMap<>();

    /** One document: its target path, signed length and hash, metadata and release. */
    public record Entry(String path, TargetFile file, DocumentMeta meta, String release) {
        /** The consistent-snapshot file name under {@code targets/}. */
        public String storedName() {
            return new TargetPath(path).hashedName(file.sha256());
        }
    }

    /** One release: what its manifest says, and its documents in path order (the manifest excluded). */
    public record Release(ReleaseInfo info, long roleVersion, List<Entry> documents) {
    }

    private Catalog(Store store, Head head, Targets releases) {
        this.store = store;
        this.head = head;
        this.releases = releases;
    }

    public static Catalog open(Store store) throws IOException, TufException {
        Head head = Head.load(store);
        Targets releases = Targets.from(Head.loadRole(store, head.snapshot(), Publisher.RELEASES_ROLE,
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

    /** A release's documents, verified against the served snapshot on first use. */
    public Release release(String id) throws IOException, TufException {
        Release cached = loaded.get(id);
        if (cached != null) {
            return cached;
        }
        if (releases.keysForChild(id) == null) {
            throw new TufException(Publisher.RELEASES_ROLE + ".json", "delegation", "no release " + id);
        }
        Metadata m = Head.loadRole(store, head.snapshot(), id, releases.keysForChild(id), releases.delegationKeys());
        Targets role = Targets.from(m);
        List<Entry> docs = new ArrayList<>();
        TargetFile manifest = null;
        List<Map.Entry<String, TargetFile>> all = new ArrayList<>(role.targets().entrySet());
        if (role.succinct() != null) {
            for (String bin : role.succinct().allBinNames()) {
                all.addAll(Targets.from(Head.loadRole(store, head.snapshot(), bin, role.succinct().keysFor(bin),
                        role.delegationKeys())).targets().entrySet());
            }
        }
        all.sort(Map.Entry.comparingByKey());
        String manifestPath = id + "/" + Intake.RELEASE_MANIFEST;
        for (Map.Entry<String, TargetFile> e : all) {
            if (e.getKey().equals(manifestPath)) {
                manifest = e.getValue();
                continue;
            }
            Map<String, Object> custom = e.getValue().custom() == null ? Map.of() : e.getValue().custom();
            DocumentMeta meta;
            try {
                meta = DocumentMeta.fromCustom(custom);
            } catch (IllegalArgumentException bad) {
                meta = DocumentMeta.empty("");
            }
            docs.add(new Entry(e.getKey(), e.getValue(), meta, id));
        }
        Release r = new Release(info(id, manifest, docs.size()), m.version(), List.copyOf(docs));
        loaded.put(id, r);
        return r;
    }

    /** The entry for a target path, looking only in the release its first segment names. */
    public Optional<Entry> find(String path) throws IOException, TufException {
        int slash = path.indexOf('/');
        if (slash <= 0 || releases.keysForChild(path.substring(0, slash)) == null) {
            return Optional.empty();
        }
        for (Entry e : release(path.substring(0, slash)).documents()) {
            if (e.path().equals(path)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
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

    private ReleaseInfo info(String id, TargetFile manifest, int documents) throws IOException {
        if (manifest != null) {
            String path = id + "/" + Intake.RELEASE_MANIFEST;
            Optional<byte[]> bytes = read(new Entry(path, manifest, DocumentMeta.empty(""), id));
            if (bytes.isPresent()) {
                try {
                    Map<String, Object> j = Json.parseObject(bytes.get());
                    return new ReleaseInfo(id, String.valueOf(j.getOrDefault("title", id)),
                            String.valueOf(j.getOrDefault("published", "")), documents);
                } catch (IllegalArgumentException unreadable) {
                    // fall through: a release without a readable manifest still lists its documents
                }
            }
        }
        return new ReleaseInfo(id, id, "", documents);
    }
}
