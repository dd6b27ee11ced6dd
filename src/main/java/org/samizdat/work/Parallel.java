package org.samizdat.work;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one I/O task per item on several threads, reporting progress; the first failure is rethrown as is. */
public final class Parallel {
    private Parallel() {
    }

    /** A task over one item that may fail with an exception of type {@code E}. */
    @FunctionalInterface
    public interface Task<T, R> {
        R run(T item) throws Exception;
    }

    /**
     * The results in item order; {@code threads} below 1 means one per core. Each thread takes the
     * next item itself, so a batch of 50,000 small files costs no hand-over per item (a queue of
     * one future per item cost two thread wake-ups each). Once a task fails, no new item starts,
     * and the failure of the earliest item that failed is thrown.
     */
    public static <T, R> List<R> map(List<T> items, int threads, String phase, Progress progress, Task<T, R> task)
            throws IOException {
        int n = Math.max(1, Math.min(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), items.size()));
        Object[] results = new Object[items.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        AtomicReference<Failed> failed = new AtomicReference<>();
        Runnable work = () -> {
            for (int i; failed.get() == null && (i = next.getAndIncrement()) < results.length; ) {
                try {
                    results[i] = task.run(items.get(i));
                    progress.update(phase, done.incrementAndGet(), items.size());
                } catch (Throwable t) {
                    Failed f = new Failed(i, t);
                    failed.accumulateAndGet(f, (a, b) -> a == null || b.index() < a.index() ? b : a);
                }
            }
        };
        List<Thread> workers = new ArrayList<>(n - 1);
        for (int t = 1; t < n; t++) {
            Thread w = new Thread(work, phase + " " + t);
            w.setDaemon(true);
            w.start();
            workers.add(w);
        }
        work.run(); // the calling thread is one of the workers
        try {
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            failed.compareAndSet(null, new Failed(-1, e));
            workers.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Failed f = failed.get();
        if (f != null) {
            Throwable c = f.cause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new Failure(c);
        }
        @SuppressWarnings("unchecked")
        List<R> out = (List<R>) new ArrayList<>(Arrays.asList(results));
        return out;
    }

    /** A task's failure and the index of its item. */
    private record Failed(int index, Throwable cause) {
    }

    /** A checked exception other than IOException thrown by a task; its cause is the original. */
    public static final class Failure extends IOException {
        Failure(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
