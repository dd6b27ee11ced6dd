package org.samizdat.sync;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.samizdat.archive.Json;
import org.samizdat.repo.MirrorList;

/**
 * A mirror asking a registry to list it: {@code POST /api/mirrors} with its public URL (and other
 * URLs of the same copy), to the registry given, else to the one the signed mirror list names;
 * again every hour, so a registry that restarted or forgot it learns of it again.
 */
public final class Registrant {
    static final Duration AGAIN_AFTER = Duration.ofHours(1);
    private final String self;
    private final List<String> also;
    private final String registry;
    private final Clock clock;
    private final Consumer<String> log;
    private Instant last = Instant.EPOCH;

    /** @param registry the registry's base URL, or null to use the one the signed list names */
    public Registrant(String self, List<String> also, String registry, Clock clock, Consumer<String> log) {
        this.self = self;
        this.also = List.copyOf(also);
        this.registry = registry;
        this.clock = clock;
        this.log = log;
    }

    /** Registers when an hour has passed since the last time (or never); {@code list} is the list this mirror serves. */
    public synchronized void maybeRegister(MirrorList list) {
        Instant now = clock.instant();
        String to = registry != null ? registry : list.registry();
        if (to == null || now.isBefore(last.plus(AGAIN_AFTER))) {
            return;
        }
        last = now;
        String refused = register(to, self, also);
        log.accept(refused == null ? "registered with the mirror registry at " + to
                : "the mirror registry at " + to + " did not take the registration: " + refused);
    }

    /** Posts one registration; null when accepted, else the registry's reason. */
    public static String register(String registry, String self, List<String> also) {
        try (HttpClient c = Upstream.client(Duration.ofSeconds(5))) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("url", self);
            body.put("also", also);
            HttpRequest req = HttpRequest.newBuilder(URI.create(registry.replaceAll("/+$", "") + "/api/mirrors"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build();
            HttpResponse<String> r = c.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return r.statusCode() == 202 ? null : "HTTP " + r.statusCode() + ": " + r.body().trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
