package org.samizdat.work;

/**
 * Hands heap back to the operating system after a large one-off job (an index update, a big
 * sync): the catalog such a job reads is garbage once it ends, but the heap it grew stays
 * committed until the next full collection. With the launcher's serial collector and
 * {@code -XX:MaxHeapFreeRatio}, a few full collections shrink it to what is live, so a mirror
 * serves at the memory its steady state needs. {@code -XX:+DisableExplicitGC} turns this off.
 */
public final class Heap {
    private Heap() {
    }

    /** Rounds of full collection: the serial collector damps shrinking (0 %, 10 %, 40 %, then all of the excess). */
    static final int ROUNDS = 4;

    public static void giveBack() {
        for (int i = 0; i < ROUNDS; i++) {
            System.gc();
        }
    }
}
