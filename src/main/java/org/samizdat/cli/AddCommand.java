package org.samizdat.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.Intake;
import org.samizdat.repo.StagedDocument;
import org.samizdat.repo.Staging;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat add}: stage files and directories, with their metadata, for the next release. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Stage files and directories for the next release.",
                "Adds files and directories (recursively; hidden files skipped) to the staging area, which survives restarts. Target paths use letters, digits, '.', '_' and '-' in '/'-separated segments; a name outside that alphabet is refused, every offender listed, unless --normalize-names is given.",
                "Metadata comes from a sidecar NAME.meta.json ({\"title\", \"date\", \"content_type\", \"fields\"}) or, for plain text, from leading 'Key: value' lines ended by a blank line.",
                "Example: samizdat add ~/archive examples   (then: samizdat publish ~/archive)"})
final class AddCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
    Path archive;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH", description = "Files or directories to add.")
    List<Path> paths;

    @Option(names = "--as", paramLabel = "PREFIX",
            description = "Put the documents under PREFIX (default: a directory's own name; files at the top).")
    String prefix;

    @Option(names = "--normalize-names", description = "Rename names outside the alphabet (accents dropped, other characters to '-') and list the renames.")
    boolean normalise;

    @Override
    public Integer call() throws Exception {
        ArchiveDir dir = new ArchiveDir(archive).requireArchive();
        Intake.Result found = Intake.scan(paths, prefix, normalise);
        for (String r : found.renamed()) {
            System.err.println("renamed: " + r);
        }
        if (!found.problems().isEmpty()) {
            System.err.println("samizdat: nothing staged; " + found.problems().size() + " problem(s):");
            found.problems().forEach(p -> System.err.println("  " + p));
            if (!found.problems().stream().allMatch(p -> p.endsWith(": no such file or directory"))) {
                System.err.println("Rename the files, or pass --normalize-names to rename them in the archive.");
            }
            return Main.USAGE;
        }
        if (found.items().isEmpty()) {
            System.err.println("samizdat: no documents found in " + paths);
            return Main.USAGE;
        }
        Staging staging = new Staging(dir.stagingDir());
        List<StagedDocument> staged = Interruption.sayingOnStop("Nothing was staged (a batch is staged all at once,"
                + " at its end); run the same add again.", () -> staging.add(found.items(), TerminalProgress.onStderr()));
        long bytes = staged.stream().mapToLong(StagedDocument::length).sum();
        System.out.printf("Staged %,d document(s), %,d bytes%s. %,d now wait for the next release.%n", staged.size(), bytes,
                found.skippedHidden() > 0 ? " (" + found.skippedHidden() + " hidden file(s) skipped)" : "",
                staging.pending().size());
        System.out.println("Next: samizdat publish " + archive + " --title \"...\"");
        return Main.OK;
    }
}
