package org.samizdat.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.Checker;
import org.samizdat.repo.State;
import org.samizdat.repo.TestArchive;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.RootFingerprint;
import org.samizdat.work.Progress;

/**
 * A node killed with SIGKILL at random instants while it opens a sealed release: after every
 * kill the archive checks (the release is either not opened, or opened whole), and the node,
 * started again with no new key posted, finishes the opening from the key it kept.
 */
@Timeout(600)
class OpeningCrashIT {
    private static final int ROUNDS = Integer.getInteger("samizdat.crash.rounds", 5);
    private static final Pattern URL = Pattern.compile("Serving .* at (http://127\\.0\\.0\\.1:\\d+)/");
    @TempDir
    Path tmp;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A {@code serve} JVM on the archive, and its URL once it prints it. */
    private record Node(Process process, String url) {
    }

    private Node serve(TestArchive a, int round) throws Exception {
        Path log = tmp.resolve("serve-" + round + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.samizdat.cli.Main", "serve",
                a.dir().root().toString(), "--port", "0", "--no-search").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = URL.matcher(Files.readString(log));
            if (m.find()) {
                return new Node(p, m.group(1));
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling the child's log for its URL, with a deadline
        }
        p.destroyForcibly();
        throw new AssertionError("serve did not start:\n" + Files.readString(log));
    }

    private boolean opened(TestArchive a) throws Exception {
        return Catalog.open(new FileStore(a.publicDir())).opened("r0001").isPresent();
    }

    private Checker.Report check(TestArchive a) throws Exception {
        return new Checker(a.publicDir(), State.read(a.dir()), RootFingerprint.parse(a.fingerprint), Instant.now(), false,
                Progress.NONE).check();
    }

    @Test
    void aNodeKilledWhileOpeningLeavesACheckableArchiveAndFinishesWhenStartedAgain() throws Exception {
        TestArchive a = TestArchive.create(tmp, Instant.now());
        a.stage("cables", 3000);
        Sealer.Sealed s = new Sealing(a, null).seal("Insurance", 0, 0, null);
        String key = Files.readString(s.keyFile()).strip();
        Random random = new Random(11);
        int killedMidway = 0;
        for (int round = 0; round < ROUNDS && !opened(a); round++) {
            Node node = serve(a, round);
            if (round == 0) {
                HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/api/unseal"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("release=r0001&key=" + key)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(202, posted.statusCode(), posted.body());
            }
            long delay = 50 + random.nextInt(1500);
            if (!node.process().waitFor(delay, TimeUnit.MILLISECONDS)) {
                node.process().destroyForcibly(); // SIGKILL
                killedMidway += opened(a) ? 0 : 1;
            }
            assertTrue(node.process().waitFor(1, TimeUnit.MINUTES));
            Checker.Report r = check(a);
            assertTrue(r.ok(), "after a kill " + delay + " ms into round " + round + ": " + r.problems());
            assertTrue(opened(a) || Files.exists(a.publicDir().resolve(".opening/r0001.key")), "the key is kept until it is applied");
        }
        // started again with no key posted: the kept key finishes the opening
        Node last = serve(a, ROUNDS);
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!opened(a) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50); // polling the archive the child writes, with a deadline
            }
        } finally {
            last.process().destroy();
            last.process().waitFor(1, TimeUnit.MINUTES);
        }
        assertTrue(opened(a), "the release is open after the restart");
        assertTrue(killedMidway > 0, "at least one kill must land before the opening finished");
        Checker.Report r = check(a);
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(3000, Catalog.open(new FileStore(a.publicDir())).release("r0001").documents().size());
        assertTrue(!Files.exists(a.publicDir().resolve(".opening/r0001.key")));
    }
}
