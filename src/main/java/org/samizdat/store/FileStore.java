package org.samizdat.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Named files under a directory, by relative, slash-separated names. {@link #put} is atomic and
 * durable: a reader sees the old bytes or the new bytes, never a part, and after it returns the
 * bytes survive a crash. Temp files are named {@code .tmp-*} and never listed. This is the only
 * store: mirrors and publishers need file paths (links, moves, Range reads), so no abstraction
 * stands between them and the file system.
 */
public final class FileStore {
    public static final String TEMP_PREFIX = ".tmp-";
    private final Path root;

    public FileStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file behind a name; the name is checked so it can never leave the root. */
    public Path path(String name) {
        Path p = root.resolve(checkName(name)).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("bad store name: " + name);
        }
        return p;
    }

    public Optional<byte[]> get(String name) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(path(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public Optional<InputStream> open(String name) throws IOException {
        try {
            return Optional.of(Files.newInputStream(path(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public long size(String name) throws IOException {
        Path p = path(name);
        return Files.isRegularFile(p) ? Files.size(p) : -1;
    }

    public boolean exists(String name) {
        return Files.isRegularFile(path(name));
    }

    public void put(String name, byte[] bytes) throws IOException {
        Path target = path(name);
        try {
            Path tmp = temp(target);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                var buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            commit(tmp, target);
        } catch (IOException e) {
            throw DiskFullException.classify(e, target);
        }
    }

    public long put(String name, InputStream in) throws IOException {
        Path target = path(name);
        try {
            Path tmp = temp(target);
            long n;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                n = in.transferTo(out);
                out.flush();
                ch.force(true);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            commit(tmp, target);
            return n;
        } catch (IOException e) {
            throw DiskFullException.classify(e, target);
        }
    }

    /** Makes an existing file visible under {@code name} by a hard link, or a durable copy when links fail. */
    public void link(Path source, String name) throws IOException {
        link(source, name, true);
    }

    /**
     * As {@link #link(Path, String)}; with {@code syncDirectory} false the new directory entry is
     * left for {@link #syncDirectories} to make durable, so that many links into few directories
     * cost one fsync per directory rather than one per file. Returns the directory to sync.
     */
    public Path link(Path source, String name, boolean syncDirectory) throws IOException {
        Path target = path(name);
        try {
            // a hard link is made whole or not at all, so it needs no temporary name
            try {
                Files.createLink(target, source);
            } catch (NoSuchFileException noDirectory) {
                Files.createDirectories(target.getParent());
                Files.createLink(target, source);
            }
            if (syncDirectory) {
                syncDirectory(target.getParent());
            }
        } catch (FileAlreadyExistsException e) {
            return target.getParent(); // stored names are content-addressed: it holds these bytes
        } catch (UnsupportedOperationException | IOException e) {
            try (InputStream in = Files.newInputStream(source)) {
                put(name, in);
            }
        }
        return target.getParent();
    }

    /**
     * Makes an existing file visible under {@code name} by renaming it there (atomic), or as
     * {@link #link} does when it is on another file system. The new directory entry is left for
     * {@link #syncDirectories}; returns the directory to sync.
     */
    public Path move(Path source, String name) throws IOException {
        Path target = path(name);
        try {
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException noDirectory) {
                Files.createDirectories(target.getParent());
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            return link(source, name, false);
        }
        return target.getParent();
    }

    /**
     * Makes everything written to the file system holding {@code path} durable at once, with
     * {@code syncfs(2)} (coreutils' {@code sync -f}): for thousands of new files, one call where
     * an fsync each would force thousands of journal commits. False when it could not be done
     * (another OS, no {@code sync} that knows {@code -f}); the caller then syncs file by file.
     */
    public static boolean syncFileSystem(Path path) {
        try {
            Process p = new ProcessBuilder("sync", "-f", path.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** fsync of each directory once (see {@link #link(Path, String, boolean)}). */
    public static void syncDirectories(java.util.Collection<Path> dirs) {
        for (Path d : new java.util.TreeSet<>(dirs)) {
            syncDirectory(d);
        }
    }

    private Path temp(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return target.resolveSibling(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-"
                + target.getFileName());
    }

    private static void commit(Path tmp, Path target) throws IOException {
        commit(tmp, target, true);
    }

    private static void commit(Path tmp, Path target, boolean syncDirectory) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (syncDirectory) {
            syncDirectory(target.getParent());
        }
    }

    /** fsync of a directory, so a rename survives a power cut; a no-op where the OS refuses. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open directories; the rename is still atomic
        }
    }

    public void delete(String name) throws IOException {
        Files.deleteIfExists(path(name));
    }

    public List<String> list(String prefix) throws IOException {
        Path base = prefix.isEmpty() ? root : path(prefix);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(base)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(TEMP_PREFIX))
                    .forEach(p -> out.add(root.relativize(p).toString().replace('\\', '/')));
        }
        return out;
    }

    /** Temp files left by an interrupted writer, for cleanup and reports. */
    public List<Path> strayTemps() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX))
                    .forEach(out::add);
        }
        return out;
    }

    /** Checks a store name: relative, '/'-separated, no empty, '.' or '..' segments, no NUL or '\'. */
    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad store name: " + name);
        }
        for (String s : name.split("/", -1)) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("bad store name: " + name);
            }
        }
        return name;
    }
}
