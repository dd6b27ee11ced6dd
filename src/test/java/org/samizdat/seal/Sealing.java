package org.samizdat.seal;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.function.Function;
import org.samizdat.repo.Publisher;
import org.samizdat.repo.SealedManifest;
import org.samizdat.repo.TestArchive;
import org.samizdat.work.Progress;

/** A shared fixture: seals what a {@link TestArchive} has staged, honestly or as a lying publisher would. */
final class Sealing {
    final TestArchive archive;
    final Path shares;

    Sealing(TestArchive archive, Path shares) {
        this.archive = archive;
        this.shares = shares;
    }

    /** Seals the staged documents; with {@code k} and {@code n} above 0, also writes k-of-n shares. */
    Sealer.Sealed seal(String title, int k, int n, String opensAfter) throws Exception {
        return seal(title, k, n, opensAfter, null);
    }

    /** Seals, putting other bytes than the committed ones into the ciphertext where {@code substitute} says. */
    Sealer.Sealed seal(String title, int k, int n, String opensAfter, Function<SealedManifest.Document, Path> substitute)
            throws Exception {
        Sealer sealer = new Sealer(new Sealer.Options(archive.dir().sealedKeysDir(), shares, k, n, opensAfter),
                new SecureRandom(), Progress.NONE, substitute);
        Publisher.Release r = archive.publisher().seal(title, sealer);
        if (sealer.sealed() == null || !sealer.sealed().release().equals(r.id())) {
            throw new IllegalStateException("nothing was sealed");
        }
        return sealer.sealed();
    }

    /**
     * A lying publisher's substitution: the document whose path ends with {@code suffix} goes into
     * the ciphertext as {@code source} with one bit flipped (same length, other bytes), written to {@code to}.
     */
    static Function<SealedManifest.Document, Path> swapping(String suffix, Path source, Path to) {
        return d -> {
            if (!d.path().endsWith(suffix)) {
                return null;
            }
            try {
                byte[] b = java.nio.file.Files.readAllBytes(source);
                b[b.length / 2] ^= 0x01;
                java.nio.file.Files.write(to, b);
                return to;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }
}
