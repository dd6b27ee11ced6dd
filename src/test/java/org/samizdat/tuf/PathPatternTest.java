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

    /** Character classes as python-tuf and go-tuf read them (fnmatch): sets, ranges, negation, literals. */
    @Test
    void characterClassesMatchAsFnmatchReadsThem() {
        assertTrue(PathPattern.matches("r000[12]/*", "r0001/a"));
        assertTrue(PathPattern.matches("r000[12]/*", "r0002/a"));
        assertFalse(PathPattern.matches("r000[12]/*", "r0003/a"));
        assertTrue(PathPattern.matches("bin-[0-9a-f]/x", "bin-c/x"));
        assertFalse(PathPattern.matches("bin-[0-9a-f]/x", "bin-g/x"));
        assertTrue(PathPattern.matches("[!a]*", "b.txt"));
        assertFalse(PathPattern.matches("[!a]*", "a.txt"));
        assertTrue(PathPattern.matches("[]a]", "]"), "a ']' first in a class is a member");
        assertTrue(PathPattern.matches("a[b", "a[b"), "an unclosed '[' is itself");
        assertFalse(PathPattern.matches("a[b", "ab"));
        assertTrue(PathPattern.matches("*[0-9].txt", "report-7.txt"));
        assertFalse(PathPattern.matches("[a-z]/x", "/x"), "a class never matches across '/'");
        // no exponential backtracking on a hostile pattern
        long start = System.nanoTime();
        assertFalse(PathPattern.matches("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(200)));
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }
}
