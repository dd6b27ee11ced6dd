package org.samizdat.cli;

import org.samizdat.cli.Cli.Run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static Run run(String... args) {
        return Cli.run(args);
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
    void anUnknownWayOfReadingTheIndexIsBadUsageThatNamesTheChoices() throws Exception {
        Run serve = run("serve", tmp.toString(), "--index-io", "mapped");
        assertEquals(Main.USAGE, serve.code());
        assertTrue(serve.err().contains("--index-io is map or read, not 'mapped'"), serve.err());
    }

    @Test
    void anEncryptedArchiveAsksForItsPassphrase() throws Exception {
        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "s3cret\n");
        String archive = tmp.resolve("a").toString();
        Path offlinePass = tmp.resolve("offline-pass");
        Files.writeString(offlinePass, "another s3cret\n");
        Run init = run("init", archive, "--passphrase-file", pass.toString(), "--offline-passphrase-file", offlinePass.toString());
        assertEquals(0, init.code(), init.err());
        assertFalse(init.err().contains("unencrypted"), init.err());
        assertFalse(Files.exists(tmp.resolve("a/private/keys/root.key.json")), "the root key is not among the online keys");
        assertFalse(Files.exists(tmp.resolve("a/private/keys/targets.key.json")));
        assertTrue(init.out().contains(tmp.resolve("a-offline-keys").toString()), init.out());
        assertFalse(Files.readString(tmp.resolve("a-offline-keys/root.key.json")).contains("\"seed\""),
                "the offline keyring is encrypted with its own passphrase");
        Files.writeString(tmp.resolve("x.txt"), "x");
        assertEquals(0, run("add", archive, tmp.resolve("x.txt").toString()).code());
        Run without = run("publish", archive);
        assertEquals(1, without.code());
        assertTrue(without.err().contains("encrypted"), without.err());
        assertEquals(0, run("publish", archive, "--passphrase-file", pass.toString()).code());
    }

    /** A loopback port with nothing listening on it. */
    private static int deadPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A published archive of one document, for the commands that read one. */
    private String publishedArchive() throws Exception {
        String archive = tmp.resolve("a").toString();
        assertEquals(0, run("init", archive).code());
        Files.createDirectories(tmp.resolve("docs/cables"));
        Files.writeString(tmp.resolve("docs/cables/09STATE1.txt"), "Subject: A\nDate: 2009-03-14\n\nbody\n");
        assertEquals(0, run("add", archive, tmp.resolve("docs").toString()).code());
        assertEquals(0, run("publish", archive).code());
        return archive;
    }

    @Test
    void aBareSamizdatPrintsHelpOnStandardErrorAndExitsTwo() {
        Run bare = run();
        assertEquals(Main.USAGE, bare.code());
        assertTrue(bare.err().contains("Usage: samizdat") && bare.err().contains("Commands:"), bare.err());
        assertEquals("", bare.out());
    }

    @Test
    void checkCountsTheReleaseManifestApartAndListsEveryDocumentsPath() throws Exception {
        String archive = publishedArchive();
        Run check = run("check", archive, "--list");
        assertEquals(0, check.code(), check.out());
        assertTrue(check.out().contains("1 document(s) (+2 release files)"), check.out());
        assertTrue(check.out().contains("r0001/docs/cables/09STATE1.txt  r0001  "), check.out());
        assertTrue(check.out().contains("2009-03-14"), check.out());
    }

    @Test
    void serveOnAMissingDirectoryCreatesNothing() {
        Path missing = tmp.resolve("nothing-here");
        Run serve = run("serve", missing.toString(), "--port", "0");
        assertEquals(Main.USAGE, serve.code());
        assertTrue(serve.err().contains("does not exist"), serve.err());
        assertFalse(Files.exists(missing), "serve created " + missing);
        Path empty = tmp.resolve("empty");
        assertEquals(Main.USAGE, run("serve", tmp.toString(), "--port", "0").code(), "a directory without an archive");
        assertFalse(Files.exists(tmp.resolve("index")), "serve created an index beside no archive");
        assertFalse(Files.exists(empty));
    }

    @Test
    void aMirrorWhoseFirstContactFailsLeavesNothingBehindAndSaysWhyInWords() throws Exception {
        Path dir = tmp.resolve("m");
        Run dead = run("mirror", "http://127.0.0.1:" + deadPort() + "/", dir.toString(), "--fingerprint", "00".repeat(32), "--once");
        assertEquals(Main.NO_UPSTREAM, dead.code());
        assertTrue(dead.err().contains("connection refused"), dead.err() + dead.out());
        assertFalse(dead.err().contains("ConnectException") || dead.err().contains("//metadata"), dead.err());
        assertFalse(Files.exists(dir), "a failed first contact left " + dir);

        com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        web.start();
        try {
            Files.createDirectories(dir);
            Run notANode = run("mirror", "http://127.0.0.1:" + web.getAddress().getPort(), dir.toString(),
                    "--fingerprint", "00".repeat(32), "--once");
            assertEquals(Main.NO_UPSTREAM, notANode.code());
            assertTrue(notANode.err().contains("is not a samizdat node"), notANode.err());
            assertFalse(Files.exists(dir.resolve("public")), "the existing directory is kept, but nothing was left in it");
            assertTrue(Files.isDirectory(dir));
        } finally {
            web.stop(0);
        }
    }

    @Test
    void fetchFromOneDeadMirrorDoesNotPromiseANextOne() throws Exception {
        Run fetch = run("fetch", "r0001/x.txt", "--from", "http://127.0.0.1:" + deadPort(), "--fingerprint", "00".repeat(32),
                "--cache", tmp.resolve("cache").toString(), "-o", tmp.resolve("x.txt").toString());
        assertEquals(Main.NO_UPSTREAM, fetch.code(), fetch.err());
        assertTrue(fetch.err().contains("connection refused"), fetch.err());
        assertFalse(fetch.err().contains("trying the next"), fetch.err());
    }

    @Test
    void initOnAnArchiveRefusesBeforeAnyWarningAndAddOfAMissingFileSuggestsNoRenaming() throws Exception {
        String archive = tmp.resolve("a").toString();
        assertEquals(0, run("init", archive).code());
        Run again = run("init", archive);
        assertEquals(Main.ERROR, again.code());
        assertTrue(again.err().startsWith("samizdat: ") && again.err().contains("already holds an archive"), again.err());
        assertFalse(again.err().contains("warning"), again.err());
        Run add = run("add", archive, tmp.resolve("no-such-file.txt").toString());
        assertEquals(Main.USAGE, add.code());
        assertTrue(add.err().contains("no such file or directory"), add.err());
        assertFalse(add.err().contains("normalize") || add.err().contains("Rename"), add.err());
    }

    @Test
    void aPortInUseSaysSoAndSuggestsPort() throws Exception {
        String archive = publishedArchive();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run serve = run("serve", archive, "--port", String.valueOf(taken.getLocalPort()), "--no-search");
            assertEquals(Main.ERROR, serve.code());
            assertTrue(serve.err().contains("already in use") && serve.err().contains("--port"), serve.err());
        }
    }

    @Test
    void checkOnAMirrorWhoseFirstSyncNeverFinishedSaysSo() throws Exception {
        String archive = publishedArchive();
        Path mirror = tmp.resolve("half/public/metadata");
        Files.createDirectories(mirror);
        Files.copy(Path.of(archive, "public/metadata/1.root.json"), mirror.resolve("1.root.json"));
        Run check = run("check", tmp.resolve("half").toString());
        assertEquals(Main.VERIFICATION_FAILED, check.code());
        assertTrue(check.out().contains("no complete version yet"), check.out());
    }

    @Test
    void theOfflineWorkflowRotatesAKeyAndWithdrawsADocumentFromTheCommandLine() throws Exception {
        String archive = tmp.resolve("w").toString();
        String offline = tmp.resolve("w-offline-keys").toString();
        assertEquals(0, run("init", archive).code());
        Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(tmp.resolve("docs/a.txt"), "Subject: a\n\nnames a source\n");
        Files.writeString(tmp.resolve("docs/b.txt"), "Subject: b\n\nharmless\n");
        assertEquals(0, run("add", archive, tmp.resolve("docs").toString()).code());
        assertEquals(0, run("publish", archive).code());

        // without the offline keys: the change waits, unsigned, with instructions
        Run rotate = run("keys", "rotate", archive, "timestamp");
        assertEquals(0, rotate.code(), rotate.err());
        assertTrue(rotate.out().contains("Waiting for the offline keys") && rotate.out().contains("samizdat sign"), rotate.out());
        Path pending = tmp.resolve("w/private/pending/2.root.json");
        assertTrue(Files.exists(pending));
        Run second = run("keys", "rotate", archive, "snapshot");
        assertEquals(1, second.code(), "one change at a time");
        assertTrue(second.err().contains("already waits"), second.err());
        // on the offline machine, then back
        Run sign = run("sign", pending.toString(), "--keys", offline);
        assertEquals(0, sign.code(), sign.err());
        assertTrue(sign.out().contains("root version 2") && sign.out().contains("signed by 1 more key(s)"), sign.out());
        Run imported = run("import", archive, pending.toString());
        assertEquals(0, imported.code(), imported.err());
        assertTrue(imported.out().contains("root version 2") && imported.out().contains("timestamp key rotated"), imported.out());

        // a withdrawal with the offline keyring plugged in: signed and applied at once
        Run withdraw = run("withdraw", archive, "r0001/docs/a.txt", "--reason", "It names a source.", "--offline-keys", offline);
        assertEquals(0, withdraw.code(), withdraw.err());
        Run check = run("check", archive, "--strict");
        assertEquals(0, check.code(), check.out());
        assertTrue(check.out().contains("1 document(s) (+2 release files) (+1 signed list)"), check.out());
        Run again = run("withdraw", archive, "r0001/docs/a.txt", "--reason", "twice", "--offline-keys", offline);
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already withdrawn"), again.err());
    }
}
