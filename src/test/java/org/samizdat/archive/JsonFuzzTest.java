package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes the strict JSON parser and the canonical encoder that signatures are computed over. */
class JsonFuzzTest {
    /**
     * Any bytes either parse or fail with a JsonException (no other exception, no hang, no stack
     * overflow); a parsed value encodes canonically, and re-reading it gives the same value and the
     * same canonical bytes (a fixed point, as signing requires). Canonical JSON (securesystemslib's
     * encode_canonical) writes control characters raw, which strict JSON refuses, so the canonical
     * bytes themselves are re-parsed only when they hold none; the pretty writer escapes them.
     */
    @FuzzTest(maxDuration = "10s")
    void anyBytesAreParsedOrRefusedAndTheirCanonicalFormIsAFixedPoint(byte[] input) {
        Object value;
        try {
            value = Json.parse(input);
        } catch (JsonException refused) {
            return;
        }
        byte[] canonical = CanonicalJson.encode(value);
        Object again = Json.parse(Json.write(value));
        assertEquals(value, again);
        assertArrayEquals(canonical, CanonicalJson.encode(again));
        if (!hasControlBytes(canonical)) {
            assertEquals(value, Json.parse(canonical));
        }
    }

    private static boolean hasControlBytes(byte[] bytes) {
        for (byte b : bytes) {
            if (b >= 0 && b < 0x20) {
                return true;
            }
        }
        return false;
    }
}
