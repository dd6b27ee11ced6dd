package org.samizdat.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
import org.samizdat.archive.BundleRequest;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.registry.Registration;
import org.samizdat.registry.Registry;
import org.samizdat.repo.ReleaseTorrent;
import org.samizdat.sync.Downstreams;
import org.samizdat.torrent.WebSeed;

/**
 * One node's HTTP server: {@code /metadata/} and {@code /targets/} straight from the public tree
 * (Range, ETag, conditional GET, HEAD; immutable caching for all but {@code timestamp.json}; 404
 * for anything missing; no directory listings), {@code /api/status}, {@code /healthz},
 * {@code /metrics}, {@code POST /api/notify}, and the reader's pages ({@link ReaderPages}).
 * Logs no reader addresses and sets no cookies.
 */
public final class ArchiveServer implements AutoCloseable {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String MUTABLE = "public, max-age=60, must-revalidate";
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ServerConfig config;
    private final Server server;
    private final ServerConnector connector;
    /** The listening socket's backlog (see the constructor). */
    static final int ACCEPT_BACKLOG = 1024;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NodeStatus status;
    private final Runnable onNotify;
    private final ReaderPages pages;
    private final Downstreams downstreams;
    private final Registry registry;
    private final org.samizdat.seal.Unsealer unsealer;
    private final FloodDefences defences;
    private final Counter webSeedBytes = Counter.builder("samizdat_webseed_bytes_sent")
            .description("bytes of documents sent to BitTorrent clients through /seed/ (web seeds)").register(metrics);
    /** The stored files for web seeds: the archive tree without the cache of recent files. */
    private final ResourceHandler fileHandler;

    public ArchiveServer(ServerConfig config, NodeStatus status, Runnable onNotify) {
        this(config, status, onNotify, null, ReaderSources.none());
    }

    /**
     * As above; {@code downstreams}, when given, accepts {@code POST /api/downstreams} registrations;
     * {@code reader} supplies the search index and known mirrors to the reader's pages.
     */
    public ArchiveServer(ServerConfig config, NodeStatus status, Runnable onNotify, Downstreams downstreams,
                         ReaderSources reader) {
        this.downstreams = downstreams;
        this.pages = new ReaderPages(config, status, reader);
        if (downstreams != null) {
            io.micrometer.core.instrument.Gauge.builder("samizdat_downstreams", downstreams, d -> d.list().size())
                    .description("nodes this one notifies of new versions (registered in the last hour)").register(metrics);
        }
        this.registry = reader.registry();
        this.unsealer = reader.unsealer();
        io.micrometer.core.instrument.Gauge.builder("samizdat_mirrors_listed", pages, ReaderPages::listedMirrors)
                .description("verified copies the signed mirror list of the served version names").register(metrics);
        if (registry != null) {
            io.micrometer.core.instrument.Gauge.builder("samizdat_registry_registered", registry, r -> r.known().size())
                    .description("mirrors registered with this node's registry").register(metrics);
        }
        if (reader.indexer() != null) {
            var index = reader.indexer().index();
            io.micrometer.core.instrument.Gauge.builder("samizdat_search_documents", () -> counts(index).documents())
                    .description("documents in the search index").register(metrics);
            io.micrometer.core.instrument.Gauge.builder("samizdat_search_extraction_failures",
                    () -> counts(index).extractionFailures())
                    .description("indexed documents whose text could not be extracted (listed by metadata only)").register(metrics);
            io.micrometer.core.instrument.Gauge.builder("samizdat_search_indexed_version", index::indexedVersion)
                    .description("snapshot version the search index last finished").register(metrics);
        }
        SearchCache cache = pages.searchCache();
        io.micrometer.core.instrument.FunctionCounter.builder("samizdat_search_cache_hits", cache, SearchCache::hits)
                .description("searches answered from the cache of recent answers").register(metrics);
        io.micrometer.core.instrument.FunctionCounter.builder("samizdat_search_cache_misses", cache, SearchCache::misses)
                .description("searches that ran against the index").register(metrics);
        this.config = config;
        this.status = status;
        this.onNotify = onNotify;
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("samizdat-http");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        if (config.limits().minBodyRate() > 0) {
            // a request body slower than this is a slow-body attack (Jetty checks it while reading content)
            http.setMinRequestDataRate(config.limits().minBodyRate());
        }
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        // Connections the kernel completes before the server accepts them. Java's default is 50: a
        // burst of connections (a flood from one address beside readers) overflowed it and the kernel
        // dropped SYNs, which cost a reader a 1 s retransmission. nginx uses 511; the kernel caps it at
        // net.core.somaxconn.
        connector.setAcceptQueueSize(ACCEPT_BACKLOG);
        connector.setHost(config.bind());
        connector.setPort(config.port());
        server.addConnector(connector);
        ResourceHandler files = new ResourceHandler() {
            // Jetty's default factory caches every file for a second; timestamp.json is replaced in
            // place, so it must be read through. Every other name is immutable and is cached.
            @Override
            protected HttpContent.Factory newHttpContentFactory(ByteBufferPool.Sized sized) {
                return new ImmutableFileCache(new ResourceHttpContentFactory(getBaseResource(), getMimeTypes(), sized), sized);
            }
        };
        files.setBaseResource(ResourceFactory.of(server).newResource(config.publicDir()));
        files.setDirAllowed(false);
        files.setEtags(true);
        files.setAcceptRanges(true);
        files.setWelcomeFiles(List.of());
        // Web seeds read whole releases, each file once: through the cache of recent files every miss
        // would evict and re-sort it (Jetty's shrinkCache sorts every entry per insert; measured as most
        // of a node's CPU under fetch --release). They read the stored file directly instead.
        ResourceHandler seedFiles = new ResourceHandler() {
            @Override
            protected HttpContent.Factory newHttpContentFactory(ByteBufferPool.Sized sized) {
                return new ResourceHttpContentFactory(getBaseResource(), getMimeTypes(), sized);
            }
        };
        seedFiles.setBaseResource(files.getBaseResource());
        seedFiles.setDirAllowed(false);
        seedFiles.setEtags(true);
        seedFiles.setAcceptRanges(true);
        seedFiles.setWelcomeFiles(List.of());
        seedFiles.setServer(server);
        server.addBean(seedFiles, true);
        fileHandler = seedFiles;
        defences = new FloodDefences(server, connector, config.limits(), metrics, pages::mirrors);
        server.setHandler(defences.wrap(new Routes(files)));
        server.setErrorHandler(new PlainErrors());
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

    /**
     * An in-memory connector to this running server with the same HTTP configuration, for fuzzing
     * its request handling without sockets.
     */
    org.eclipse.jetty.server.LocalConnector localConnector() throws Exception {
        var local = new org.eclipse.jetty.server.LocalConnector(server, connector.getDefaultConnectionFactory());
        server.addConnector(local);
        local.start();
        return local;
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
        defences.close();
    }

    /** Routes by path; static files go to the wrapped ResourceHandler. */
    private final class Routes extends Handler.Wrapper {
        private final Counter files = Counter.builder("samizdat_http_requests").tag("route", "files").register(metrics);
        private final Counter api = Counter.builder("samizdat_http_requests").tag("route", "api").register(metrics);
        private final Counter pageRequests = Counter.builder("samizdat_http_requests").tag("route", "pages").register(metrics);
        private final Counter missing = Counter.builder("samizdat_http_not_found").register(metrics);
        private final Counter notifies = Counter.builder("samizdat_notify_received").register(metrics);
        private final Counter fileBytes = Counter.builder("samizdat_http_file_bytes_sent")
                .description("bytes of /metadata and /targets files sent, in bundles too (egress)").register(metrics);
        private final Counter seedRequests = Counter.builder("samizdat_http_requests").tag("route", "webseed").register(metrics);
        private final FileBundle bundles = new FileBundle(config.publicDir(), n -> fileBytes.increment(n));

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
                    return notAllowed(response, callback);
                }
                // Consistent snapshots: every file but timestamp.json is immutable under its name.
                response.getHeaders().put(HttpHeader.CACHE_CONTROL,
                        path.equals("/metadata/timestamp.json") ? MUTABLE : IMMUTABLE);
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
                // A document may be HTML from anywhere: opened raw, it runs in a sandbox with no scripts,
                // no forms and no access to this origin.
                response.getHeaders().put("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
                Callback counted = Callback.from(() -> fileBytes.increment(Response.getContentBytesWritten(response)), callback);
                // No archive file's name starts with '.': such a name is a download or write in progress
                // (.tmp-*), unverified bytes that are never served.
                boolean partial = path.substring(path.lastIndexOf('/') + 1).startsWith(".");
                if (!path.endsWith("/") && !partial && super.handle(request, response, counted)) {
                    return true;
                }
                // TUF: a missing file (N+1.root.json above all) is a plain 404, never 5xx or an HTML 200.
                missing.increment();
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                return text(response, callback, HttpStatus.NOT_FOUND_404, "not found\n");
            }
            if (path.startsWith(ReleaseTorrent.SEED_PREFIX)) {
                seedRequests.increment();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    return notAllowed(response, callback);
                }
                return seed(path.substring(ReleaseTorrent.SEED_PREFIX.length()), request, response, callback);
            }
            java.util.regex.Matcher torrentPath = RELEASE_TORRENT.matcher(path);
            if (torrentPath.matches()) {
                pageRequests.increment();
                return releaseTorrent(torrentPath.group(1), request, response, callback);
            }
            boolean posted = path.equals("/api/notify") || path.equals("/api/downstreams") || path.equals("/api/mirrors")
                    || path.equals("/api/unseal") || path.equals(BundleRequest.PATH);
            if (!posted && !method.equals("GET") && !method.equals("HEAD")) {
                missing.increment();
                return notAllowed(response, callback);
            }
            switch (path) {
                case "/api/status" -> {
                    api.increment();
                    Map<String, Object> body = new java.util.LinkedHashMap<>(status.snapshot());
                    body.put("webseed_bytes_sent", (long) webSeedBytes.count());
                    if (unsealer != null) {
                        body.put("sealed_releases", new java.util.TreeMap<>(unsealer.states()));
                    }
                    return json(response, callback, body);
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
                case BundleRequest.PATH -> {
                    files.increment();
                    if (!method.equals("POST")) {
                        return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405,
                                "POST the stored names of documents, one per line, to have them in one response\n");
                    }
                    return bundles.handle(request, response, callback);
                }
                case "/api/unseal" -> {
                    api.increment();
                    if (!method.equals("POST") || unsealer == null) {
                        return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405,
                                "POST release=rNNNN&key=KEY (form-encoded) to open a sealed release\n");
                    }
                    return unseal(request, response, callback);
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
                case "/api/mirrors" -> {
                    api.increment();
                    if (method.equals("POST")) {
                        return register(request, response, callback);
                    }
                    ReaderPages.Page page = pages.mirrorsJson(baseUrl(request));
                    response.setStatus(page.status());
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, page.contentType());
                    response.getHeaders().put(HttpHeader.CACHE_CONTROL, page.cacheControl());
                    return sink(response, callback, page.body());
                }
                case "/favicon.ico", "/static/style.css" -> {
                    return asset(path, request, response, callback);
                }
                default -> {
                    ReaderPages.Page page = pages.page(path, params(request), baseUrl(request));
                    if (page == null) {
                        missing.increment();
                        return text(response, callback, HttpStatus.NOT_FOUND_404, "not found\n");
                    }
                    pageRequests.increment();
                    response.setStatus(page.status());
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, page.contentType());
                    response.getHeaders().put(HttpHeader.CACHE_CONTROL, page.cacheControl());
                    response.getHeaders().put("Content-Security-Policy", CSP);
                    if (page.status() == HttpStatus.SERVICE_UNAVAILABLE_503) {
                        response.getHeaders().put(HttpHeader.RETRY_AFTER, "60");
                    }
                    // search pages show how long the search took, so each answer differs: no validator
                    boolean live = path.equals("/search") || path.equals("/api/search");
                    return page.status() == HttpStatus.OK_200 && !live
                            ? tagged(request, response, callback, page.body().getBytes(StandardCharsets.UTF_8))
                            : sink(response, callback, page.body());
                }
            }
        }
    }

    /**
     * {@code POST /api/unseal}: a key for a sealed release, form-encoded ({@code release}, {@code
     * key}), as the release page's form or {@code samizdat unseal} sends it. The body is capped
     * at 1 KB and the key is checked against the signed commitment before any work: a wrong key
     * costs one sha256.
     */
    private boolean unseal(Request request, Response response, Callback callback) throws Exception {
        byte[] body = Content.Source.asInputStream(request).readNBytes(1025);
        if (body.length > 1024) {
            return text(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "a key post is at most 1 KB\n");
        }
        Map<String, String> form = new java.util.HashMap<>();
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    form.putIfAbsent(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    return text(response, callback, HttpStatus.BAD_REQUEST_400, "malformed form encoding\n");
                }
            }
        }
        org.samizdat.seal.Unsealer.Answer a = unsealer.post(form.get("release"), form.get("key"));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        return text(response, callback, a.status(), a.state() + ": " + a.message() + "\n");
    }

    private static final java.util.regex.Pattern RELEASE_TORRENT = java.util.regex.Pattern.compile("/releases/(r[0-9]{4,})\\.torrent");

    /**
     * A web-seed request ({@code /seed/<release>/<path>}, BEP 19): the stored document, with Range,
     * straight from the file this node holds under its hashed name; 400 for a path that is no target
     * path, 404 for one the served version does not sign (or withdrew).
     */
    private boolean seed(String requested, Request request, Response response, Callback callback) throws Exception {
        WebSeed.Answer answer;
        try {
            answer = WebSeed.resolve(pages.catalog(), requested);
        } catch (org.samizdat.tuf.TufException e) {
            answer = new WebSeed.Refuse(HttpStatus.NOT_FOUND_404, "the served version cannot be read");
        }
        if (answer instanceof WebSeed.Refuse r) {
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            return text(response, callback, r.status(), r.reason() + "\n");
        }
        String stored = "/targets/" + ((WebSeed.Serve) answer).storedName();
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, IMMUTABLE);
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        response.getHeaders().put("Content-Security-Policy", "sandbox; default-src 'none'");
        Request moved = new Request.Wrapper(request) {
            private final org.eclipse.jetty.http.HttpURI uri = org.eclipse.jetty.http.HttpURI.build(request.getHttpURI())
                    .path(stored).asImmutable();

            @Override
            public org.eclipse.jetty.http.HttpURI getHttpURI() {
                return uri;
            }
        };
        Callback counted = Callback.from(() -> webSeedBytes.increment(Response.getContentBytesWritten(response)), callback);
        if (fileHandler.handle(moved, response, counted)) {
            return true;
        }
        return text(response, callback, HttpStatus.NOT_FOUND_404, "not found\n");
    }

    /**
     * {@code /releases/<id>.torrent}: the release's signed torrent with this node and the signed
     * mirror list as its web seeds (the infohash is the signed one).
     */
    private boolean releaseTorrent(String id, Request request, Response response, Callback callback) throws Exception {
        java.util.Optional<org.samizdat.archive.Torrent> t;
        try {
            t = WebSeed.torrent(pages.catalog(), id, baseUrl(request));
        } catch (org.samizdat.tuf.TufException | IllegalArgumentException e) {
            t = java.util.Optional.empty();
        }
        if (t.isEmpty()) {
            return text(response, callback, HttpStatus.NOT_FOUND_404, "no torrent for " + id + " here\n");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-bittorrent");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + id + ".torrent\"");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=300");
        return tagged(request, response, callback, t.get().encode());
    }

    /**
     * {@code POST /api/mirrors}: a mirror asks to be listed. The client's address is used only to
     * rate-limit, in memory; a refusal says why.
     */
    private boolean register(Request request, Response response, Callback callback) throws java.io.IOException {
        if (registry == null) {
            return text(response, callback, HttpStatus.NOT_FOUND_404,
                    "this node runs no mirror registry; register where the signed mirror list says (its \"registry\")\n");
        }
        byte[] body = Content.Source.asInputStream(request).readNBytes(Registration.MAX_BODY + 1);
        try {
            String said = registry.register(Registration.parse(body),
                    ClientAddress.key(request.getConnectionMetaData().getRemoteSocketAddress()));
            return text(response, callback, HttpStatus.ACCEPTED_202, said + "\n");
        } catch (Registry.TooManyRegistrations e) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "3600");
            return text(response, callback, HttpStatus.TOO_MANY_REQUESTS_429, e.getMessage() + "\n");
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return text(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage() + "\n");
        }
    }

    private boolean asset(String path, Request request, Response response, Callback callback) {
        if (path.equals("/favicon.ico")) {
            // browsers ask for it on every first visit: no icon, no error
            response.setStatus(HttpStatus.NO_CONTENT_204);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=86400");
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/css; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=3600");
        return tagged(request, response, callback, pages.css());
    }

    private static boolean notAllowed(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "only GET and HEAD\n");
    }

    /**
     * Sends a generated 200 body with a strong ETag of its bytes, or 304 when the reader's
     * If-None-Match already names it (RFC 9110 13.1.2), so conditional requests work on every route.
     */
    private static boolean tagged(Request request, Response response, Callback callback, byte[] body) {
        String etag = "\"" + Sha256.hex(body).substring(0, 32) + "\"";
        response.getHeaders().put(HttpHeader.ETAG, etag);
        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
            response.setStatus(HttpStatus.NOT_MODIFIED_304);
            response.getHeaders().remove(HttpHeader.CONTENT_TYPE);
            callback.succeeded();
            return true;
        }
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
        return true;
    }

    /** If-None-Match: "*" or a list of entity tags compared weakly (RFC 9110 13.1.2). */
    static boolean matches(String ifNoneMatch, String etag) {
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || (c.startsWith("W/") ? c.substring(2) : c).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sink(Response response, Callback callback, String body) {
        Content.Sink.write(response, true, body, callback);
        return true;
    }

    /** A plain-text answer (the API's refusals and short answers). */
    static boolean text(Response response, Callback callback, int status, String body) {
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

    private static org.samizdat.search.SearchIndex.Counts counts(org.samizdat.search.SearchIndex index) {
        try {
            return index.counts();
        } catch (java.io.IOException | RuntimeException e) {
            return new org.samizdat.search.SearchIndex.Counts(-1, -1);
        }
    }

    /** The base URL readers reached this node at: the configured public URL, else scheme and Host of the request. */
    private String baseUrl(Request request) {
        if (config.publicUrl() != null) {
            return config.publicUrl();
        }
        var uri = request.getHttpURI();
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int port = uri.getPort();
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme();
        boolean defaultPort = port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }

    private static Map<String, List<String>> params(Request request) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        try {
            Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            for (Fields.Field f : fields) {
                out.put(f.getName(), f.getValues());
            }
        } catch (RuntimeException malformed) {
            // a query string that is not valid percent-encoding is read as no parameters
        }
        return out;
    }

    /** Jetty's own errors (a request line too long, a bad header) as short plain text, naming the limit. */
    private static final class PlainErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int code = response.getStatus();
            String message = switch (code) {
                case HttpStatus.URI_TOO_LONG_414 -> "The address is too long (a search may be at most "
                        + org.samizdat.search.SearchQuery.MAX_CHARS + " characters). Shorten it and try again.";
                case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 -> "The request headers are too large.";
                case HttpStatus.BAD_REQUEST_400 -> "The request could not be understood.";
                default -> HttpStatus.getMessage(code);
            };
            if (code == HttpStatus.URI_TOO_LONG_414) {
                // a search is the only way a reader makes a long address: answer it as the bad query it is
                response.setStatus(HttpStatus.BAD_REQUEST_400);
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            Content.Sink.write(response, true, message + "\n", callback);
            return true;
        }
    }
}
