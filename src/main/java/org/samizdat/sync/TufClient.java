package org.samizdat.sync;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.samizdat.repo.PublishedRelease;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Delegation;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.TufException;

/**
 * The TUF client workflow (spec 5.0-5.7) against any repository: refreshes the top-level
 * metadata from a {@link Remote} into a {@link TrustedSet}, persisting each verified file in a
 * {@link TrustedState} directory, and finds a target by walking the delegation graph in
 * pre-order. The start time is handed in (spec 5.1), never read from a clock here.
 */
public final class TufClient {
    private final TrustedState state;
    private final Remote remote;
    private final TrustedSet trusted;
    private final ClientLimits limits;
    private final Consumer<String> log;
    private boolean refreshed;

    /**
     * Spec 5.2: loads the trusted root from the state directory (written there by {@code init} or
     * a previous run); it must be signed by a threshold of its own keys.
     */
    public TufClient(TrustedState state, Remote remote, java.time.Instant now, boolean acceptExpired, ClientLimits limits,
                     Consumer<String> log) throws IOException, TufException {
        this.state = state;
        this.remote = remote;
        this.limits = limits;
        this.log = log;
        byte[] root = state.read("root").orElseThrow(() -> new TufException("root.json", "trusted root",
                "no trusted root in " + state.dir() + "; initialise the client with one first"));
        // archive mode still refuses an expired root: its lifetime bounds how stale a reader can be made to go
        this.trusted = new TrustedSet(root, now, acceptExpired ? TrustedSet.Expiry.ARCHIVE : TrustedSet.Expiry.ENFORCE);
    }

    public TrustedSet trusted() {
        return trusted;
    }

    /** Spec 5.3-5.6 for the top-level roles: root chain, timestamp, snapshot, targets. */
    public TrustedSet refresh() throws IOException, TufException, SyncException {
        Root before = trusted.root();
        loadRoot();
        fastForwardRecovery(before, trusted.root());
        loadTimestamp();
        loadSnapshot();
        loadTargets("targets", "root");
        refreshed = true;
        return trusted;
    }

    /** Spec 5.3: follows N+1.root.json until the remote has none, at most maxRootRotations steps. */
    private void loadRoot() throws IOException, TufException, SyncException {
        trusted.followRoots((file, max) -> remote.get("/" + file, max), limits, (file, bytes) -> {
            state.write("root", bytes); // 5.3.7
            log.accept("trusted root " + file);
        });
    }

    /**
     * Spec 5.3.11: when the timestamp or snapshot keys were rotated, the stored timestamp and
     * snapshot are deleted, so a fast-forwarded version signed with the old keys cannot block
     * the repository's recovery.
     */
    private void fastForwardRecovery(Root before, Root after) throws IOException {
        for (String role : List.of("timestamp", "snapshot")) {
            if (!Set.copyOf(before.role(role).keyids()).equals(Set.copyOf(after.role(role).keyids()))) {
                log.accept(role + " keys were rotated: forgetting the stored timestamp and snapshot");
                state.delete("timestamp");
                state.delete("snapshot");
                return;
            }
        }
    }

    /** Spec 5.4, with the stored timestamp as the reference a new one must not roll back from. */
    private void loadTimestamp() throws IOException, TufException, SyncException {
        Optional<byte[]> local = state.read("timestamp");
        if (local.isPresent()) {
            try {
                trusted.updateTimestamp(local.get());
            } catch (TufException e) {
                log.accept("stored timestamp is not valid as the final one: " + e.getMessage());
            }
        }
        byte[] bytes = remote.get("/timestamp.json", limits.timestampMax())
                .orElseThrow(() -> new TufException("timestamp.json", TufException.MISSING, remote.url() + " has no timestamp.json"));
        if (trusted.updateTimestamp(bytes)) {
            state.write("timestamp", bytes); // 5.4.5
        }
    }

    /** Spec 5.5: the stored snapshot when it is still the one the timestamp lists, else the remote's. */
    private void loadSnapshot() throws IOException, TufException, SyncException {
        Optional<byte[]> local = state.read("snapshot");
        if (local.isPresent()) {
            try {
                trusted.updateSnapshot("snapshot.json", local.get(), true);
                return;
            } catch (TufException e) {
                log.accept("stored snapshot is not valid as the final one: " + e.getMessage());
            }
        }
        MetaFile pinned = trusted.timestamp().snapshot();
        String name = remoteName("snapshot", pinned.version());
        byte[] bytes = remote.get("/" + name, ClientLimits.cap(pinned, limits.snapshotMax()))
                .orElseThrow(() -> new TufException(name, TufException.MISSING, remote.url() + " has no " + name));
        trusted.updateSnapshot(name, bytes, false);
        state.write("snapshot", bytes); // 5.5.7
    }

    /** Spec 5.6 for one targets role: the stored copy when the snapshot still lists it, else the remote's. */
    private Targets loadTargets(String role, String delegator) throws IOException, TufException, SyncException {
        // The trusted state keeps each role as <name>.json: a delegated "Root" or "SNAPSHOT" would be
        // stored over a top-level role's file on a case-insensitive file system.
        if (!delegator.equals("root") && List.of("root", "timestamp", "snapshot", "targets")
                .contains(role.toLowerCase(java.util.Locale.ROOT))) {
            throw new TufException(role + ".json", "role name", "a delegated role may not be named like a top-level"
                    + " role, in any case");
        }
        Targets have = trusted.admittedTargets(role, delegator);
        if (have != null) {
            return have;
        }
        Optional<byte[]> local = state.read(role);
        if (local.isPresent()) {
            try {
                return trusted.updateTargets(TrustedState.fileName(role), local.get(), role, delegator);
            } catch (TufException e) {
                log.accept("stored " + role + " is not current: " + e.getMessage());
            }
        }
        MetaFile pinned = trusted.snapshot().meta().get(role + ".json");
        if (pinned == null) {
            throw new TufException("snapshot.json", "snapshot completeness", role + " is delegated to but the snapshot does not list it");
        }
        String name = remoteName(role, pinned.version());
        byte[] bytes = remote.get("/" + name, ClientLimits.cap(pinned, limits.targetsMax()))
                .orElseThrow(() -> new TufException(name, TufException.MISSING, remote.url() + " has no " + name));
        Targets t = trusted.updateTargets(name, bytes, role, delegator);
        if (local.isPresent()) {
            // a release this client already trusted must not be rewritten by the newer version
            Targets before;
            try {
                before = Targets.from(Metadata.parse(TrustedState.fileName(role), local.get(), "targets"));
            } catch (TufException unreadable) {
                before = null;
            }
            if (before != null) {
                Targets top = trusted.targets("targets");
                PublishedRelease.checkKept(name, role, before, t, top == null ? null : top.keysForChild("releases"));
            }
        }
        state.write(role, bytes); // 5.6.6
        return t;
    }

    /** Spec 5.3.12: with consistent snapshots the version-prefixed name, otherwise the plain one. */
    private String remoteName(String role, long version) {
        String file = TrustedState.fileName(role);
        return trusted.root().consistentSnapshot() ? version + "." + file : file;
    }

    /**
     * Spec 5.6.7: the signed description of {@code path}, searched depth-first in pre-order from
     * the top-level targets role, each role visited once, at most maxDelegations roles, a
     * terminating role ending the search below it. Empty when no trusted role lists it.
     */
    public Optional<TargetFile> targetInfo(String path) throws IOException, TufException, SyncException {
        if (!refreshed) {
            refresh();
        }
        Deque<String[]> toVisit = new ArrayDeque<>();
        toVisit.push(new String[] {"targets", "root"});
        Set<String> visited = new HashSet<>();
        int budget = limits.maxDelegations();
        while (budget > 0 && !toVisit.isEmpty()) {
            String[] next = toVisit.pop();
            String role = next[0];
            if (visited.contains(role)) {
                continue; // a cycle or a diamond in the graph: each role is searched once
            }
            Targets t = loadTargets(role, next[1]);
            TargetFile found = t.targets().get(path);
            if (found != null) {
                return Optional.of(found);
            }
            visited.add(role);
            budget--;
            List<String[]> children = new ArrayList<>();
            if (t.succinct() != null) {
                children.add(new String[] {t.succinct().binFor(path), role});
            }
            for (Delegation d : t.delegations()) {
                if (d.covers(path)) {
                    children.add(new String[] {d.name(), role});
                    if (d.terminating()) {
                        toVisit.clear(); // a terminating role: no role after it is consulted
                        break;
                    }
                }
            }
            Collections.reverse(children);
            children.forEach(toVisit::push);
        }
        if (budget == 0 && !toVisit.isEmpty()) {
            log.accept("stopped searching for " + path + " after " + limits.maxDelegations() + " delegated roles");
        }
        return Optional.empty();
    }

    /**
     * Every target of release {@code id}, verified (spec 5.6 for {@code releases}, the release's
     * role and each of its bins, through the same admission as {@link #targetInfo}): a target is
     * kept only when both delegations above it cover its path and, in a bin, the path hashes into
     * that bin (TAP 15); any other is refused, as a mirror's walk refuses it. In path order.
     */
    public java.util.SortedMap<String, TargetFile> releaseTargets(String id) throws IOException, TufException, SyncException {
        if (!refreshed) {
            refresh();
        }
        Targets top = loadTargets("targets", "root");
        Delegation toReleases = top.delegations().stream().filter(d -> d.name().equals("releases")).findFirst()
                .orElseThrow(() -> new TufException("targets.json", "delegation", "the archive delegates no releases role"));
        Targets releases = loadTargets("releases", "targets");
        Delegation toRelease = releases.delegations().stream().filter(d -> d.name().equals(id)).findFirst()
                .orElseThrow(() -> new SyncException(SyncException.Kind.LOCAL, "the archive has no release " + id
                        + " (it has " + releases.delegations().stream().map(Delegation::name).toList() + ")", null));
        Targets role = loadTargets(id, "releases");
        java.util.SortedMap<String, TargetFile> out = new java.util.TreeMap<>();
        admit(id, null, role, toReleases, toRelease, out);
        if (role.succinct() != null) {
            for (String bin : role.succinct().allBinNames()) {
                admit(bin, role.succinct(), loadTargets(bin, id), toReleases, toRelease, out);
            }
        }
        return out;
    }

    /** The releases the trusted {@code releases} role delegates, oldest first. */
    public List<String> releaseIds() throws IOException, TufException, SyncException {
        if (!refreshed) {
            refresh();
        }
        loadTargets("targets", "root");
        return loadTargets("releases", "targets").delegations().stream().map(Delegation::name).toList();
    }

    private static void admit(String role, org.samizdat.tuf.SuccinctRoles bins, Targets t, Delegation top, Delegation release,
                              java.util.Map<String, TargetFile> out) throws TufException {
        for (java.util.Map.Entry<String, TargetFile> e : t.targets().entrySet()) {
            String path = e.getKey();
            // FORMAT.md section 5: a path becomes a file name, so only a valid target path is accepted
            if (org.samizdat.archive.TargetPath.problem(path).isPresent()) {
                throw new TufException(role + ".json", "target path", "lists \"" + path.replace("\0", "\\0") + "\": "
                        + org.samizdat.archive.TargetPath.problem(path).get());
            }
            // spec 5.6.7: a role is trusted only for the paths every delegation above it covers
            if (!top.covers(path) || !release.covers(path)) {
                throw new TufException(role + ".json", "delegated paths", "lists " + path + ", outside what it was delegated");
            }
            // TAP 15: a bin lists only the paths that hash into it
            if (bins != null && !bins.binFor(path).equals(role)) {
                throw new TufException(role + ".json", "succinct bin", "lists " + path + ", which hashes into " + bins.binFor(path));
            }
            out.put(path, e.getValue());
        }
    }

    /**
     * Where a target is fetched from, relative to the targets base: with consistent snapshots its
     * first hash (sha256 when listed) prefixes the file name (spec 5.7.2), each path segment percent-encoded.
     */
    public String remoteTargetPath(String path, TargetFile target) {
        int slash = path.lastIndexOf('/');
        String dir = path.substring(0, slash + 1);
        String base = path.substring(slash + 1);
        String name = trusted.root().consistentSnapshot() ? dir + target.prefixHash() + "." + base : path;
        StringBuilder b = new StringBuilder();
        for (String segment : name.split("/", -1)) {
            b.append('/').append(TrustedState.encode(segment));
        }
        return b.toString();
    }
}
