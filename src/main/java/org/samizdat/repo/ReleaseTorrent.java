package org.samizdat.repo;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.samizdat.archive.Torrent;
import org.samizdat.archive.TargetPath;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TargetFile;
import org.samizdat.work.Parallel;
import org.samizdat.work.Progress;

/**
 * A release's torrent (docs/FORMAT.md section 6): a v1 multi-file torrent named after the release
 * whose files are the release's targets (documents and manifest) under their paths below the
 * release id, in path order, made from the files the public tree holds. It is itself a signed
 * target: {@code rNNNN/_release.torrent} in the release's own role when the release is published,
 * or {@code mirrors/rNNNN.torrent} in the mirrors role for a release published before torrents
 * existed (a published release never changes).
 */
public final class ReleaseTorrent {
    /** The {@code custom.kind} of a torrent target. */
    public static final String KIND = "release-torrent";
    /** The path every node answers web-seed requests under: {@code <base>/seed/<release>/<path>}. */
    public static final String SEED_PREFIX = "/seed/";

    private ReleaseTorrent() {
    }

    /** The torrent's target path in the release's own role. */
    public static String path(String release) {
        return release + "/" + Intake.RELEASE_TORRENT;
    }

    /** The torrent's target path in the mirrors role, for a release older than torrents. */
    public static String mirrorsPath(String release) {
        return Publisher.MIRRORS_ROLE + "/" + release + ".torrent";
    }

    /** Whether a target path is a release's torrent, in either place. */
    public static boolean isTorrent(String path) {
        int slash = path.indexOf('/');
        return slash > 0 && (path.substring(slash + 1).equals(Intake.RELEASE_TORRENT)
                || (path.startsWith(Publisher.MIRRORS_ROLE + "/") && path.endsWith(".torrent")));
    }

    /** The signed {@code custom} of a torrent target: its kind, release and infohash. */
    static Map<String, Object> custom(String release, String infoHashHex) {
        return Map.of("kind", KIND, "release", release, "infohash", infoHashHex);
    }

    /**
     * The web seeds a torrent names: every URL of the signed mirror list and its registry (the
     * origin), each as {@code <url>/seed/}.
     */
    public static List<String> seeds(MirrorList list) {
        Set<String> out = new LinkedHashSet<>();
        if (list.registry() != null && MirrorList.validUrl(list.registry())) {
            out.add(list.registry() + SEED_PREFIX);
        }
        for (String u : list.urls()) {
            if (u.startsWith("http://") || u.startsWith("https://")) {
                out.add(u + SEED_PREFIX);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Builds the torrent of a release from its targets (path to signed file) as the store holds
     * them; any target that is itself a torrent is left out. Fails if a file is missing or not of
     * its signed length.
     */
    public static Torrent build(FileStore store, String release, Map<String, TargetFile> targets, List<String> seeds,
                                Progress progress) throws IOException {
        List<String> paths = new ArrayList<>(targets.keySet().stream().filter(p -> !isTorrent(p)).sorted().toList());
        long total = 0;
        for (String p : paths) {
            total += targets.get(p).length();
        }
        Torrent.Builder b = new Torrent.Builder(release, Torrent.pieceLengthFor(total));
        for (String p : paths) {
            if (!p.startsWith(release + "/")) {
                throw new IllegalArgumentException(p + " is not a target of release " + release);
            }
            List<String> segments = Arrays.asList(p.substring(release.length() + 1).split("/"));
            b.file(segments, targets.get(p).length());
        }
        // files are read ahead, a window at a time on several threads, while this thread hashes
        // the window before: reading 50,000 small files one after another spent most of its time
        // waiting on opens and reads, not hashing
        List<List<String>> windows = windows(paths, targets);
        java.util.concurrent.ExecutorService ahead = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "torrent read-ahead");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.Future<List<byte[]>> next = ahead.submit(() -> readSmall(store, windows.get(0), targets));
            byte[] buf = new byte[1 << 16];
            long done = 0;
            for (int w = 0; w < windows.size(); w++) {
                List<byte[]> read = await(next);
                if (w + 1 < windows.size()) {
                    List<String> following = windows.get(w + 1);
                    next = ahead.submit(() -> readSmall(store, following, targets));
                }
                List<String> window = windows.get(w);
                for (int i = 0; i < window.size(); i++) {
                    byte[] bytes = read.get(i);
                    if (bytes != null) {
                        b.update(bytes, 0, bytes.length);
                    } else {
                        stream(store, window.get(i), targets.get(window.get(i)), b, buf);
                    }
                    progress.update("hashing the torrent's pieces", ++done, paths.size());
                }
            }
        } finally {
            ahead.shutdownNow();
        }
        return b.build(seeds);
    }

    /** Threads reading ahead: more than the cores, as each mostly waits on an open or a read. */
    private static final int READERS = 4;
    /** Files up to this size are read ahead whole; larger ones are streamed when their turn comes. */
    private static final long READ_AHEAD_FILE = 1 << 20;
    /** A window of files read ahead holds at most this many bytes (two windows are in memory at once). */
    private static final long WINDOW_BYTES = 8 << 20;
    private static final int WINDOW_FILES = 1024;

    private static List<List<String>> windows(List<String> paths, Map<String, TargetFile> targets) {
        List<List<String>> out = new ArrayList<>();
        List<String> window = new ArrayList<>();
        long bytes = 0;
        for (String p : paths) {
            long length = targets.get(p).length();
            long ahead = length <= READ_AHEAD_FILE ? length : 0;
            if (!window.isEmpty() && (window.size() == WINDOW_FILES || bytes + ahead > WINDOW_BYTES)) {
                out.add(window);
                window = new ArrayList<>();
                bytes = 0;
            }
            window.add(p);
            bytes += ahead;
        }
        out.add(window);
        return out;
    }

    /** The small files of a window, read whole on several threads; null for each large one. */
    private static List<byte[]> readSmall(FileStore store, List<String> window, Map<String, TargetFile> targets)
            throws IOException {
        return Parallel.map(window, READERS, "reading ahead", Progress.NONE, p -> {
            TargetFile f = targets.get(p);
            if (f.length() > READ_AHEAD_FILE) {
                return null;
            }
            String name = storedName(p, f);
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) f.length());
            // a channel straight away: an open, a read and a close, where a stream adds a stat and a seek
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(store.path(name))) {
                while (bytes.hasRemaining() && ch.read(bytes) >= 0) {
                    // until the signed length or the end
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw missing(store, p, name);
            }
            if (bytes.hasRemaining()) {
                throw new IOException(name + " holds " + bytes.position() + " bytes, not its signed " + f.length());
            }
            return bytes.array();
        });
    }

    private static void stream(FileStore store, String p, TargetFile f, Torrent.Builder b, byte[] buf) throws IOException {
        String name = storedName(p, f);
        long read = 0;
        try (InputStream in = open(store, p, name)) {
            int n;
            while (read < f.length() && (n = in.read(buf, 0, (int) Math.min(buf.length, f.length() - read))) > 0) {
                b.update(buf, 0, n);
                read += n;
            }
        }
        if (read != f.length()) {
            throw new IOException(name + " holds " + read + " bytes, not its signed " + f.length());
        }
    }

    private static String storedName(String p, TargetFile f) {
        return "targets/" + new TargetPath(p).hashedName(f.sha256());
    }

    private static InputStream open(FileStore store, String p, String name) throws IOException {
        return store.open(name).orElseThrow(() -> missing(store, p, name));
    }

    private static IOException missing(FileStore store, String p, String name) {
        return new IOException(p + " is missing from " + store.root() + " (" + name + "); the torrent needs every file of the release");
    }

    private static <T> T await(java.util.concurrent.Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while hashing the torrent's pieces");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }
}
