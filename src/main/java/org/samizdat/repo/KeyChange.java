package org.samizdat.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.TufException;
import org.samizdat.tuf.TufTime;

/**
 * The changes only the offline keys can sign: key rotations and withdrawals. A change is
 * proposed as unsigned metadata in {@code private/pending/}; signed at once when the offline
 * keyring is at hand, otherwise by {@code samizdat sign} on the offline machine; and imported:
 * verified against the archive's current root (spec 5.3.4 for a new root), then written in the
 * publisher's order with the online roles it affects re-signed, snapshot and timestamp last.
 */
public final class KeyChange {
    /** Where a proposed change waits for its offline signatures. */
    public static final String PENDING = "pending";
    private static final String WITHDRAWALS_FILE = "withdrawals.json";

    private final Publisher publisher;
    private final ArchiveDir dir;

    public KeyChange(Publisher publisher) {
        this.publisher = publisher;
        this.dir = publisher.dir();
    }

    /** What a change did: the unsigned files still waiting for offline signatures, and what was written. */
    public record Outcome(List<Path> pending, List<String> done) {
    }

    public Path pendingDir() {
        return dir.privateDir().resolve(PENDING);
    }

    /**
     * Proposes new keys for {@code roles}: online roles get a new key in the online keyring (in
     * force once imported); root and targets get theirs in the offline keyring when it is at hand,
     * else {@code newOfflineKeys} (public keys made offline with {@code samizdat keys generate}).
     * A root rotation makes {@code rootKeys} keys of which {@code rootThreshold} must sign.
     */
    public Outcome rotate(List<String> roles, List<Key> newOfflineKeys, int rootKeys, int rootThreshold)
            throws IOException, TufException {
        List<Path> files;
        try (Publisher.Lock lock = Publisher.Lock.take(dir)) {
            requireNoPending();
            Head head = Head.load(dir.publicStore());
            Root root = head.root();
            Targets targets = head.targets();
            Map<String, Key> keys = new LinkedHashMap<>(root.keys());
            Map<String, RoleKeys> roleKeys = new LinkedHashMap<>(root.roles());
            Map<String, Key> delegationKeys = new LinkedHashMap<>(targets.delegationKeys());
            List<Delegation> delegations = new ArrayList<>(targets.delegations());
            boolean rootChanged = false;
            boolean targetsChanged = false;
            List<Key> supplied = new ArrayList<>(newOfflineKeys);
            for (String role : roles) {
                switch (role) {
                    case "timestamp", "snapshot" -> {
                        SigningKey k = nextOnlineKey(role);
                        roleKeys.put(role, new RoleKeys(role, List.of(k.keyid()), 1));
                        keys.put(k.keyid(), k.key());
                        rootChanged = true;
                    }
                    case "root", "targets" -> {
                        int count = role.equals("root") ? rootKeys : 1;
                        int threshold = role.equals("root") ? rootThreshold : 1;
                        if (count < 1 || threshold < 1 || threshold > count) {
                            throw new IllegalArgumentException("the root threshold must be between 1 and the number of"
                                    + " root keys (" + count + ")");
                        }
                        List<Key> made = newOfflineKeys(role, count, supplied);
                        made.forEach(k -> keys.put(k.keyid(), k));
                        roleKeys.put(role, new RoleKeys(role, made.stream().map(Key::keyid).toList(), threshold));
                        rootChanged = true;
                        targetsChanged |= role.equals("targets"); // re-signed under its new key
                    }
                    case Publisher.RELEASES_ROLE, Publisher.MIRRORS_ROLE -> {
                        SigningKey k = nextOnlineKey(role);
                        for (int i = 0; i < delegations.size(); i++) {
                            Delegation d = delegations.get(i);
                            if (d.name().equals(role)) {
                                delegations.set(i, new Delegation(new RoleKeys(role, List.of(k.keyid()), 1),
                                        d.terminating(), d.paths(), d.pathHashPrefixes()));
                            }
                        }
                        delegationKeys.put(k.keyid(), k.key());
                        targetsChanged = true;
                    }
                    default -> throw new IllegalArgumentException("no such role: " + role
                            + " (rotate root, targets, snapshot, timestamp, releases or mirrors)");
                }
            }
            Set<String> inUse = new HashSet<>();
            roleKeys.values().forEach(r -> inUse.addAll(r.keyids()));
            keys.keySet().retainAll(inUse); // a retired key is no longer listed
            Set<String> delegated = new HashSet<>();
            delegations.forEach(d -> delegated.addAll(d.keys().keyids()));
            delegationKeys.keySet().retainAll(delegated);
            Instant now = publisher.clock().instant();
            files = new ArrayList<>();
            Files.createDirectories(pendingDir());
            if (rootChanged) {
                Root next = new Root(root.version() + 1, now.plus(publisher.lifetimes().root()), true, keys, roleKeys);
                files.add(writePending(next.version() + ".root.json", next.toSigned()));
            }
            if (targetsChanged) {
                Targets next = new Targets(targets.version() + 1, now.plus(publisher.lifetimes().targets()),
                        targets.targets(), delegationKeys, delegations, null);
                files.add(writePending(next.version() + ".targets.json", next.toSigned()));
            }
        }
        return signHereOrLeave(files);
    }

    /**
     * Proposes withdrawing the published document {@code path}: a new top-level targets role
     * listing a new {@code withdrawals.json} with the reason and today's date.
     */
    public Outcome withdraw(String path, String reason) throws IOException, TufException {
        List<Path> files;
        try (Publisher.Lock lock = Publisher.Lock.take(dir)) {
            requireNoPending();
            Head head = Head.load(dir.publicStore());
            Withdrawals current = withdrawals(dir.publicStore(), head.targets());
            if (current.contains(path)) {
                throw new IllegalArgumentException(path + " was already withdrawn on "
                        + TufTime.format(current.notices().get(path).date()));
            }
            if (head.verifiedRoles((name, role) -> role.targets().containsKey(path)).isEmpty()
                    && Catalog.open(dir.publicStore()).find(path).isEmpty()) { // a document of an opened sealed release is one too
                throw new IllegalArgumentException("no published release lists " + path
                        + " (give the document's path as its page shows it, for example r0001/cables/a.txt)");
            }
            Instant now = publisher.clock().instant();
            byte[] list = current.with(path, reason, now).toBytes();
            Files.createDirectories(pendingDir());
            new FileStore(pendingDir()).put(WITHDRAWALS_FILE, list);
            Targets t = head.targets();
            Map<String, TargetFile> listed = new TreeMap<>(t.targets());
            listed.put(Withdrawals.PATH, new TargetFile(list.length, Sha256.hex(list), Map.of("kind", "withdrawals")));
            Targets next = new Targets(t.version() + 1, now.plus(publisher.lifetimes().targets()), listed,
                    t.delegationKeys(), t.delegations(), t.succinct());
            files = List.of(writePending(next.version() + ".targets.json", next.toSigned()));
        }
        return signHereOrLeave(files);
    }

    /** The withdrawals the top-level targets role lists in {@code store}, checked against its signed hash. */
    public static Withdrawals withdrawals(FileStore store, Targets top) throws IOException, TufException {
        TargetFile listed = Withdrawals.listedIn(top);
        if (listed == null) {
            return Withdrawals.NONE;
        }
        byte[] bytes = store.get(Withdrawals.fileName(listed.sha256())).orElseThrow(() -> new TufException(
                Withdrawals.PATH, TufException.MISSING, "the targets role lists it but it is missing"));
        listed.verify(Withdrawals.PATH, bytes);
        return Withdrawals.parse(bytes);
    }

    private void requireNoPending() throws IOException {
        if (Files.isDirectory(pendingDir())) {
            try (var s = Files.list(pendingDir())) {
                if (s.findAny().isPresent()) {
                    throw new IOException("a change already waits for its offline signatures in " + pendingDir()
                            + ": sign and import it, or delete that directory to drop it");
                }
            }
        }
    }

    private Path writePending(String file, Map<String, Object> signed) throws IOException {
        new FileStore(pendingDir()).put(file, Metadata.sign(file, signed, List.of()).toBytes());
        return pendingDir().resolve(file);
    }

    /** With the offline keyring at hand, signs and imports at once; otherwise the files wait. */
    private Outcome signHereOrLeave(List<Path> files) throws IOException, TufException {
        Keyring offline = publisher.offline();
        if (offline == null) {
            return new Outcome(files, List.of());
        }
        for (Path f : files) {
            sign(f, offline);
        }
        return new Outcome(List.of(), importSigned(files));
    }

    /**
     * Signs a metadata file in place with every key of its role in {@code keyring} (the current
     * keys and a rotation's new ones, as a root rotation needs both); returns how many signed.
     * Only root and targets files are signed this way.
     */
    public static int sign(Path file, Keyring keyring) throws IOException, TufException {
        String type = typeOf(file);
        List<SigningKey> keys = keyring.loadAll(type);
        if (keys.isEmpty()) {
            throw new IOException("no " + type + " key in " + keyring.dir());
        }
        return sign(file, keys);
    }

    /** Signs a root or targets file in place with {@code signers} (hardware keys, say); returns how many signed. */
    public static int sign(Path file, List<? extends org.samizdat.tuf.Signer> signers) throws IOException, TufException {
        String name = file.getFileName().toString();
        typeOf(file);
        Metadata m = Metadata.parse(name, Files.readAllBytes(file), null);
        Metadata signed = m.withSignaturesOf(signers);
        new FileStore(file.toAbsolutePath().getParent()).put(name, signed.toBytes());
        return signed.signatures().size() - m.signatures().size();
    }

    private static String typeOf(Path file) throws IOException, TufException {
        String name = file.getFileName().toString();
        Metadata m = Metadata.parse(name, Files.readAllBytes(file), null);
        if (!m.type().equals("root") && !m.type().equals("targets")) {
            throw new TufException(name, "offline signing", "is a " + m.type() + " file; only root and targets are"
                    + " signed with the offline keys");
        }
        return m.type();
    }

    /**
     * Verifies signed root and targets files against the archive and writes them with what they
     * imply: the online roles re-signed under rotated keys, a new withdrawals list, snapshot and
     * timestamp. Online keys named by the new metadata are put in force; withdrawn documents
     * leave the public tree. Returns lines for the user.
     */
    public List<String> importSigned(List<Path> files) throws IOException, TufException {
        try (Publisher.Lock lock = Publisher.Lock.take(dir)) {
            return importLocked(files);
        }
    }

    private List<String> importLocked(List<Path> files) throws IOException, TufException {
        FileStore pub = dir.publicStore();
        Head head = Head.load(pub);
        Instant now = publisher.clock().instant();
        byte[] rootBytes = null;
        Root newRoot = null;
        byte[] targetsBytes = null;
        Metadata targetsMeta = null;
        for (Path f : files.stream().sorted((a, b) -> typeOrder(a) - typeOrder(b)).toList()) {
            String name = f.getFileName().toString();
            byte[] bytes = Files.readAllBytes(f);
            Metadata m = Metadata.parse(name, bytes, null);
            if (m.type().equals("root")) {
                String file = m.version() + ".root.json";
                if (m.version() != head.root().version() + 1) {
                    throw new TufException(name, "root version", "is version " + m.version() + "; the archive's root is "
                            + head.root().version() + ", so the next is " + (head.root().version() + 1));
                }
                TrustedSet chain = RootChain.trusted(pub, now, true);
                newRoot = chain.updateRoot(file, bytes); // 5.3.4: a threshold of the old and of the new root keys
                rootBytes = bytes;
            } else if (m.type().equals("targets")) {
                if (m.version() <= head.targets().version()) {
                    throw new TufException(name, "targets version", "is version " + m.version()
                            + ", not newer than the archive's " + head.targets().version());
                }
                Root r = newRoot != null ? newRoot : head.root();
                m.verifyThreshold(r.role("targets"), r.keys()); // 5.6.3, under the root in force after the import
                targetsMeta = Metadata.parse(m.version() + ".targets.json", bytes, "targets");
                targetsBytes = bytes;
            } else {
                throw new TufException(name, "offline signing", "only root and targets files are imported");
            }
        }
        requireEveryPendingFile(files);
        Root root = newRoot != null ? newRoot : head.root();
        Targets targets = targetsMeta != null ? Targets.from(targetsMeta) : head.targets();
        if (targetsMeta == null) {
            // a new root that moves the targets role to other keys needs the targets role re-signed with them
            Metadata current = head.loadRole("targets", root.role("targets"), root.keys());
            targets = Targets.from(current);
        }
        List<String> done = new ArrayList<>();
        Map<String, MetaFile> meta = new TreeMap<>(head.snapshot().meta());

        // 1. a new withdrawals list, as a target file, before any metadata names it
        TargetFile list = Withdrawals.listedIn(targets);
        if (list != null && !pub.exists(Withdrawals.fileName(list.sha256()))) {
            byte[] bytes = new FileStore(pendingDir()).get(WITHDRAWALS_FILE).orElseThrow(() -> new IOException(
                    "the targets role lists a new " + Withdrawals.PATH + " but " + pendingDir().resolve(WITHDRAWALS_FILE)
                            + " is not here; withdraw on this archive, sign the pending file and import it"));
            list.verify(Withdrawals.PATH, bytes);
            Withdrawals.parse(bytes);
            pub.put(Withdrawals.fileName(list.sha256()), bytes);
        }

        // 2. the online roles under rotated delegation keys, each verified before it is re-signed
        Map<String, SigningKey> delegated = new LinkedHashMap<>();
        for (String role : List.of(Publisher.RELEASES_ROLE, Publisher.MIRRORS_ROLE)) {
            RoleKeys before = head.targets().keysForChild(role);
            RoleKeys after = targets.keysForChild(role);
            if (after != null && (before == null || !Set.copyOf(before.keyids()).equals(Set.copyOf(after.keyids())))) {
                delegated.put(role, onlineKey(role, after));
            }
        }
        if (!delegated.isEmpty()) {
            Map<String, Metadata> graph = head.verifiedRoles((name, role) -> !name.equals("targets")
                    && delegated.containsKey(name.equals(Publisher.MIRRORS_ROLE) ? Publisher.MIRRORS_ROLE : Publisher.RELEASES_ROLE));
            for (Map.Entry<String, Metadata> e : graph.entrySet()) {
                String name = e.getKey();
                SigningKey key = delegated.get(name.equals(Publisher.MIRRORS_ROLE) ? Publisher.MIRRORS_ROLE : Publisher.RELEASES_ROLE);
                Map<String, Object> signed = rekeyed(e.getValue().signed(), key);
                long v = e.getValue().version() + 1;
                signed.put("version", v);
                signed.put("expires", TufTime.format(now.plus(publisher.lifetimes().releases())));
                meta.put(name + ".json", Publisher.writeRole(pub, Metadata.sign(v + "." + name + ".json", signed,
                        List.of(key)), v));
            }
            delegated.forEach((role, key) -> done.add(role + ": re-signed under the new key " + key.keyid().substring(0, 16)));
            done.add(graph.size() + " role file(s) re-signed");
        }

        // 3. root, 4. targets
        if (rootBytes != null) {
            pub.put(Head.META + root.version() + ".root.json", rootBytes);
            done.add("root version " + root.version());
        }
        if (targetsBytes != null) {
            pub.put(Head.META + targetsMeta.version() + ".targets.json", targetsBytes);
            meta.put("targets.json", MetaFile.of(targetsMeta.version(), targetsBytes.length, Sha256.hex(targetsBytes)));
            done.add("targets version " + targetsMeta.version());
        }

        // 5. snapshot, then the timestamp last, with the keys the root now names
        Snapshot snap = new Snapshot(head.snapshot().version() + 1, now.plus(publisher.lifetimes().snapshot()), meta);
        publisher.writeSnapshotAndTimestamp(pub, snap, head.timestamp().version(),
                onlineKey("snapshot", root.role("snapshot")), onlineKey("timestamp", root.role("timestamp")), now);
        done.add("snapshot version " + snap.version() + ", timestamp version " + (head.timestamp().version() + 1));

        // 6. the rotated keys are now the ones in force
        for (String role : Keyring.ONLINE) {
            if (publisher.online().hasNext(role) && inForce(publisher.online(), role, root, targets)) {
                publisher.online().promote(role);
                done.add(role + " key rotated (the old one kept in " + publisher.online().dir().resolve("retired") + ")");
            }
        }
        Keyring offline = publisher.offline();
        if (offline != null) {
            for (String role : Keyring.OFFLINE) {
                if (offline.hasNext(role) && inForce(offline, role, root, targets)) {
                    offline.promote(role);
                    done.add(role + " key rotated in the offline keyring");
                }
            }
        }

        // 7. withdrawn documents leave this tree
        int removed = removeWithdrawn(pub, withdrawals(pub, targets));
        if (removed > 0) {
            done.add(removed + " withdrawn document(s) removed from the public tree");
        }
        clearPending();
        return done;
    }

    private static int typeOrder(Path f) {
        return f.getFileName().toString().endsWith(".root.json") ? 0 : 1;
    }

    private void requireEveryPendingFile(List<Path> files) throws IOException {
        if (!Files.isDirectory(pendingDir())) {
            return;
        }
        Set<String> given = new HashSet<>();
        files.forEach(f -> given.add(f.getFileName().toString()));
        try (var s = Files.list(pendingDir())) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".root.json") || n.endsWith(".targets.json")) {
                    if (!given.contains(n)) {
                        throw new IOException("the pending change also needs " + n + " signed and imported with the rest");
                    }
                }
            }
        }
    }

    private void clearPending() throws IOException {
        if (Files.isDirectory(pendingDir())) {
            try (var s = Files.list(pendingDir())) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(pendingDir());
        }
    }

    /** A rotation's new key of an online role: made now, or the one an earlier unfinished proposal made. */
    private SigningKey nextOnlineKey(String role) throws IOException {
        Keyring online = publisher.online();
        if (online.hasNext(role)) {
            Set<String> current = new HashSet<>();
            online.loadCurrent(role).forEach(k -> current.add(k.keyid()));
            for (SigningKey k : online.loadAll(role)) {
                if (!current.contains(k.keyid())) {
                    return k;
                }
            }
        }
        return online.add(role, Keyring.NEXT);
    }

    private List<Key> newOfflineKeys(String role, int count, List<Key> supplied) throws IOException {
        Keyring offline = publisher.offline();
        List<Key> made = new ArrayList<>();
        if (offline != null) {
            for (int i = 1; i <= count; i++) {
                made.add(offline.add(role, Keyring.NEXT + (i == 1 ? "" : "." + i)).key());
            }
            return made;
        }
        if (supplied.size() < count) {
            throw new IllegalArgumentException("rotating the " + role + " key needs the offline keyring (--offline-keys DIR)"
                    + " or " + count + " new public key(s) made on the offline machine with `samizdat keys generate "
                    + role + "` (--new-key FILE)");
        }
        for (int i = 0; i < count; i++) {
            made.add(supplied.remove(0));
        }
        return made;
    }

    /** The online key of {@code role} that {@code keys} names, current or a rotation's new one. */
    private SigningKey onlineKey(String role, RoleKeys keys) throws IOException {
        for (SigningKey k : publisher.online().loadAll(role)) {
            if (keys.keyids().contains(k.keyid())) {
                return k;
            }
        }
        throw new IOException("the " + role + " key the archive's metadata names is not in " + publisher.online().dir());
    }

    private static boolean inForce(Keyring keyring, String role, Root root, Targets targets) throws IOException {
        RoleKeys named = root.roles().containsKey(role) ? root.role(role) : targets.keysForChild(role);
        if (named == null) {
            return false;
        }
        Set<String> current = new HashSet<>();
        keyring.loadCurrent(role).forEach(k -> current.add(k.keyid()));
        for (SigningKey k : keyring.loadAll(role)) {
            if (!current.contains(k.keyid()) && named.keyids().contains(k.keyid())) {
                return true;
            }
        }
        return false;
    }

    /** A role's signed part with every key it delegates with replaced by {@code key} (a releases key rotation). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> rekeyed(Map<String, Object> signed, SigningKey key) {
        Map<String, Object> s = new LinkedHashMap<>(signed);
        if (s.get("delegations") instanceof Map<?, ?> d) {
            Map<String, Object> del = new LinkedHashMap<>((Map<String, Object>) d);
            del.put("keys", new LinkedHashMap<>(Map.of(key.keyid(), key.key().toJson())));
            if (del.get("roles") instanceof List<?> roles) {
                List<Object> next = new ArrayList<>();
                for (Object o : roles) {
                    Map<String, Object> r = new LinkedHashMap<>((Map<String, Object>) o);
                    r.put("keyids", List.of(key.keyid()));
                    r.put("threshold", 1L);
                    next.add(r);
                }
                del.put("roles", next);
            }
            if (del.get("succinct_roles") instanceof Map<?, ?> succinct) {
                Map<String, Object> next = new LinkedHashMap<>((Map<String, Object>) succinct);
                next.put("keyids", List.of(key.keyid()));
                next.put("threshold", 1L);
                del.put("succinct_roles", next);
            }
            s.put("delegations", del);
        }
        return s;
    }

    /** Deletes each withdrawn document's file from a public tree; returns how many were there. */
    public static int removeWithdrawn(FileStore pub, Withdrawals withdrawn) throws IOException, TufException {
        if (withdrawn.notices().isEmpty()) {
            return 0;
        }
        Head head = Head.load(pub);
        Map<String, String> hashes = new TreeMap<>();
        head.verifiedRoles((name, role) -> {
            role.targets().forEach((path, t) -> {
                if (withdrawn.contains(path)) {
                    hashes.put(path, t.sha256());
                }
            });
            return false;
        });
        // documents of sealed releases this node opened are withdrawn alike (docs/FORMAT.md section 6)
        Catalog catalog = Catalog.open(pub);
        for (String id : catalog.releaseIds()) {
            for (SealedManifest.Document d : catalog.opened(id).map(SealedManifest::documents).orElse(java.util.List.of())) {
                if (withdrawn.contains(d.path())) {
                    hashes.put(d.path(), d.sha256());
                }
            }
        }
        int removed = 0;
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            String file = "targets/" + new TargetPath(e.getKey()).hashedName(e.getValue());
            if (pub.exists(file)) {
                pub.delete(file);
                removed++;
            }
        }
        return removed;
    }
}
