package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SeedPacingTest {
    @Test
    void aClientOverItsRateWaitsInsteadOfBeingRefusedUntilItWouldWaitTwoSeconds() {
        SeedPacing p = new SeedPacing(null, 100, new Overload(5, java.util.List::of,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        long t = 1_000_000_000L;
        for (int i = 0; i < 200; i++) {
            assertEquals(0, p.reserve("a", t), "the burst (twice the rate) is served at once");
        }
        assertEquals(10_000_000L, p.reserve("a", t), 1_000, "then one request per 1/100 s");
        assertEquals(20_000_000L, p.reserve("a", t), 1_000);
        int queued = 2;
        while (p.reserve("a", t) >= 0) {
            queued++;
        }
        assertEquals(200, queued, 1, "at most two seconds' worth wait; the next is refused");
        assertEquals(0, p.reserve("b", t), "another address has its own bucket");
        assertTrue(p.reserve("a", t + 3_000_000_000L) >= 0, "the bucket refills with time");
    }
}
