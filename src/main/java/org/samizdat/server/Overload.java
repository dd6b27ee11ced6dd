package org.samizdat.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The cheap answers of a node under attack: 429 (this client is over its rate) and 503 (the node
 * is busy), each with Retry-After, counted by reason on {@code /metrics}. A reader's page request
 * gets a small static page that lists the other mirrors; files and the API get one line of text.
 */
final class Overload {
    private final int retryAfter;
    private final Supplier<List<String>> mirrors;
    private final MeterRegistry metrics;
    private volatile List<String> renderedFor;
    private volatile byte[] busyPage;
    private volatile byte[] tooManyPage;

    Overload(int retryAfterSeconds, Supplier<List<String>> mirrors, MeterRegistry metrics) {
        this.retryAfter = retryAfterSeconds;
        this.mirrors = mirrors;
        this.metrics = metrics;
    }

    /** Counts a rejection; reasons: rate, search-rate, connections, deadline, shed, busy. */
    Counter counter(String reason) {
        return Counter.builder("samizdat_http_rejected").tag("reason", reason)
                .description("requests and connections refused by a flood defence").register(metrics);
    }

    /**
     * 429 Too Many Requests for a client over its rate. A page request gets a small page that
     * says when to retry and lists other mirrors: many readers may share one address (a Tor exit,
     * a carrier's NAT, a newsroom), and none of them is the flooder.
     */
    boolean tooMany(Request request, Response response, Callback callback, String reason) {
        counter(reason).increment();
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS_429);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(retryAfter));
        if (!isPage(request)) {
            return write(response, callback, "text/plain; charset=utf-8",
                    "Too many requests from your address; wait " + retryAfter + " s and try again.\n");
        }
        return writePage(response, callback, pages()[1]);
    }

    private static boolean isPage(Request request) {
        String path = Request.getPathInContext(request);
        return !(path.startsWith("/metadata/") || path.startsWith("/targets/") || path.startsWith("/api/")
                || path.startsWith("/static/") || path.equals("/metrics") || path.equals("/healthz"));
    }

    /** 503 Service Unavailable: the node is busy; a page request gets the list of other mirrors. */
    boolean busy(Request request, Response response, Callback callback, String reason) {
        counter(reason).increment();
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(retryAfter));
        if (!isPage(request)) {
            return write(response, callback, "text/plain; charset=utf-8",
                    "This node is busy; retry in " + retryAfter + " s or use another mirror.\n");
        }
        return writePage(response, callback, pages()[0]);
    }

    private boolean writePage(Response response, Callback callback, byte[] page) {
        response.getHeaders().put("Content-Security-Policy", ArchiveServer.CSP);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(page), callback);
        return true;
    }

    /** The busy page and the too-many page, rendered again only when the known mirrors change. */
    private byte[][] pages() {
        List<String> known = mirrors.get();
        if (busyPage == null || !known.equals(renderedFor)) {
            busyPage = page(known, "Busy", "This mirror is busy", "Try again in " + retryAfter + " seconds");
            tooManyPage = page(known, "Too many requests", "Too many requests from your address",
                    "Many readers may share your address (a Tor exit, a mobile carrier, an office), and together"
                            + " they asked this mirror for more than it gives one address. Try again in " + retryAfter
                            + " seconds");
            renderedFor = known;
        }
        return new byte[][] {busyPage, tooManyPage};
    }

    private static byte[] page(List<String> known, String title, String heading, String retry) {
        StringBuilder sb = new StringBuilder("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width\"><title>" + title + "</title>"
                + "<h1>" + heading + "</h1><p>" + retry + ", or read the same archive, signed by the same publisher,"
                + " on another mirror:</p><ul>");
        for (String m : known) {
            String e = escape(m);
            sb.append("<li><a href=\"").append(e).append("\">").append(e).append("</a></li>");
        }
        if (known.isEmpty()) {
            sb.append("<li>this node knows no other mirrors</li>");
        }
        sb.append("</ul></html>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean write(Response response, Callback callback, String type, String body) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
