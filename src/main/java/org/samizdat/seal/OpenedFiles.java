package org.samizdat.seal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.samizdat.repo.SealedManifest;
import org.samizdat.store.FileStore;

/**
 * The documents of one opening as they are written: each beside its stored name under a
 * temporary name (a {@code .tmp-} name is never served), written on a few threads while
 * decryption goes on (small documents are handed over in memory, within a bound), made durable
 * together and renamed to their stored names only when every document matched, or all deleted
 * when one did not.
 */
final class OpenedFiles implements AutoCloseable {
    /** Documents up to this size are handed to the writers in memory; larger ones are written by the reader. */
    private static final int IN_MEMORY = 4 << 20;
    /** At most this many KiB of documents wait for the writers at once. */
    private static final int BUDGET_KIB = 64 << 10;
    private static final int WRITERS = 4;
    static final String TEMP = FileStore.TEMP_PREFIX + "open-";

    /** A failure of this node's own disk while writing, as opposed to bad content. */
    static final class LocalFailure extends IOException {
        LocalFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private record Pending(Path temp, Path target) {
    }

    private final FileStore store;
    private final ExecutorService writers = Executors.newFixedThreadPool(WRITERS, r -> {
        Thread t = new Thread(r, "samizdat-opening-writer");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore budget = new Semaphore(BUDGET_KIB);
    private final List<Future<?>> tasks = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Set<Path> dirs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();

    OpenedFiles(FileStore store) {
        this.store = store;
    }

    /** Removes what a killed opening of this release left under {@code targets/<release>/}. */
    static void clearLeftovers(FileStore store, String release) throws IOException {
        Path dir = store.path("targets/" + release);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(p -> p.getFileName().toString().startsWith(TEMP)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Writes one document's bytes (read to their end here) under a temporary name beside its stored name. */
    void add(SealedManifest.Document doc, InputStream content) throws IOException {
        Path target = store.path("targets/" + doc.storedName());
        Path dir = target.getParent();
        try {
            if (dirs.add(dir)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new LocalFailure(e);
        }
        Path temp = dir.resolve(TEMP + count.incrementAndGet());
        pending.add(new Pending(temp, target));
        if (doc.length() > IN_MEMORY) {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = content.read(buf)) > 0; ) {
                    writeFully(ch, ByteBuffer.wrap(buf, 0, n));
                }
                ch.force(true);
            } catch (LocalFailure f) {
                throw f;
            } catch (IOException e) {
                if (e.getClass().getName().startsWith("java.nio.file") || !Files.exists(temp)) {
                    throw new LocalFailure(e);
                }
                throw e; // a read failure: the content's fault
            }
            return;
        }
        byte[] bytes = content.readAllBytes();
        int kib = (bytes.length >> 10) + 1;
        try {
            budget.acquire(kib);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while opening");
        }
        tasks.add(writers.submit(() -> {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(ch, ByteBuffer.wrap(bytes)); // made durable all at once, in commit()
            } finally {
                budget.release(kib);
            }
            return null;
        }));
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        try {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            throw new LocalFailure(e);
        }
    }

    private void awaitWriters() throws IOException {
        for (Future<?> f : tasks) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? new LocalFailure(io) : new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while opening");
            }
        }
    }

    /**
     * Makes every document durable under its temporary name, then renames them all to their
     * stored names, durably: one {@code syncfs} before the renames and one after where the OS
     * has it (a journal commit each), else an fsync per file and per directory.
     */
    void commit() throws IOException {
        awaitWriters();
        Path root = store.path("targets");
        try {
            if (!FileStore.syncFileSystem(root)) {
                List<Pending> all = List.copyOf(pending);
                org.samizdat.work.Parallel.map(all, WRITERS, "syncing", org.samizdat.work.Progress.NONE, p -> {
                    try (FileChannel ch = FileChannel.open(p.temp(), StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                    return null;
                });
            }
            for (Pending p : pending) {
                Files.move(p.temp(), p.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new LocalFailure(e);
        }
        if (!FileStore.syncFileSystem(root)) {
            FileStore.syncDirectories(dirs);
        }
        pending.clear();
    }

    /** Deletes every temporary file written (after a refusal or a failure). */
    @Override
    public void close() throws IOException {
        writers.shutdown();
        try {
            writers.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p : pending) {
            Files.deleteIfExists(p.temp());
        }
    }
}
