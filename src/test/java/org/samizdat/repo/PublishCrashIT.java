package org.samizdat.repo;

import org.samizdat.work.Progress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publish killed with SIGKILL at random instants: after every kill {@code check} passes on the
 * archive as it is, and the next publish completes, so no document staged is ever lost.
 */
class PublishCrashIT {
    private static final int ROUNDS = Integer.getInteger("samizdat.crash.rounds", 12); // bench/crash runs more
    private static final int DOCS_PER_ROUND = 1500;

    @TempDir
    Path tmp;

    private static Process publishInChild(Path archive) throws Exception {
        Path log = archive.resolveSibling("publish.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.samizdat.cli.Main",
                "publish", archive.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void assertChecks(TestArchive a, String when) throws Exception {
        Checker.Report r = new Checker(a.publicDir(), State.read(a.dir()), org.samizdat.tuf.RootFingerprint.parse(a.fingerprint), Instant.now(), true,
                Progress.NONE).check();
        assertTrue(r.ok(), when + ": " + r.problems());
    }

    @Test
    void aPublishKilledAtAnyInstantLeavesACheckableArchiveAndTheNextRunCompletes() throws Exception {
        TestArchive a = TestArchive.create(tmp, Clock.systemUTC().instant());
        Random random = new Random(42);

        // calibrate: how long one whole publish of a round's documents takes in a child JVM
        a.stage("calibration", DOCS_PER_ROUND);
        long t0 = System.nanoTime();
        Process calibration = publishInChild(a.dir().root());
        assertTrue(calibration.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, calibration.exitValue());
        long fullMillis = (System.nanoTime() - t0) / 1_000_000;
        int staged = DOCS_PER_ROUND;

        List<Long> killedAt = new ArrayList<>();
        int killedMidway = 0;
        int insideBatch = 0;
        for (int round = 0; round < ROUNDS; round++) {
            a.stage("round" + round, DOCS_PER_ROUND);
            staged += DOCS_PER_ROUND;
            Process p = publishInChild(a.dir().root());
            long delay = (long) (random.nextDouble() * fullMillis * 1.1);
            killedAt.add(delay);
            if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                killedMidway++;
            }
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
            assertChecks(a, "after a kill at " + delay + " ms in round " + round);
            if (Files.exists(a.dir().stagingDir().resolve(Staging.BATCH_INFO))) {
                insideBatch++;
            }
            // the next run completes: whatever the kill interrupted is finished
            Process next = publishInChild(a.dir().root());
            assertTrue(next.waitFor(2, TimeUnit.MINUTES));
            assertTrue(new Staging(a.dir().stagingDir()).pending().isEmpty(), "round " + round + " left documents staged");
            assertChecks(a, "after the publish that followed the kill in round " + round);
        }
        assertChecks(a, "after the final publishes");
        assertTrue(new Staging(a.dir().stagingDir()).pending().isEmpty());
        Checker.Report r = a.check(true);
        // every staged document is published exactly once, plus one manifest and one torrent per release
        long releases = Files.list(a.metadata("x").getParent()).filter(f -> f.getFileName().toString().matches("1\\.r\\d+\\.json")).count();
        assertEquals(staged + 2 * releases, r.targets(), "killed at " + killedAt);
        assertTrue(killedMidway >= ROUNDS / 2, "too few kills landed mid-publish (" + killedMidway + "); full run took " + fullMillis + " ms");
        assertTrue(insideBatch >= 2, "too few kills landed inside a release being signed: " + insideBatch);
        System.out.printf("crash test: %d of %d kills landed mid-publish, %d inside a release being signed"
                + " (full publish %d ms), %d documents in %d releases%n",
                killedMidway, ROUNDS, insideBatch, fullMillis, staged, releases);
    }
}
