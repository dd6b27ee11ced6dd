package org.samizdat.sync;

import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TufTime;

/**
 * A running mirror: syncs now, then on a poll with jitter and whenever a notify arrives
 * (coalesced, never two syncs at once), and reports what it serves for {@code /api/status}.
 */
public final class Mirror {
    /** Failed syncs in a row after which a mirror copies from another listed mirror. */
    static final int FAILURES_BEFORE_REPARENT = 3;
    private volatile MirrorSync sync;
    private final Path publicDir;
    private volatile String upstream;
    private final String firstUpstream;
    private volatile String self;
    private volatile boolean pickParent;
    private volatile boolean network;
    private int failures;
    private int failuresInARow;
    private Duration interval = Duration.ofMinutes(1);
    private final List<String> abandoned = new ArrayList<>();
    private final Clock clock;
    private final Consumer<String> log;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile Instant lastSync;
    private volatile Instant lastAttempt;
    private volatile String lastError;
    /** Set after this process's first successful sync, the one that verified every role held. */
    private volatile boolean firstSyncDone;
    /** Run after a large sync ({@link #largeJob}): hands the heap it grew back to the system. */
    private volatile Runnable afterLargeJob = org.samizdat.work.Heap::giveBack;
    private volatile long upstreamVersion;
    private ScheduledExecutorService executor;
    private volatile Consumer<MirrorSync.Result> afterSync = r -> { };

    /** Runs after every successful sync (to notify downstreams, re-subscribe upstream). */
    public void afterSync(Consumer<MirrorSync.Result> hook) {
        this.afterSync = hook;
    }

    public Mirror(MirrorSync sync, Path publicDir, String upstream, Clock clock, Consumer<String> log) {
        this.sync = sync;
        this.publicDir = publicDir;
        this.upstream = upstream;
        this.firstUpstream = upstream;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Lets this mirror find its own place in the network from the signed mirror list: after its
     * first sync it moves to a listed mirror older than itself ({@link ParentChoice}), and when
     * its upstream fails {@value #FAILURES_BEFORE_REPARENT} times in a row it moves to another one
     * (back to the upstream it was given when no listed one is left). {@code self} is its own
     * public URL (null when it has none).
     */
    public void findParents(String self) {
        this.self = self;
        this.pickParent = true;
        this.network = true;
    }

    /** Replaces what runs after a large sync (tests count the calls instead of collecting). */
    void afterLargeJob(Runnable r) {
        this.afterLargeJob = r;
    }

    /** The node this mirror copies from now. */
    public String upstream() {
        return upstream;
    }

    /** Starts syncing on {@code executor}: now, then every {@code interval} with up to 20% jitter. */
    public void start(ScheduledExecutorService executor, Duration interval) {
        this.executor = executor;
        this.interval = interval;
        executor.execute(this::syncNow);
        long base = interval.toMillis();
        executor.schedule(new Runnable() {
            @Override
            public void run() {
                trigger();
                long jitter = (long) (base * 0.2 * ThreadLocalRandom.current().nextDouble());
                executor.schedule(this, base + jitter, TimeUnit.MILLISECONDS);
            }
        }, base, TimeUnit.MILLISECONDS);
    }

    /** Asks for a sync soon (a notify or a poll); one already running is followed by one more. */
    public void trigger() {
        if (executor == null) {
            return;
        }
        if (running.get()) {
            again.set(true);
            return;
        }
        executor.execute(this::syncNow);
    }

    /** Runs one sync now, unless one is running; returns its result or null. */
    public MirrorSync.Result syncNow() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return null;
        }
        MirrorSync.Result result = null;
        try {
            do {
                again.set(false);
                lastAttempt = clock.instant();
                try {
                    result = syncOrRecover();
                    if (largeJob(result)) {
                        afterLargeJob.run(); // before the sync counts as done, so a node reported synced has settled
                    }
                    firstSyncDone = true;
                    lastSync = clock.instant();
                    lastError = null;
                    upstreamVersion = result.timestampVersion();
                    if (result.changed()) {
                        log.accept(String.format("synced version %d from %s: %s, %,d bytes",
                                result.timestampVersion(), upstream, result.newDocuments(), result.bytes()));
                    }
                    failures = 0;
                    failuresInARow = 0;
                    afterSync.accept(result);
                    if (pickParent) {
                        moveTo(ParentChoice.choose(list(), self, List.of(upstream), new java.util.Random()),
                                "a listed mirror older than this one, to spread the copies as a tree");
                        pickParent = false;
                    }
                } catch (SyncException e) {
                    lastError = e.getMessage();
                    log.accept("sync failed, still serving the previous version: " + e.getMessage());
                    retrySoon();
                    if (e.kind() != SyncException.Kind.LOCAL && ++failures >= FAILURES_BEFORE_REPARENT && network) {
                        failures = 0;
                        abandoned.add(upstream);
                        String next = ParentChoice.choose(list(), self, abandoned, new java.util.Random());
                        if (next == null) {
                            abandoned.clear(); // every listed one tried: start over from the given upstream
                            next = upstream.equals(firstUpstream) ? null : firstUpstream;
                        }
                        moveTo(next, upstream + " failed " + FAILURES_BEFORE_REPARENT + " times in a row");
                    }
                }
            } while (again.get());
        } finally {
            running.set(false);
        }
        return result;
    }

    /**
     * Whether a sync just done was a large one-off job whose heap is now garbage: many new
     * documents, or this process's first sync, which verifies every role the mirror holds (at
     * 250,000 documents, 124 MB of metadata read through a heap of 128 MB).
     */
    private boolean largeJob(MirrorSync.Result result) {
        return !firstSyncDone || (result.changed() && result.documents() > 1000);
    }

    /** One sync; after a freeze, fresh metadata from another node or archive mode ({@link ArchiveMode}). */
    private MirrorSync.Result syncOrRecover() throws SyncException {
        try {
            return sync.sync();
        } catch (SyncException e) {
            if (!ArchiveMode.isFreeze(e)) {
                throw e;
            }
            List<String> others = new ArrayList<>(list().urls());
            others.remove(self);
            if (!others.contains(firstUpstream)) {
                others.add(firstUpstream);
            }
            ArchiveMode.Outcome o = ArchiveMode.recover(sync, others, log);
            if (o.freshNode() != null) {
                moveTo(o.freshNode(), "it has fresh metadata where " + upstream + " has only expired");
            }
            return o.result();
        }
    }

    /**
     * After a failed sync, tries again sooner than the next poll: 5 s, then 10, 20, ... up to the
     * poll interval, so an upstream that was down for a moment (restarting, not yet listening)
     * costs seconds, not a whole interval.
     */
    private void retrySoon() {
        if (executor == null) {
            return;
        }
        long seconds = Math.min(interval.toSeconds(), 5L << Math.min(10, failuresInARow++));
        try {
            executor.schedule(this::trigger, seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the mirror is shutting down
        }
    }

    private void moveTo(String next, String why) {
        if (next == null || next.equals(upstream)) {
            return;
        }
        log.accept("now copying from " + next + " (" + why + "; from the signed mirror list)");
        sync = sync.withUpstream(new Upstream(next, Duration.ofSeconds(30)));
        upstream = next;
    }

    /** The signed mirror list of the version this mirror serves (empty when unreadable). */
    private org.samizdat.repo.MirrorList list() {
        try {
            return org.samizdat.repo.Catalog.open(new org.samizdat.store.FileStore(publicDir)).mirrorList();
        } catch (IOException | org.samizdat.tuf.TufException e) {
            return org.samizdat.repo.MirrorList.EMPTY;
        }
    }

    /** JSON-ready status: role, version served, last sync, upstream, lag, archive mode, last error. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "mirror");
        m.put("upstream", upstream);
        long version = 0;
        try {
            Path ts = publicDir.resolve("metadata/timestamp.json");
            if (Files.exists(ts)) {
                Timestamp t = Timestamp.from(Metadata.parse("timestamp.json", Files.readAllBytes(ts), "timestamp"));
                version = t.version();
                m.put("snapshot_version", t.snapshot().version());
                m.put("expires", TufTime.format(t.expires()));
                // Archive mode: the publisher has stopped re-signing; the last verified version is kept online.
                m.put("archive_mode", !clock.instant().isBefore(t.expires()));
            }
        } catch (Exception e) {
            m.put("error", e.getMessage());
        }
        m.put("version", version);
        m.put("last_sync", lastSync == null ? null : TufTime.format(lastSync));
        m.put("last_attempt", lastAttempt == null ? null : TufTime.format(lastAttempt));
        m.put("version_lag", Math.max(0, upstreamVersion - version));
        m.put("last_error", lastError);
        return m;
    }
}
