package org.samizdat.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Publisher;
import org.samizdat.seal.Sealer;
import org.samizdat.tuf.TufTime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat seal}: publish everything staged as a sealed release. */
@Command(name = "seal", mixinStandardHelpOptions = true,
        description = {"Publish everything staged as a sealed release.",
                "The documents and their metadata are encrypted into one OpenPGP file (AES-256, opened by `gpg --decrypt` with the key as passphrase; inside is a tar). The signed release lists only that ciphertext, its torrent and a manifest with the title: no names, hashes or count of the documents. It commits to the key (its sha256) and to the plaintext manifest (its sha256), so when anyone later posts the key to any node (samizdat unseal), every node checks, opens, serves and indexes the release with no further signature.",
                "The key is written to ARCHIVE/private/sealed/rNNNN.key (keep a copy offline) and, with --shares K-of-N, split among N trustees so that any K of them can open the release (samizdat open-key). Crash-safe: the key is written before any ciphertext; a re-run finishes the same release with the same key."})
final class SealCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
    Path archive;

    @Option(names = "--title", paramLabel = "TEXT", description = "Title of the release, public (default: \"Release N\").")
    String title;

    @Option(names = "--opens-after", paramLabel = "DATE",
            description = "A date shown to readers as when the release is meant to open, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (informative: whoever holds the key can open it at any time; default: none).")
    String opensAfter;

    @Option(names = "--shares", paramLabel = "K-of-N", description = "Also split the key into N Shamir shares, any K of which open the release (2 <= K <= N <= 255; default: no shares).")
    String shares;

    @Option(names = "--shares-dir", paramLabel = "DIR", description = "Where to write the share files (default: ./rNNNN-shares). Hand one to each trustee, then delete them here.")
    Path sharesDir;

    @Mixin
    PassphraseOptions passphrase;

    @Override
    public Integer call() throws Exception {
        ArchiveDir dir = new ArchiveDir(archive).requireArchive();
        int k = 0;
        int n = 0;
        if (shares != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,3})-of-(\\d{1,3})").matcher(shares);
            if (!m.matches()) {
                throw new IllegalArgumentException("--shares takes K-of-N, for example 3-of-5");
            }
            k = Integer.parseInt(m.group(1));
            n = Integer.parseInt(m.group(2));
        }
        String after = opensAfter == null ? null : date(opensAfter);
        Publisher publisher = passphrase.publisher(dir, TerminalProgress.onStderr());
        String id = publisher.nextReleaseId();
        Path out = shares == null ? null : sharesDir != null ? sharesDir : Path.of(id + "-shares");
        Sealer sealer = new Sealer(new Sealer.Options(dir.sealedKeysDir(), out, k, n, after), new SecureRandom(),
                TerminalProgress.onStderr());
        long start = System.nanoTime();
        Publisher.Release r = Interruption.sayingOnStop("Readers and mirrors still see the previous version, whole;"
                + " run samizdat seal " + archive + " again to complete the same release with the same key.",
                () -> publisher.seal(title, sealer));
        if (r.finishedEarlier()) {
            System.out.println("Release " + r.id() + " was already sealed by an interrupted run; its staging is now cleared.");
            return Main.OK;
        }
        Sealer.Sealed s = sealer.sealed();
        System.out.printf("Sealed release %s: %,d document(s) in one ciphertext of %,d bytes, snapshot version %d, in %.1f s"
                        + " (of which %.1f s clearing the staged copies after it was out).%n", r.id(), s.plaintextDocuments(),
                s.ciphertextBytes(), r.snapshotVersion(), (System.nanoTime() - start) / 1e9, r.clearingSeconds());
        System.out.println("Key (sha256 " + s.keySha256() + ") in " + s.keyFile() + ": keep a copy offline; whoever posts it"
                + " to any node opens the release everywhere.");
        if (!s.shareFiles().isEmpty()) {
            System.out.println(k + "-of-" + n + " key shares, one per trustee:");
            s.shareFiles().forEach(f -> System.out.println("  " + f));
        }
        return Main.OK;
    }

    static String date(String given) {
        String d = given.matches("\\d{4}-\\d{2}-\\d{2}") ? given + "T00:00:00Z" : given;
        try {
            return TufTime.format(Instant.parse(d));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--opens-after takes YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not " + given);
        }
    }
}
