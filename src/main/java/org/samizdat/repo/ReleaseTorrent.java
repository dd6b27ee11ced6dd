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
    static Map<String, Object> custom(String release, Torrent t) {
        return Map.of("kind", KIND, "release", release, "infohash", t.infoHashHex());
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
        byte[] buf = new byte[1 << 16];
        long done = 0;
        for (String p : paths) {
            TargetFile f = targets.get(p);
            String name = "targets/" + new TargetPath(p).hashedName(f.sha256());
            long read = 0;
            try (InputStream in = store.open(name).orElseThrow(() -> new IOException(p + " is missing from "
                    + store.root() + " (" + name + "); the torrent needs every file of the release"))) {
                int n;
                while (read < f.length() && (n = in.read(buf, 0, (int) Math.min(buf.length, f.length() - read))) > 0) {
                    b.update(buf, 0, n);
                    read += n;
                }
            }
            if (read != f.length()) {
                throw new IOException(name + " holds " + read + " bytes, not its signed " + f.length());
            }
            progress.update("hashing the torrent's pieces", ++done, paths.size());
        }
        return b.build(seeds);
    }
}
