package org.samizdat.tuf;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.samizdat.archive.TargetPath;

/**
 * The one walk over every targets role a trusted snapshot reaches (spec 5.6 applied to the whole
 * delegation graph, breadth-first, each role once), with the checks on each role and each target
 * that a copy of the whole archive needs. {@code mirror} and {@code check} both walk through here;
 * a search for a single target (spec 5.6.7) is {@code TufClient}'s.
 */
public final class RoleWalk {
    /**
     * A role is published under its own name, so one that is not a plain file name (a '/', "..",
     * a NUL, a non-ASCII look-alike) could name another file and is refused.
     */
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");

    private RoleWalk() {
    }

    /** What the walk reports to its caller. */
    public interface Visitor<E extends Exception> {
        /**
         * A role that verified; return true to have its targets checked and passed to
         * {@link #target}, false when the caller already holds them (a mirror's earlier sync).
         */
        boolean role(String file, byte[] bytes, Targets role) throws E, IOException;

        /**
         * Whether the caller already holds this role file from an earlier sync, so a role
         * {@link VerifiedRoles} remembers may be admitted without its targets ({@link #role} must
         * then return false).
         */
        default boolean holds(String file) {
            return false;
        }

        /** A target that passed every check: its path, hashes and length are the role's signed ones. */
        void target(String role, String file, String path, TargetFile target) throws E, IOException;

        /**
         * A role or target that breaks a rule. Throwing stops the walk (a mirror keeps its last
         * version); returning goes on past it, leaving out what it covers (check lists every problem).
         */
        void problem(TufException e) throws E, TufException;
    }

    /** A role still to verify, with the keys its delegator lists for it and the delegations above it. */
    private record Visit(String role, RoleKeys keys, Map<String, Key> keyMap, List<Delegation> chain, SuccinctRoles bins) {
    }

    /** Walks from the top-level targets role; returns the names of the roles reached. */
    public static <E extends Exception> Set<String> walk(TrustedSet trusted, MetadataSource<E> source, ClientLimits limits,
                                                         Visitor<E> visitor) throws E, IOException, TufException {
        return walk(trusted, source, limits, visitor, null);
    }

    /**
     * The same walk for a long-running mirror: role files it holds and verified before under the
     * same keys are admitted from {@code remembered} (see {@link TrustedSet#admitRemembered}), and
     * every role verified in full is remembered.
     */
    public static <E extends Exception> Set<String> walk(TrustedSet trusted, MetadataSource<E> source, ClientLimits limits,
                                                         Visitor<E> visitor, VerifiedRoles remembered)
            throws E, IOException, TufException {
        Snapshot snap = trusted.snapshot();
        if (snap == null) {
            throw new IllegalStateException("the walk needs a trusted snapshot first");
        }
        String snapFile = snap.version() + ".snapshot.json";
        Set<String> visited = new HashSet<>();
        // Names as a case-insensitive file system sees them: "Snapshot" would be stored over "snapshot".
        Set<String> folded = new HashSet<>(List.of("root", "timestamp", "snapshot"));
        Deque<Visit> queue = new ArrayDeque<>();
        queue.add(new Visit("targets", trusted.root().role("targets"), trusted.root().keys(), List.of(), null));
        while (!queue.isEmpty()) {
            Visit v = queue.poll();
            if (visited.contains(v.role())) {
                continue;
            }
            if (visited.size() >= limits.maxRoles()) {
                visitor.problem(new TufException(snapFile, "role bound", "the delegations reach more than "
                        + limits.maxRoles() + " roles; the rest were not visited"));
                break;
            }
            visited.add(v.role());
            if (!ROLE_NAME.matcher(v.role()).matches()) {
                visitor.problem(new TufException(snapFile, "role name", "the delegations name a role \""
                        + v.role().replace("\0", "\\0") + "\", which is not a plain file name"));
                continue;
            }
            if (!folded.add(v.role().toLowerCase(java.util.Locale.ROOT))) {
                visitor.problem(new TufException(snapFile, "role name", "the delegations name a role \"" + v.role()
                        + "\" that differs only in case from another role; on a case-insensitive file system both"
                        + " would be one file"));
                continue;
            }
            MetaFile pinned = snap.meta().get(v.role() + ".json");
            if (pinned == null) {
                visitor.problem(new TufException(snapFile, "snapshot completeness", "does not list " + v.role() + ".json"));
                continue;
            }
            String file = pinned.version() + "." + v.role() + ".json";
            Targets t;
            byte[] bytes;
            boolean outline;
            try {
                Optional<byte[]> read = source.read(file, ClientLimits.cap(pinned, limits.targetsMax()));
                if (read.isEmpty()) {
                    throw new TufException(file, TufException.MISSING, "missing, though the snapshot lists it");
                }
                bytes = read.get();
                try {
                    t = remembered != null && visitor.holds(file)
                            ? trusted.admitRemembered(file, bytes, v.role(), v.keys(), v.keyMap(), remembered) : null;
                    outline = t != null;
                    if (t == null) {
                        t = trusted.verifyTargets(file, bytes, v.role(), v.keys(), v.keyMap());
                    }
                } catch (TufException notPinned) {
                    // spec 5.6.2 failed on this copy: ask the source's other place once, then fail as before
                    Optional<byte[]> again = notPinned.rule().endsWith("matches parent")
                            ? source.readAgain(file, ClientLimits.cap(pinned, limits.targetsMax())) : Optional.empty();
                    if (again.isEmpty()) {
                        throw notPinned;
                    }
                    bytes = again.get();
                    t = trusted.verifyTargets(file, bytes, v.role(), v.keys(), v.keyMap());
                    outline = false;
                }
                if (remembered != null && !outline) {
                    trusted.remember(file, v.role(), v.keys(), v.keyMap(), t, remembered);
                }
            } catch (TufException e) {
                visitor.problem(e);
                continue;
            }
            if (visitor.role(file, bytes, t)) {
                if (outline) {
                    throw new IllegalStateException("the walk's caller holds " + file + " but asked for its targets");
                }
                for (Map.Entry<String, TargetFile> e : t.targets().entrySet()) {
                    String path = e.getKey();
                    try {
                        checkTarget(file, v, path, e.getValue());
                    } catch (TufException bad) {
                        visitor.problem(bad);
                        continue;
                    }
                    visitor.target(v.role(), file, path, e.getValue());
                }
            }
            if (t.succinct() != null) {
                // Bins are enumerated only when there can be no more of them than the walk may visit.
                if (t.succinct().binCount() > limits.maxRoles()) {
                    visitor.problem(new TufException(file, "role bound", "delegates to " + t.succinct().binCount()
                            + " bins, more than the " + limits.maxRoles() + " roles a walk visits"));
                    continue;
                }
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
        return visited;
    }

    private static void checkTarget(String file, Visit v, String path, TargetFile target) throws TufException {
        Optional<String> bad = TargetPath.problem(path);
        if (bad.isPresent()) {
            throw new TufException(file, "target path", "lists a target path that " + bad.get());
        }
        // Spec 5.6.7.2: a delegated role is trusted only for the paths every delegation above it covers
        // (for a bin, the paths its hash prefix selects).
        boolean delegated = v.chain().stream().allMatch(d -> d.covers(path))
                && (v.bins() == null || v.bins().binFor(path).equals(v.role()));
        if (!delegated) {
            throw new TufException(file, "delegated paths", "lists " + path + ", outside the paths delegated to " + v.role());
        }
        target.requireSha256(file, path);
    }
}
