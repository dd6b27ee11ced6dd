package org.samizdat.tuf;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata a client trusts during one update, and the checks of the TUF client workflow (spec
 * 5.2-5.6) that admit new metadata into it: the one place where each of those rules is enforced
 * for every client of this project ({@code mirror}, {@code check}, {@code fetch}, {@code
 * tuf-client}, and the publisher reading its own tree back). {@link RoleWalk} walks the whole
 * delegation graph through {@link #verifyTargets}. It works on bytes and the update's start time, handed
 * in (spec 5.1); fetching and persisting are the caller's. Each update method either admits the
 * file or throws, naming the file and the rule; what was admitted before stays trusted.
 *
 * <p>As the spec's rollback checks require, a timestamp or snapshot from the client's own earlier
 * state may be admitted and then found expired or superseded: it stays as the reference that the
 * newly downloaded one must not roll back from, and the check that failed is reported.
 */
public final class TrustedSet {
    /** What expired metadata does to an update. */
    public enum Expiry {
        /** Spec 5.3.10, 5.4.4, 5.5.6, 5.6.5: expired metadata is refused (a freeze attack). */
        ENFORCE,
        /**
         * Archive mode, for a reader whose publisher has gone silent: an expired timestamp, snapshot
         * or targets role is admitted with a warning; an expired root still is not, so the root's
         * lifetime stays the outer bound on how stale a client may be made to go.
         */
        ARCHIVE,
        /** Everything admitted, expiry only reported: a publisher reading its own tree, {@code check}. */
        REPORT
    }

    private final Instant now;
    private final Expiry expiry;
    /** Archive mode's warnings, by the role whose final file expired (a superseded file's warning goes with it). */
    private final Map<String, String> warnings = new java.util.LinkedHashMap<>();
    private Root root;
    private Metadata timestampMeta;
    private Timestamp timestamp;
    private Metadata snapshotMeta;
    private Snapshot snapshot;
    private final Map<String, Targets> targets = new HashMap<>();
    /** The verified metadata of each admitted targets role, to check it again when another delegator reaches it. */
    private final Map<String, Metadata> targetsMeta = new HashMap<>();

    /**
     * Spec 5.2: the trusted root, which must be signed by a threshold of its own root keys; its
     * expiry does not matter yet (5.3.10 checks the final root).
     *
     * @param acceptExpired expired metadata is admitted with a warning instead of failing the
     *     freeze checks ({@link Expiry#REPORT}); every other check still applies
     */
    public TrustedSet(byte[] trustedRoot, Instant now, boolean acceptExpired) throws TufException {
        this(trustedRoot, now, acceptExpired ? Expiry.REPORT : Expiry.ENFORCE);
    }

    /** As above, with the given handling of expired metadata. */
    public TrustedSet(byte[] trustedRoot, Instant now, Expiry expiry) throws TufException {
        this.now = now;
        this.expiry = expiry;
        Metadata m = Metadata.parse("root.json", trustedRoot, "root");
        Root r = Root.from(m);
        m.verifyThreshold(r.role("root"), r.keys());
        this.root = r;
    }

    /** What a walk does with each file it admits (for example, persists it). */
    @FunctionalInterface
    public interface Admission<E extends Exception> {
        void admitted(String file, byte[] bytes) throws E, IOException;
    }

    public Root root() {
        return root;
    }

    public Timestamp timestamp() {
        return timestamp;
    }

    public Metadata timestampMetadata() {
        return timestampMeta;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** A targets role admitted in this update, or null. */
    public Targets targets(String role) {
        return targets.get(role);
    }

    /** Expired files admitted in archive mode. */
    public List<String> warnings() {
        return List.copyOf(warnings.values());
    }

    /**
     * Spec 5.3.2-5.3.7: follows {@code N+1.root.json} from {@code source} until it has none (at
     * most {@code maxRootRotations} of them), admitting each through {@link #updateRoot} and only
     * then handing it to {@code then}, so that nothing unverified is ever persisted.
     */
    public <E extends Exception> void followRoots(MetadataSource<E> source, ClientLimits limits, Admission<E> then)
            throws E, IOException, TufException {
        long first = root.version() + 1;
        for (long n = first; n < first + limits.maxRootRotations(); n++) {
            String file = n + ".root.json";
            Optional<byte[]> bytes = source.read(file, limits.rootMax());
            if (bytes.isEmpty()) {
                return; // 5.3.2: no newer root; the trusted one is the newest
            }
            updateRoot(file, bytes.get());
            then.admitted(file, bytes.get()); // 5.3.7
        }
    }

    /** Spec 5.3.3-5.3.6: admits root N+1, signed by a threshold of the trusted root's keys and of its own. */
    public Root updateRoot(String file, byte[] bytes) throws TufException {
        if (timestamp != null) {
            throw new IllegalStateException("root cannot change after the timestamp is loaded");
        }
        Metadata m = Metadata.parse(file, bytes, "root");
        // 5.3.3: signed by a threshold of keys from the trusted root and of keys from the new root.
        m.verifyThreshold(root.role("root"), root.keys());
        Root next = Root.from(m);
        m.verifyThreshold(next.role("root"), next.keys());
        // 5.3.4: exactly one version newer, so no root is skipped or replayed.
        if (next.version() != root.version() + 1) {
            throw new TufException(file, "root version", "holds version " + next.version() + " where "
                    + (root.version() + 1) + " must follow the trusted " + root.version() + " [rollback]");
        }
        // 5.3.5: the expiry of an intermediate root does not matter.
        root = next;
        return next;
    }

    /**
     * Spec 5.3.10 and 5.4: admits a timestamp. Returns false, keeping the trusted one, when the new
     * file has the same version (5.4.3.1).
     */
    public boolean updateTimestamp(byte[] bytes) throws TufException {
        if (snapshot != null) {
            throw new IllegalStateException("the timestamp cannot change after the snapshot is loaded");
        }
        // 5.3.10: the final root must not be expired (freeze attack).
        if (root.expires() != null && !now.isBefore(root.expires())) {
            expired("root", root.version() + ".root.json", root.expires());
        }
        Metadata m = Metadata.parse("timestamp.json", bytes, "timestamp");
        m.verifyThreshold(root.role("timestamp"), root.keys()); // 5.4.2
        Timestamp next = Timestamp.from(m);
        if (timestamp != null) {
            // 5.4.3.1: no older version than the trusted one; the same version keeps the trusted file.
            if (next.version() < timestamp.version()) {
                throw new TufException("timestamp.json", "rollback", "version " + next.version()
                        + " is older than the trusted " + timestamp.version());
            }
            if (next.version() == timestamp.version()) {
                checkFinalTimestamp(); // the trusted one stays the final timestamp, so 5.4.4 applies to it
                return false;
            }
            // 5.4.3.2: the snapshot it points to is no older than the trusted one's.
            if (next.snapshot().version() < timestamp.snapshot().version()) {
                throw new TufException("timestamp.json", "rollback", "points to snapshot version " + next.snapshot().version()
                        + ", older than the trusted " + timestamp.snapshot().version());
            }
        }
        timestamp = next;
        timestampMeta = m;
        checkFinalTimestamp();
        return true;
    }

    private void checkFinalTimestamp() throws TufException {
        // 5.4.4: freeze attack.
        warnings.remove("timestamp");
        if (timestampMeta.isExpired(now)) {
            expired("timestamp", "timestamp.json", timestamp.expires());
        }
    }

    /**
     * Spec 5.5: admits a snapshot. {@code fromTrustedState} marks the client's own stored copy,
     * whose hash is not compared with the timestamp (a new timestamp may point past it); its
     * version still must match the timestamp's for it to be the final snapshot.
     */
    public Snapshot updateSnapshot(String file, byte[] bytes, boolean fromTrustedState) throws TufException {
        if (timestamp == null) {
            throw new IllegalStateException("the snapshot needs a trusted timestamp first");
        }
        if (!targets.isEmpty()) {
            throw new IllegalStateException("the snapshot cannot change after targets are loaded");
        }
        checkFinalTimestamp();
        MetaFile pinned = timestamp.snapshot();
        if (!fromTrustedState) {
            pinned.check(file, bytes); // 5.5.2: length and hashes the timestamp lists
        }
        Metadata m = Metadata.parse(file, bytes, "snapshot");
        m.verifyThreshold(root.role("snapshot"), root.keys()); // 5.5.3
        Snapshot next = Snapshot.from(m);
        if (snapshot != null) {
            // 5.5.5: every targets file the trusted snapshot lists is still listed, at no older version.
            for (Map.Entry<String, MetaFile> e : snapshot.meta().entrySet()) {
                MetaFile now = next.meta().get(e.getKey());
                if (now == null) {
                    throw new TufException(file, "rollback", "no longer lists " + e.getKey() + ", which the trusted snapshot lists");
                }
                if (now.version() < e.getValue().version()) {
                    throw new TufException(file, "rollback", "lists " + e.getKey() + " version " + now.version()
                            + ", older than the trusted " + e.getValue().version());
                }
            }
        }
        snapshot = next;
        snapshotMeta = m;
        checkFinalSnapshot(file);
        return next;
    }

    private void checkFinalSnapshot(String file) throws TufException {
        // 5.5.6: freeze attack.
        warnings.remove("snapshot");
        if (snapshotMeta.isExpired(now)) {
            expired("snapshot", snapshot.version() + ".snapshot.json", snapshot.expires());
        }
        // 5.5.4: the version the timestamp lists (mix-and-match).
        if (snapshot.version() != timestamp.snapshot().version()) {
            throw new TufException(file, "version matches timestamp", "holds version " + snapshot.version()
                    + " but the timestamp lists " + timestamp.snapshot().version());
        }
    }

    /**
     * Spec 5.6: admits a targets role ({@code "targets"} with delegator {@code "root"}, or a
     * delegated role with the targets role that delegates to it, already admitted).
     */
    public Targets updateTargets(String file, byte[] bytes, String role, String delegator) throws TufException {
        Targets parent = delegator.equals("root") ? null : delegatorOf(delegator);
        RoleKeys keys = parent == null ? root.role(role) : parent.keysForChild(role);
        if (keys == null) {
            throw new TufException(file, "delegation", delegator + " does not delegate to " + role);
        }
        Metadata m = verifyRole(file, bytes, role, keys, parent == null ? root.keys() : parent.delegationKeys());
        Targets t = Targets.from(m);
        targets.put(role, t);
        targetsMeta.put(role, m);
        return t;
    }

    /**
     * A targets role already admitted in this update, reached now through {@code delegator}, or
     * null when it was not admitted yet. Spec 5.6.3 holds for every path through the graph: a role
     * reached through a second delegator (a diamond) must meet that delegator's keys and threshold
     * too, not inherit the authority of the path that loaded it first.
     */
    public Targets admittedTargets(String role, String delegator) throws TufException {
        Metadata m = targetsMeta.get(role);
        if (m == null) {
            return null;
        }
        Targets parent = delegator.equals("root") ? null : delegatorOf(delegator);
        RoleKeys keys = parent == null ? root.role(role) : parent.keysForChild(role);
        if (keys == null) {
            throw new TufException(m.file(), "delegation", delegator + " does not delegate to " + role);
        }
        m.verifyThreshold(keys, parent == null ? root.keys() : parent.delegationKeys());
        return targets.get(role);
    }

    private Targets delegatorOf(String delegator) {
        Targets parent = targets.get(delegator);
        if (parent == null) {
            throw new IllegalStateException(delegator + " must be loaded before the roles it delegates to");
        }
        return parent;
    }

    /**
     * Spec 5.6.2-5.6.5 for a targets role whose keys the caller read from the role that delegates
     * to it, without keeping it: for a walk over a whole delegation graph (a mirror copying every
     * role), which needs each role only until its children are verified.
     */
    public Targets verifyTargets(String file, byte[] bytes, String role, RoleKeys keys, Map<String, Key> keyMap)
            throws TufException {
        return Targets.from(verifyRole(file, bytes, role, keys, keyMap));
    }

    /** {@link #verifyTargets}, returning the verified metadata itself (for a publisher that re-signs it). */
    public Metadata verifyRole(String file, byte[] bytes, String role, RoleKeys keys, Map<String, Key> keyMap)
            throws TufException {
        MetaFile pinned = pinned(file, role);
        pinned.check(file, bytes); // 5.6.2
        Metadata m = Metadata.parse(file, bytes, "targets");
        m.verifyThreshold(keys, keyMap); // 5.6.3
        checkPinnedVersionAndExpiry(file, role, pinned, m.version(), m.expires());
        return m;
    }

    /**
     * {@link #verifyTargets} for bytes a long-running mirror verified before: when the snapshot
     * pins a sha256 that {@code remembered} holds for this file under the same keys, the bytes are
     * checked against the pin (5.6.2) and the remembered role's version and expiry against the
     * snapshot and the clock (5.6.4, 5.6.5); 5.6.3 held for these exact bytes and keys when they
     * were remembered. Returns the role without its targets, or null when nothing matching is
     * remembered (then verify them in full).
     */
    public Targets admitRemembered(String file, byte[] bytes, String role, RoleKeys keys, Map<String, Key> keyMap,
                                   VerifiedRoles remembered) throws TufException {
        MetaFile pinned = pinned(file, role);
        VerifiedRoles.Remembered e = remembered.recall(file, pinned.sha256(), keys, keyMap);
        if (e == null) {
            return null;
        }
        pinned.check(file, bytes); // 5.6.2: these are the pinned bytes, so the remembered ones
        checkPinnedVersionAndExpiry(file, role, pinned, e.outline().version(), e.outline().expires());
        return e.outline();
    }

    /** Remembers a role {@link #verifyTargets} admitted, when the snapshot pins its sha256 (the bytes' own). */
    public void remember(String file, String role, RoleKeys keys, Map<String, Key> keyMap, Targets verified,
                         VerifiedRoles remembered) throws TufException {
        String sha256 = pinned(file, role).sha256();
        if (sha256 != null) {
            remembered.remember(file, sha256, keys, keyMap, verified);
        }
    }

    private MetaFile pinned(String file, String role) throws TufException {
        if (snapshot == null) {
            throw new IllegalStateException("targets need a trusted snapshot first");
        }
        checkFinalSnapshot("snapshot.json");
        MetaFile pinned = snapshot.meta().get(role + ".json");
        if (pinned == null) {
            throw new TufException(file, "snapshot completeness", "the snapshot does not list " + role + ".json");
        }
        return pinned;
    }

    private void checkPinnedVersionAndExpiry(String file, String role, MetaFile pinned, long version, Instant expires)
            throws TufException {
        // 5.6.4: the version the snapshot lists (mix-and-match, rollback).
        if (version != pinned.version()) {
            throw new TufException(file, "version matches snapshot", "holds version " + version
                    + " but the snapshot lists " + pinned.version());
        }
        // 5.6.5: freeze attack.
        if (Metadata.expired(expires, now)) {
            expired(role, file, expires);
        }
    }

    private void expired(String role, String file, Instant expires) throws TufException {
        if (expiry == Expiry.ENFORCE || (expiry == Expiry.ARCHIVE && role.equals("root"))) {
            throw new TufException(file, "freeze", "expired " + TufTime.format(expires));
        }
        warnings.put(role, file + ": expired " + TufTime.format(expires));
    }
}
