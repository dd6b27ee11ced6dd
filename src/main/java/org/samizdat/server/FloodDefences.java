package org.samizdat.server;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.DoSHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * A node's flood defences around its routes, outermost first: the connection guard (connections
 * per client, header deadline), request rates per client for files, search and pages (Jetty's
 * DoSHandler, 429), shedding of expensive work, and the concurrency cap with priority (Jetty's
 * QoSHandler: files first, then pages, then search; 503 after waiting 2 s); plus a global
 * connection cap (Jetty's NetworkConnectionLimit). A limit at 0 is off.
 */
final class FloodDefences implements AutoCloseable {
    static final Duration MAX_WAIT = Duration.ofSeconds(2);

    private final Server server;
    private final ServerConnector connector;
    private final FloodLimits limits;
    private final Overload overload;
    private Shedding shedding;
    private ConnectionGuard guard;
    private QoSHandler queue;

    FloodDefences(Server server, ServerConnector connector, FloodLimits limits, MeterRegistry metrics,
                  Supplier<List<String>> mirrors) {
        this.server = server;
        this.connector = connector;
        this.limits = limits;
        this.overload = new Overload(limits.retryAfterSeconds(), mirrors, metrics);
        for (String reason : List.of("rate", "search-rate", "seed-rate", "connections", "deadline", "shed", "busy")) {
            overload.counter(reason); // every reason shows on /metrics from the start, at 0
        }
    }

    /** Searches and feeds being handled now. */
    int expensiveRunning() {
        return shedding == null ? 0 : shedding.running();
    }

    /** Requests waiting for a slot under the concurrency cap. */
    int waiting() {
        return queue == null ? 0 : queue.getSuspendedRequestCount();
    }

    Handler wrap(Handler routes) {
        Handler inner = routes;
        if (limits.concurrent() > 0) {
            queue = new QoSHandler(inner) {
                @Override
                protected int getPriority(Request request) {
                    String path = Request.getPathInContext(request);
                    return path.startsWith("/metadata/") || path.startsWith("/targets/") || path.startsWith("/seed/") ? 2
                            : Shedding.expensive(path) ? 0 : 1;
                }

                @Override
                protected void reject(Request request, Response response, Callback callback, int status) {
                    overload.busy(request, response, callback, "busy");
                }

                @Override
                protected void expireSuspended(Request request, Response response, Callback callback) {
                    overload.busy(request, response, callback, "busy");
                }
            };
            queue.setMaxRequestCount(limits.concurrent());
            queue.setMaxSuspendedRequestCount(1024);
            queue.setMaxSuspend(MAX_WAIT);
            inner = queue;
        }
        shedding = new Shedding(inner, limits.expensive(), this::waiting, overload);
        inner = shedding;
        if (limits.pageRate() > 0) {
            inner = rate(inner, limits.pageRate(), "rate", false, "/metadata/*", "/targets/*", "/seed/*", "/search",
                    "/api/search", "/feed.atom");
        }
        if (limits.searchRate() > 0) {
            inner = rate(inner, limits.searchRate(), "search-rate", true, "/search", "/api/search", "/feed.atom");
        }
        if (limits.fileRate() > 0) {
            inner = rate(inner, limits.fileRate(), "rate", true, "/metadata/*", "/targets/*");
            // web seeds at the files' rate, paced rather than refused (BitTorrent clients drop a seed that says 429)
            inner = new SeedPacing(inner, limits.fileRate(), overload);
        }
        if (limits.connectionsPerClient() > 0 || !limits.headerDeadline().isZero()) {
            guard = new ConnectionGuard(inner, limits, overload.counter("connections"), overload.counter("deadline"));
            connector.addBean(guard.listener);
            inner = guard;
        }
        if (limits.connections() > 0) {
            server.addBean(new NetworkConnectionLimit(limits.connections(), connector));
        }
        return inner;
    }

    /**
     * A per-client leaky bucket (IPv6 by /64) of {@code perSecond} requests with a burst of twice
     * that, over the paths given ({@code include}) or all others; over it, 429 with Retry-After.
     * Refused requests fill the bucket too, so a client that keeps flooding stays refused.
     */
    private Handler rate(Handler next, int perSecond, String reason, boolean include, String... paths) {
        var bucket = new DoSHandler.LeakingBucketTrackerFactory(perSecond, 2 * perSecond, Duration.ofSeconds(30));
        DoSHandler dos = new DoSHandler(next, r -> ClientAddress.key(r.getConnectionMetaData().getRemoteSocketAddress()),
                bucket, (request, response, callback) -> overload.tooMany(request, response, callback, reason), 100_000);
        if (include) {
            dos.includePath(paths);
        } else {
            dos.excludePath(paths);
        }
        return dos;
    }

    @Override
    public void close() {
        if (guard != null) {
            guard.close();
        }
    }
}
