package org.samizdat.seal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.SealedRelease;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TufException;
import org.samizdat.work.Progress;

/**
 * A node's side of opening sealed releases. A key posted here ({@code POST /api/unseal}) is
 * checked against the signed commitment at once (one sha256 of at most a few hundred bytes, so a
 * hostile post costs nothing); a matching key is stored in the work directory, the release is
 * opened on this node's single opening thread, and the key goes at once to this node's upstream and
 * downstreams, which do the same: the commitment proves the key, so no node waits for another's
 * opening, and the whole network opens (or, if the ciphertext does not hold what was committed,
 * refuses) in about the time one node takes, with no further signature.
 * A key for a release whose ciphertext has not arrived is kept and applied after the sync that
 * brings it; a key for a release this node does not know yet is held in memory (it cannot be
 * checked) and tried after each sync. After each sync the upstream is also asked for the keys of
 * releases still sealed here, so a node that missed a push still opens. Keys kept on disk are
 * applied again when the node starts: an opening killed half-way is finished.
 */
public final class Unsealer implements AutoCloseable {
    /** Keys held for releases this node does not know yet, at most this many. */
    static final int MAX_HELD = 32;
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(10);

    /** The answer to a posted key, as HTTP status and a sentence. */
    public record Answer(int status, String state, String message) {
    }

    private final Path publicDir;
    private final Supplier<List<String>> peers;
    private final Consumer<String> log;
    private final ExecutorService opener = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "samizdat-unsealer");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    /** Per release: "sealed", "opening", "waiting for the ciphertext", "opened", or "refused: why". */
    private final Map<String, String> states = new ConcurrentHashMap<>();
    private final Map<String, String> held = new LinkedHashMap<>();
    /** Releases known not to be sealed (a published release never changes), so syncs do not re-read them. */
    private final Set<String> plain = ConcurrentHashMap.newKeySet();

    /**
     * @param peers the nodes to pass an opening key to: this node's upstream and downstreams
     */
    public Unsealer(Path publicDir, Supplier<List<String>> peers, Consumer<String> log) {
        this.publicDir = publicDir;
        this.peers = peers == null ? List::of : peers;
        this.log = log;
    }

    /** Applies the keys a previous run kept (an opening cut short, a ciphertext still awaited). */
    public Unsealer start() {
        applyKept();
        return this;
    }

    /**
     * Opens again every release whose key is kept on disk and that is not being opened now: the
     * key is deleted once its release is opened or refused, so what is left is an opening cut
     * short, a ciphertext still awaited, or an opening that failed on this node's own account.
     */
    private void applyKept() {
        Path dir = publicDir.resolve(SealedRelease.OPENING_DIR);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> keys = Files.newDirectoryStream(dir, "r*.key")) {
            for (Path k : keys) {
                String id = k.getFileName().toString().replaceFirst("\\.key$", "");
                Optional<String> key = SealedRelease.keyText(Files.readString(k, StandardCharsets.US_ASCII));
                if (key.isPresent() && !"opening".equals(states.putIfAbsent(id, "opening"))) {
                    states.put(id, "opening");
                    log.accept("sealed release " + id + ": a key is kept; opening it");
                    opener.submit(() -> open(id, key.get()));
                }
            }
        } catch (IOException e) {
            log.accept("cannot read the kept keys in " + dir + ": " + e.getMessage());
        }
    }

    /** The state of every sealed release this node has been told about or holds, by id. */
    public Map<String, String> states() {
        return Map.copyOf(states);
    }

    /** Takes a posted key: checks it now, opens in the background. */
    public Answer post(String id, String given) {
        if (id == null || !id.matches("r[0-9]{4,9}")) {
            return new Answer(400, "refused", "name the release: release=rNNNN");
        }
        Optional<String> key = SealedRelease.keyText(given);
        if (key.isEmpty()) {
            return new Answer(400, "refused", "a key is 64 hex digits");
        }
        Optional<SealedRelease> sealed;
        Catalog catalog;
        try {
            catalog = Catalog.open(new FileStore(publicDir));
            if (!catalog.releaseIds().contains(id)) {
                synchronized (held) {
                    if (!held.containsKey(id) && held.size() >= MAX_HELD) {
                        return new Answer(503, "refused", "this node holds " + MAX_HELD + " keys for releases it does not"
                                + " know yet; try again after it has synced");
                    }
                    held.put(id, key.get());
                }
                return new Answer(202, "held", "this node does not have " + id + " yet; the key is held in memory and tried"
                        + " after each sync");
            }
            sealed = catalog.sealed(id);
        } catch (IOException | TufException e) {
            return new Answer(503, "failed", "this node cannot read its own archive now: " + e.getMessage());
        }
        if (sealed.isEmpty()) {
            return new Answer(404, "refused", id + " is not a sealed release");
        }
        if (!sealed.get().opensWith(key.get())) {
            return new Answer(403, "refused", "this is not " + id + "'s key: its sha256 is not the signed commitment "
                    + sealed.get().keySha256());
        }
        try {
            if (catalog.opened(id).isPresent()) {
                states.put(id, "opened");
                return new Answer(200, "opened", id + " is open on this node");
            }
        } catch (IOException | TufException e) {
            return new Answer(503, "failed", "this node cannot read its own archive now: " + e.getMessage());
        }
        String state = states.get(id);
        if (state != null && state.startsWith("refused")) {
            return new Answer(409, "refused", id + ": " + state);
        }
        if ("opening".equals(state)) {
            return new Answer(202, "opening", id + " is being opened on this node");
        }
        try {
            // kept durably before the work starts: a node killed while opening finishes when it restarts
            new FileStore(publicDir.resolve(SealedRelease.OPENING_DIR)).put(id + ".key",
                    key.get().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return new Answer(503, "failed", "cannot keep the key: " + e.getMessage());
        }
        states.put(id, "opening");
        opener.submit(() -> open(id, key.get()));
        // the commitment proves the key: the neighbours need not wait for this node's opening to start theirs
        passOn(id, key.get());
        return new Answer(202, "opening", "the key matches the commitment; " + id + " is being opened on this node");
    }

    /**
     * After each sync: tries held keys for releases now known, re-opens releases whose
     * ciphertext was awaited, and asks {@code upstream} (when given) for the keys of releases
     * still sealed here.
     */
    public void afterSync(String upstream) {
        Map<String, String> tryNow;
        synchronized (held) {
            tryNow = new LinkedHashMap<>(held);
            held.clear();
        }
        tryNow.forEach(this::post);
        applyKept();
        if (upstream != null) {
            pull(upstream);
        }
    }

    /** Asks a node for the keys of the sealed releases not open here: an opened node serves each under its committed hash. */
    private void pull(String upstream) {
        try {
            Catalog catalog = Catalog.open(new FileStore(publicDir));
            for (String id : catalog.releaseIds()) {
                if (plain.contains(id) || states.containsKey(id) && !"sealed".equals(states.get(id))) {
                    continue;
                }
                Optional<SealedRelease> sealed = catalog.sealed(id);
                if (sealed.isEmpty()) {
                    plain.add(id);
                    continue;
                }
                if (catalog.opened(id).isPresent()) {
                    states.put(id, "opened");
                    continue;
                }
                states.putIfAbsent(id, "sealed");
                HttpRequest req = HttpRequest.newBuilder(URI.create(upstream + "/" + sealed.get().keyName()))
                        .timeout(PEER_TIMEOUT).GET().build();
                HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200 && r.body().length <= 200) {
                    Answer a = post(id, new String(r.body(), StandardCharsets.US_ASCII));
                    log.accept("sealed release " + id + ": key found on " + upstream + ": " + a.message());
                }
            }
        } catch (IOException | TufException e) {
            log.accept("sealed releases: cannot ask " + upstream + " for keys: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void open(String id, String key) {
        Path kept = publicDir.resolve(SealedRelease.OPENING_DIR).resolve(id + ".key");
        try {
            Catalog catalog = Catalog.open(new FileStore(publicDir));
            SealedRelease sealed = catalog.sealed(id).orElseThrow(() -> new OpeningRefused(id + " is not a sealed release"));
            Opening.Opened o = Opening.open(publicDir, sealed, key, catalog.withdrawals(), Progress.NONE);
            Files.deleteIfExists(kept);
            states.put(id, "opened");
            if (!o.already()) {
                log.accept(String.format("sealed release %s opened: %,d documents (%,d bytes) checked against the commitment"
                        + " in %.1f s", id, o.documents(), o.bytes(), o.millis() / 1000.0));
            }
        } catch (Opening.CiphertextMissing e) {
            states.put(id, "waiting for the ciphertext");
            log.accept("sealed release " + id + ": key kept; " + e.getMessage());
        } catch (OpeningRefused e) {
            states.put(id, "refused: " + e.getMessage());
            try {
                Files.deleteIfExists(kept);
            } catch (IOException ignored) {
                // the refusal stands either way
            }
            log.accept("sealed release " + id + " REFUSED, nothing of it is served: " + e.getMessage());
        } catch (IOException | TufException | RuntimeException e) {
            states.put(id, "sealed");
            log.accept("sealed release " + id + ": opening failed, the key is kept and tried again after the next sync: "
                    + e.getMessage());
        }
    }

    /** Posts the key to every peer, without waiting; a peer that misses it pulls it at its next sync. */
    private void passOn(String id, String key) {
        String body = "release=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&key=" + key;
        for (String peer : peers.get()) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(peer + "/api/unseal")).timeout(PEER_TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null) {
                    log.accept("could not pass " + id + "'s key to " + peer + ": " + e);
                }
            });
        }
    }

    /** Waits until the openings queued so far are done (for tests and shutdown); false on timeout. */
    public boolean idle(Duration timeout) throws InterruptedException {
        try {
            opener.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        opener.shutdownNow();
    }
}
