package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.archive.Torrent;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TargetFile;
import org.samizdat.work.Progress;

class ReleaseTorrentTest {
    @TempDir
    Path tmp;

    /** A release of many small files (more than one read-ahead window) and a few larger than a read-ahead file. */
    private Map<String, byte[]> release(FileStore store, Map<String, TargetFile> targets) throws IOException {
        Random random = new Random(7);
        Map<String, byte[]> contents = new TreeMap<>();
        for (int i = 0; i < 1_100; i++) {
            int size = i % 400 == 0 ? (1 << 20) + 1 + random.nextInt(1 << 20) : random.nextInt(9_000);
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            contents.put(String.format("r0001/%s/doc-%05d.txt", i % 3 == 0 ? "a" : "b/c", i), bytes);
        }
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            String sha = Sha256.hex(e.getValue());
            store.put("targets/" + new TargetPath(e.getKey()).hashedName(sha), e.getValue());
            targets.put(e.getKey(), new TargetFile(e.getValue().length, sha, Map.of()));
        }
        return contents;
    }

    @Test
    void piecesReadAheadOnSeveralThreadsAreThoseOfTheFilesHashedOneAfterAnother() throws Exception {
        FileStore store = new FileStore(tmp);
        Map<String, TargetFile> targets = new TreeMap<>();
        Map<String, byte[]> contents = release(store, targets);

        Torrent built = ReleaseTorrent.build(store, "r0001", targets, List.of("http://127.0.0.1:1/seed/"), Progress.NONE);

        long total = contents.values().stream().mapToLong(b -> b.length).sum();
        Torrent.Builder expected = new Torrent.Builder("r0001", Torrent.pieceLengthFor(total));
        contents.forEach((p, b) -> expected.file(Arrays.asList(p.substring("r0001/".length()).split("/")), b.length));
        contents.values().forEach(b -> expected.update(b, 0, b.length));
        Torrent reference = expected.build(List.of("http://127.0.0.1:1/seed/"));
        assertEquals(reference.files(), built.files());
        assertArrayEquals(reference.pieces(), built.pieces());
        assertEquals(reference.infoHashHex(), built.infoHashHex());
    }

    @Test
    void aMissingOrShortFileFailsTheTorrentWithItsName() throws Exception {
        FileStore store = new FileStore(tmp);
        Map<String, TargetFile> targets = new TreeMap<>();
        release(store, targets);
        String victim = "r0001/b/c/doc-01001.txt";
        Path stored = store.path("targets/" + new TargetPath(victim).hashedName(targets.get(victim).sha256()));
        Files.write(stored, new byte[3]);
        IOException shortFile = assertThrows(IOException.class,
                () -> ReleaseTorrent.build(store, "r0001", targets, List.of(), Progress.NONE));
        assertTrue(shortFile.getMessage().contains("holds 3 bytes"), shortFile.getMessage());
        Files.delete(stored);
        IOException missing = assertThrows(IOException.class,
                () -> ReleaseTorrent.build(store, "r0001", targets, List.of(), Progress.NONE));
        assertTrue(missing.getMessage().contains(victim + " is missing"), missing.getMessage());
    }
}
