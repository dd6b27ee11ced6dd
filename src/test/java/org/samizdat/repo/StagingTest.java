package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Sha256;
import org.samizdat.work.Progress;

class StagingTest {
    @TempDir
    Path tmp;

    private Path file(String rel, byte[] bytes) throws Exception {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    private Map<String, StagedDocument> stage() throws Exception {
        Intake.Result found = Intake.scan(List.of(tmp.resolve("in")), null, false);
        assertTrue(found.problems().isEmpty(), found.problems().toString());
        Staging staging = new Staging(tmp.resolve("archive/private/staging"));
        return staging.add(found.items(), Progress.NONE).stream()
                .collect(Collectors.toMap(d -> d.path().value(), Function.identity()));
    }

    @Test
    void aTextsHeaderLinesBecomeItsMetadataAndItsBytesAreCopiedAndHashedWhole() throws Exception {
        StringBuilder body = new StringBuilder("Title: A long cable\nDate: 2009-02-03\nFrom: Embassy\n\n");
        while (body.length() < 3 * Intake.HEADER_BYTES + 17) {
            body.append("Line ").append(body.length()).append(" of a text longer than three chunks.\n");
        }
        byte[] text = body.toString().getBytes(StandardCharsets.UTF_8);
        file("in/long.txt", text);
        file("in/plain.txt", "No headers here.\n".getBytes(StandardCharsets.UTF_8));
        file("in/empty.txt", new byte[0]);
        file("in/report.pdf", "%PDF-1.4 Title: not a header".getBytes(StandardCharsets.UTF_8));

        Map<String, StagedDocument> staged = stage();

        StagedDocument longText = staged.get("in/long.txt");
        assertEquals("A long cable", longText.meta().title());
        assertEquals("2009-02-03", longText.meta().date());
        assertEquals("Embassy", longText.meta().fields().get("from"));
        assertEquals(text.length, longText.length());
        assertEquals(Sha256.hex(text), longText.sha256());
        Path object = new Staging(tmp.resolve("archive/private/staging")).object(longText);
        assertArrayEquals(text, Files.readAllBytes(object));

        assertEquals("", staged.get("in/plain.txt").meta().title());
        assertEquals(0, staged.get("in/empty.txt").length());
        assertEquals(Sha256.hex(new byte[0]), staged.get("in/empty.txt").sha256());
        assertEquals("", staged.get("in/report.pdf").meta().title(), "only plain text has header lines");
        assertEquals("application/pdf", staged.get("in/report.pdf").meta().contentType());
    }

    @Test
    void headersAreReadOnlyFromTheFirstChunk() throws Exception {
        // a header block that ends past the first chunk is not a header block: its blank line is never seen
        String filler = "X-Padding: " + "p".repeat(4000) + "\n";
        StringBuilder head = new StringBuilder("Title: Too long a head\n");
        while (head.length() < Intake.HEADER_BYTES) {
            head.append(filler);
        }
        head.append("\nbody\n");
        file("in/padded.txt", head.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals("", stage().get("in/padded.txt").meta().title());
    }

    @Test
    void aSymbolicLinkToAFileIsStagedAndFilesUnderHiddenFoldersAreNot() throws Exception {
        Path target = file("elsewhere/linked.txt", "Title: Linked\n\nx\n".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(tmp.resolve("in"));
        Files.createSymbolicLink(tmp.resolve("in/linked.txt"), target);
        file("in/.git/config", "x".getBytes(StandardCharsets.UTF_8));
        file("in/.hidden.txt", "x".getBytes(StandardCharsets.UTF_8));
        Intake.Result found = Intake.scan(List.of(tmp.resolve("in")), null, false);
        assertEquals(List.of("in/linked.txt"), found.items().stream().map(i -> i.draft().path().value()).toList());
        assertEquals(1, found.skippedHidden());
        assertEquals("Linked", stage().get("in/linked.txt").meta().title());
    }

    @Test
    void aPackLeftByAKilledAddIsNeverPendingAndTheNextAddClearsIt() throws Exception {
        Path staging = tmp.resolve("archive/private/staging");
        Path left = staging.resolve(Staging.PACKS).resolve(".tmp-killed-0");
        Files.createDirectories(left);
        Files.write(left.resolve("0"), "half a copy".getBytes(StandardCharsets.UTF_8));
        assertTrue(new Staging(staging).pending().isEmpty());
        file("in/a.txt", "Title: A\n\nbody\n".getBytes(StandardCharsets.UTF_8));
        StagedDocument a = stage().get("in/a.txt");
        assertTrue(Files.notExists(left), "the killed add's pack is gone");
        assertTrue(a.object().startsWith(Staging.PACKS + "/"), a.object());
        assertEquals(List.of(a), new Staging(staging).pending());
    }

    @Test
    void anIndexReadInSlicesKeepsTheLastEntryOfAPathSkipsATornLastLineAndNamesADamagedOne() throws Exception {
        StringBuilder index = new StringBuilder();
        int lines = 2 * 4096 + 5;
        for (int i = 0; i < lines; i++) {
            String path = "docs/d" + (i % 5000) + ".txt"; // paths come back: the later entry wins
            StagedDocument d = new StagedDocument(new org.samizdat.archive.TargetPath(path), Sha256.hex(new byte[] {(byte) i}), i,
                    org.samizdat.archive.DocumentMeta.empty("text/plain"), null);
            index.append(new String(org.samizdat.archive.Json.write(d.toJson()), StandardCharsets.UTF_8)).append('\n');
        }
        Path file = tmp.resolve("index.jsonl");
        Files.writeString(file, index + "{\"path\":\"docs/torn");
        List<StagedDocument> read = Staging.read(file);
        assertEquals(5000, read.size());
        StagedDocument first = read.stream().filter(d -> d.path().value().equals("docs/d0.txt")).findFirst().orElseThrow();
        assertEquals(5000, first.length(), "line 5001 replaced line 1");

        String[] all = index.toString().split("\n");
        all[4100] = "{\"path\": 3}";
        Files.writeString(file, String.join("\n", all) + "\n");
        java.io.IOException damaged = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Staging.read(file));
        assertTrue(damaged.getMessage().contains("line 4101 is damaged"), damaged.getMessage());
    }
}
