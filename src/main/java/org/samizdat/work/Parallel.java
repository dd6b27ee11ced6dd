package org.samizdat.work;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** Runs one I/O task per item on all cores, reporting progress; the first failure is rethrown as is. */
public final class Parallel {
    private Parallel() {
    }

    /** A task over one item that may fail with an exception of type {@code E}. */
    @FunctionalInterface
    public interface Task<T, R> {
        R run(T item) throws Exception;
    }

    /** The results in item order; {@code threads} below 1 means one per core. */
    public static <T, R> List<R> map(List<T> items, int threads, String phase, Progress progress, Task<T, R> task)
            throws IOException {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(n, items.size())));
        AtomicLong done = new AtomicLong();
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    R r = task.run(item);
                    progress.update(phase, done.incrementAndGet(), items.size());
                    return r;
                }));
            }
            List<R> out = new ArrayList<>(items.size());
            for (Future<R> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new Failure(c);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A checked exception other than IOException thrown by a task; its cause is the original. */
    public static final class Failure extends IOException {
        Failure(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
