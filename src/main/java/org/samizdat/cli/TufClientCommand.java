package org.samizdat.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.sync.Trust;
import org.samizdat.archive.Sha256;
import org.samizdat.sync.SyncException;
import org.samizdat.sync.TrustedState;
import org.samizdat.sync.TufClient;
import org.samizdat.sync.Upstream;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.TufException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code samizdat tuf-client}: this project's TUF client behind the command-line protocol of the
 * public conformance suite (theupdateframework/tuf-conformance, CLIENT-CLI.md), usable against
 * any TUF repository. Exit 0 on success, 1 on any failure.
 */
@Command(name = "tuf-client", mixinStandardHelpOptions = true,
        description = {"A TUF client for any repository (tuf-conformance protocol).",
                "Usage as the conformance suite runs it:",
                "  samizdat tuf-client --metadata-dir DIR init ROOT.json",
                "  samizdat tuf-client --metadata-dir DIR --metadata-url URL refresh",
                "  samizdat tuf-client --metadata-dir DIR --metadata-url URL --target-name PATH [--target-name PATH...] \\",
                "      --target-base-url URL --target-dir DIR download",
                "Verified metadata is kept in DIR as root.json, timestamp.json, snapshot.json, targets.json and <role>.json, so later runs detect rollbacks and freezes. Exit 0 on success, 1 on failure."},
        subcommands = {TufClientCommand.Init.class, TufClientCommand.Refresh.class, TufClientCommand.Download.class})
final class TufClientCommand implements Callable<Integer> {
    static final int FAILED = 1;

    @Option(names = "--metadata-dir", required = true, paramLabel = "DIR", description = "Where the client keeps the metadata it trusts.")
    Path metadataDir;

    @Option(names = "--metadata-url", paramLabel = "URL", description = "The repository's metadata base URL (refresh and download; no default).")
    String metadataUrl;

    @Option(names = "--target-name", paramLabel = "PATH", description = "A target path to download (download; no default)."
            + " Repeat it for several: they are fetched in order by one client, which stops at the first failure.")
    List<String> targetNames;

    @Option(names = "--target-base-url", paramLabel = "URL", description = "The repository's targets base URL (download; no default).")
    String targetBaseUrl;

    @Option(names = "--target-dir", paramLabel = "DIR", description = "Where verified targets are written, named by the percent-encoded target path (download; no default).")
    Path targetDir;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "S", description = "Network timeout in seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = {"-v", "--verbose"}, description = "Explain each step on standard error.")
    boolean verbose;

    @Override
    public Integer call() {
        System.err.println("tuf-client: name a command: init, refresh or download (see --help)");
        return FAILED;
    }

    private TufClient client() throws IOException, TufException {
        if (metadataUrl == null) {
            throw new IllegalArgumentException("--metadata-url is required");
        }
        return new TufClient(new TrustedState(metadataDir), new Upstream(metadataUrl, Duration.ofSeconds(timeoutSeconds)),
                Instant.now(), false, ClientLimits.DEFAULT, line -> {
                    if (verbose) {
                        System.err.println("tuf-client: " + line);
                    }
                });
    }

    private static int fail(Exception e) {
        System.err.println("tuf-client: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return FAILED;
    }

    private static boolean verifies(TargetFile target, Path file) throws IOException {
        try {
            target.verify(file.toString(), Files.readAllBytes(file));
            return true;
        } catch (TufException e) {
            return false;
        }
    }

    /** {@code init ROOT}: trusts a root file to begin with; no request is made. */
    @Command(name = "init", description = "Trust ROOT (a root.json) as the client's initial root.")
    static final class Init implements Callable<Integer> {
        @ParentCommand
        TufClientCommand parent;

        @Parameters(index = "0", paramLabel = "ROOT", description = "The initial trusted root.json.")
        Path root;

        @Override
        public Integer call() {
            try {
                new TrustedState(parent.metadataDir).write("root", Files.readAllBytes(root));
                System.out.println("tuf-client: trusting " + root + " (sha256 " + Sha256.hex(Files.readAllBytes(root)) + ")");
                return Main.OK;
            } catch (IOException | RuntimeException e) {
                return fail(e);
            }
        }
    }

    /** {@code refresh}: the client workflow for the top-level metadata. */
    @Command(name = "refresh", description = "Update the trusted metadata from --metadata-url (TUF client workflow 5.1-5.6).")
    static final class Refresh implements Callable<Integer> {
        @ParentCommand
        TufClientCommand parent;

        @Override
        public Integer call() {
            try {
                var t = parent.client().refresh();
                System.out.printf("tuf-client: root v%d, timestamp v%d, snapshot v%d, targets v%d%n", t.root().version(),
                        t.timestamp().version(), t.snapshot().version(), t.targets("targets").version());
                return Main.OK;
            } catch (IOException | TufException | SyncException | RuntimeException e) {
                return fail(e);
            }
        }
    }

    /** {@code download}: refresh, find the target through the delegations, fetch and verify it. */
    @Command(name = "download", description = "Refresh, then download --target-name from --target-base-url into --target-dir, verified (5.7).")
    static final class Download implements Callable<Integer> {
        @ParentCommand
        TufClientCommand parent;

        @Override
        public Integer call() {
            try {
                if (parent.targetNames == null || parent.targetBaseUrl == null || parent.targetDir == null) {
                    throw new IllegalArgumentException("download needs --target-name, --target-base-url and --target-dir");
                }
                TufClient client = parent.client();
                for (String name : parent.targetNames) {
                    download(client, name); // in argument order, one client: a role it admitted is checked again per path
                }
                return Main.OK;
            } catch (IOException | TufException | SyncException | RuntimeException e) {
                return fail(e);
            }
        }

        private void download(TufClient client, String name) throws IOException, TufException, SyncException {
            TargetFile target = client.targetInfo(name)
                    .orElseThrow(() -> new IllegalArgumentException("no trusted targets role lists " + name));
            Files.createDirectories(parent.targetDir);
            Path out = parent.targetDir.resolve(TrustedState.encode(name));
            if (Files.isRegularFile(out) && Files.size(out) == target.length() && verifies(target, out)) {
                System.out.println("tuf-client: " + name + " is already here and verified: " + out);
                return;
            }
            org.samizdat.store.PartialDownload.removeOrphans(parent.targetDir); // left by a killed run
            Path temp = org.samizdat.store.PartialDownload.create(parent.targetDir);
            try {
                // 5.7: at most the signed length is read, then length and sha256 are checked
                new Upstream(parent.targetBaseUrl, Duration.ofSeconds(parent.timeoutSeconds))
                        .download(client.remoteTargetPath(name, target), temp, target.length(), target.sha256());
                target.verify(name, Files.readAllBytes(temp)); // every other listed hash too
                Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            System.out.printf("tuf-client: %s (%,d bytes, verified) -> %s%n", name, target.length(), out);
        }
    }
}
