package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetPathTest {
    @Test
    void acceptsTheArchiveAlphabet() {
        for (String ok : List.of("a", "r0001/cables/09STATE12345.txt", "A-b_c.d/e", "x/.hidden-ok")) {
            assertTrue(TargetPath.problem(ok).isEmpty(), ok);
        }
    }

    @Test
    void rejectsHostilePaths() {
        for (String bad : List.of("", "/abs", "a//b", "a/../b", "..", "./a", "a/.", "a\\b", "a b", "a%2e", "caf\u00e9",
                "a\u0000b", "a?b", "a#b", "\u0430pple", "a/", "x".repeat(201), "a/".repeat(16) + "a")) {
            assertTrue(TargetPath.problem(bad).isPresent(), bad);
            assertThrows(IllegalArgumentException.class, () -> new TargetPath(bad));
        }
    }

    @Test
    void buildsTheConsistentSnapshotNameFromTheHash() {
        TargetPath p = new TargetPath("r0001/cables/a.txt");
        assertEquals("r0001/cables/abc.a.txt", p.hashedName("abc"));
        assertEquals("abc.top.txt", new TargetPath("top.txt").hashedName("abc"));
    }

    @Test
    void normalisesOnlyWhenAsked() {
        assertEquals("bad-name-e.html", TargetPath.normaliseSegment("bad name é.html"));
        assertEquals("_-", TargetPath.normaliseSegment("日本"));
        assertTrue(TargetPath.problem(TargetPath.normaliseSegment("a/b\\c\u0000")).isEmpty());
        assertEquals("___", TargetPath.normaliseSegment(".."));
    }
}
