package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.Checker;
import org.samizdat.work.Progress;
import org.samizdat.repo.State;
import org.samizdat.repo.TestArchive;
import org.samizdat.server.ArchiveServer;
import org.samizdat.server.OriginStatus;
import org.samizdat.server.ServerConfig;
import org.samizdat.store.FileStore;

/**
 * A syncing mirror killed with SIGKILL at random instants: after every kill the mirror's directory
 * holds a consistent, checkable version with no partial document visible, and the next run completes.
 */
class MirrorCrashIT {
    private static final int ROUNDS = Integer.getInteger("samizdat.crash.rounds", 8); // bench/crash runs more

    @TempDir
    Path tmp;

    private static Process mirrorOnce(String upstream, Path dir, String fingerprint) throws Exception {
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.samizdat.cli.Main", "mirror",
                upstream, dir.toString(), "--fingerprint", fingerprint, "--once")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Checker.Report check(Path dir) throws Exception {
        return new Checker(dir.resolve("public"), new State(0, 0), null, Instant.now(), true, Progress.NONE).check();
    }

    @Test
    void aMirrorKilledMidSyncKeepsAConsistentVersionAndCompletesOnRestart() throws Exception {
        TestArchive origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("base", 50);
        origin.publish("Base");
        try (ArchiveServer server = new ArchiveServer(new ServerConfig("127.0.0.1", 0, origin.publicDir(), "origin"),
                new OriginStatus(origin.publicDir(), Clock.systemUTC()), () -> { }).start()) {
            Random random = new Random(7);
            Path mirror = tmp.resolve("mirror");
            Process first = mirrorOnce(server.url(), mirror, origin.fingerprint);
            assertTrue(first.waitFor(2, TimeUnit.MINUTES));
            assertEquals(0, first.exitValue());
            int expected = 52; // 50 documents, the manifest and the torrent
            int killedMidway = 0;
            for (int round = 0; round < ROUNDS; round++) {
                origin.stage("round" + round, 1500);
                origin.publish(null);
                expected += 1502;
                long t0 = System.nanoTime();
                Process p = mirrorOnce(server.url(), mirror, origin.fingerprint);
                long delay = 300 + random.nextInt(1500);
                if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    killedMidway++;
                }
                assertTrue(p.waitFor(1, TimeUnit.MINUTES));
                Checker.Report r = check(mirror);
                assertTrue(r.ok(), "after a kill at " + delay + " ms in round " + round + ": " + r.problems());
                try (Stream<Path> files = Files.walk(mirror.resolve("public/targets"))) {
                    // partial downloads only ever exist under temporary names: every file under its real
                    // name <sha256>.<name> is whole, its content hashing to its name
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        String name = f.getFileName().toString();
                        if (!name.startsWith(FileStore.TEMP_PREFIX)) {
                            assertEquals(name.substring(0, 64), Sha256.hex(Files.readAllBytes(f)), f + " is partial");
                        }
                    }
                }
                Process next = mirrorOnce(server.url(), mirror, origin.fingerprint);
                assertTrue(next.waitFor(2, TimeUnit.MINUTES));
                assertEquals(0, next.exitValue(), "the run after the kill completes");
                Checker.Report done = check(mirror);
                assertTrue(done.ok(), done.problems().toString());
                assertEquals(expected, done.targets());
                assertEquals(List.of(), new FileStore(mirror.resolve("public")).strayTemps(),
                        "the next run cleaned the temporary files of the killed one");
                System.out.printf("mirror crash round %d: killed at %d ms (%s), resumed in %d ms%n", round, delay,
                        p.exitValue() == 0 ? "after it finished" : "mid-run", (System.nanoTime() - t0) / 1_000_000 - delay);
            }
            assertTrue(killedMidway >= ROUNDS / 2, "too few kills landed mid-sync: " + killedMidway);
            System.out.printf("mirror crash test: %d of %d kills landed mid-sync; check passed after every kill%n",
                    killedMidway, ROUNDS);
        }
    }
}
