package org.samizdat.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private static final List<Integer> ITEMS = IntStream.range(0, 10_000).boxed().toList();

    @Test
    void resultsComeBackInItemOrderWhateverThreadRanThem() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Integer> out = Parallel.map(ITEMS, 4, "squaring", Progress.NONE, i -> {
            threads.add(Thread.currentThread().getName());
            return i * i;
        });
        assertEquals(ITEMS.size(), out.size());
        for (int i = 0; i < ITEMS.size(); i++) {
            assertEquals(i * i, out.get(i));
        }
        assertTrue(threads.size() <= 4, "at most the threads asked for: " + threads);
    }

    @Test
    void progressCountsEveryItemOnceAndEndsAtTheTotal() throws Exception {
        AtomicLong highest = new AtomicLong();
        AtomicInteger calls = new AtomicInteger();
        Parallel.map(ITEMS, 3, "counting", (phase, done, total) -> {
            assertEquals("counting", phase);
            assertEquals(ITEMS.size(), total);
            highest.accumulateAndGet(done, Math::max);
            calls.incrementAndGet();
        }, i -> i);
        assertEquals(ITEMS.size(), highest.get());
        assertEquals(ITEMS.size(), calls.get());
    }

    @Test
    void theEarliestFailingItemsExceptionIsThrownAsItWasAndLaterItemsDoNotStart() {
        AtomicInteger started = new AtomicInteger();
        IOException thrown = assertThrows(IOException.class, () -> Parallel.map(ITEMS, 2, "failing", Progress.NONE, i -> {
            started.incrementAndGet();
            if (i == 100 || i == 101) {
                throw new IOException("item " + i);
            }
            return i;
        }));
        assertEquals("item 100", thrown.getMessage());
        assertTrue(started.get() < ITEMS.size(), "no new item starts after a failure: " + started.get());
    }

    @Test
    void aCheckedExceptionOtherThanIoIsWrappedWithItsCause() {
        IOException thrown = assertThrows(IOException.class, () -> Parallel.map(ITEMS, 2, "failing", Progress.NONE, i -> {
            throw new Exception("not io");
        }));
        assertInstanceOf(Parallel.Failure.class, thrown);
        assertEquals("not io", thrown.getCause().getMessage());
    }

    @Test
    void anEmptyListNeedsNoThread() throws Exception {
        assertEquals(List.of(), Parallel.map(List.<Integer>of(), 0, "nothing", Progress.NONE, i -> i));
    }
}
