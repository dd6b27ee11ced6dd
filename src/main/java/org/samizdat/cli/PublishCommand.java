package org.samizdat.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Publisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat publish}: sign everything staged as the next release. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Sign everything staged as the next release.",
                "Releases are named r0001, r0002, ... Writes the documents, then the release's role (hash bins above 4,096 documents), releases, the snapshot, and timestamp.json last; if interrupted, the previous version stays intact and running publish again completes the same release."})
final class PublishCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
    Path archive;

    @Option(names = "--title", paramLabel = "TEXT", description = "Title of the release (default: \"Release N\").")
    String title;

    @Mixin
    PassphraseOptions passphrase;

    @Override
    public Integer call() throws Exception {
        ArchiveDir dir = new ArchiveDir(archive).requireArchive();
        Publisher publisher = passphrase.publisher(dir, TerminalProgress.onStderr());
        long start = System.nanoTime();
        Publisher.Release r = Interruption.sayingOnStop("Readers and mirrors still see the previous version, whole;"
                + " run samizdat publish " + archive + " again to complete the same release.", () -> publisher.publish(title));
        if (r.finishedEarlier()) {
            System.out.println("Release " + r.id() + " was already published by an interrupted run; its staging is now cleared.");
            return Main.OK;
        }
        System.out.printf("Published release %s: %s, snapshot version %d, %d role file(s), "
                        + "%,d bytes of metadata, in %.1f s.%n", r.id(), org.samizdat.repo.ReleaseInfo.documents(r.documents(), 2, ""),
                r.snapshotVersion(), r.roleFiles(),
                r.metadataBytes(), (System.nanoTime() - start) / 1e9);
        return Main.OK;
    }
}
