package org.samizdat.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import org.samizdat.archive.BundleRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;
import org.samizdat.store.DiskFullException;

/**
 * An upstream node over HTTP (keep-alive, no redirects followed, timeouts, size caps). Nothing it
 * returns is trusted: callers verify every byte against signed metadata before using it.
 */
public final class Upstream implements Remote {
    /** The slowest body a reader waits for: below this rate, a transfer is a slow-retrieval attack. */
    static final long MIN_BYTES_PER_SECOND = 16_384;
    /** Closes bodies whose deadline has passed; shared, one daemon thread. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "samizdat-upstream-deadline");
                t.setDaemon(true);
                return t;
            });
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    /** Busy answers (429, 503) waited out per request, as their Retry-After asks, before giving up. */
    static final int BUSY_RETRIES = 3;
    /** The longest Retry-After waited out; a longer one fails at once, so the caller can try another mirror. */
    static final Duration MAX_BUSY_WAIT = Duration.ofSeconds(30);

    private final int busyRetries;
    private final Sleeper sleeper;

    /** An upstream that waits out a busy answer (429 or 503 with Retry-After) a few times: for a sole upstream. */
    public Upstream(String url, Duration timeout) {
        this(url, timeout, BUSY_RETRIES);
    }

    /**
     * As above, waiting out at most {@code busyRetries} busy answers per request; 0 fails at once, for
     * a caller with other mirrors to fail over to.
     */
    public Upstream(String url, Duration timeout, int busyRetries) {
        this(url, timeout, busyRetries, Sleeper.REAL);
    }

    /** As above, waiting out Retry-After through {@code sleeper}. */
    public Upstream(String url, Duration timeout, int busyRetries, Sleeper sleeper) {
        this(url, timeout, busyRetries, sleeper, client(timeout));
    }

    /** The HTTP client of one upstream: HTTP/1.1 keep-alive, no redirects followed. */
    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * As above, over a shared {@code http} client (one made by {@link #client}): for a caller that
     * talks to many nodes, such as a registry probing every mirror.
     */
    public Upstream(String url, Duration timeout, int busyRetries, Sleeper sleeper, HttpClient http) {
        this.busyRetries = busyRetries;
        this.sleeper = sleeper;
        String u = url.replaceAll("/+$", ""); // one form, so no path is built with a doubled slash
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new IllegalArgumentException("upstream must be an http:// or https:// URL, not " + url);
        }
        this.base = URI.create(u);
        this.timeout = timeout;
        this.http = http;
    }

    @Override
    public String url() {
        return base.toString();
    }

    /** The file's bytes, empty on 404/403/410; at most {@code maxLength} bytes or it fails. */
    @Override
    public Optional<byte[]> get(String path, long maxLength) throws SyncException {
        HttpResponse<InputStream> r = send(path);
        Deadline deadline = new Deadline(r.body(), maxLength);
        try (InputStream in = r.body(); deadline) {
            if (r.statusCode() == 404 || r.statusCode() == 403 || r.statusCode() == 410) {
                return Optional.empty();
            }
            if (r.statusCode() != 200) {
                throw new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": " + status(r), null);
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxLength + 1));
            if (b.length > maxLength) {
                throw new SyncException(SyncException.Kind.VERIFICATION, url() + path + ": longer than the "
                        + maxLength + " bytes allowed [size cap]", null);
            }
            return Optional.of(b);
        } catch (IOException e) {
            throw deadline.passed() ? slow(path, deadline) : new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": " + describe(e), e);
        }
    }

    /** A status line for an error, saying why a redirect is not followed. */
    private static String status(HttpResponse<?> r) {
        int code = r.statusCode();
        if (code >= 300 && code < 400) {
            return "HTTP " + code + " to " + r.headers().firstValue("Location").orElse("nowhere")
                    + "; redirects are not followed, every mirror is asked directly [no redirects]";
        }
        if (code == 429 || code == 503) {
            return "HTTP " + code + " (busy" + retryAfter(r).map(d -> ", retry after " + d.toSeconds() + " s").orElse("")
                    + ") [busy]";
        }
        return "HTTP " + code + (code >= 500 ? " [server error]" : " [HTTP error]");
    }

    private SyncException slow(String path, Deadline d) {
        return new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": not finished within " + d.budget.toSeconds()
                + " s (slower than " + MIN_BYTES_PER_SECOND / 1024 + " KB/s) [slow retrieval]", null);
    }

    /** What ends a transfer whose deadline passed. */
    @FunctionalInterface
    private interface Abort {
        void run() throws IOException;
    }

    /**
     * A whole-body deadline (spec: protect against slow retrieval, "endless data" and drip-feeding):
     * the connect timeout plus the time the expected length takes at {@link #MIN_BYTES_PER_SECOND};
     * when it passes, the body is closed, which ends a blocked read.
     */
    private final class Deadline implements AutoCloseable {
        final Duration budget;
        private final java.util.concurrent.ScheduledFuture<?> task;
        private volatile boolean passed;

        Deadline(InputStream body, long expectedLength) {
            this(body::close, expectedLength);
        }

        /** As above, running {@code abort} (closing the body, or the connection under it) when the deadline passes. */
        Deadline(Abort abort, long expectedLength) {
            long seconds = timeout.toSeconds() + Math.max(0, expectedLength) / MIN_BYTES_PER_SECOND;
            this.budget = Duration.ofSeconds(Math.max(1, seconds));
            this.task = WATCHDOG.schedule(() -> {
                passed = true;
                try {
                    abort.run();
                } catch (IOException ignored) {
                    // closing is all that is needed: the reader's next read fails
                }
            }, budget.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        boolean passed() {
            return passed;
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    /**
     * Streams a document into {@code temp}, reading at most {@code length} + 1 bytes, and checks
     * the exact length and sha256 before returning (spec 5.7.3); the caller renames it into place.
     * A null sha256 is only for a target listed with other hashes, which the caller then checks.
     */
    public void download(String path, Path temp, long length, String sha256) throws SyncException {
        HttpResponse<InputStream> r = send(path);
        Deadline deadline = new Deadline(r.body(), length);
        try (InputStream in = r.body(); deadline) {
            if (r.statusCode() != 200) {
                throw new SyncException(r.statusCode() == 404 ? SyncException.Kind.VERIFICATION : SyncException.Kind.UNREACHABLE,
                        url() + path + ": " + status(r), null);
            }
            receive(in, deadline, path, temp, length, sha256, true);
        } catch (IOException e) {
            throw deadline.passed() ? slow(path, deadline) : new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": " + describe(e), e);
        }
    }

    /**
     * Copies one document from {@code in} into {@code temp} and checks it against its signed
     * length and sha256 (spec 5.7.3). Alone in its response, one byte more than signed is asked
     * for, to catch a longer one; in a bundle the next document follows, so exactly the length is.
     */
    private void receive(InputStream in, Deadline deadline, String path, Path temp, long length, String sha256, boolean alone)
            throws SyncException {
        MessageDigest md = Sha256.newDigest();
        long n = 0;
        long limit = alone ? length + 1 : length;
        try (OutputStream out = newFile(temp)) {
            byte[] buf = new byte[(int) Math.min(65536, Math.max(1, limit))]; // most documents are a few KB
            while (n < limit) {
                int k = in.read(buf, 0, (int) Math.min(buf.length, limit - n));
                if (k < 0) {
                    break;
                }
                md.update(buf, 0, k);
                try {
                    out.write(buf, 0, k);
                } catch (IOException e) {
                    // this node's own disk, not the upstream, failed: never blame (or fail over from) the upstream
                    throw local(temp, e);
                }
                n += k;
            }
        } catch (IOException e) {
            throw deadline.passed() ? slow(path, deadline) : new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": " + describe(e), e);
        }
        if (n != length) {
            throw new SyncException(SyncException.Kind.VERIFICATION, url() + path + ": "
                    + (n > length ? "longer" : "shorter") + " than the " + length + " bytes signed [target length]", null);
        }
        if (sha256 != null && !Hex.encode(md.digest()).equals(sha256)) {
            throw new SyncException(SyncException.Kind.VERIFICATION, url() + path
                    + ": content differs from the signed sha256 [target hash]", null);
        }
    }

    private static OutputStream newFile(Path temp) throws SyncException {
        try {
            return Files.newOutputStream(temp);
        } catch (IOException e) {
            throw local(temp, e);
        }
    }

    /**
     * Asks for many documents in one response ({@link BundleRequest}); empty when this upstream
     * serves no bundles (an older node: 404 or 405), refuses this one (400, a missing document:
     * 404) or is busy (429, 503), so the caller fetches the documents one by one instead.
     */
    public Optional<Bundle> bundle(BundleRequest request, long totalBytes) throws SyncException {
        // a blocking connection read on this thread: the JDK's HttpClient hands every buffer of a body
        // from its selector thread to the reader, which cost a fifth of a full sync's CPU in a profile
        java.net.HttpURLConnection c;
        try {
            c = (java.net.HttpURLConnection) URI.create(url() + BundleRequest.PATH).toURL().openConnection(java.net.Proxy.NO_PROXY);
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", "text/plain; charset=utf-8");
            byte[] body = request.body();
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            if (c.getResponseCode() != 200) {
                c.disconnect(); // the refusal's body is not needed
                return Optional.empty();
            }
            InputStream in = c.getInputStream();
            return Optional.of(new Bundle(in, new Deadline(c::disconnect, totalBytes)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // one by one, which says what failed
        }
    }

    /** A bundle's documents back to back, taken in the order asked with {@link #next}. */
    public final class Bundle implements AutoCloseable {
        private final InputStream in;
        private final Deadline deadline;

        private Bundle(InputStream in, Deadline deadline) {
            this.in = in;
            this.deadline = deadline;
        }

        /** The next document, exactly {@code length} bytes, into {@code temp}, checked as {@link #download} checks. */
        public void next(String name, Path temp, long length, String sha256) throws SyncException {
            receive(in, deadline, "/" + name + " (in a bundle)", temp, length, sha256, false);
        }

        @Override
        public void close() {
            deadline.close();
            try {
                in.close();
            } catch (IOException ignored) {
                // an unread rest is dropped with the connection
            }
        }
    }

    private static SyncException local(Path temp, IOException e) {
        IOException c = DiskFullException.classify(e, temp);
        return new SyncException(SyncException.Kind.LOCAL, c == e ? "cannot write " + temp + ": " + e.getMessage()
                : c.getMessage(), c);
    }

    /** What a URL that answers but holds no archive is: said the same by mirror and fetch. */
    SyncException notANode() {
        return new SyncException(SyncException.Kind.UNREACHABLE, url()
                + " is not a samizdat node or TUF repository (it has no /metadata/1.root.json)", null);
    }

    /** A network failure in the words a user knows ("connection refused", "timed out"), not an exception's name. */
    static String describe(IOException e) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        java.util.function.Predicate<Class<?>> any = type -> chain.stream().anyMatch(type::isInstance);
        String m = chain.stream().map(Throwable::getMessage).filter(java.util.Objects::nonNull).findFirst().orElse("");
        if (any.test(java.net.http.HttpTimeoutException.class) || any.test(java.net.SocketTimeoutException.class)) {
            return "timed out";
        }
        if (any.test(java.net.ConnectException.class) || m.contains("Connection refused")) {
            return "connection refused (nothing is listening there, or the node is down)";
        }
        if (any.test(java.net.UnknownHostException.class) || any.test(java.nio.channels.UnresolvedAddressException.class)) {
            return "unknown host (the name does not resolve)";
        }
        if (any.test(java.net.NoRouteToHostException.class)) {
            return "no route to host";
        }
        if (any.test(javax.net.ssl.SSLException.class)) {
            return "TLS failed: " + m;
        }
        if (any.test(java.io.EOFException.class) || any.test(java.nio.channels.ClosedChannelException.class)
                || m.contains("closed") || m.contains("reset")) {
            return "the connection was closed before the answer was complete";
        }
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }


    /**
     * Sends a GET, waiting out busy answers (429 Too Many Requests, 503 Service Unavailable) as
     * their Retry-After asks (RFC 9110 10.2.3: seconds or an HTTP date; 1 s when absent), at most
     * {@code busyRetries} times and never longer than {@link #MAX_BUSY_WAIT} at once.
     */
    private HttpResponse<InputStream> send(String path) throws SyncException {
        for (int busy = 0; ; busy++) {
            HttpResponse<InputStream> r = sendOnce(path);
            int code = r.statusCode();
            if ((code != 429 && code != 503) || busy >= busyRetries) {
                return r;
            }
            Duration wait = retryAfter(r).orElse(Duration.ofSeconds(1));
            if (wait.compareTo(MAX_BUSY_WAIT) > 0) {
                return r;
            }
            try {
                r.body().close();
                sleeper.sleep(wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait);
            } catch (IOException ignored) {
                // the busy answer's body is not needed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SyncException(SyncException.Kind.UNREACHABLE, "interrupted", e);
            }
        }
    }

    /** Retry-After as a duration from now: delay-seconds or an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(HttpResponse<?> r) {
        Optional<String> v = r.headers().firstValue("Retry-After").map(String::trim);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.get()))));
        } catch (NumberFormatException notSeconds) {
            try {
                java.time.ZonedDateTime when = java.time.ZonedDateTime.parse(v.get(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(java.time.Instant.now(), when.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (java.time.format.DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }

    private HttpResponse<InputStream> sendOnce(String path) throws SyncException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + path)).timeout(timeout).GET().build();
        IOException last = null;
        // A kept-alive connection the upstream has closed fails the first request on it; GET is
        // idempotent, so one retry on a fresh connection is safe.
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.http.HttpTimeoutException e) {
                throw new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": timed out after "
                        + timeout.toSeconds() + " s", e);
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SyncException(SyncException.Kind.UNREACHABLE, "interrupted", e);
            }
        }
        throw new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": " + describe(last), last);
    }
}
