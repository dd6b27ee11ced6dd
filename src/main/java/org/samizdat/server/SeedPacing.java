package org.samizdat.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Paces web-seed requests ({@code /seed/}) per client address instead of refusing them: a
 * BitTorrent client drops a web seed that answers 429 (aria2 gives the URI up; Transmission
 * disables the seed), so a client over its rate is made to wait, up to {@link #MAX_WAIT_NANOS},
 * and only a client that would wait longer (a flood, not a download) is answered 503 with
 * Retry-After. A token bucket per address (IPv6 by /64) of {@code perSecond} with a burst of
 * twice that; the delay runs on the scheduler, holding no thread.
 */
final class SeedPacing extends Handler.Wrapper {
    static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_CLIENTS = 100_000;
    private final double perNano;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Overload overload;

    /** One client's tokens, which go negative by the requests it has waiting. */
    private static final class Bucket {
        double tokens;
        long last;
    }

    SeedPacing(Handler next, int perSecond, Overload overload) {
        super(next);
        this.perNano = perSecond / 1e9;
        this.burst = 2.0 * perSecond;
        this.overload = overload;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING;
    }

    /** How long this request must wait (0: at once), or -1 when it would wait too long. */
    long reserve(String client, long now) {
        if (buckets.size() > MAX_CLIENTS) {
            buckets.entrySet().removeIf(e -> now - e.getValue().last > TimeUnit.MINUTES.toNanos(1));
        }
        Bucket b = buckets.computeIfAbsent(client, k -> {
            Bucket n = new Bucket();
            n.tokens = burst;
            n.last = now;
            return n;
        });
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.last) * perNano);
            b.last = now;
            long wait = b.tokens >= 1 ? 0 : (long) ((1 - b.tokens) / perNano);
            if (wait > MAX_WAIT_NANOS) {
                return -1;
            }
            b.tokens -= 1;
            return wait;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!Request.getPathInContext(request).startsWith("/seed/")) {
            return super.handle(request, response, callback);
        }
        long wait = reserve(ClientAddress.key(request.getConnectionMetaData().getRemoteSocketAddress()), System.nanoTime());
        if (wait == 0) {
            return super.handle(request, response, callback);
        }
        if (wait < 0) {
            return overload.busy(request, response, callback, "seed-rate");
        }
        Scheduler scheduler = request.getComponents().getScheduler();
        scheduler.schedule(() -> request.getComponents().getThreadPool().execute(() -> {
            try {
                if (!super.handle(request, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable t) {
                callback.failed(t);
            }
        }), wait, TimeUnit.NANOSECONDS);
        return true;
    }
}
