package org.samizdat.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * When a mirror may take expired metadata (SECURITY.md, archive mode): only after a sync failed
 * for expiry alone (the freeze rule), and only when no node it knows (its upstream and every
 * mirror of its signed list) offers unexpired verified metadata. Then it asks every one of them
 * in archive mode, each sync moving only forward, so it ends at the highest verified version any
 * of them has, and says so loudly. An expired root is refused even then.
 */
public final class ArchiveMode {
    private ArchiveMode() {
    }

    /** What the recovery did: the result, and the node with fresh metadata when one was found (else null). */
    public record Outcome(MirrorSync.Result result, String freshNode) {
    }

    /** Whether a sync failed for expired metadata (the freeze rule) and nothing else. */
    public static boolean isFreeze(SyncException e) {
        return e.kind() == SyncException.Kind.VERIFICATION && e.getMessage().contains("[freeze]");
    }

    /**
     * Called after {@code sync} failed with a freeze: fresh metadata from any of {@code others}
     * wins; else archive mode over the upstream and all of {@code others}.
     */
    public static Outcome recover(MirrorSync sync, List<String> others, Consumer<String> log) throws SyncException {
        String upstream = sync.upstream().url();
        List<String> nodes = new ArrayList<>();
        for (String o : others) {
            if (!o.equals(upstream) && !nodes.contains(o)) {
                nodes.add(o);
            }
        }
        for (String node : nodes) {
            try {
                MirrorSync.Result r = sync.withUpstream(new Upstream(node, Duration.ofSeconds(30), 0)).sync();
                log.accept(upstream + " offers only expired metadata; " + node + " has fresh metadata");
                return new Outcome(r, node);
            } catch (SyncException e) {
                // stale, dead or lying too: the next
            }
        }
        log.accept("WARNING: archive mode: no node this mirror knows (" + (nodes.size() + 1) + ") offers metadata that"
                + " has not expired; serving the newest verified version any of them has. The publisher may have signed"
                + " newer versions that none of them has.");
        MirrorSync.Result best = null;
        SyncException last = null;
        List<String> all = new ArrayList<>(List.of(upstream));
        all.addAll(nodes);
        for (String node : all) {
            try {
                MirrorSync.Result r = sync.withUpstream(new Upstream(node, Duration.ofSeconds(30), 0)).inArchiveMode().sync();
                if (best == null || r.timestampVersion() > best.timestampVersion()) {
                    best = r;
                }
            } catch (SyncException e) {
                last = e; // an older version than the one already taken is refused as a rollback: expected
            }
        }
        if (best == null) {
            throw last;
        }
        return new Outcome(best, null);
    }
}
