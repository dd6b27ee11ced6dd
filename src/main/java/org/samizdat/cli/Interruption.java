package org.samizdat.cli;

import java.util.concurrent.Callable;

/**
 * What a long command says when it is stopped (Ctrl-C, SIGTERM) before it ends: that it was
 * interrupted, what state it left, and how to go on. Printed by a shutdown hook that is removed
 * once the work ends normally.
 */
final class Interruption {
    private Interruption() {
    }

    /** Runs {@code work}; if the process is stopped meanwhile, prints "interrupted. " + {@code howToResume}. */
    static <T> T sayingOnStop(String howToResume, Callable<T> work) throws Exception {
        Thread hook = new Thread(() -> System.err.println("\nsamizdat: interrupted. " + howToResume));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.call();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // stopped: the hook is saying so
            }
        }
    }
}
