package org.samizdat.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Keyring;
import org.samizdat.repo.Lifetimes;
import org.samizdat.work.Progress;
import org.samizdat.repo.Publisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat init}: keys and an empty signed archive, and the root fingerprint to hand out. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create a new signed archive and print its root fingerprint.",
                "Creates the keys and version 1 of every role in ARCHIVE. Keys go to ARCHIVE/private/keys (mode 0600), which no command ever serves or copies. The root and targets keys are only needed again to renew or rotate them: move them offline."})
final class InitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "Directory to create the archive in.")
    Path archive;

    @Option(names = "--name", paramLabel = "TEXT", description = "Archive name shown to readers (default: the directory name).")
    String name;

    @Mixin
    PassphraseOptions passphrase;

    @Override
    public Integer call() throws Exception {
        ArchiveDir existing = new ArchiveDir(archive);
        if (java.nio.file.Files.exists(existing.configFile()) || java.nio.file.Files.exists(existing.privateDir())) {
            System.err.println("samizdat: " + archive + " already holds an archive; refusing to overwrite it"
                    + " (choose another directory)");
            return Main.ERROR;
        }
        char[] pass = passphrase.read();
        if (pass == null) {
            System.err.println("warning: no passphrase given, so the private keys are stored unencrypted in "
                    + archive.resolve("private/keys") + ".");
            System.err.println("         Use --passphrase-file FILE or SAMIZDAT_PASSPHRASE to encrypt them.");
        }
        ArchiveDir dir = new ArchiveDir(archive);
        Publisher publisher = new Publisher(dir, new Keyring(dir.keysDir(), pass), Lifetimes.DEFAULT,
                Clock.systemUTC(), Progress.NONE);
        Publisher.Created created = publisher.init(name);
        System.out.println("Created archive " + dir.root());
        System.out.println("Root fingerprint (sha256 of metadata/1.root.json); give it to mirrors and readers:");
        System.out.println("    " + org.samizdat.tuf.RootFingerprint.parse(created.fingerprint()).grouped("\n    "));
        System.out.println("Next: samizdat add " + archive + " FILE...  then  samizdat publish " + archive);
        return Main.OK;
    }
}
