package org.samizdat.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.samizdat.sync.Fetcher;
import org.samizdat.sync.ReleaseFetch;
import org.samizdat.sync.SyncException;
import org.samizdat.torrent.DownloadCheck;
import org.samizdat.tuf.TargetFile;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat check-download DIR --release ID}: a downloaded release against the publisher's signatures. */
@Command(name = "check-download", mixinStandardHelpOptions = true,
        description = {"Verify a downloaded release against the signed metadata.",
                "Checks a release downloaded by a torrent client (or any other way) against the publisher's signed metadata.",
                "BitTorrent v1 checks pieces with SHA-1 only, and a torrent says nothing of who made it. This fetches the release's signed metadata from a mirror (verified from the root fingerprint, with the trusted state `fetch` keeps) and checks every file in DIR/<release>: present, of its signed length and sha256, and nothing missing or extra. It names every file that fails.",
                "Exit 0: the download is exactly the signed release. 3: a file fails (listed). 4: no mirror reachable for the metadata."})
final class CheckDownloadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Where the client wrote the release (the folder holding <release>/, or that folder itself).")
    Path dir;

    @Option(names = "--release", required = true, paramLabel = "ID", description = "The release, e.g. r0003.")
    String release;

    @Option(names = "--from", required = true, paramLabel = "URL", description = "A mirror to read the signed metadata from; repeat for failover.")
    List<String> from;

    @ArgGroup(exclusive = true, multiplicity = "1")
    MirrorCommand.TrustOption trust;

    @Option(names = "--cache", paramLabel = "DIR", description = "Trusted metadata cache (default: $XDG_CACHE_HOME/samizdat or ~/.cache/samizdat).")
    Path cache;

    @Override
    public Integer call() throws Exception {
        Fetcher fetcher = FetchCommand.fetcher(trust, cache, Duration.ofSeconds(2), false);
        ReleaseFetch.Signed signed;
        try {
            signed = new ReleaseFetch(fetcher, Duration.ofSeconds(30), line -> System.err.println("samizdat: " + line))
                    .metadata(List.of(release), from);
        } catch (SyncException e) {
            System.err.println("samizdat: " + e.getMessage());
            return MirrorCommand.exitCode(e);
        }
        SortedMap<String, TargetFile> targets = signed.releases().get(release);
        DownloadCheck.Report r;
        try {
            r = DownloadCheck.check(dir, release, targets, signed.withdrawn(), TerminalProgress.onStderr());
        } catch (java.io.IOException e) {
            System.err.println("samizdat: " + e.getMessage());
            return Main.ERROR;
        }
        for (String w : r.withdrawnAbsent()) {
            System.out.println("absent, as withdrawn by the publisher: " + w);
        }
        if (r.ok()) {
            System.out.printf("OK: %s in %s is release %s exactly: %,d file(s), %,d bytes, each of its signed length and sha256"
                    + " (metadata verified from %s)%n", release, r.folder(), release, r.verified(), r.bytes(), signed.mirror());
            return Main.OK;
        }
        for (DownloadCheck.Problem p : r.problems()) {
            System.out.println("FAIL " + p);
        }
        System.out.printf("FAILED: %,d problem(s) in %s; %,d file(s) verified. Fetch the failing files again (samizdat fetch"
                + " --release %s -o %s keeps the intact ones).%n", r.problems().size(), r.folder(), r.verified(), release,
                r.folder().getParent());
        return Main.VERIFICATION_FAILED;
    }
}
