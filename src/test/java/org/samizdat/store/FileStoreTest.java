package org.samizdat.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
    @TempDir
    Path dir;

    @Test
    void putReplacesAtomicallyAndGetReadsBack() throws IOException {
        FileStore s = new FileStore(dir);
        s.put("a/b.json", new byte[] {1, 2});
        s.put("a/b.json", new byte[] {3});
        assertArrayEquals(new byte[] {3}, s.get("a/b.json").orElseThrow());
        assertEquals(5, s.put("c", new ByteArrayInputStream(new byte[5])));
        assertEquals(5, s.size("c"));
        assertTrue(s.get("missing").isEmpty());
        assertEquals(-1, s.size("missing"));
    }

    @Test
    void namesCannotLeaveTheRoot() {
        FileStore s = new FileStore(dir.resolve("public"));
        for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a\\..\\x", "a//b", "", "a/./b", "a\u0000b")) {
            assertThrows(IllegalArgumentException.class, () -> s.get(bad), bad);
        }
    }

    @Test
    void listingHidesTemporaryFiles() throws IOException {
        FileStore s = new FileStore(dir);
        s.put("x/y", new byte[1]);
        Files.write(dir.resolve("x/" + FileStore.TEMP_PREFIX + "junk"), new byte[1]);
        assertEquals(List.of("x/y"), s.list(""));
        assertEquals(1, s.strayTemps().size());
    }

    @Test
    void aNameThatLeavesTheStoreIsRefused() throws IOException {
        FileStore s = new FileStore(dir);
        for (String bad : new String[] {"../b", "/etc/passwd", "a//b", "a/./b", "a\\b", "a\0b", ""}) {
            assertThrows(IllegalArgumentException.class, () -> s.put(bad, new byte[0]), bad);
        }
    }
}
