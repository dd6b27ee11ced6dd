package org.samizdat.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.samizdat.repo.SealedManifest;
import org.samizdat.repo.SealedRelease;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.samizdat.archive.TargetPath;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.tuf.RootFingerprint;
import org.samizdat.repo.MirrorList;
import org.samizdat.repo.Withdrawals;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.TufException;

/**
 * Downloads one document with full TUF verification from a list of mirrors: metadata through the
 * {@link TufClient} workflow from the first mirror that gives a valid, fresh version (its trusted
 * state kept per archive in the cache, so rollbacks and freezes are caught across runs), then the document itself, hedged to the next mirror when the first is
 * slow and failed over on any error. Only verified bytes ever reach the output file.
 */
public final class Fetcher {
    private final Path cache;
    private final Trust trust;
    private final Clock clock;
    private final Duration timeout;
    private final Duration hedgeAfter;
    private final boolean staleOk;
    private final Consumer<String> log;
    private final Sleeper sleeper;

    public Fetcher(Path cache, Trust trust, Clock clock, Duration timeout, Duration hedgeAfter, boolean staleOk,
                   Consumer<String> log) {
        this(cache, trust, clock, timeout, hedgeAfter, staleOk, log, Sleeper.REAL);
    }

    /** As above, waiting out busy mirrors' Retry-After through {@code sleeper}. */
    public Fetcher(Path cache, Trust trust, Clock clock, Duration timeout, Duration hedgeAfter, boolean staleOk,
                   Consumer<String> log, Sleeper sleeper) {
        this.sleeper = sleeper;
        this.cache = cache;
        this.trust = trust;
        this.clock = clock;
        this.timeout = timeout;
        this.hedgeAfter = hedgeAfter;
        this.staleOk = staleOk;
        this.log = log;
    }

    private int busyRetries = Upstream.BUSY_RETRIES;

    private int busyRetries() {
        return busyRetries;
    }

    /** Where the document came from and any archive-mode warnings. */
    public record Outcome(String mirror, long bytes, List<String> warnings) {
    }

    public Outcome fetch(String path, List<String> given, Path out) throws SyncException {
        List<String> mirrors = mirrors(given);
        if (TargetPath.problem(path).isPresent()) {
            throw new SyncException(SyncException.Kind.LOCAL, "\"" + path + "\" is not a document path: "
                    + TargetPath.problem(path).get(), null);
        }
        List<String> errors = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean lied = new java.util.concurrent.atomic.AtomicBoolean();
        Found found = null;
        // With other mirrors to try, a busy one (429, 503) is passed over at once; only when every
        // mirror was busy is a second round made that waits out their Retry-After.
        busyRetries = mirrors.size() > 1 ? 0 : Upstream.BUSY_RETRIES;
        for (int pass = 0; pass < 2 && found == null; pass++) {
            if (pass == 1) {
                if (errors.isEmpty() || !errors.stream().allMatch(e -> e.contains("[busy]"))) {
                    break;
                }
                log.accept("every mirror is busy; waiting as they ask, then trying again");
                busyRetries = Upstream.BUSY_RETRIES;
                errors.clear();
            }
            // Fresh metadata first, from any mirror: one stale mirror never freezes a reader who can reach a fresh one.
            for (String url : mirrors) {
                found = attempt(url, path, false, mirrors, errors, lied);
                if (found != null) {
                    break;
                }
            }
        }
        if (found == null && staleOk && errors.stream().anyMatch(e -> e.contains("[freeze]"))) {
            // Archive mode, only when no mirror that answered has unexpired metadata: ask every one and
            // take the newest verified version (each is admitted only if it does not roll back the last).
            log.accept("no mirror has unexpired metadata; archive mode: asking every mirror for its newest version");
            for (String url : mirrors) {
                Found f = attempt(url, path, true, mirrors, errors, lied);
                if (f != null && (found == null || f.timestampVersion() >= found.timestampVersion())) {
                    found = f;
                }
            }
            if (found != null) {
                List<String> warnings = new ArrayList<>(found.warnings());
                warnings.add("no mirror that answered offered metadata that has not expired; this document is verified"
                        + " against the newest version they offered (timestamp version " + found.timestampVersion() + ", from "
                        + found.mirror() + "), and the publisher may have signed newer ones since");
                found = new Found(found.target(), warnings, found.mirror(), found.timestampVersion(), found.list());
            }
        }
        if (found == null) {
            throw new SyncException(lied.get() ? SyncException.Kind.VERIFICATION : SyncException.Kind.UNREACHABLE,
                    "no mirror gave a valid version:\n  " + String.join("\n  ", errors), null);
        }
        TargetFile target = found.target();
        List<String> warnings = found.warnings();
        String from = found.mirror();
        List<String> order = new ArrayList<>();
        order.add(from);
        mirrors.stream().filter(m -> !m.equals(order.get(0))).forEach(order::add);
        String file = "/targets/" + new TargetPath(path).hashedName(target.sha256());
        String winner = download(file, target, order, out, errors);
        keepList(found.list(), winner);
        return new Outcome(winner, target.length(), warnings);
    }

    /**
     * The mirrors to try: one form of each URL, so no path is built with a doubled slash; the typed
     * ones first, then the signed mirror list an earlier run verified (so a reader who fetched once
     * finds a live copy).
     */
    List<String> mirrors(List<String> given) {
        List<String> typed = given.stream().map(u -> u.replaceAll("/+$", "")).distinct().toList();
        List<String> known = new ArrayList<>(typed);
        for (String u : cachedList().urls()) {
            if (!known.contains(u) && known.size() < MAX_MIRRORS) {
                known.add(u);
            }
        }
        if (known.size() > typed.size()) {
            log.accept("also trying " + (known.size() - typed.size()) + " mirror(s) of the signed mirror list verified earlier");
        }
        return List.copyOf(known);
    }

    /** A TUF client for one mirror over the trusted state this archive's cache keeps. */
    TufClient client(String url, boolean acceptExpired) throws IOException, TufException, SyncException {
        TrustedState state = new TrustedState(cache.resolve("trusted"));
        if (state.read("root").isEmpty()) {
            state.write("root", initialRoot(url));
        }
        return new TufClient(state, new Upstream(url + "/metadata", timeout, busyRetries(), sleeper),
                clock.instant(), acceptExpired, ClientLimits.DEFAULT, line -> { });
    }

    /** The withdrawals the trusted targets role lists (verified against its signed hash), or none. */
    Withdrawals withdrawals(TufClient client, String url) throws SyncException, TufException {
        TargetFile list = Withdrawals.listedIn(client.trusted().targets("targets"));
        if (list == null) {
            return new Withdrawals(java.util.Map.of());
        }
        String name = Withdrawals.fileName(list.sha256());
        byte[] bytes = new Upstream(url, timeout, busyRetries(), sleeper).get("/" + name, list.length())
                .orElseThrow(() -> new TufException(Withdrawals.PATH, TufException.MISSING, "the mirror does not serve " + name));
        list.verify(Withdrawals.PATH, bytes);
        return Withdrawals.parse(bytes);
    }

    /** At most this many mirrors are tried for one document (the typed ones and the best of the signed list). */
    static final int MAX_MIRRORS = 16;
    private static final String LIST_FILE = "mirror-list.json";

    /** The signed mirror list a previous run verified and kept with the trusted state, or an empty one. */
    private MirrorList cachedList() {
        try {
            Path f = cache.resolve(LIST_FILE);
            return Files.exists(f) ? MirrorList.parse(Files.readAllBytes(f)) : MirrorList.EMPTY;
        } catch (IOException | TufException e) {
            return MirrorList.EMPTY;
        }
    }

    /** Keeps the signed mirror list of the version just verified, fetched from the mirror that served the document. */
    void keepList(TargetFile list, String from) {
        if (list == null) {
            return;
        }
        try {
            byte[] bytes = new Upstream(from, timeout, 0, sleeper).get("/" + MirrorList.fileName(list.sha256()), list.length())
                    .orElse(null);
            if (bytes == null) {
                return;
            }
            list.verify(MirrorList.PATH, bytes);
            MirrorList.parse(bytes);
            new org.samizdat.store.FileStore(cache).put(LIST_FILE, bytes);
        } catch (SyncException | IOException | TufException e) {
            log.accept("could not keep the signed mirror list: " + e.getMessage());
        }
    }

    /** What one mirror's metadata says of the document, verified, and the signed mirror list's entry, if any. */
    private record Found(TargetFile target, List<String> warnings, String mirror, long timestampVersion, TargetFile list) {
    }

    /**
     * The TUF client workflow against one mirror, from what earlier runs verified; null (the reason
     * added to {@code errors}) when the mirror did not give a valid version.
     */
    private Found attempt(String url, String path, boolean acceptExpired, List<String> mirrors, List<String> errors,
                          java.util.concurrent.atomic.AtomicBoolean lied) throws SyncException {
        try {
            TufClient client = client(url, acceptExpired);
            Optional<TargetFile> found = client.targetInfo(path);
            if (found.isEmpty()) {
                found = sealedTarget(client, url, path);
            }
            if (found.isEmpty()) {
                throw new SyncException(SyncException.Kind.LOCAL, "the archive has no document " + path, null);
            }
            found.get().requireSha256("targets", path);
            refuseWithdrawn(client, url, path);
            TargetFile list = client.targetInfo(MirrorList.PATH).orElse(null);
            return new Found(found.get(), client.trusted().warnings(), url, client.trusted().timestamp().version(), list);
        } catch (TufException e) {
            lied.set(true);
            errors.add("upstream " + url + ": " + e.getMessage());
            log.accept(next(mirrors, url) + "upstream " + url + ": " + e.getMessage());
        } catch (SyncException e) {
            if (e.kind() == SyncException.Kind.LOCAL) {
                throw e;
            }
            if (e.kind() == SyncException.Kind.VERIFICATION) {
                lied.set(true);
            }
            errors.add(e.getMessage());
            log.accept(next(mirrors, url) + e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            errors.add(url + ": " + e.getMessage());
        }
        return null;
    }

    /**
     * A document of a sealed release that the mirror has opened (docs/FORMAT.md section 6): the
     * release's ciphertext target carries the signed commitment to the plaintext manifest; the
     * manifest the mirror serves under that hash must hash to it, and then lists the document as
     * a signed role would. Empty when the release is not sealed or does not list the path.
     */
    private Optional<TargetFile> sealedTarget(TufClient client, String url, String path)
            throws IOException, TufException, SyncException {
        String id = path.substring(0, Math.max(0, path.indexOf('/')));
        Optional<TargetFile> cipher = id.isEmpty() ? Optional.empty() : client.targetInfo(SealedRelease.ciphertextPath(id));
        if (cipher.isEmpty()) {
            return Optional.empty();
        }
        SealedRelease sealed;
        try {
            sealed = SealedRelease.from(id, cipher.get());
        } catch (IllegalArgumentException e) {
            throw new TufException(id + ".json", "sealed release", e.getMessage());
        }
        byte[] manifest = new Upstream(url, timeout, busyRetries(), sleeper).get("/" + sealed.manifestName(), SealedManifest.MAX_BYTES)
                .orElseThrow(() -> new SyncException(SyncException.Kind.UNREACHABLE, url + " has not opened the sealed release "
                        + id + " (it does not serve its committed manifest)", null));
        try {
            return sealed.manifest(manifest).find(path).map(SealedManifest.Document::target);
        } catch (IllegalArgumentException e) {
            throw new TufException(sealed.manifestName(), "sealed manifest", e.getMessage());
        }
    }

    /** Fails with the publisher's signed notice when the targets role's withdrawals list names {@code path}. */
    private void refuseWithdrawn(TufClient client, String url, String path) throws SyncException, TufException {
        Withdrawals.Notice n = withdrawals(client, url).notices().get(path);
        if (n != null) {
            throw new SyncException(SyncException.Kind.LOCAL, path + " was withdrawn by the publisher on "
                    + org.samizdat.tuf.TufTime.format(n.date()) + ": " + n.reason()
                    + " (a notice signed with the archive's targets key)", null);
        }
    }

    /** How a failed mirror is announced: "trying the next" only when there is a next. */
    private static String next(List<String> mirrors, String failed) {
        return mirrors.indexOf(failed) < mirrors.size() - 1 ? "mirror failed, trying the next: " : "mirror failed: ";
    }

    /** The root this archive starts from: the given file, or the mirror's 1.root.json if it has the trusted fingerprint. */
    private byte[] initialRoot(String url) throws SyncException, TufException {
        if (trust.rootFile() != null) {
            return trust.rootFile();
        }
        Upstream up = new Upstream(url, timeout, busyRetries(), sleeper);
        byte[] first = up.get("/metadata/1.root.json", ClientLimits.DEFAULT.rootMax()).orElseThrow(up::notANode);
        if (!trust.accepts(first)) {
            throw new TufException("1.root.json", "trusted root", "has fingerprint " + RootFingerprint.of(first)
                    + ", not the trusted " + trust.fingerprint());
        }
        return first;
    }

    /** Races mirrors: the next one starts when the current one fails or has not finished within the hedge delay. */
    private String download(String file, TargetFile target, List<String> order, Path out, List<String> errors)
            throws SyncException {
        Path dir = out.toAbsolutePath().getParent();
        ExecutorService pool = Executors.newFixedThreadPool(order.size());
        ExecutorCompletionService<Downloaded> race = new ExecutorCompletionService<>(pool);
        List<Path> temps = new ArrayList<>();
        try {
            org.samizdat.store.PartialDownload.removeOrphans(dir); // left by a fetch that was killed
        } catch (IOException e) {
            // then they stay; they are never read
        }
        List<Future<Downloaded>> running = new ArrayList<>();
        boolean lied = false;
        try {
            Files.createDirectories(dir);
            int next = 0;
            int inFlight = 0;
            while (true) {
                if (next < order.size() && inFlight == 0) {
                    running.add(start(race, order.get(next++), file, target, dir, temps));
                    inFlight++;
                }
                Future<Downloaded> done = race.poll(hedgeAfter.toMillis(), TimeUnit.MILLISECONDS);
                if (done == null) {
                    if (next < order.size()) {
                        log.accept(order.get(next - 1) + " is slow; asking " + order.get(next) + " too");
                        running.add(start(race, order.get(next++), file, target, dir, temps));
                        inFlight++;
                    }
                    continue;
                }
                inFlight--;
                try {
                    Downloaded d = done.get();
                    Files.move(d.temp(), out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    return d.mirror();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof SyncException s) {
                        lied |= s.kind() == SyncException.Kind.VERIFICATION;
                    }
                    errors.add(c.getMessage());
                    log.accept((next < order.size() || inFlight > 0 ? "download failed, trying the next mirror: "
                            : "download failed: ") + c.getMessage());
                    if (inFlight == 0 && next >= order.size()) {
                        throw new SyncException(lied ? SyncException.Kind.VERIFICATION : SyncException.Kind.UNREACHABLE,
                                "no mirror gave the document intact:\n  " + String.join("\n  ", errors), null);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException(SyncException.Kind.LOCAL, "interrupted", e);
        } catch (IOException e) {
            throw new SyncException(SyncException.Kind.LOCAL, "cannot write " + out + ": " + e.getMessage(), e);
        } finally {
            running.forEach(f -> f.cancel(true));
            pool.shutdownNow();
            for (Path t : temps) {
                try {
                    Files.deleteIfExists(t);
                } catch (IOException ignored) {
                    // best effort: a temp name is never the output
                }
            }
        }
    }

    /** A verified download waiting under its temporary name, and the mirror it came from. */
    private record Downloaded(Path temp, String mirror) {
    }

    private Future<Downloaded> start(ExecutorCompletionService<Downloaded> race, String mirror, String file, TargetFile target,
                                 Path dir, List<Path> temps) throws IOException {
        Path temp = org.samizdat.store.PartialDownload.create(dir);
        temps.add(temp);
        return race.submit(() -> {
            new Upstream(mirror, timeout, busyRetries(), sleeper).download(file, temp, target.length(), target.sha256());
            return new Downloaded(temp, mirror);
        });
    }
}
