package org.samizdat.cli;

import java.time.Duration;
import org.samizdat.server.FloodLimits;
import picocli.CommandLine.Option;

/** The flood defences a node's operator can tune (0 turns one off): shared by serve, mirror and demo. */
final class FloodOptions {
    private static final FloodLimits D = FloodLimits.DEFAULTS;

    @Option(names = "--rate-files", paramLabel = "N",
            description = "Requests per second one client address (IPv6: one /64) may make for archive files under"
                    + " /metadata and /targets, with bursts of twice that; more get 429. Web-seed requests (/seed/) get the"
                    + " same rate but are paced, not refused (BitTorrent clients drop a seed that says 429), up to 2 s"
                    + " of waiting (default: ${DEFAULT-VALUE}).")
    int fileRate = D.fileRate();

    @Option(names = "--rate-pages", paramLabel = "N",
            description = "The same for reader pages and the API (default: ${DEFAULT-VALUE}).")
    int pageRate = D.pageRate();

    @Option(names = "--rate-search", paramLabel = "N",
            description = "The same for search and the feed (default: ${DEFAULT-VALUE}).")
    int searchRate = D.searchRate();

    @Option(names = "--max-connections-per-client", paramLabel = "N",
            description = "Open connections one client address may hold; more are closed at once (default: ${DEFAULT-VALUE}).")
    int connectionsPerClient = D.connectionsPerClient();

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Open connections in all; beyond this the node stops accepting until some close (default: ${DEFAULT-VALUE}).")
    int connections = D.connections();

    @Option(names = "--header-deadline", paramLabel = "SECONDS",
            description = "A connection with no request in progress for this long is closed: a request's line and"
                    + " headers must arrive within it (slowloris), and it is the keep-alive time (default: ${DEFAULT-VALUE}).")
    int headerDeadlineSeconds = (int) D.headerDeadline().toSeconds();

    @Option(names = "--min-body-rate", paramLabel = "BYTES",
            description = "Slowest request body accepted, in bytes per second (default: ${DEFAULT-VALUE}).")
    int minBodyRate = D.minBodyRate();

    @Option(names = "--max-concurrent", paramLabel = "N",
            description = "Requests handled at once; the rest wait up to 2 s, archive files first, then pages,"
                    + " then search, and then get 503 with the overload page (default: ${DEFAULT-VALUE}).")
    int concurrent = D.concurrent();

    @Option(names = "--max-expensive", paramLabel = "N",
            description = "Searches and feeds handled at once; more, or any while requests wait, get 503 at once"
                    + " so files and pages keep going (default: ${DEFAULT-VALUE}).")
    int expensive = D.expensive();

    @Option(names = "--search-cache", paramLabel = "N",
            description = "Recent search answers kept, until the next release is indexed (default: ${DEFAULT-VALUE}).")
    int searchCache = D.searchCache();

    @Option(names = "--retry-after", paramLabel = "SECONDS",
            description = "The Retry-After sent with 429 and 503 (default: ${DEFAULT-VALUE}).")
    int retryAfter = D.retryAfterSeconds();

    @Option(names = "--no-flood-limits", description = "Turn every flood defence off (for measuring the bare server).")
    boolean off;

    /** The validated limits; an IllegalArgumentException names the bad option. */
    FloodLimits limits() {
        return off ? FloodLimits.OFF : new FloodLimits(fileRate, pageRate, searchRate, connectionsPerClient, connections,
                Duration.ofSeconds(headerDeadlineSeconds), minBodyRate, concurrent, expensive, searchCache, retryAfter);
    }
}
