package org.samizdat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code samizdat} command and its exit codes: 0 ok, 1 error, 2 bad usage, 3 verification failed, 4 no upstream. */
@Command(name = "samizdat", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Keep a signed document archive online: publish it as a TUF repository, mirror it, verify it.",
        subcommands = {CommandLine.HelpCommand.class, InitCommand.class, AddCommand.class, PublishCommand.class,
                ResignCommand.class, KeysCommand.class, SignCommand.class, ImportCommand.class, WithdrawCommand.class,
                CheckCommand.class, ServeCommand.class, MirrorCommand.class, FetchCommand.class, DemoCommand.class, CorpusCommand.class,
                TufClientCommand.class, CheckDownloadCommand.class, TorrentCommand.class, SealCommand.class,
                OpenKeyCommand.class, UnsealCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 error, 2 bad usage, 3 verification failed, 4 no upstream reachable."})
public final class Main implements java.util.concurrent.Callable<Integer> {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int USAGE = 2;
    public static final int VERIFICATION_FAILED = 3;
    public static final int NO_UPSTREAM = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        org.samizdat.server.AddressFreeLog.install(System.err);
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests and the launcher). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            for (Throwable c = ex; c != null; c = c.getCause()) {
                if (c instanceof java.net.BindException) {
                    line.getErr().println("samizdat: cannot listen there: the port is already in use (another samizdat,"
                            + " or another program); choose another with --port N");
                    return ERROR;
                }
            }
            line.getErr().println("samizdat: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("SAMIZDAT_DEBUG") != null) {
                ex.printStackTrace(line.getErr());
            }
            return ex instanceof IllegalArgumentException ? USAGE : ERROR;
        });
        return cl.execute(args);
    }

    /** A bare {@code samizdat}: the help, on standard error, and exit 2 (as a usage error). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** Prints the version and the commit it was built from (build.properties, written by the build). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("build.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            String version = p.getProperty("git.build.version", "development");
            String commit = p.getProperty("git.commit.id.abbrev", "");
            String dirty = "true".equals(p.getProperty("git.dirty")) ? ", with uncommitted changes" : "";
            return new String[] {"samizdat " + version + (commit.isEmpty() ? "" : " (commit " + commit + dirty + ")")
                    + ", Java " + Runtime.version()};
        }
    }
}
