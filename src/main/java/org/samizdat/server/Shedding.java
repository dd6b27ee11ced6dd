package org.samizdat.server;

import java.util.concurrent.Semaphore;
import java.util.function.IntSupplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sheds expensive work first: at most {@code expensive} searches and feeds run at once, and none
 * start while requests are already waiting for the node (the saturation signal from the QoS queue),
 * so archive files and document pages keep going while search answers 503.
 */
final class Shedding extends Handler.Wrapper {
    private final Semaphore permits;
    private final int expensiveLimit;
    private final IntSupplier waiting;
    private final Overload overload;

    Shedding(Handler next, int expensive, IntSupplier waiting, Overload overload) {
        super(next);
        this.permits = expensive > 0 ? new Semaphore(expensive) : null;
        this.expensiveLimit = expensive;
        this.waiting = waiting;
        this.overload = overload;
    }

    /** Expensive requests being handled now (their permit is given back once the answer is sent). */
    int running() {
        return permits == null ? 0 : expensiveLimit - permits.availablePermits();
    }

    /** Search and feeds: work per request that a flood could multiply. */
    static boolean expensive(String path) {
        return path.equals("/search") || path.equals("/api/search") || path.equals("/feed.atom");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (permits == null || !expensive(Request.getPathInContext(request))) {
            return super.handle(request, response, callback);
        }
        if (waiting.getAsInt() > 0 || !permits.tryAcquire()) {
            return overload.busy(request, response, callback, "shed");
        }
        Callback release = Callback.from(permits::release, callback);
        boolean handled;
        try {
            handled = super.handle(request, response, release);
        } catch (Exception | Error e) {
            permits.release();
            throw e;
        }
        if (!handled) {
            permits.release();
        }
        return handled;
    }
}
