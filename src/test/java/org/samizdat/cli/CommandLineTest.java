package org.samizdat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end in-process, with the exit codes DESIGN.md promises. */
class CommandLineTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void corpusWritesReleaseDirectoriesThatAddAndPublishTakeAndRefusesAFullDirectory() throws Exception {
        Path corpus = tmp.resolve("corpus");
        Run written = run("corpus", corpus.toString(), "--docs", "60", "--releases", "2", "--seed", "3");
        assertEquals(0, written.code(), written.err());
        assertTrue(written.out().contains("Wrote 60 document(s)"), written.out());
        assertTrue(Files.isDirectory(corpus.resolve("release-1")) && Files.isDirectory(corpus.resolve("release-2")));
        Run again = run("corpus", corpus.toString(), "--docs", "60");
        assertEquals(Main.USAGE, again.code());
        assertTrue(again.err().contains("is not empty"), again.err());
        assertEquals(Main.USAGE, run("corpus", tmp.resolve("other").toString(), "--docs", "5", "--releases", "9").code());
        String archive = tmp.resolve("a").toString();
        assertEquals(0, run("init", archive, "--name", "Cables").code());
        Run add = run("add", archive, corpus.resolve("release-1").toString());
        assertEquals(0, add.code(), add.err());
        assertTrue(add.out().contains("Staged 30 document(s)"), add.out());
        assertEquals(0, run("publish", archive, "--title", "One").code());
    }

    @Test
    void initAddPublishCheckWorkAndReportWhatTheyDid() throws Exception {
        String archive = tmp.resolve("a").toString();
        Run init = run("init", archive, "--name", "Cables");
        assertEquals(0, init.code(), init.err());
        assertTrue(init.out().contains("Root fingerprint"));
        assertTrue(init.err().contains("unencrypted"), "warns about unencrypted keys: " + init.err());
        Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(tmp.resolve("docs/a.txt"), "Subject: A\n\nbody\n");
        Run add = run("add", archive, tmp.resolve("docs").toString());
        assertEquals(0, add.code(), add.err());
        assertTrue(add.out().contains("Staged 1 document"));
        Run publish = run("publish", archive, "--title", "First");
        assertEquals(0, publish.code(), publish.err());
        assertTrue(publish.out().contains("Published release r0001"));
        Run check = run("check", archive);
        assertEquals(0, check.code(), check.out());
        assertTrue(check.out().startsWith("OK"));
        Run resign = run("resign", archive);
        assertEquals(0, resign.code(), resign.err());
        assertTrue(resign.out().contains("re-signed timestamp"));
    }

    @Test
    void exitCodesFollowTheDesign() throws Exception {
        String archive = tmp.resolve("a").toString();
        assertEquals(2, run("publish").code(), "missing argument is bad usage");
        assertEquals(2, run("frobnicate").code());
        assertEquals(1, run("publish", archive).code(), "not an archive is an error");
        assertEquals(0, run("init", archive).code());
        assertEquals(1, run("init", archive).code(), "init refuses to overwrite");
        Files.writeString(tmp.resolve("bad name.txt"), "x");
        Run add = run("add", archive, tmp.resolve("bad name.txt").toString());
        assertEquals(2, add.code());
        assertTrue(add.err().contains("bad name.txt"), add.err());
        Run nothing = run("publish", archive);
        assertEquals(1, nothing.code());
        assertTrue(nothing.err().contains("nothing is staged"), nothing.err());
        Files.writeString(tmp.resolve("a/public/metadata/timestamp.json"), "garbage");
        Run check = run("check", archive);
        assertEquals(3, check.code());
        assertTrue(check.out().contains("timestamp.json"), check.out());
    }

    @Test
    void anEncryptedArchiveAsksForItsPassphrase() throws Exception {
        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "s3cret\n");
        String archive = tmp.resolve("a").toString();
        Run init = run("init", archive, "--passphrase-file", pass.toString());
        assertEquals(0, init.code(), init.err());
        assertTrue(!init.err().contains("unencrypted"));
        Files.writeString(tmp.resolve("x.txt"), "x");
        assertEquals(0, run("add", archive, tmp.resolve("x.txt").toString()).code());
        Run without = run("publish", archive);
        assertEquals(1, without.code());
        assertTrue(without.err().contains("encrypted"), without.err());
        assertEquals(0, run("publish", archive, "--passphrase-file", pass.toString()).code());
    }
}
