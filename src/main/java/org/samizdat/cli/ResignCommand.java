package org.samizdat.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.work.Progress;
import org.samizdat.repo.Publisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat resign}: fresh expiry without a new release. */
@Command(name = "resign", mixinStandardHelpOptions = true,
        description = {"Renew the timestamp (and roles near expiry) without a release.",
                "Re-signs timestamp.json with a fresh expiry (7 days). The snapshot and any other role in the last third of its lifetime are renewed too, each verified against its delegator's keys first; targets and root only when their offline keyring is given with --offline-keys (otherwise a warning)."})
final class ResignCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
    Path archive;

    @Option(names = "--all", description = "Renew every role whose key is present, whatever its expiry.")
    boolean all;

    @Mixin
    PassphraseOptions passphrase;

    @Mixin
    OfflineKeyOptions offline;

    @Override
    public Integer call() throws Exception {
        ArchiveDir dir = new ArchiveDir(archive).requireArchive();
        Publisher publisher = passphrase.publisher(dir, Progress.NONE, offline);
        Publisher.Resigned r = all ? publisher.resignAll() : publisher.resign();
        r.renewed().forEach(line -> System.out.println("re-signed " + line));
        r.warnings().forEach(line -> System.err.println("warning: " + line));
        return Main.OK;
    }
}
