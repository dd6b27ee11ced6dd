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
}
