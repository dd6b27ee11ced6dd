package org.samizdat.tuf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PathPatternTest {
    @Test
    void starsMatchWithinOneSegmentOnly() {
        assertTrue(PathPattern.matches("r0001/*", "r0001/a.txt"));
        assertFalse(PathPattern.matches("r0001/*", "r0001/d/a.txt"));
        assertTrue(PathPattern.matches("r*/*/*", "r0001/d/a.txt"));
        assertFalse(PathPattern.matches("*.pdf", "docs/a.pdf"));
        assertTrue(PathPattern.matches("docs/*.pdf", "docs/a.pdf"));
        assertTrue(PathPattern.matches("a?c/x", "abc/x"));
        assertFalse(PathPattern.matches("r0002/*", "r0001/a"));
    }
}
