package org.samizdat.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A shared fixture: a real, small file system (a tmpfs mounted for the test; this needs root, as CI
 * and the project's machines have) that a test fills to the last byte, so writes fail with the
 * kernel's own ENOSPC ("No space left on device").
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    private SmallDisk(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Mounts a tmpfs of {@code megabytes} at {@code dir}, or explains why it cannot. */
    public static SmallDisk mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "tmpfs",
                dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("cannot mount a tmpfs at " + dir + " (the full-disk tests need root): " + out.trim());
        }
        return new SmallDisk(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a filler file until the disk refuses with ENOSPC; returns the bytes it took. */
    public long fill() throws IOException {
        byte[] chunk = new byte[16 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
                if (written > 1L << 32) {
                    throw new IllegalStateException("wrote 4 GiB to " + dir + " and it is still not full");
                }
            }
        } catch (IOException full) {
            if (full.getMessage() == null || !full.getMessage().contains("No space left on device")) {
                throw full;
            }
        }
        return written;
    }

    /** Removes the filler, giving the space back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
    }
}
