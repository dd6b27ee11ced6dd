package org.samizdat.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.Catalog;
import org.samizdat.work.Progress;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TufException;

/**
 * Keeps a node's search index at the version it serves: it looks at {@code timestamp.json} every
 * second (or when poked after a sync or publish) and, when it changed, updates the index from the
 * node's verified catalog on its own thread. A failed update is retried at the next change or
 * after {@link #RETRY_SECONDS}.
 */
public final class Indexer implements AutoCloseable {
    static final long RETRY_SECONDS = 30;
    private final SearchIndex index;
    private final Path publicDir;
    private final Consumer<String> log;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile String seen = "";
    private volatile String failedAt = "";
    private volatile long retryAt;
    private volatile String lastError;
    private volatile SearchIndex.Update last;
    private volatile boolean warmed;

    public Indexer(SearchIndex index, Path publicDir, Consumer<String> log) {
        this(index, publicDir, log, Progress.NONE);
    }

    /** As above, reporting the progress of each build to {@code progress} (a terminal draws it). */
    public Indexer(SearchIndex index, Path publicDir, Consumer<String> log, Progress progress) {
        this.index = index;
        this.publicDir = publicDir;
        this.log = log;
        this.progress = progress;
    }

    private final Progress progress;

    private ScheduledExecutorService own;

    /** Checks once a second on {@code executor}, starting now. */
    public void start(ScheduledExecutorService executor) {
        executor.scheduleWithFixedDelay(this::check, 0, 1, TimeUnit.SECONDS);
    }

    /** Checks once a second on a thread of its own (indexing a large release takes minutes), starting now. */
    public Indexer start() {
        own = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "samizdat-indexer");
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1); // serving comes first
            return t;
        });
        start(own);
        return this;
    }

    /** Stops checking and closes the index (an update in progress is abandoned and redone next time). */
    @Override
    public void close() throws IOException {
        if (own != null) {
            own.shutdownNow();
            try {
                own.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        index.close();
    }

    public SearchIndex index() {
        return index;
    }

    /** The last update's figures, or null before the first. */
    public SearchIndex.Update lastUpdate() {
        return last;
    }

    /** Why the last update failed, or null. */
    public String lastError() {
        return lastError;
    }

    private String openings() {
        try {
            return Long.toString(Files.getLastModifiedTime(publicDir.resolve(org.samizdat.repo.SealedRelease.OPENING_DIR)).toMillis());
        } catch (IOException none) {
            return "0";
        }
    }

    /**
     * Warms the index just updated (or opened), so readers' first searches find compiled code
     * ({@link SearchWarmer}): once in a process's life, as compiled code outlives index updates.
     */
    private void warm() {
        if (warmed) {
            return;
        }
        try {
            SearchIndex.Warming w = index.warm();
            if (w.searches() > 0) {
                warmed = true;
                log.accept(String.format("search index: warmed by %d searches in %.1f s", w.searches(), w.millis() / 1000.0));
            }
        } catch (IOException | RuntimeException e) {
            log.accept("search index: warming failed (searches are unaffected): " + e.getMessage());
        }
    }

    /** Updates the index if the served version changed since the last successful update. */
    public void check() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        boolean updated = false;
        try {
            byte[] ts;
            try {
                ts = Files.readAllBytes(publicDir.resolve("metadata/timestamp.json"));
            } catch (NoSuchFileException nothingYet) {
                return;
            }
            // a sealed release opened here changes what the same version lists: the openings' stamp is part of it
            String opened = openings();
            String now = Sha256.hex(ts) + ":" + opened;
            if (now.equals(seen) || (lastError != null && System.currentTimeMillis() < retryAt && now.equals(failedAt))) {
                return;
            }
            try {
                Catalog catalog = Catalog.open(new FileStore(publicDir));
                if (catalog.version() == index.indexedVersion() && !seen.isEmpty() && seen.endsWith(":" + opened)) {
                    seen = now; // only the timestamp was re-signed
                    return;
                }
                SearchIndex.Update u = index.update(catalog, progress);
                last = u;
                seen = now;
                lastError = null;
                updated = true;
                if (u.releasesAdded() + u.releasesRemoved() > 0) {
                    log.accept(String.format("search index: %d release(s) indexed, %d removed, %,d document(s) in %.1f s%s",
                            u.releasesAdded(), u.releasesRemoved(), u.documents(), u.millis() / 1000.0,
                            u.extractionFailures() > 0 ? ", " + u.extractionFailures() + " without readable text" : ""));
                }
            } catch (OutOfMemoryError e) {
                // caught here so the check keeps running (an escaping error would end its schedule) and says why
                lastError = "out of memory: the heap (" + (Runtime.getRuntime().maxMemory() >> 20)
                        + " MB) is too small for this update; give the node more (SAMIZDAT_JAVA_OPTS=-Xmx...)";
                failedAt = now;
                retryAt = System.currentTimeMillis() + RETRY_SECONDS * 1000;
                log.accept("search index: update failed, serving the previous index: " + lastError);
            } catch (IOException | TufException | RuntimeException e) {
                lastError = e.getMessage();
                failedAt = now;
                retryAt = System.currentTimeMillis() + RETRY_SECONDS * 1000;
                log.accept("search index: update failed, serving the previous index: " + e.getMessage());
            }
        } catch (IOException e) {
            lastError = e.getMessage();
        } finally {
            running.set(false);
        }
        if (updated) {
            org.samizdat.work.Heap.giveBack(); // here, where the catalog the update read is out of scope
            warm();
        }
    }
}
