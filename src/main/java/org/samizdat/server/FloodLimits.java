package org.samizdat.server;

import java.time.Duration;

/**
 * The flood defences of a node, validated: request rates per client address (an IPv4 address or an
 * IPv6 /64) for archive files, pages and search; open connections per client address and in all;
 * the deadline for a request's line and headers; the minimum request-body rate; how many requests
 * run at once (the rest wait briefly, archive files first) and how many of them may be expensive
 * (search, feeds); how many search answers are cached; and the Retry-After given with 429 and 503.
 */
public record FloodLimits(int fileRate, int pageRate, int searchRate, int connectionsPerClient, int connections,
                          Duration headerDeadline, int minBodyRate, int concurrent, int expensive, int searchCache,
                          int retryAfterSeconds) {
    /**
     * Defaults for a small (2-core) mirror: generous to people and downstream mirrors, hard on
     * floods. The page and search rates leave room for a hundred readers behind one address (a
     * Tor exit, a carrier's NAT, a newsroom) reading at a human pace (FloodDefenceIT measures it);
     * the concurrency cap and shedding, not the per-address rate, keep search from starving pages.
     */
    public static final FloodLimits DEFAULTS = new FloodLimits(500, 60, 20, 32, 10_000, Duration.ofSeconds(10), 1024,
            64, 4, 1000, 5);

    /** No defences: for benchmarks that measure the bare server. */
    public static final FloodLimits OFF = new FloodLimits(0, 0, 0, 0, 0, Duration.ZERO, 0, 0, 0, 0, 5);

    public FloodLimits {
        nonNegative("--rate-files", fileRate);
        nonNegative("--rate-pages", pageRate);
        nonNegative("--rate-search", searchRate);
        nonNegative("--max-connections-per-client", connectionsPerClient);
        nonNegative("--max-connections", connections);
        nonNegative("--min-body-rate", minBodyRate);
        nonNegative("--max-concurrent", concurrent);
        nonNegative("--max-expensive", expensive);
        nonNegative("--search-cache", searchCache);
        if (headerDeadline == null || headerDeadline.isNegative()) {
            throw new IllegalArgumentException("--header-deadline must be 0 (off) or a positive duration");
        }
        if (retryAfterSeconds < 1 || retryAfterSeconds > 3600) {
            throw new IllegalArgumentException("--retry-after must be 1..3600 seconds, not " + retryAfterSeconds);
        }
        if (concurrent > 0 && expensive > concurrent) {
            throw new IllegalArgumentException("--max-expensive (" + expensive + ") cannot exceed --max-concurrent ("
                    + concurrent + ")");
        }
    }

    private static void nonNegative(String option, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must be 0 (off) or more, not " + value);
        }
    }
}
