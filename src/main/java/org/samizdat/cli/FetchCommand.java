package org.samizdat.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.samizdat.sync.Trust;
import org.samizdat.sync.Fetcher;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.ReleaseFetch;
import org.samizdat.sync.SyncException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat fetch}: one document, or whole releases, verified, from whichever mirrors answer truthfully. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Download a document or whole releases, verified, from mirrors.",
                "Fails over between mirrors on errors, timeouts, bad hashes or stale metadata, and asks a second mirror when the first is slow. Verified metadata is cached per archive, so a mirror cannot roll you back between runs. Nothing unverified is ever written to the output.",
                "Whole releases are spread over every mirror given (and those of the signed mirror list), several requests in flight on each, into DIR/<release>/..., the layout a torrent client writes; files already there and intact are kept, so a run that was cut short resumes.",
                "Find a document's path on its /doc/ page, or with: samizdat check DIR --list"})
final class FetchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "The document's path, e.g. r0001/examples/cables/09STATE12345.txt (samizdat check DIR --list lists them).")
    String path;

    @Option(names = "--release", paramLabel = "ID", description = "Fetch this whole release (repeatable) into -o DIR.")
    List<String> releases;

    @Option(names = "--all", description = "Fetch every release into -o DIR.")
    boolean all;

    @Option(names = "--connections", defaultValue = "8", paramLabel = "N", description = "Requests in flight on each mirror for --release and --all (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--from", required = true, paramLabel = "URL", description = "A mirror's base URL; repeat for failover, in order of preference.")
    List<String> from;

    @ArgGroup(exclusive = true, multiplicity = "1")
    MirrorCommand.TrustOption trust;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the document (default: its name, here); with --release or --all, the directory (default: here).")
    Path output;

    @Option(names = "--stale-ok", description = "Accept expired metadata (archive mode: the publisher stopped re-signing), with a warning. Signatures and hashes are still verified.")
    boolean staleOk;

    @Option(names = "--cache", paramLabel = "DIR", description = "Trusted metadata cache (default: $XDG_CACHE_HOME/samizdat or ~/.cache/samizdat).")
    Path cache;

    @Option(names = "--hedge-after", defaultValue = "2000", paramLabel = "MS", description = "Ask the next mirror too after this long (default: ${DEFAULT-VALUE}).")
    long hedgeAfter;

    @Override
    public Integer call() throws Exception {
        boolean whole = all || (releases != null && !releases.isEmpty());
        if (whole == (path != null)) {
            System.err.println("samizdat: give a document's PATH, or --release ID or --all (not both)");
            return Main.USAGE;
        }
        if (whole && staleOk) {
            System.err.println("samizdat: --stale-ok applies to one document; whole releases need unexpired metadata");
            return Main.USAGE;
        }
        Fetcher fetcher = fetcher(trust, cache, Duration.ofMillis(Math.max(1, hedgeAfter)), staleOk);
        if (whole) {
            return wholeReleases(fetcher);
        }
        Path out = output != null ? output : Path.of(path.substring(path.lastIndexOf('/') + 1));
        try {
            Fetcher.Outcome o = fetcher.fetch(path, from, out);
            for (String w : o.warnings()) {
                System.err.println("WARNING: archive mode: " + w + ".");
            }
            System.err.printf("Fetched %s (%,d bytes, verified) from %s into %s%n", path, o.bytes(), o.mirror(), out);
            return Main.OK;
        } catch (SyncException e) {
            System.err.println("samizdat: " + e.getMessage());
            return MirrorCommand.exitCode(e);
        }
    }

    private int wholeReleases(Fetcher fetcher) {
        Path out = output != null ? output : Path.of(".");
        long start = System.nanoTime();
        try {
            ReleaseFetch.Outcome o = new ReleaseFetch(fetcher, Duration.ofSeconds(30), line -> System.err.println("samizdat: " + line))
                    .fetch(all ? List.of() : releases, from, out, Math.max(1, connections), TerminalProgress.onStderr());
            for (String w : o.withdrawn()) {
                System.err.println("samizdat: left out " + w + ": withdrawn by the publisher");
            }
            System.err.printf("Fetched %,d release(s) into %s: %,d file(s) verified against the signed metadata (%,d already there"
                            + " and intact), %,d bytes downloaded in %.1f s%s%n", o.releases(), out, o.files(), o.kept(), o.bytes(),
                    (System.nanoTime() - start) / 1e9, o.bytesByMirror().isEmpty() ? "" : ", from " + o.bytesByMirror());
            return Main.OK;
        } catch (SyncException e) {
            System.err.println("samizdat: " + e.getMessage());
            return MirrorCommand.exitCode(e);
        }
    }

    /** A fetcher over the trusted state this archive's cache keeps (per root fingerprint), logging to stderr. */
    static Fetcher fetcher(MirrorCommand.TrustOption trust, Path cache, Duration hedgeAfter, boolean staleOk)
            throws java.io.IOException {
        Trust t = trust.toTrust();
        String key = (t.fingerprint() != null ? t.fingerprint() : org.samizdat.tuf.RootFingerprint.of(t.rootFile())).hex();
        Path base = cache != null ? cache : defaultCache();
        return new Fetcher(base.resolve(key), t, Clock.systemUTC(), Duration.ofSeconds(30), hedgeAfter, staleOk,
                line -> System.err.println("samizdat: " + line));
    }

    private static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("samizdat");
    }
}
