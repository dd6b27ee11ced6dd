package org.samizdat.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A shared fixture: a third-party npm client, its files copied from {@code src/test/...} and {@code npm ci} run once. */
public final class NpmPackage {
    private NpmPackage() {
    }

    /** Copies {@code files} from {@code source} to {@code home} and installs the lock file there unless {@code module} is present. */
    public static synchronized Path install(Path source, Path home, List<String> files, String module)
            throws IOException, InterruptedException {
        Files.createDirectories(home);
        for (String f : files) {
            Files.copy(source.resolve(f), home.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(home.resolve("node_modules").resolve(module))) {
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(home.toFile())
                    .redirectErrorStream(true).redirectOutput(home.resolve("npm.log").toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("npm ci for " + module + " failed; see " + home.resolve("npm.log").toAbsolutePath()
                        + ":\n" + Files.readString(home.resolve("npm.log")));
            }
        }
        return home;
    }

    /**
     * Runs {@code node script args...} in {@code home} and returns the JSON object on the last line
     * it printed; fails with everything it printed if there is none or it outlives {@code minutes}.
     */
    public static java.util.Map<String, Object> runNode(Path home, int minutes, String script, String... args)
            throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        // Output goes to a file, so waiting is bounded by the timeout, not by a pipe that stays open.
        Path log = Files.createTempFile(home, "node-", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException(script + " did not finish within " + minutes + " minutes:\n" + Files.readString(log));
            }
            return lastJson(script, Files.readString(log).trim());
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static java.util.Map<String, Object> lastJson(String script, String text) throws IOException {
        String last = text.substring(text.lastIndexOf('\n') + 1);
        try {
            return org.samizdat.archive.Json.parseObject(last.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(script + " printed no JSON result:\n" + text);
        }
    }
}
