package org.samizdat.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.KeyChange;
import org.samizdat.work.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code samizdat import ARCHIVE FILE...}: puts a change signed offline into force. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import root and targets files signed offline.",
                "Verifies each against the archive (a new root must be signed by a threshold of the old and of the new root keys; targets by the keys the root names), then writes them with what they imply: online roles re-signed under rotated keys, a withdrawal applied, then snapshot and timestamp."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
    Path archive;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "The signed files.")
    List<Path> files;

    @Mixin
    PassphraseOptions passphrase;

    @Override
    public Integer call() throws Exception {
        ArchiveDir dir = new ArchiveDir(archive).requireArchive();
        new KeyChange(passphrase.publisher(dir, Progress.NONE)).importSigned(files).forEach(System.out::println);
        return Main.OK;
    }
}
