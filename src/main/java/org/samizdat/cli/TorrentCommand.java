package org.samizdat.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code samizdat torrent ARCHIVE [RELEASE...]}: signed torrents for releases published before torrents existed. */
@Command(name = "torrent", mixinStandardHelpOptions = true,
        description = {"Sign torrents for releases published before torrents existed.",
                "Makes and signs the torrent of each release that has none, then lists every release's torrent and infohash.",
                "A release published now carries its torrent (rNNNN/_release.torrent). A published release never changes, so an older release's torrent is signed into the mirrors role instead, as mirrors/rNNNN.torrent, with the online mirrors key; mirrors copy and serve it like any target. Without RELEASE, every release lacking one gets one."})
final class TorrentCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
    Path archive;

    @Parameters(index = "1..*", paramLabel = "RELEASE", description = "Releases to give a torrent (default: every release lacking one).")
    List<String> ids;

    @Mixin
    PassphraseOptions passphrase;

    @Override
    public Integer call() throws Exception {
        ArchiveDir dir = new ArchiveDir(archive).requireArchive();
        List<String> made = passphrase.publisher(dir, TerminalProgress.onStderr())
                .addTorrents(ids == null ? List.of() : ids);
        Catalog c = Catalog.open(dir.publicStore());
        for (String id : c.releaseIds()) {
            var t = c.torrent(id);
            System.out.printf("%s  %s  %s%s%n", id, t.map(e -> String.valueOf(e.file().custom().get("infohash"))).orElse("(none)"),
                    t.map(Catalog.Entry::path).orElse(""), made.contains(id) ? "  (made now)" : "");
        }
        System.out.println(made.isEmpty() ? "Every release already had its torrent." : "Signed " + made.size()
                + " torrent(s) into the mirrors role; mirrors pick them up on their next sync.");
        return Main.OK;
    }
}
