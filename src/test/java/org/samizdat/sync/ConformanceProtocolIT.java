package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.StaticServer;
import org.samizdat.repo.TestArchive;

/**
 * {@code samizdat tuf-client} in its own JVM, speaking the tuf-conformance CLIENT-CLI.md protocol
 * (init / refresh / download, exit 0 or 1) against repositories served over loopback HTTP: a
 * repository built by the simulator with a delegation, and an archive this project published.
 */
class ConformanceProtocolIT {
    @TempDir
    Path tmp;

    private record Run(int exit, String output) {
    }

    private Run client(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.samizdat.cli.Main", "tuf-client"));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "client", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "tuf-client did not finish");
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void initRefreshAndDownloadFollowTheProtocolAndFailWithExitOne() throws Exception {
        RepositorySimulator sim = new RepositorySimulator(Instant.now());
        sim.delegate("targets", "docs", false, "docs/*");
        byte[] content = RepositorySimulator.utf8("a cable\n");
        sim.addTarget("docs", "docs/a b.txt", content);
        sim.bump("targets");
        sim.publish();
        Path repo = tmp.resolve("repo");
        sim.exportTo(repo);
        Path meta = tmp.resolve("client-metadata");
        Path targets = tmp.resolve("client-targets");
        Files.createDirectories(meta);
        Path initialRoot = tmp.resolve("initial_root.json");
        Files.write(initialRoot, sim.trustedRoot());
        try (StaticServer server = new StaticServer(repo)) {
            String metadataUrl = server.url() + "/metadata";
            String targetUrl = server.url() + "/targets";
            Run init = client("--metadata-dir", meta.toString(), "init", initialRoot.toString());
            assertEquals(0, init.exit(), init.output());
            assertTrue(server.requests().isEmpty(), "init makes no request");
            assertArrayEquals(sim.trustedRoot(), Files.readAllBytes(meta.resolve("root.json")));

            Run refresh = client("--metadata-dir", meta.toString(), "--metadata-url", metadataUrl, "refresh");
            assertEquals(0, refresh.exit(), refresh.output());
            for (String f : List.of("root.json", "timestamp.json", "snapshot.json", "targets.json")) {
                assertTrue(Files.exists(meta.resolve(f)), f + " is kept under its non-versioned name");
            }

            String[] download = {"--metadata-dir", meta.toString(), "--metadata-url", metadataUrl, "--target-name", "docs/a b.txt",
                    "--target-base-url", targetUrl, "--target-dir", targets.toString(), "download"};
            Run first = client(download);
            assertEquals(0, first.exit(), first.output());
            assertArrayEquals(content, Files.readAllBytes(targets.resolve("docs%2Fa%20b.txt")));
            assertTrue(Files.exists(meta.resolve("docs.json")), "the delegated role is kept too");
            int before = server.requests().size();
            Run again = client(download);
            assertEquals(0, again.exit(), again.output());
            assertTrue(server.requests().subList(before, server.requests().size()).stream().noneMatch(r -> r.startsWith("/targets/")),
                    "an artifact already downloaded and verified is not fetched again: " + server.requests());

            // a repository that rolls the timestamp back: refresh fails with 1, trusted state unchanged
            byte[] trustedTimestamp = Files.readAllBytes(meta.resolve("timestamp.json"));
            sim.publish();
            sim.exportTo(repo);
            assertEquals(0, client("--metadata-dir", meta.toString(), "--metadata-url", metadataUrl, "refresh").exit());
            byte[] newer = Files.readAllBytes(meta.resolve("timestamp.json"));
            Files.write(repo.resolve("metadata/timestamp.json"), trustedTimestamp);
            Run rollback = client("--metadata-dir", meta.toString(), "--metadata-url", metadataUrl, "refresh");
            assertEquals(1, rollback.exit(), rollback.output());
            assertTrue(rollback.output().contains("[rollback]"), rollback.output());
            assertArrayEquals(newer, Files.readAllBytes(meta.resolve("timestamp.json")));
            sim.exportTo(repo);

            // an artifact whose bytes differ from the signed hash is not written
            sim.addTarget("docs", "docs/b.txt", RepositorySimulator.utf8("signed bytes"));
            sim.bump("docs");
            sim.publish();
            sim.exportTo(repo);
            try (var walk = Files.walk(repo.resolve("targets"))) {
                for (Path f : walk.filter(p -> p.getFileName().toString().endsWith(".b.txt")).toList()) {
                    Files.writeString(f, "swapped bytes");
                }
            }
            download[5] = "docs/b.txt";
            Run tampered = client(download);
            assertEquals(1, tampered.exit(), tampered.output());
            assertTrue(tampered.output().contains("[target"), tampered.output());
            assertFalse(Files.exists(targets.resolve("docs%2Fb.txt")));

            download[5] = "docs/none.txt";
            Run missing = client(download);
            assertEquals(1, missing.exit(), missing.output());
            assertTrue(missing.output().contains("no trusted targets role lists docs/none.txt"), missing.output());
        }
    }

    @Test
    void theSameClientReadsAnArchiveThisProjectPublished() throws Exception {
        TestArchive a = TestArchive.create(tmp.resolve("archive"), Instant.now());
        a.stage("docs", 3);
        a.publish(null);
        Path meta = tmp.resolve("m");
        Files.createDirectories(meta);
        Path root = a.metadata("1.root.json");
        try (StaticServer server = new StaticServer(a.publicDir())) {
            assertEquals(0, client("--metadata-dir", meta.toString(), "init", root.toString()).exit());
            Run r = client("--metadata-dir", meta.toString(), "--metadata-url", server.url() + "/metadata",
                    "--target-name", "r0001/docs/doc-1.txt", "--target-base-url", server.url() + "/targets",
                    "--target-dir", tmp.resolve("out").toString(), "download");
            assertEquals(0, r.exit(), r.output());
            assertArrayEquals(Files.readAllBytes(a.source("docs", 1)), Files.readAllBytes(tmp.resolve("out/r0001%2Fdocs%2Fdoc-1.txt")));
        }
    }
}
