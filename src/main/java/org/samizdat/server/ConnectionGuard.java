package org.samizdat.server;

import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Two connection defences Jetty lacks: a cap on open connections per client address (IPv6 by /64),
 * and a deadline for a request's line and headers (slowloris). A connection is closed when it has
 * had no request in progress for longer than the deadline: from its opening until its first
 * request's headers are complete, and between requests on a kept-alive connection. Jetty's idle
 * timeout cannot do this, because every dripped byte resets it. Only a connection closed with part
 * of a request in it, or before its first request, counts as refused ({@code deadline} on
 * /metrics): a kept-alive connection that served its requests and then sat idle is closed quietly.
 */
final class ConnectionGuard extends Handler.Wrapper implements AutoCloseable {
    private final int perClient;
    private final long deadlineNanos;
    private final Counter overCap;
    private final Counter pastDeadline;
    private final Map<String, AtomicInteger> clients = new ConcurrentHashMap<>();
    private final Map<Connection, Tracked> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    private static final class Tracked {
        final String client;
        final AtomicInteger active = new AtomicInteger();
        volatile long idleSince = System.nanoTime();
        /** Bytes received when the last request was answered; more since then is a request in progress. */
        volatile long bytesAtIdle;
        volatile boolean served;

        Tracked(String client) {
            this.client = client;
        }
    }

    ConnectionGuard(Handler next, FloodLimits limits, Counter overCap, Counter pastDeadline) {
        super(next);
        this.perClient = limits.connectionsPerClient();
        this.deadlineNanos = limits.headerDeadline().toNanos();
        this.overCap = overCap;
        this.pastDeadline = pastDeadline;
        if (deadlineNanos > 0) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "samizdat-header-deadline");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(50, Math.min(1000, limits.headerDeadline().toMillis() / 4));
            sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        } else {
            sweeper = null;
        }
    }

    /** What the connector tells about each connection it opens and closes. */
    final Connection.Listener listener = new Connection.Listener() {
        @Override
        public void onOpened(Connection connection) {
            opened(connection);
        }

        @Override
        public void onClosed(Connection connection) {
            closed(connection);
        }
    };

    private void opened(Connection connection) {
        String client = ClientAddress.key(connection.getEndPoint().getRemoteSocketAddress());
        open.put(connection, new Tracked(client));
        int count = clients.computeIfAbsent(client, k -> new AtomicInteger()).incrementAndGet();
        if (perClient > 0 && count > perClient) {
            overCap.increment();
            connection.getEndPoint().close();
        }
    }

    private void closed(Connection connection) {
        Tracked t = open.remove(connection);
        if (t != null) {
            clients.computeIfPresent(t.client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Tracked t = open.get(request.getConnectionMetaData().getConnection());
        if (t == null) {
            return super.handle(request, response, callback);
        }
        t.active.incrementAndGet();
        Connection connection = request.getConnectionMetaData().getConnection();
        Callback done = Callback.from(() -> {
            t.bytesAtIdle = connection.getBytesIn();
            t.served = true;
            t.idleSince = System.nanoTime();
            t.active.decrementAndGet();
        }, callback);
        try {
            if (super.handle(request, response, done)) {
                return true;
            }
        } catch (Exception | Error e) {
            t.active.decrementAndGet();
            throw e;
        }
        t.active.decrementAndGet();
        return false;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<Connection, Tracked> e : open.entrySet()) {
            Tracked t = e.getValue();
            if (t.active.get() == 0 && now - t.idleSince > deadlineNanos) {
                boolean idleKeepAlive = t.served && e.getKey().getBytesIn() <= t.bytesAtIdle;
                if (!idleKeepAlive) {
                    pastDeadline.increment(); // slowloris: a request begun and never finished, or never begun
                }
                open.remove(e.getKey());
                clients.computeIfPresent(t.client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
                e.getKey().getEndPoint().close();
            }
        }
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
