package org.samizdat.sync;

import java.time.Duration;

/** How a client waits out a busy upstream's Retry-After: the real clock, or a test's recorder. */
@FunctionalInterface
public interface Sleeper {
    /** Waits on the real clock. */
    Sleeper REAL = d -> Thread.sleep(d);

    void sleep(Duration d) throws InterruptedException;
}
