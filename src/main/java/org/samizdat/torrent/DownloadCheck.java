package org.samizdat.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.ReleaseTorrent;
import org.samizdat.repo.Withdrawals;
import org.samizdat.tuf.TargetFile;
import org.samizdat.work.Parallel;
import org.samizdat.work.Progress;

/**
 * Checks a downloaded release (by any BitTorrent client, whose v1 pieces are only SHA-1, or by
 * any other means) against the signed metadata: every file of the release present with its
 * signed length and sha256, none missing, nothing else in the folder, no symbolic links. A
 * withdrawn document may be absent.
 */
public final class DownloadCheck {
    private DownloadCheck() {
    }

    /** A file that fails, and how. */
    public record Problem(String path, String what) {
        @Override
        public String toString() {
            return path + ": " + what;
        }
    }

    /** What the check found: the folder checked, files and bytes verified, and every problem. */
    public record Report(Path folder, long verified, long bytes, List<Problem> problems, List<String> withdrawnAbsent) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * The folder of {@code release} under {@code dir}: {@code dir/<release>} as a torrent client
     * or {@code fetch --release} writes it, or {@code dir} itself when it is named so.
     */
    public static Path folder(Path dir, String release) throws IOException {
        Path inside = dir.resolve(release);
        if (Files.isDirectory(inside, LinkOption.NOFOLLOW_LINKS)) {
            return inside;
        }
        if (dir.toAbsolutePath().normalize().getFileName() != null
                && dir.toAbsolutePath().normalize().getFileName().toString().equals(release) && Files.isDirectory(dir)) {
            return dir;
        }
        throw new IOException(dir + " holds no folder " + release + " (a torrent client writes the release into DIR/"
                + release + ")");
    }

    public static Report check(Path dir, String release, SortedMap<String, TargetFile> targets, Withdrawals withdrawn,
                               Progress progress) throws IOException {
        Path folder = folder(dir, release);
        List<String> expected = targets.keySet().stream().filter(p -> !ReleaseTorrent.isTorrent(p)).toList();
        TreeSet<String> present = new TreeSet<>();
        List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.toList()) {
                if (p.equals(folder)) {
                    continue;
                }
                String rel = release + "/" + folder.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                if (Files.isSymbolicLink(p)) {
                    problems.add(new Problem(rel, "is a symbolic link, not a file of the release"));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    present.add(rel);
                    if (!targets.containsKey(rel) || ReleaseTorrent.isTorrent(rel)) {
                        problems.add(new Problem(rel, "is not a file of release " + release + " (an extra file)"));
                    }
                }
            }
        }
        List<String> absentWithdrawn = new ArrayList<>();
        List<String> toHash = new ArrayList<>();
        for (String path : expected) {
            if (present.contains(path)) {
                toHash.add(path);
            } else if (withdrawn.contains(path)) {
                absentWithdrawn.add(path);
            } else {
                problems.add(new Problem(path, "is missing"));
            }
        }
        List<Long> sizes = Parallel.map(toHash, 0, "verifying", progress, path -> {
            TargetFile t = targets.get(path);
            Path f = folder.resolve(path.substring(release.length() + 1));
            long size = Files.size(f);
            if (size != t.length()) {
                problems.add(new Problem(path, String.format(java.util.Locale.ROOT, "is %,d bytes; the signed length is %,d",
                        size, t.length())));
                return -1L;
            }
            var digest = Sha256.newDigest();
            try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    digest.update(buf, 0, n);
                }
            }
            if (!Hex.encode(digest.digest()).equals(t.sha256())) {
                problems.add(new Problem(path, "its sha256 is not the signed one (the file was altered or damaged)"));
                return -1L;
            }
            return size;
        });
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(java.util.Comparator.comparing(Problem::path));
        long verified = sizes.stream().filter(n -> n >= 0).count();
        long bytes = sizes.stream().filter(n -> n >= 0).mapToLong(Long::longValue).sum();
        return new Report(folder, verified, bytes, List.copyOf(sorted),
                List.copyOf(absentWithdrawn));
    }
}
