package org.samizdat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.Checker;
import org.samizdat.work.Progress;
import org.samizdat.repo.State;

/**
 * {@code samizdat demo} in its own JVM: a sample archive, an origin and three chained mirrors on
 * loopback; a new release reaches the last mirror through notifies well before any poll would fire.
 */
class DemoIT {
    @TempDir
    Path tmp;

    @Test
    void aNewReleaseReachesTheThirdMirrorByNotifyAndEveryCopyChecks() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = tmp.resolve("demo.log");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.samizdat.cli.Main", "demo",
                "--port", "0", "--docs", "300", "--every", "2", "--rounds", "2", "--dir", tmp.resolve("demo").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "demo did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("the last release reached mirror-c"), out);
        Matcher m = Pattern.compile("reached the end of the chain ([0-9.]+) s").matcher(out);
        assertTrue(m.find(), out);
        double seconds = Double.parseDouble(m.group(1));
        System.out.println("demo: a release reached the third mirror in " + seconds + " s");
        assertTrue(seconds < 15, "propagation took " + seconds + " s: notify did not work (mirrors poll every 30 s)");
        for (String node : new String[] {"mirror-a", "mirror-b", "mirror-c"}) {
            Checker.Report r = new Checker(tmp.resolve("demo").resolve(node).resolve("public"), new State(0, 0), null,
                    Instant.now(), true, Progress.NONE).check();
            assertTrue(r.ok(), node + ": " + r.problems());
            // documents of 5 releases, one manifest and one torrent each, and the mirror list the origin's registry signed at start
            assertEquals(300 + 2 * 10 + 2 * 5 + 1, r.targets(), node);
            assertEquals(3, org.samizdat.repo.Catalog.open(new org.samizdat.store.FileStore(tmp.resolve("demo").resolve(node)
                    .resolve("public"))).mirrorList().mirrors().size(), node + " carries the signed list of the three mirrors");
        }
    }
}
