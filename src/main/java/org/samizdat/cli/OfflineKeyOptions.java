package org.samizdat.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.samizdat.repo.Keyring;
import picocli.CommandLine.Option;

/** Where the offline keys (root and targets) are, and the passphrase of their own keyring. */
final class OfflineKeyOptions {
    static final String ENV = OfflinePassphrase.ENV;

    @Option(names = "--offline-keys", paramLabel = "DIR",
            description = "The offline keyring (root and targets keys), for example on a removable medium"
                    + " plugged in for this command only. Default for init: ARCHIVE-offline-keys beside the archive;"
                    + " for other commands none, and what needs those keys is left unsigned in ARCHIVE/private/pending"
                    + " for `samizdat sign` on the offline machine.")
    Path dir;

    @picocli.CommandLine.Mixin
    OfflinePassphrase passphrase;

    /** The offline keyring, or null when none was given. */
    Keyring keyring() throws IOException {
        return dir == null ? null : open(dir);
    }

    /** The keyring at {@code at}, unlocked with this passphrase. */
    Keyring open(Path at) throws IOException {
        return new Keyring(at, passphrase.read());
    }
}
