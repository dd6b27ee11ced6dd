package org.samizdat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;

/**
 * What a newcomer meets when running samizdat as a program (its own JVM, as the launcher starts
 * it): stopping a first sync says how to resume, the demo cleans up after itself, and a node's
 * normal output has no library log lines or JVM warnings.
 */
class FirstHourIT {
    /** A samizdat command in its own JVM, its output (both streams) going to a file. */
    private record Child(Process process, Path log) {
        static Child start(Path dir, String... args) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), "org.samizdat.cli.Main"));
            command.addAll(List.of(args));
            Path log = Files.createTempFile(dir, "child-", ".log");
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
        }

        String output() throws IOException {
            return Files.readString(log);
        }

        /** Waits until the output satisfies {@code condition}, or fails with what was printed. */
        String awaitOutput(Predicate<String> condition, Duration within) throws Exception {
            long end = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < end) {
                String out = output();
                if (condition.test(out)) {
                    return out;
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.onSpinWait();
                process.waitFor(50, TimeUnit.MILLISECONDS); // wakes at once when the child exits
            }
            throw new AssertionError("the expected output did not come within " + within + ":\n" + output());
        }

        /** Stops it as Ctrl-C does (SIGTERM runs the same shutdown hooks as SIGINT) and returns all it printed. */
        String stop() throws Exception {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "did not stop:\n" + output());
            return output();
        }
    }

    @Test
    void stoppingAFirstSyncSaysItWasInterruptedAndHowToResume(@TempDir Path tmp) throws Exception {
        TestArchive origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 40);
        origin.publish(null);
        // every document takes a second to arrive, so the sync is surely under way when it is stopped
        try (StaticServer slow = new StaticServer(origin.publicDir(), Duration.ofSeconds(1))) {
            Child mirror = Child.start(tmp, "mirror", slow.url(), tmp.resolve("m").toString(), "--fingerprint",
                    origin.fingerprint, "--once", "--parallel", "1");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (slow.requests().stream().noneMatch(r -> r.startsWith("/targets/")) && System.nanoTime() < end) {
                mirror.process().waitFor(20, TimeUnit.MILLISECONDS);
            }
            assertTrue(slow.requests().stream().anyMatch(r -> r.startsWith("/targets/")), "the sync never reached documents");
            String out = mirror.stop();
            assertFalse(out.contains("\r"), "no progress drawn when the output is not a terminal: " + out);
            assertTrue(out.contains("samizdat: interrupted.") && out.toLowerCase(java.util.Locale.ROOT).contains("run the same command again to resume"), out);
        }
    }

    @Test
    void theDemoSaysWhereItsFilesAreAndRemovesThemWhenStopped(@TempDir Path tmp) throws Exception {
        Child demo = Child.start(tmp, "demo", "--port", "0", "--docs", "60", "--every", "3600");
        String out = demo.awaitOutput(o -> o.contains("Ctrl-C stops everything"), Duration.ofMinutes(2));
        String line = out.lines().filter(l -> l.startsWith("samizdat demo: its files are in ")).findFirst().orElseThrow();
        Path files = Path.of(line.substring("samizdat demo: its files are in ".length(), line.indexOf(" (removed")));
        assertTrue(Files.isDirectory(files.resolve("mirror-c")), out);
        String all = demo.stop();
        assertTrue(all.contains("removed " + files), all);
        assertFalse(Files.exists(files), files + " is still there");
    }

    @Test
    void aNodesNormalOutputHasNoLibraryLogLinesOrJvmWarnings(@TempDir Path tmp) throws Exception {
        TestArchive origin = TestArchive.create(tmp.resolve("origin"), Instant.now());
        origin.stage("docs", 5);
        origin.publish(null);
        Child serve = Child.start(tmp, "serve", origin.dir().root().toString(), "--port", "0");
        serve.awaitOutput(o -> o.contains("Serving "), Duration.ofMinutes(1));
        // the search index is built on start: Lucene's notices would come now
        String out = serve.awaitOutput(o -> o.contains("search index"), Duration.ofMinutes(1));
        String all = serve.stop();
        for (String l : all.lines().toList()) {
            assertFalse(l.startsWith("WARNING") || l.contains("warning (") || l.startsWith("SLF4J") || l.contains("INFO"),
                    "a library or JVM line in normal output: " + l + "\n" + all);
        }
    }
}
