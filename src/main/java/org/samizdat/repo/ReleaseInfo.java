package org.samizdat.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.Json;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TufException;

/**
 * A release as readers see it: id, title, publication time and document count, from its signed
 * manifest, and whether it is sealed (and opened on this node).
 */
public record ReleaseInfo(String id, String title, String published, long documents, Seal seal) {
    /** Whether a release is sealed, and if so whether this node has opened it. */
    public enum Seal { NONE, SEALED, OPENED }

    /** Whether this is a sealed release this node has not opened (its documents are not known here). */
    public boolean stillSealed() {
        return seal == Seal.SEALED;
    }

    /**
     * The releases of the version a store currently serves, oldest first. Reads the releases role
     * and each release's manifest; the store's content is trusted (it was verified when written).
     */
    public static List<ReleaseInfo> list(FileStore store) throws IOException, TufException {
        Catalog catalog = Catalog.open(store);
        List<ReleaseInfo> out = new ArrayList<>();
        for (String id : catalog.releaseIds()) {
            out.add(catalog.info(id));
        }
        return out;
    }

    /**
     * Whether a target path is one of the files a release adds besides its documents: its signed
     * manifest ({@code rNNNN/_release.json}, docs/FORMAT.md section 5), its torrent
     * ({@code rNNNN/_release.torrent}, or {@code mirrors/rNNNN.torrent} for an older release), or
     * a sealed release's ciphertext, opened manifest or key ({@code rNNNN/_sealed.*}).
     */
    public static boolean isReleaseFile(String path) {
        int slash = path.indexOf('/');
        return slash > 0 && (path.substring(slash + 1).equals(Intake.RELEASE_MANIFEST) || ReleaseTorrent.isTorrent(path)
                || SealedManifest.isOwnFile(path));
    }

    /**
     * "N document(s)", plus "(+M release file(s))" when there are any (each release's manifest and
     * torrent): how every count is shown.
     */
    public static String documents(long documents, long releaseFiles, String adjective) {
        String d = String.format(java.util.Locale.ROOT, "%,d %sdocument(s)", documents, adjective.isEmpty() ? "" : adjective + " ");
        return releaseFiles == 0 ? d : d + String.format(java.util.Locale.ROOT, " (+%,d release file%s)", releaseFiles,
                releaseFiles == 1 ? "" : "s");
    }

    @Override
    public String toString() {
        return new String(Json.write(Map.of("id", id, "title", title)), StandardCharsets.UTF_8);
    }
}
