package org.samizdat.repo;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.RoleKeys;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.TufException;

/**
 * The current top of an archive as a publisher or a reader's page sees it: the newest root (its
 * chain verified from {@code 1.root.json}), the timestamp, the snapshot it pins, and the
 * top-level targets, each admitted through the client rules of {@link TrustedSet}. Expiry is
 * not judged, since the publisher is about to renew and a reader's page says when it expired.
 */
public final class Head {
    public static final String META = "metadata/";

    private final FileStore store;
    private final TrustedSet trusted;
    private final Targets targets;

    private Head(FileStore store, TrustedSet trusted) throws IOException, TufException {
        this.store = store;
        this.trusted = trusted;
        this.targets = Targets.from(loadRole("targets", trusted.root().role("targets"), trusted.root().keys()));
    }

    public static Head load(FileStore store) throws IOException, TufException {
        TrustedSet trusted = RootChain.trusted(store, Instant.now(), true);
        trusted.updateTimestamp(read(store, "timestamp.json"));
        String snapFile = trusted.timestamp().snapshot().version() + ".snapshot.json";
        trusted.updateSnapshot(snapFile, read(store, snapFile), false);
        return new Head(store, trusted);
    }

    public Root root() {
        return trusted.root();
    }

    public Timestamp timestamp() {
        return trusted.timestamp();
    }

    public Snapshot snapshot() {
        return trusted.snapshot();
    }

    public Targets targets() {
        return targets;
    }

    /** A targets role at the version the snapshot lists, verified against its delegator's keys (spec 5.6.2-5.6.4). */
    public Metadata loadRole(String role, RoleKeys keys, Map<String, Key> keyMap) throws IOException, TufException {
        long v = trusted.snapshot().versionOf(role);
        if (v < 0) {
            throw new TufException(trusted.snapshot().version() + ".snapshot.json", "snapshot completeness",
                    role + ".json is not listed");
        }
        String file = v + "." + role + ".json";
        return trusted.verifyRole(file, read(store, file), role, keys, keyMap);
    }

    /**
     * The targets roles of the whole graph that {@code keep} selects, each verified against the
     * keys its delegator names ({@link org.samizdat.tuf.RoleWalk}), by role name in walk order.
     * A role that fails verification fails the call: a publisher signs nothing it has not verified.
     */
    public Map<String, Metadata> verifiedRoles(java.util.function.BiPredicate<String, Targets> keep) throws IOException, TufException {
        Map<String, Metadata> roles = new java.util.LinkedHashMap<>();
        org.samizdat.tuf.RoleWalk.walk(trusted, (file, max) -> store.get(META + file), org.samizdat.tuf.ClientLimits.DEFAULT,
                new org.samizdat.tuf.RoleWalk.Visitor<IOException>() {
                    @Override
                    public boolean role(String file, byte[] bytes, Targets role) throws IOException {
                        String name = file.substring(file.indexOf('.') + 1, file.length() - ".json".length());
                        if (keep.test(name, role)) {
                            try {
                                roles.put(name, Metadata.parse(file, bytes, "targets"));
                            } catch (TufException e) {
                                throw new IOException(e.getMessage(), e);
                            }
                        }
                        return false;
                    }

                    @Override
                    public void target(String role, String file, String path, org.samizdat.tuf.TargetFile target) {
                    }

                    @Override
                    public void problem(TufException e) throws TufException {
                        throw e;
                    }
                });
        return roles;
    }

    static byte[] read(FileStore store, String file) throws IOException, TufException {
        return store.get(META + file).orElseThrow(() -> new TufException(file, TufException.MISSING, "missing"));
    }
}
