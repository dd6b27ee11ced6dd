package org.samizdat.sync;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The nodes that copy from this one and asked to be told of new versions. The list is bounded
 * and forgets a node that has not re-registered for an hour; a notify is a bodiless POST to the
 * node's {@code /api/notify}, debounced, and carries no trust: it only makes the node sync sooner.
 */
public final class Downstreams {
    public static final int MAX = 64;
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    static final Duration DEBOUNCE = Duration.ofMillis(250);
    /** How often the origin looks at its timestamp.json for a new version (one stat). */
    static final Duration WATCH_PERIOD = Duration.ofMillis(100);

    private final Map<String, Instant> nodes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Clock clock;
    private final Consumer<String> log;
    private final AtomicLong notifiesSent = new AtomicLong();
    private ScheduledExecutorService executor;
    private boolean pending;
    /** When the last notify went out ({@link System#nanoTime}). */
    private long lastSent = System.nanoTime() - DEBOUNCE.toNanos();

    public Downstreams(Clock clock, Consumer<String> log) {
        this.clock = clock;
        this.log = log;
    }

    public void start(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Registers (or refreshes) a node by its base URL; returns why not, or null when accepted. */
    public synchronized String register(String url) {
        String u = url == null ? "" : url.trim();
        if (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            return "not a URL";
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || u.length() > 200) {
            return "give the node's base URL, http(s)://host:port";
        }
        forgetOld();
        if (!nodes.containsKey(u) && nodes.size() >= MAX) {
            return "this node already notifies " + MAX + " others; poll instead";
        }
        nodes.put(u, clock.instant());
        return null;
    }

    public synchronized List<String> list() {
        forgetOld();
        return List.copyOf(nodes.keySet());
    }

    public long notifiesSent() {
        return notifiesSent.get();
    }

    private void forgetOld() {
        Instant cutoff = clock.instant().minus(FORGET_AFTER);
        nodes.values().removeIf(t -> t.isBefore(cutoff));
    }

    /**
     * Tells every registered node that a new version is here: at once when the last notify is a
     * debounce period old, else when that period has passed (so a burst of versions costs each
     * node one notify per period, and a single new version costs no delay).
     */
    public synchronized void notifyAllSoon() {
        if (executor == null || pending) {
            return;
        }
        pending = true;
        long wait = Math.max(0, lastSent + DEBOUNCE.toNanos() - System.nanoTime());
        executor.schedule(() -> {
            synchronized (this) {
                pending = false;
                lastSent = System.nanoTime();
            }
            for (String node : list()) {
                send(node, 2);
            }
        }, wait, TimeUnit.NANOSECONDS);
    }

    private void send(String node, int attempts) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(node + "/api/notify")).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e == null) {
                notifiesSent.incrementAndGet();
            } else if (attempts > 1) {
                // a kept-alive connection the node closed fails once; a fresh one usually works
                executor.schedule(() -> send(node, attempts - 1), 200, TimeUnit.MILLISECONDS);
            } else {
                log.accept("could not notify " + node + ": " + (e.getCause() != null ? e.getCause() : e));
            }
        });
    }

    /** On the origin: notices a new timestamp.json written by {@code publish} or {@code resign} and notifies. */
    public void watch(Path timestamp, ScheduledExecutorService executor) {
        long[] last = {modified(timestamp)};
        executor.scheduleWithFixedDelay(() -> {
            long now = modified(timestamp);
            if (now != last[0]) {
                last[0] = now;
                notifyAllSoon();
            }
        }, WATCH_PERIOD.toMillis(), WATCH_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() ^ Files.size(p);
        } catch (Exception e) {
            return 0;
        }
    }

    /** Asks {@code upstream} to notify {@code self} of new versions; returns null when accepted, else why not. */
    public static String subscribe(String upstream, String self) {
        try {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(upstream + "/api/downstreams")).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(self)).build();
            HttpResponse<String> r = c.send(req, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 202 ? null : "HTTP " + r.statusCode() + ": " + r.body().trim();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
