package org.samizdat.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.Json;

/**
 * tuf-js 6 from npm, driven through {@code src/test/tufjs/client.mjs}: installed once into
 * {@code target/tufjs} with {@code npm ci}, then run as a separate Node process per call.
 */
public final class TufJs {
    private static final Path SOURCE = Path.of("src/test/tufjs");
    private static final Path HOME = Path.of("target/tufjs");

    /** What the client said. */
    public record Result(boolean ok, String error, String message) {
    }

    private TufJs() {
    }

    static Path install() throws IOException, InterruptedException {
        return NpmPackage.install(SOURCE, HOME, List.of("package.json", "package-lock.json", "client.mjs"), "tuf-js");
    }

    /**
     * Runs a refresh and the given downloads ({@code path -> output file}) against a server, with
     * {@code metadataDir} as the client's persistent trusted state (seeded with {@code root} when empty).
     */
    public static Result run(String baseUrl, Path rootFile, Path metadataDir, Map<String, Path> downloads)
            throws IOException, InterruptedException {
        Path home = install();
        Files.createDirectories(metadataDir);
        if (!Files.exists(metadataDir.resolve("root.json"))) {
            Files.copy(rootFile, metadataDir.resolve("root.json"));
        }
        Path targetDir = metadataDir.resolveSibling(metadataDir.getFileName() + "-targets");
        Files.createDirectories(targetDir);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("metadataUrl", baseUrl + "/metadata");
        config.put("targetUrl", baseUrl + "/targets");
        config.put("metadataDir", metadataDir.toAbsolutePath().toString());
        config.put("targetDir", targetDir.toAbsolutePath().toString());
        List<Object> list = new ArrayList<>();
        downloads.forEach((path, out) -> list.add(new LinkedHashMap<>(Map.of("path", path, "out", out.toAbsolutePath().toString()))));
        config.put("downloads", list);
        Path configFile = Files.createTempFile(home, "config", ".json");
        Files.write(configFile, Json.write(config));
        Map<String, Object> r = NpmPackage.runNode(home, 2, "client.mjs", configFile.toAbsolutePath().toString());
        return new Result(Boolean.TRUE.equals(r.get("ok")), (String) r.get("error"), (String) r.get("message"));
    }

    /**
     * Runs a published recipe ({@code docs/recipes/NAME.mjs}, which imports tuf-js) as a reader
     * would, and returns the JSON object it printed last.
     */
    public static Map<String, Object> runRecipe(String name, String... args) throws IOException, InterruptedException {
        Path home = install();
        Files.copy(Path.of("docs/recipes").resolve(name), home.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return NpmPackage.runNode(home, 2, name, args);
    }
}
