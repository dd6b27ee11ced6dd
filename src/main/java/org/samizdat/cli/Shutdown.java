package org.samizdat.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

/** Blocks a long-running command until the JVM is asked to stop (Ctrl-C, SIGTERM), then stops its timers and closes its parts in order. */
final class Shutdown {
    private Shutdown() {
    }

    /** {@code parts} may hold nulls (a part that was not started). */
    static void await(ExecutorService timers, AutoCloseable... parts) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            timers.shutdownNow();
            for (AutoCloseable part : parts) {
                try {
                    if (part != null) {
                        part.close();
                    }
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
