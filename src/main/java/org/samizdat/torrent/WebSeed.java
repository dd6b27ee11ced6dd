package org.samizdat.torrent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.samizdat.archive.TargetPath;
import org.samizdat.archive.Torrent;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.ReleaseTorrent;
import org.samizdat.tuf.TufException;

/**
 * The web-seed layout (BEP 19, multi-file): a client given {@code <node>/seed/} as a web seed
 * asks for {@code <node>/seed/<release>/<path>}, which this maps to the document the node already
 * stores under its hashed name; no second copy exists. Only targets of a release the served
 * version signs are answered, never a withdrawn document, never the torrent itself; anything
 * that is not a valid target path is refused before any file is looked at.
 */
public final class WebSeed {
    private WebSeed() {
    }

    /** What to answer a web-seed request. */
    public sealed interface Answer permits Serve, Refuse {
    }

    /** Serve the stored file {@code targets/<storedName>} (with Range). */
    public record Serve(String storedName) implements Answer {
    }

    /** Refuse with a status (400 for a path that is no target path, 404 for one not served) and why. */
    public record Refuse(int status, String reason) implements Answer {
    }

    /** Maps the part of a request path after {@code /seed/} (already percent-decoded) to a stored file. */
    public static Answer resolve(Catalog catalog, String requested) throws IOException, TufException {
        Optional<String> problem = TargetPath.problem(requested);
        if (problem.isPresent()) {
            return new Refuse(400, "not a web-seed path: the path " + problem.get());
        }
        if (catalog == null) {
            return new Refuse(404, "this node holds no version yet");
        }
        Optional<String> stored = catalog.seedable(requested);
        return stored.isEmpty() ? new Refuse(404, "no such file in a release of the version this node serves")
                : new Serve(stored.get());
    }

    /**
     * The signed torrent of a release with this node's current web seeds: {@code thisNode} first,
     * then the origin and every mirror of the signed mirror list. The info dictionary (and so the
     * infohash) is the signed one; only {@code url-list} differs. Empty when the release has no
     * torrent or the node lacks its file.
     */
    public static Optional<Torrent> torrent(Catalog catalog, String release, String thisNode) throws IOException, TufException {
        if (catalog == null || !catalog.releaseIds().contains(release)) {
            return Optional.empty();
        }
        Optional<Catalog.Entry> entry = catalog.torrent(release);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> bytes = catalog.read(entry.get()); // checked against its signed length and sha256
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Torrent signed = Torrent.parse(bytes.get());
        LinkedHashSet<String> seeds = new LinkedHashSet<>();
        if (thisNode != null) {
            seeds.add(thisNode + ReleaseTorrent.SEED_PREFIX);
        }
        seeds.addAll(ReleaseTorrent.seeds(catalog.mirrorList()));
        seeds.addAll(signed.urlList());
        return Optional.of(signed.withUrlList(new ArrayList<>(seeds).subList(0, Math.min(seeds.size(), MAX_SEEDS))));
    }

    /** A torrent names at most this many web seeds (clients try them all; the signed list may name 10,000). */
    static final int MAX_SEEDS = 64;
}
