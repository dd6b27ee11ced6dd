package org.samizdat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;

/**
 * The release artifacts of {@code ./mvnw package}, as a volunteer gets them: the one jar runs the
 * demo on a bare Java runtime (the image's jlink'ed one: no JDK, no Maven, no target/classes);
 * the OCI image tarball names that runtime and samizdat's main class as its entry point, and its
 * layers, unpacked and run as the image's user, print the version; the install script lays out a
 * hardened systemd service.
 */
class DistributionIT {
    private static final Path TARGET = Path.of("target");
    private static final Path JAR = TARGET.resolve("samizdat-all.jar");
    private static final Path IMAGE = TARGET.resolve("samizdat-image.tar");
    /** The image's runtime, jlink'ed by tools/image-root.sh: a JRE with only the modules samizdat uses. */
    private static final Path JRE_JAVA = TARGET.resolve("image-root/opt/java/bin/java");

    private static String run(Path dir, int minutes, List<String> command) throws Exception {
        Path log = Files.createTempFile(dir, "run-", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command + " did not finish in " + minutes + " min:\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), command + " failed:\n" + out);
        return out;
    }

    private static void built(Path file) {
        assertTrue(Files.isRegularFile(file), file + " is missing: it is built by ./mvnw package (not with -Ddist.skip=true)");
    }

    @Test
    void theOneJarRunsTheDemoOnAJreAlone(@TempDir Path tmp) throws Exception {
        built(JAR);
        built(JRE_JAVA);
        assertTrue(Files.notExists(JRE_JAVA.resolveSibling("javac")), "the runtime is a JRE, not a JDK");
        String version = run(tmp, 1, List.of(JRE_JAVA.toAbsolutePath().toString(), "-jar", JAR.toAbsolutePath().toString(), "--version"));
        assertTrue(version.matches("(?s)samizdat \\d+\\.\\d+\\.\\d+\\S* \\(commit [0-9a-f]{10}.*\\), Java \\S+\\s*"), version);
        String demo = run(tmp, 3, List.of(JRE_JAVA.toAbsolutePath().toString(), "--enable-native-access=ALL-UNNAMED", "-jar",
                JAR.toAbsolutePath().toString(), "demo", "--rounds", "1", "--every", "1", "--docs", "60", "--port", "0",
                "--dir", tmp.resolve("demo").toString()));
        assertTrue(demo.contains("reached the end of the chain") || demo.contains("reached mirror-c"), demo);
        assertTrue(Files.isDirectory(tmp.resolve("demo/mirror-c/public/metadata")), "the third mirror holds a copy");
    }

    @Test
    void theImageTarballIsAnOciImageWhoseEntryPointRunsSamizdat(@TempDir Path tmp) throws Exception {
        built(IMAGE);
        Path oci = tmp.resolve("oci");
        Files.createDirectories(oci);
        run(tmp, 1, List.of("tar", "-xf", IMAGE.toAbsolutePath().toString(), "-C", oci.toString()));
        assertEquals("{\"imageLayoutVersion\": \"1.0.0\"}", Files.readString(oci.resolve("oci-layout")).trim().replace("\":\"", "\": \""));
        Map<String, Object> index = Json.parseObject(Files.readAllBytes(oci.resolve("index.json")));
        Map<String, Object> manifest = blob(oci, (String) ((Map<?, ?>) ((List<?>) index.get("manifests")).getFirst()).get("digest"));
        Map<String, Object> config = blob(oci, (String) ((Map<?, ?>) manifest.get("config")).get("digest"));
        Map<?, ?> c = (Map<?, ?>) config.get("config");
        List<?> entrypoint = (List<?>) c.get("Entrypoint");
        assertEquals("/opt/java/bin/java", entrypoint.getFirst(), entrypoint.toString());
        assertEquals("org.samizdat.cli.Main", entrypoint.getLast(), entrypoint.toString());
        assertEquals("65534:65534", c.get("User"), "the image runs as an unprivileged user");
        assertEquals("/data", c.get("WorkingDir"));

        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("proc"));
        List<String> files = new ArrayList<>();
        for (Object layer : (List<?>) manifest.get("layers")) {
            Path gz = oci.resolve("blobs/sha256/" + ((String) ((Map<?, ?>) layer).get("digest")).substring("sha256:".length()));
            files.addAll(List.of(run(tmp, 1, List.of("tar", "-tzf", gz.toString())).split("\n")));
            run(tmp, 1, List.of("tar", "--warning=no-unknown-keyword", "-xzf", gz.toString(), "-C", root.toString()));
        }
        assertTrue(files.stream().anyMatch(f -> f.endsWith("opt/java/bin/java")), "the runtime is in the image");
        assertTrue(files.stream().anyMatch(f -> f.endsWith("app/jib-classpath-file")), "the class path the entry point names");

        // Run the entry point as a container runtime would: in the image's root, as its user, with /proc.
        // (mount and chroot need root, as CI runs; the full-disk tests need it too.)
        run(tmp, 1, List.of("mount", "-t", "proc", "proc", root.resolve("proc").toString()));
        try {
            List<String> command = new ArrayList<>(List.of("chroot", "--userspec=65534:65534", root.toString()));
            entrypoint.forEach(a -> command.add((String) a));
            command.add("--version");
            String out = run(tmp, 1, command);
            assertTrue(out.startsWith("samizdat "), out);
        } finally {
            run(tmp, 1, List.of("umount", root.resolve("proc").toString()));
        }
    }

    private static Map<String, Object> blob(Path oci, String digest) throws IOException {
        byte[] bytes = Files.readAllBytes(oci.resolve("blobs/sha256/" + digest.substring("sha256:".length())));
        assertEquals(digest.substring("sha256:".length()), org.samizdat.archive.Sha256.hex(bytes), "blobs are named by their hash");
        return Json.parseObject(bytes);
    }

    @Test
    void theInstallScriptLaysOutAHardenedService(@TempDir Path tmp) throws Exception {
        built(JAR);
        Path root = tmp.resolve("root");
        String fp = "CB75 8252 c296 78f9 1cf8 75b9 f488 efaf 14d1 e0d9 ba6f feaa 63aa df05 fa47 20c3";
        String out = run(tmp, 1, List.of("bash", Path.of("dist/install-mirror.sh").toAbsolutePath().toString(), "--root", root.toString(),
                "--jar", JAR.toAbsolutePath().toString(), "--java", JRE_JAVA.toAbsolutePath().toString(),
                "http://origin.example:8080", fp));
        assertTrue(out.contains("systemctl daemon-reload"), out);
        assertTrue(Files.size(root.resolve("opt/samizdat/samizdat-all.jar")) == Files.size(JAR));
        String env = Files.readString(root.resolve("etc/samizdat/mirror.env"));
        assertTrue(env.contains("UPSTREAM=http://origin.example:8080\n"), env);
        assertTrue(env.contains("FINGERPRINT=cb758252c29678f91cf875b9f488efaf14d1e0d9ba6ffeaa63aadf05fa4720c3\n"), env);
        String unit = Files.readString(root.resolve("etc/systemd/system/samizdat-mirror.service"), StandardCharsets.UTF_8);
        for (String line : List.of("DynamicUser=yes", "StateDirectory=samizdat", "ProtectSystem=strict", "NoNewPrivileges=yes",
                "Restart=on-failure", "CapabilityBoundingSet=\n", "ProtectHome=yes", "PrivateTmp=yes")) {
            assertTrue(unit.contains(line), "the unit sets " + line.strip());
        }
        assertTrue(unit.contains("ExecStart=" + JRE_JAVA.toAbsolutePath() + " "), "the Java found is written into the unit");
        assertTrue(!unit.contains("@JAVA@"));
    }
}
