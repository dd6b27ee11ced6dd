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
        description = {"Verify every byte of an archive or a mirror.",
                "Checks the root chain, every signature and threshold, versions against rollback, expiry, and each document's length and sha256, and lists every problem; exit 3 when anything is wrong. Expired metadata is reported, and fails only with --strict.",
                "With --list, also prints each document's path (what fetch and /doc/ take), its release, size and date."})
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "An archive, or a mirror's directory.")
    Path directory;

    @Option(names = "--strict", description = "Treat expired metadata as a failure.")
    boolean strict;

    @Option(names = "--fingerprint", paramLabel = "FP", description = "The trusted root fingerprint (default: the one in archive.json, if any).")
    String fingerprint;

    @Option(names = "--list", description = "Once verified, list every document: its path (what fetch and /doc/ take),"
            + " release, size and date (default: off).")
    boolean list;

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
            System.out.printf("OK: snapshot version %d, %d role(s), %s, %,d bytes verified.%n",
                    r.snapshotVersion(), r.roles(), r.documents(), r.targetBytes());
            if (list) {
                org.samizdat.repo.Catalog c = org.samizdat.repo.Catalog.open(new org.samizdat.store.FileStore(pub));
                for (String id : c.releaseIds()) {
                    for (org.samizdat.repo.Catalog.Entry e : c.release(id).documents()) {
                        System.out.printf("%s  %s  %,d bytes  %s%n", e.path(), id, e.file().length(),
                                e.meta().date().isEmpty() ? "no date" : e.meta().date());
                    }
                }
            }
            return Main.OK;
        }
        System.out.printf("FAILED: %d problem(s) in %s.%n", r.problems().size(), directory);
        return Main.VERIFICATION_FAILED;
    }
}
