package org.samizdat.registry;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.Head;
import org.samizdat.repo.MirrorList;
import org.samizdat.store.FileStore;
import org.samizdat.sync.Upstream;
import org.samizdat.tuf.TufException;

/**
 * The mirror registry of one archive (on the origin by default; any node holding the mirrors,
 * snapshot and timestamp keys). Mirrors register; every {@link RegistryConfig#probeEvery} the
 * registry probes each one ({@link Probe}) against its own verified copy, and signs a new mirror
 * list when the set of healthy copies changes (or hourly, for fresh figures). A registrant is
 * listed only after a healthy probe; a liar is dropped at the probe that caught it and returns
 * when a later probe finds it whole; one that stops answering is dropped after a grace period
 * and forgotten after a day.
 */
public final class Registry implements AutoCloseable {
    /** Signs and publishes a mirror list; returns the new snapshot version. */
    @FunctionalInterface
    public interface ListSigner {
        long sign(MirrorList list) throws IOException, TufException;
    }

    /** What the registry knows of one mirror now. */
    public record Known(String url, List<String> also, Instant registered, Instant firstSeen, Instant lastSeen,
                        Instant staleSince, Probe.Result last) {
        Known withProbe(Probe.Result r, Instant behindSince) {
            Instant stale = r.healthy() ? behindSince : null;
            Instant first = firstSeen == null && r.healthy() ? r.at() : firstSeen;
            return new Known(url, also, registered, first, r.healthy() ? r.at() : lastSeen, stale, r);
        }

        /** How long it has served an older version than the origin's (since the next one was published), as of {@code now}. */
        public long lagSeconds(Instant now) {
            return staleSince == null ? 0 : Duration.between(staleSince, now).toSeconds();
        }

        /** The reason it is not listed, or null. */
        public String problem() {
            return last == null ? "not probed yet" : last.problem();
        }
    }

    /** What one probe cycle found and did. */
    public record Cycle(int probed, int healthy, int listed, long signedSnapshot, Duration took) {
    }

    private final FileStore origin;
    private final History history;
    private final RegistryConfig config;
    private final ListSigner signer;
    private final Clock clock;
    private final Consumer<String> log;
    private final String publicUrl;
    private final Probe probe;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Map<String, List<Instant>> registrations = new ConcurrentHashMap<>();
    private final HttpClient http;
    private volatile MirrorList signed;
    private volatile Instant signedAt = Instant.EPOCH;

    /**
     * @param publicDir the registry's own verified copy of the archive (the origin's public tree)
     * @param dataDir   where the history database lives (never served)
     * @param publicUrl where mirrors register, written into the list; null when not known
     */
    public Registry(Path publicDir, Path dataDir, String publicUrl, RegistryConfig config, ListSigner signer, Clock clock,
                    Consumer<String> log) throws IOException {
        this.origin = new FileStore(publicDir);
        this.config = config;
        this.signer = signer;
        this.clock = clock;
        this.log = log;
        this.publicUrl = publicUrl;
        this.http = Upstream.client(config.timeout());
        this.probe = new Probe(http, config, new Random());
        try {
            this.history = History.open(dataDir);
            for (History.Stored s : history.mirrors()) {
                known.put(s.url(), new Known(s.url(), s.also(), s.registered(), s.firstSeen(), s.lastSeen(), null, null));
            }
        } catch (SQLException e) {
            throw new IOException("cannot open the registry's database in " + dataDir + ": " + e.getMessage(), e);
        }
        MirrorList current;
        try {
            current = org.samizdat.repo.Publisher.mirrorList(origin);
        } catch (TufException e) {
            current = MirrorList.EMPTY;
        }
        this.signed = current;
        this.signedAt = current.generated();
    }

    /**
     * Takes a registration from {@code client} (an address kept in memory only, to rate-limit):
     * the URL must be a public address (unless allowed otherwise); it is listed only once a probe
     * finds it whole. Fails with the reason the registrant is told.
     */
    public String register(Registration r, String client) throws IOException {
        Instant now = clock.instant();
        List<Instant> recent = registrations.computeIfAbsent(client, c -> new ArrayList<>());
        synchronized (recent) {
            recent.removeIf(t -> t.isBefore(now.minus(Duration.ofHours(1))));
            if (recent.size() >= config.registrationsPerHour()) {
                throw new TooManyRegistrations(config.registrationsPerHour());
            }
            recent.add(now);
        }
        if (registrations.size() > 100_000) {
            registrations.clear(); // bounded memory under a spray of addresses: the limit restarts
        }
        if (!known.containsKey(r.url()) && known.size() >= MirrorList.MAX_ENTRIES) {
            throw new IllegalArgumentException("this registry already tracks " + MirrorList.MAX_ENTRIES + " mirrors");
        }
        Registration.requirePublic(r.host(), config.allowPrivate());
        Known k = known.compute(r.url(), (url, had) -> had == null
                ? new Known(url, r.also(), now, null, null, null, null)
                : new Known(url, r.also(), had.registered(), had.firstSeen(), had.lastSeen(), had.staleSince(), had.last()));
        try {
            history.save(new History.Stored(k.url(), k.also(), k.registered(), k.firstSeen(), k.lastSeen()));
        } catch (SQLException e) {
            throw new IOException("the registry's database: " + e.getMessage(), e);
        }
        return "registered " + r.url() + "; it is listed once a probe finds it serving this archive whole and fresh";
    }

    /** Thrown when one address registers too often. */
    public static final class TooManyRegistrations extends IllegalStateException {
        TooManyRegistrations(int perHour) {
            super("too many registrations from your address (at most " + perHour + " an hour); try later");
        }
    }

    /** Probes every registered mirror once, updates the history, and signs a new list when it changed. */
    public Cycle probeAll() throws IOException, TufException {
        long start = System.nanoTime();
        Instant now = clock.instant();
        Head head = Head.load(origin);
        Catalog catalog = Catalog.open(origin);
        long ours = head.snapshot().version();
        List<Known> targets = new ArrayList<>(known.values());
        List<Probe.Result> results = new ArrayList<>();
        Semaphore inFlight = new Semaphore(config.concurrency());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Probe.Result>> running = new ArrayList<>();
            for (Known k : targets) {
                running.add(pool.submit(() -> {
                    inFlight.acquire();
                    try {
                        return probe.run(k.url(), head, catalog, now);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<Probe.Result> f : running) {
                try {
                    results.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                } catch (java.util.concurrent.ExecutionException e) {
                    log.accept("registry: a probe failed: " + e.getCause());
                }
            }
        }
        int healthy = 0;
        for (Probe.Result r : results) {
            Known before = known.get(r.url());
            if (before == null) {
                continue; // forgotten meanwhile
            }
            Known after = before.withProbe(r, behindSince(r.snapshotVersion(), ours));
            known.put(r.url(), after);
            healthy += r.healthy() ? 1 : 0;
            if (r.liar()) {
                log.accept("registry: " + r.url() + " dropped from the list: " + r.problem());
            }
            Instant seen = after.lastSeen() != null ? after.lastSeen() : after.registered();
            if (seen.isBefore(now.minus(config.forgetAfter()))) {
                known.remove(r.url());
                log.accept("registry: forgetting " + r.url() + ": not seen healthy since " + seen);
                try {
                    history.forget(r.url());
                } catch (SQLException e) {
                    throw new IOException(e.getMessage(), e);
                }
            } else if (!java.util.Objects.equals(before.firstSeen(), after.firstSeen())
                    || !java.util.Objects.equals(before.lastSeen(), after.lastSeen())) {
                try {
                    history.save(new History.Stored(after.url(), after.also(), after.registered(), after.firstSeen(),
                            after.lastSeen()));
                } catch (SQLException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        }
        MirrorList list = build(now);
        long signedVersion = 0;
        if (!urls(list).equals(urls(signed)) || !now.isBefore(signedAt.plus(config.refreshListEvery()))) {
            signedVersion = signer.sign(list);
            signed = list;
            signedAt = now;
            log.accept("registry: signed a mirror list of " + list.mirrors().size() + " mirror(s) (snapshot version "
                    + signedVersion + ")");
        }
        List<Long> lags = list.mirrors().stream().map(MirrorList.Entry::lagSeconds).sorted().toList();
        try {
            history.record(results, new History.Cycle(now, known.size(), list.mirrors().size(),
                    lags.isEmpty() ? 0 : lags.get(lags.size() / 2)), now.minus(Duration.ofDays(30)));
        } catch (SQLException e) {
            throw new IOException("the registry's database: " + e.getMessage(), e);
        }
        return new Cycle(results.size(), healthy, list.mirrors().size(), signedVersion,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** When the snapshot after {@code version} was published here (its file's time), or null when it is the newest. */
    private Instant behindSince(long version, long ours) {
        if (version <= 0 || version >= ours) {
            return null;
        }
        try {
            return java.nio.file.Files.getLastModifiedTime(origin.path("metadata/" + (version + 1) + ".snapshot.json")).toInstant();
        } catch (IOException e) {
            return clock.instant(); // no such file here: count the lag from now
        }
    }

    /**
     * The list as it stands: every mirror whose last probe found no lie, seen healthy within the
     * grace period, and not lagging longer than allowed; least lag first.
     */
    MirrorList build(Instant now) {
        List<MirrorList.Entry> entries = new ArrayList<>();
        for (Known k : known.values()) {
            if (k.lastSeen() == null || k.last() == null || k.last().liar()
                    || k.lastSeen().isBefore(now.minus(config.graceUnreachable()))
                    || (k.staleSince() != null && k.lagSeconds(now) >= config.lagAllowance().toSeconds())) {
                continue;
            }
            List<String> urls = new ArrayList<>(List.of(k.url()));
            urls.addAll(k.also());
            entries.add(new MirrorList.Entry(urls, k.firstSeen(), k.lastSeen(), k.last().snapshotVersion(),
                    k.lagSeconds(now), k.last().latencyMillis()));
        }
        entries.sort(Comparator.comparingLong(MirrorList.Entry::lagSeconds).thenComparingLong(MirrorList.Entry::latencyMillis)
                .thenComparing(e -> e.urls().getFirst()));
        return new MirrorList(now, publicUrl, entries.subList(0, Math.min(entries.size(), MirrorList.MAX_ENTRIES)));
    }

    private static Set<String> urls(MirrorList l) {
        Set<String> s = new TreeSet<>();
        l.mirrors().forEach(e -> s.add(String.join(" ", e.urls())));
        return s;
    }

    /** Every registered mirror and what the registry knows of it, by URL. */
    public List<Known> known() {
        List<Known> out = new ArrayList<>(known.values());
        out.sort(Comparator.comparing(Known::url));
        return out;
    }

    /** The probe cycles since {@code since}: counts of registered and listed copies over time. */
    public List<History.Cycle> cycles(Instant since) throws IOException {
        try {
            return history.cycles(since);
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Probes on a schedule, logging (never throwing) a failed cycle. */
    public void start(ScheduledExecutorService timer) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                Cycle c = probeAll();
                if (c.probed() > 0) {
                    log.accept(String.format("registry: probed %d mirror(s) in %.1f s: %d healthy, %d listed", c.probed(),
                            c.took().toMillis() / 1000.0, c.healthy(), c.listed()));
                }
            } catch (Exception e) {
                log.accept("registry: probe cycle failed: " + e.getMessage());
            }
        }, 0, config.probeEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        try {
            history.close();
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
        http.close();
    }
}
