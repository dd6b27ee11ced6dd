package org.samizdat.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the key passphrase comes from: a file, or the SAMIZDAT_PASSPHRASE environment variable. */
final class PassphraseOptions {
    static final String ENV = "SAMIZDAT_PASSPHRASE";

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the key passphrase from FILE (its first line); default: the SAMIZDAT_PASSPHRASE"
                    + " environment variable, if set, else no passphrase (unencrypted keys, with a warning).")
    Path file;

    /** The passphrase, or null when none was given. */
    char[] read() throws IOException {
        return read(file, ENV);
    }

    /** The first line of {@code file} when given, else the environment variable {@code env}, else null. */
    static char[] read(Path file, String env) throws IOException {
        if (file != null) {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            String line = (nl >= 0 ? s.substring(0, nl) : s).replace("\r", "");
            if (line.isEmpty()) {
                throw new IOException(file + " is empty; a passphrase file holds the passphrase on its first line");
            }
            return line.toCharArray();
        }
        String value = System.getenv(env);
        return value == null || value.isEmpty() ? null : value.toCharArray();
    }

    /** A publisher for an existing archive, with its online keys unlocked by this passphrase. */
    org.samizdat.repo.Publisher publisher(org.samizdat.repo.ArchiveDir dir, org.samizdat.work.Progress progress)
            throws IOException {
        return publisher(dir, progress, null);
    }

    /** As above, with the offline keyring too when {@code offline} names one. */
    org.samizdat.repo.Publisher publisher(org.samizdat.repo.ArchiveDir dir, org.samizdat.work.Progress progress,
                                          OfflineKeyOptions offline) throws IOException {
        return new org.samizdat.repo.Publisher(dir, new org.samizdat.repo.Keyring(dir.keysDir(), read()),
                offline == null ? null : offline.keyring(), org.samizdat.repo.Lifetimes.DEFAULT,
                java.time.Clock.systemUTC(), progress);
    }
}
