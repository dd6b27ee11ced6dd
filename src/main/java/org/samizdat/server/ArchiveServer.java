package org.samizdat.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.samizdat.archive.Json;
import org.samizdat.repo.ReleaseInfo;
import org.samizdat.store.FileStore;
import org.samizdat.sync.Downstreams;

/**
 * One node's HTTP server: {@code /metadata/} and {@code /targets/} straight from the public tree
 * (Range, ETag, conditional GET, HEAD; immutable caching for all but {@code timestamp.json}; 404
 * for anything missing; no directory listings), {@code /api/status}, {@code /healthz},
 * {@code /metrics}, {@code POST /api/notify}, and a plain home page. Logs no reader addresses.
 */
public final class ArchiveServer implements AutoCloseable {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String MUTABLE = "public, max-age=60, must-revalidate";
    static final String CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ServerConfig config;
    private final Server server;
    private final ServerConnector connector;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NodeStatus status;
    private final Runnable onNotify;
    private final AtomicReference<CachedHome> home = new AtomicReference<>();
    private final Downstreams downstreams;

    public ArchiveServer(ServerConfig config, NodeStatus status, Runnable onNotify) {
        this(config, status, onNotify, null);
    }

    /** As above; {@code downstreams}, when given, accepts {@code POST /api/downstreams} registrations. */
    public ArchiveServer(ServerConfig config, NodeStatus status, Runnable onNotify, Downstreams downstreams) {
        this.downstreams = downstreams;
        this.config = config;
        this.status = status;
        this.onNotify = onNotify;
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("samizdat-http");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        server.addConnector(connector);
        ResourceHandler files = new ResourceHandler() {
            // Jetty's default factory caches content for a second; timestamp.json is replaced in
            // place, so a cached copy would serve a stale version. Read through to the file system.
            @Override
            protected HttpContent.Factory newHttpContentFactory(ByteBufferPool.Sized sized) {
                return new ResourceHttpContentFactory(getBaseResource(), getMimeTypes(), sized);
            }
        };
        files.setBaseResource(ResourceFactory.of(server).newResource(config.publicDir()));
        files.setDirAllowed(false);
        files.setEtags(true);
        files.setAcceptRanges(true);
        files.setWelcomeFiles(List.of());
        server.setHandler(new Routes(files));
        server.setStopAtShutdown(false);
    }

    public ArchiveServer start() throws Exception {
        server.start();
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String url() {
        String host = config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind();
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        return "http://" + host + ":" + port();
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Bytes of archive files this node has sent since it started (its egress for the TUF tree). */
    public long fileBytesSent() {
        return (long) metrics.get("samizdat_http_file_bytes_sent").counter().count();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private record CachedHome(Object key, String html) {
    }

    /** Routes by path; static files go to the wrapped ResourceHandler. */
    private final class Routes extends Handler.Wrapper {
        private final Counter files = Counter.builder("samizdat_http_requests").tag("route", "files").register(metrics);
        private final Counter api = Counter.builder("samizdat_http_requests").tag("route", "api").register(metrics);
        private final Counter pages = Counter.builder("samizdat_http_requests").tag("route", "pages").register(metrics);
        private final Counter missing = Counter.builder("samizdat_http_not_found").register(metrics);
        private final Counter notifies = Counter.builder("samizdat_notify_received").register(metrics);
        private final Counter fileBytes = Counter.builder("samizdat_http_file_bytes_sent")
                .description("bytes of /metadata and /targets files sent (egress)").register(metrics);

        Routes(Handler files) {
            super(files);
        }

        // Some routes read request bodies and render pages synchronously: never run on a selector thread.
        @Override
        public InvocationType getInvocationType() {
            return InvocationType.BLOCKING;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put("Referrer-Policy", "no-referrer");
            if (path.startsWith("/metadata/") || path.startsWith("/targets/")) {
                files.increment();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "only GET and HEAD\n");
                }
                // Consistent snapshots: every file but timestamp.json is immutable under its name.
                response.getHeaders().put(HttpHeader.CACHE_CONTROL,
                        path.equals("/metadata/timestamp.json") ? MUTABLE : IMMUTABLE);
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
                Callback counted = Callback.from(() -> fileBytes.increment(Response.getContentBytesWritten(response)), callback);
                if (!path.endsWith("/") && super.handle(request, response, counted)) {
                    return true;
                }
                // TUF: a missing file (N+1.root.json above all) is a plain 404, never 5xx or an HTML 200.
                missing.increment();
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                return text(response, callback, HttpStatus.NOT_FOUND_404, "not found\n");
            }
            switch (path) {
                case "/api/status" -> {
                    api.increment();
                    return json(response, callback, status.snapshot());
                }
                case "/healthz" -> {
                    api.increment();
                    return text(response, callback, HttpStatus.OK_200, "ok\n");
                }
                case "/metrics" -> {
                    api.increment();
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    Content.Sink.write(response, true, metrics.scrape(), callback);
                    return true;
                }
                case "/api/notify" -> {
                    api.increment();
                    if (!method.equals("POST")) {
                        return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "POST only\n");
                    }
                    // A notify carries no trust: it only makes this node look at its upstream sooner.
                    notifies.increment();
                    onNotify.run();
                    return text(response, callback, HttpStatus.ACCEPTED_202, "sync scheduled\n");
                }
                case "/api/downstreams" -> {
                    api.increment();
                    if (!method.equals("POST") || downstreams == null) {
                        return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "POST a node's base URL\n");
                    }
                    byte[] body = Content.Source.asInputStream(request).readNBytes(301);
                    String url = new String(body, StandardCharsets.UTF_8);
                    String refused = downstreams.register(body.length > 300 ? "" : url);
                    return refused == null ? text(response, callback, HttpStatus.ACCEPTED_202, "registered\n")
                            : text(response, callback, HttpStatus.BAD_REQUEST_400, refused + "\n");
                }
                case "/" -> {
                    pages.increment();
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
                    response.getHeaders().put("Content-Security-Policy", CSP);
                    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                    Content.Sink.write(response, true, homePage(), callback);
                    return true;
                }
                default -> {
                    missing.increment();
                    return text(response, callback, HttpStatus.NOT_FOUND_404, "not found\n");
                }
            }
        }
    }

    private static boolean text(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
        return true;
    }

    private static boolean json(Response response, Callback callback, Map<String, Object> body) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        Content.Sink.write(response, true, new String(Json.write(body), StandardCharsets.UTF_8), callback);
        return true;
    }

    private String homePage() {
        Object key = status.snapshot().get("version");
        CachedHome cached = home.get();
        if (cached != null && cached.key() != null && cached.key().equals(key)) {
            return cached.html();
        }
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.escape(config.name())).append("</title></head><body>")
                .append("<h1>").append(Html.escape(config.name())).append("</h1>");
        try {
            List<ReleaseInfo> releases = ReleaseInfo.list(new FileStore(config.publicDir()));
            sb.append("<p>").append(releases.size()).append(" release(s), version ").append(Html.escape(String.valueOf(key)))
                    .append(". Every file is signed: verify with any TUF client against <code>/metadata/</code>.</p><ul>");
            for (ReleaseInfo r : releases.reversed()) {
                sb.append("<li><strong>").append(Html.escape(r.id())).append("</strong> ").append(Html.escape(r.title()))
                        .append(" — ").append(r.documents()).append(" document(s), ").append(Html.escape(r.published()))
                        .append("</li>");
            }
            sb.append("</ul>");
        } catch (Exception e) {
            sb.append("<p>This node holds no complete archive version yet.</p>");
        }
        sb.append("</body></html>");
        String html = sb.toString();
        home.set(new CachedHome(key, html));
        return html;
    }
}
