package org.samizdat.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.samizdat.store.FileStore;

/**
 * Where an archive lives on disk. {@code public/} is the static TUF tree that is served and
 * mirrored ({@code metadata/}, {@code targets/}); {@code private/} holds keys, staging and the
 * publisher's state and is never served or copied.
 */
public record ArchiveDir(Path root) {
    public static final String CONFIG = "archive.json";

    public ArchiveDir {
        root = root.toAbsolutePath().normalize();
    }

    /**
     * The public tree of a directory that is either an archive ({@code DIR/public}) or a bare
     * TUF tree ({@code DIR/metadata}).
     */
    public static Path publicTreeOf(Path dir) {
        Path pub = dir.resolve("public");
        return Files.isDirectory(pub.resolve("metadata")) ? pub : dir;
    }

    public Path publicDir() {
        return root.resolve("public");
    }

    public Path privateDir() {
        return root.resolve("private");
    }

    public Path keysDir() {
        return privateDir().resolve("keys");
    }

    /** Keys of sealed releases this publisher made ({@code private/sealed/rNNNN.key}), never served. */
    public Path sealedKeysDir() {
        return privateDir().resolve("sealed");
    }

    public Path stagingDir() {
        return privateDir().resolve("staging");
    }

    public Path stateFile() {
        return privateDir().resolve("state.json");
    }

    public Path configFile() {
        return root.resolve(CONFIG);
    }

    public FileStore publicStore() {
        return new FileStore(publicDir());
    }

    public boolean isArchive() {
        return Files.isRegularFile(configFile()) && Files.isDirectory(publicDir().resolve("metadata"));
    }

    /** Fails with a clear message unless an archive made by {@code init} is here. */
    public ArchiveDir requireArchive() throws IOException {
        if (!isArchive()) {
            throw new IOException(root + " is not a samizdat archive (no " + CONFIG
                    + " and public/metadata); create one with: samizdat init " + root);
        }
        return this;
    }
}
