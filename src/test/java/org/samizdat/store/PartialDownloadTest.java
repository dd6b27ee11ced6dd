package org.samizdat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartialDownloadTest {
    @TempDir
    Path dir;

    @Test
    void theLeftoverOfAKilledProcessIsRemovedButAFileARunningProcessWritesIsKept() throws Exception {
        Process other = new ProcessBuilder("sleep", "60").start();
        Process dead = new ProcessBuilder("true").start();
        try {
            assertTrue(dead.waitFor(10, TimeUnit.SECONDS));
            Path mine = PartialDownload.create(dir);
            Path running = Files.writeString(dir.resolve(PartialDownload.PREFIX + other.pid() + "-1.tmp"), "partial");
            Path orphan = Files.writeString(dir.resolve(PartialDownload.PREFIX + dead.pid() + "-2.tmp"), "partial");
            Path document = Files.writeString(dir.resolve("doc.txt"), "a document");
            assertTrue(mine.getFileName().toString().startsWith("."), "never served: its name starts with a dot");

            assertEquals(1, PartialDownload.removeOrphans(dir));
            assertFalse(Files.exists(orphan));
            assertTrue(Files.exists(mine) && Files.exists(running) && Files.exists(document));
        } finally {
            other.destroyForcibly();
        }
    }
}
