package org.samizdat.repo;

import java.io.IOException;
import java.util.Map;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TufException;
import org.samizdat.store.Store;

/**
 * The current top of an archive as a publisher sees it: the newest root (its chain verified from
 * {@code 1.root.json}), the timestamp, the snapshot it pins, and the top-level targets. Signatures,
 * versions and pinned hashes are checked; expiry is not, since the publisher is about to renew.
 */
public record Head(Root root, int rootCount, Metadata timestampMeta, Timestamp timestamp, Metadata snapshotMeta,
                   Snapshot snapshot, Targets targets) {
    public static final String META = "metadata/";

    public static Head load(Store store) throws IOException, TufException {
        Root root = RootChain.walk(store).getLast();
        int count = (int) root.version();
        byte[] tsBytes = read(store, "timestamp.json");
        Metadata tsMeta = Metadata.parse("timestamp.json", tsBytes, "timestamp");
        tsMeta.verifyThreshold(root.role("timestamp"), root.keys());
        Timestamp ts = Timestamp.from(tsMeta);
        String snapFile = ts.snapshot().version() + ".snapshot.json";
        byte[] snapBytes = read(store, snapFile);
        ts.snapshot().check(snapFile, snapBytes);
        Metadata snapMeta = Metadata.parse(snapFile, snapBytes, "snapshot");
        snapMeta.verifyThreshold(root.role("snapshot"), root.keys());
        Snapshot snap = Snapshot.from(snapMeta);
        Targets targets = Targets.from(loadRole(store, snap, "targets", root.role("targets"), root.keys()));
        return new Head(root, count, tsMeta, ts, snapMeta, snap, targets);
    }

    /** Reads a role at the version snapshot lists and checks it is signed by its delegator's keys. */
    public static Metadata loadRole(Store store, Snapshot snap, String role, org.samizdat.tuf.RoleKeys keys,
                                    Map<String, Key> keyMap) throws IOException, TufException {
        long v = snap.versionOf(role);
        if (v < 0) {
            throw new TufException(snap.version() + ".snapshot.json", "snapshot completeness", role + ".json is not listed");
        }
        String file = v + "." + role + ".json";
        byte[] bytes = read(store, file);
        snap.meta().get(role + ".json").check(file, bytes);
        Metadata m = Metadata.parse(file, bytes, "targets");
        m.verifyThreshold(keys, keyMap);
        if (m.version() != v) {
            throw new TufException(file, "version matches snapshot", "version " + m.version() + " but snapshot lists " + v);
        }
        return m;
    }

    static byte[] read(Store store, String file) throws IOException, TufException {
        return store.get(META + file).orElseThrow(() -> new TufException(file, "file present", "missing"));
    }
}
