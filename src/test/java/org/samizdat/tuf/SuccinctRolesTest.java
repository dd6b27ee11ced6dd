package org.samizdat.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TAP 15 bin names (docs/FORMAT.md section 6), with vectors measured with tuf-js's getRoleForTarget. */
class SuccinctRolesTest {
    @Test
    void binsMatchTufJsForTheResearchVectors() {
        SuccinctRoles ten = new SuccinctRoles(List.of("k"), 1, 10, "bin");
        SuccinctRoles eight = new SuccinctRoles(List.of("k"), 1, 8, "bin");
        assertEquals("bin-039", ten.binFor("docs/000001/document-1.pdf"));
        assertEquals("bin-0e", eight.binFor("docs/000001/document-1.pdf"));
        assertEquals("bin-166", ten.binFor("café.txt"));
    }

    @Test
    void namesEveryBinWithFixedWidthHex() {
        SuccinctRoles r = new SuccinctRoles(List.of("k"), 1, 4, "r0001-bin");
        assertEquals(16, r.allBinNames().size());
        assertEquals("r0001-bin-0", r.allBinNames().get(0));
        assertEquals("r0001-bin-f", r.allBinNames().get(15));
        assertTrue(r.isBin("r0001-bin-a"));
        assertFalse(r.isBin("r0001-bin-10"));
        assertFalse(r.isBin("other-a"));
        assertEquals("bin-fffffffe", new SuccinctRoles(List.of("k"), 1, 32, "bin").binName(0xfffffffeL));
    }
}
