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
                "Creates the keys and version 1 of every role in ARCHIVE. The online keys (releases, snapshot, timestamp, mirrors) go to ARCHIVE/private/keys (mode 0600), which no command ever serves or copies. The offline keys (root and targets) go to their own keyring, by default ARCHIVE-offline-keys beside the archive, encrypted with their own passphrase: move that directory to a removable medium and off this machine. They are needed again only to rotate keys, renew root and targets, or withdraw a document."})
final class InitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "Directory to create the archive in.")
    Path archive;

    @Option(names = "--name", paramLabel = "TEXT", description = "Archive name shown to readers (default: the directory name).")
    String name;

    @Mixin
    RootKeyOptions rootKeys;

    @Mixin
    PassphraseOptions passphrase;

    @Mixin
    OfflineKeyOptions offline;

    @Override
    public Integer call() throws Exception {
        ArchiveDir existing = new ArchiveDir(archive);
        if (java.nio.file.Files.exists(existing.configFile()) || java.nio.file.Files.exists(existing.privateDir())) {
            System.err.println("samizdat: " + archive + " already holds an archive; refusing to overwrite it"
                    + " (choose another directory)");
            return Main.ERROR;
        }
        int threshold = rootKeys.threshold();
        ArchiveDir dir = new ArchiveDir(archive);
        java.nio.file.Path offlineDir = offline.dir != null ? offline.dir
                : dir.root().resolveSibling(dir.root().getFileName() + "-offline-keys");
        if (java.nio.file.Files.exists(offlineDir)) {
            System.err.println("samizdat: " + offlineDir + " already exists; refusing to overwrite keys"
                    + " (give another place with --offline-keys DIR)");
            return Main.ERROR;
        }
        char[] pass = passphrase.read();
        if (pass == null) {
            System.err.println("warning: no passphrase given, so the online keys are stored unencrypted in "
                    + archive.resolve("private/keys") + ".");
            System.err.println("         Use --passphrase-file FILE or SAMIZDAT_PASSPHRASE to encrypt them.");
        }
        Keyring offlineKeys = offline.open(offlineDir);
        if (offline.passphrase.read() == null) {
            System.err.println("warning: no offline passphrase given, so the root and targets keys are stored unencrypted"
                    + " in " + offlineDir + ".");
            System.err.println("         Use --offline-passphrase-file FILE or " + OfflineKeyOptions.ENV + " to encrypt them.");
        }
        Publisher publisher = new Publisher(dir, new Keyring(dir.keysDir(), pass), offlineKeys, Lifetimes.DEFAULT,
                Clock.systemUTC(), Progress.NONE);
        Publisher.Created created = publisher.init(name, rootKeys.count, threshold);
        System.out.println("Created archive " + dir.root());
        System.out.println("Offline keys (root" + (rootKeys.count > 1 ? " x" + rootKeys.count + ", any " + threshold + " sign" : "")
                + ", targets) are in " + offlineDir.toAbsolutePath());
        System.out.println("    Move that directory to a removable medium and off this machine; publish and serve never need it.");
        System.out.println("Root fingerprint (sha256 of metadata/1.root.json); give it to mirrors and readers:");
        System.out.println("    " + org.samizdat.tuf.RootFingerprint.parse(created.fingerprint()).grouped("\n    "));
        System.out.println("Next: samizdat add " + archive + " FILE...  then  samizdat publish " + archive);
        return Main.OK;
    }
}
