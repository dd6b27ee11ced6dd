package org.samizdat.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Checker;
import org.samizdat.repo.State;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat check}: verify every signature, version and byte. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Verify every byte of an archive or mirror: the root chain, every signature and threshold,",
                "versions (rollback), expiry, and each document's length and sha256. Lists every problem.",
                "Exit 3 when anything is wrong. Expired metadata is reported, and fails only with --strict."})
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "An archive, or a mirror's directory.")
    Path directory;

    @Option(names = "--strict", description = "Treat expired metadata as a failure.")
    boolean strict;

    @Option(names = "--fingerprint", paramLabel = "FP", description = "The trusted root fingerprint (default: the one in archive.json, if any).")
    String fingerprint;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(directory)) {
            System.err.println("samizdat: " + directory + " is not a directory");
            return Main.USAGE;
        }
        Path pub = ArchiveDir.publicTreeOf(directory);
        ArchiveDir dir = new ArchiveDir(directory);
        State recorded = dir.isArchive() ? State.read(dir) : new State(0, 0);
        org.samizdat.tuf.RootFingerprint fp = fingerprint != null ? org.samizdat.tuf.RootFingerprint.parse(fingerprint)
                : Checker.configuredFingerprint(directory);
        Checker.Report r = new Checker(pub, recorded, fp, Instant.now(), strict, TerminalProgress.onStderr()).check();
        r.warnings().forEach(w -> System.out.println("warning: " + w));
        r.problems().forEach(p -> System.out.println("PROBLEM: " + p));
        if (r.ok()) {
            System.out.printf("OK: snapshot version %d, %d role(s), %,d document(s), %,d bytes verified.%n",
                    r.snapshotVersion(), r.roles(), r.targets(), r.targetBytes());
            return Main.OK;
        }
        System.out.printf("FAILED: %d problem(s) in %s.%n", r.problems().size(), directory);
        return Main.VERIFICATION_FAILED;
    }
}
