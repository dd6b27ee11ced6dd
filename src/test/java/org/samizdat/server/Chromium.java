package org.samizdat.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.samizdat.repo.NpmPackage;

/**
 * Debian's Chromium driven by playwright-core from npm ({@code src/test/browser/reader.mjs}),
 * installed once into {@code target/browser} with {@code npm ci}; no browser is downloaded.
 */
final class Chromium {
    private static final Path SOURCE = Path.of("src/test/browser");
    private static final Path HOME = Path.of("target/browser");
    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    private Chromium() {
    }

    private static Path install() throws IOException, InterruptedException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IOException(EXECUTABLE + " is missing: install Debian's chromium package (.ci/run does)");
        }
        return NpmPackage.install(SOURCE, HOME, List.of("package.json", "package-lock.json", "reader.mjs"), "playwright-core");
    }

    /** Runs the reader walk against {@code baseUrl}, saving screenshots in {@code screenshots}; returns its JSON report. */
    static Map<String, Object> walk(String baseUrl, Path screenshots) throws IOException, InterruptedException {
        Path home = install();
        return NpmPackage.runNode(home, 3, "reader.mjs", baseUrl, screenshots.toAbsolutePath().toString());
    }
}
