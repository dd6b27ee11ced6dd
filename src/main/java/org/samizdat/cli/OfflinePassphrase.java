package org.samizdat.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The passphrase of an offline keyring (its own, not the online one's). */
final class OfflinePassphrase {
    static final String ENV = "SAMIZDAT_OFFLINE_PASSPHRASE";

    @Option(names = "--offline-passphrase-file", paramLabel = "FILE",
            description = "The offline keyring's passphrase (its own, not the online one), first line of FILE;"
                    + " default: the " + ENV + " environment variable, if set.")
    Path file;

    char[] read() throws IOException {
        return PassphraseOptions.read(file, ENV);
    }
}
