package org.samizdat.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.KeyChange;
import org.samizdat.work.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat withdraw ARCHIVE PATH --reason TEXT}: a signed withdrawal of one published document. */
@Command(name = "withdraw", mixinStandardHelpOptions = true,
        description = {"Withdraw a published document, with a signed reason.",
                "Signed by the offline targets key (--offline-keys, or `samizdat sign` offline and `samizdat import`). Every mirror then stops serving the document, deletes it and drops it from search; its page shows the reason and date. The release still lists what was published, so readers can tell what was withdrawn; no one holding only the online keys can withdraw anything."})
final class WithdrawCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
    Path archive;

    @Parameters(index = "1", paramLabel = "PATH", description = "The document's path, as its page shows it (r0001/...).")
    String path;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, in words readers will see.")
    String reason;

    @Mixin
    PassphraseOptions passphrase;

    @Mixin
    OfflineKeyOptions offline;

    @Override
    public Integer call() throws Exception {
        ArchiveDir dir = new ArchiveDir(archive).requireArchive();
        KeyChange change = new KeyChange(passphrase.publisher(dir, Progress.NONE, offline));
        return KeysCommand.report(change.withdraw(path, reason), archive);
    }
}
