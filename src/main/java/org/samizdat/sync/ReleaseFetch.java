package org.samizdat.sync;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.MirrorList;
import org.samizdat.repo.ReleaseTorrent;
import org.samizdat.repo.Withdrawals;
import org.samizdat.store.PartialDownload;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.TufException;
import org.samizdat.work.Progress;

/**
 * Whole releases over HTTP from several mirrors at once, every file verified against the signed
 * metadata before it gets its name (into {@code OUT/<release>/<path>}, the layout a torrent client
 * writes with {@code -d OUT}). Files are asked for under the web-seed layout ({@code /seed/}), which
 * nodes pace per client rather than refuse, and under {@code /targets/} from nodes older than it. The metadata comes through the TUF client workflow from the first
 * mirror that gives a valid, fresh version, with the trusted state {@code fetch} keeps per
 * archive; the files are then spread over every mirror, several requests in flight on each, a
 * file a mirror fails (or lies about) being asked of the next one, and a mirror that lies or keeps
 * failing being dropped. Files already present and intact are kept, so an interrupted run resumes.
 */
public final class ReleaseFetch {
    /** A mirror is dropped after this many failures in a row (a lie drops it at once). */
    static final int MAX_FAILURES = 3;

    private final Fetcher fetcher;
    private final Duration timeout;
    private final Consumer<String> log;

    public ReleaseFetch(Fetcher fetcher, Duration timeout, Consumer<String> log) {
        this.fetcher = fetcher;
        this.timeout = timeout;
        this.log = log;
    }

    /** The verified targets of some releases, the documents withdrawn, and the mirror the metadata came from. */
    public record Signed(Map<String, SortedMap<String, TargetFile>> releases, Withdrawals withdrawn, String mirror,
                         List<String> mirrors, TufClient client) {
    }

    /** What a fetch did. */
    public record Outcome(int releases, long files, long bytes, long kept, List<String> withdrawn, Map<String, Long> bytesByMirror,
                          String metadataFrom) {
    }

    /**
     * The signed targets of {@code ids} (every release when empty), through the TUF workflow from
     * the first mirror that gives a valid, fresh version.
     */
    public Signed metadata(List<String> ids, List<String> given) throws SyncException {
        List<String> mirrors = fetcher.mirrors(given);
        List<String> errors = new ArrayList<>();
        boolean lied = false;
        for (String url : mirrors) {
            try {
                TufClient client = fetcher.client(url, false);
                List<String> wanted = ids.isEmpty() ? client.releaseIds() : ids;
                Map<String, SortedMap<String, TargetFile>> releases = new java.util.LinkedHashMap<>();
                for (String id : wanted) {
                    releases.put(id, client.releaseTargets(id));
                }
                Withdrawals withdrawn = fetcher.withdrawals(client, url);
                TargetFile list = client.targetInfo(MirrorList.PATH).orElse(null);
                fetcher.keepList(list, url);
                return new Signed(releases, withdrawn, url, mirrors, client);
            } catch (TufException e) {
                lied = true;
                errors.add("upstream " + url + ": " + e.getMessage());
                log.accept("mirror failed: upstream " + url + ": " + e.getMessage());
            } catch (SyncException e) {
                if (e.kind() == SyncException.Kind.LOCAL) {
                    throw e;
                }
                lied |= e.kind() == SyncException.Kind.VERIFICATION;
                errors.add(e.getMessage());
                log.accept("mirror failed: " + e.getMessage());
            } catch (IOException | IllegalArgumentException e) {
                errors.add(url + ": " + e.getMessage());
            }
        }
        throw new SyncException(lied ? SyncException.Kind.VERIFICATION : SyncException.Kind.UNREACHABLE,
                "no mirror gave a valid version:\n  " + String.join("\n  ", errors), null);
    }

    /** One file to fetch: where it goes, what it must be, and where mirrors store it. */
    private record Job(String path, TargetFile target, String remote) {
    }

    /**
     * Downloads every file of {@code ids} (documents and manifests, as the torrent holds them;
     * withdrawn documents are left out and named) into {@code out}, {@code perMirror} requests in
     * flight on each mirror.
     */
    public Outcome fetch(List<String> ids, List<String> given, Path out, int perMirror, Progress progress) throws SyncException {
        Signed signed = metadata(ids, given);
        List<Job> jobs = new ArrayList<>();
        List<String> withdrawn = new ArrayList<>();
        for (SortedMap<String, TargetFile> targets : signed.releases().values()) {
            for (Map.Entry<String, TargetFile> e : targets.entrySet()) {
                if (ReleaseTorrent.isTorrent(e.getKey())) {
                    continue; // the torrent describes the download; it is not part of it
                }
                if (signed.withdrawn().contains(e.getKey())) {
                    withdrawn.add(e.getKey());
                    continue;
                }
                try {
                    e.getValue().requireSha256(e.getKey().substring(0, e.getKey().indexOf('/')) + ".json", e.getKey());
                } catch (TufException noSha256) {
                    throw new SyncException(SyncException.Kind.VERIFICATION, noSha256.getMessage(), noSha256);
                }
                jobs.add(new Job(e.getKey(), e.getValue(), "/targets" + signed.client().remoteTargetPath(e.getKey(), e.getValue())));
            }
        }
        // the mirror that gave the metadata first, then the others
        List<String> mirrors = new ArrayList<>(List.of(signed.mirror()));
        signed.mirrors().stream().filter(m -> !m.equals(signed.mirror())).forEach(mirrors::add);
        return download(jobs, mirrors, out, perMirror, progress, signed.releases().size(), withdrawn, signed.mirror());
    }

    private Outcome download(List<Job> jobs, List<String> mirrors, Path out, int perMirror, Progress progress, int releases,
                             List<String> withdrawn, String metadataFrom) throws SyncException {
        Path root = out.toAbsolutePath();
        long total = jobs.stream().mapToLong(j -> j.target().length()).sum();
        AtomicLong bytes = new AtomicLong();
        AtomicLong kept = new AtomicLong();
        AtomicLong done = new AtomicLong();
        HttpClient http = Upstream.client(timeout);
        List<Upstream> upstreams = mirrors.stream().map(m -> new Upstream(m, timeout, 0, Sleeper.REAL, http)).toList();
        AtomicReferenceArray<String> dropped = new AtomicReferenceArray<>(mirrors.size());
        AtomicReferenceArray<String> noSeeds = new AtomicReferenceArray<>(mirrors.size());
        AtomicInteger[] failures = new AtomicInteger[mirrors.size()];
        Map<String, AtomicLong> byMirror = new ConcurrentHashMap<>();
        for (int i = 0; i < failures.length; i++) {
            failures[i] = new AtomicInteger();
        }
        Map<Path, Boolean> dirs = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>(jobs);
        AtomicReference<SyncException> fatal = new AtomicReference<>();
        int workers = Math.max(1, Math.min(jobs.size(), perMirror * mirrors.size()));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int home = w % mirrors.size();
            running.add(pool.submit(() -> {
                Job job;
                while (fatal.get() == null && (job = queue.poll()) != null) {
                    Path file = root.resolve(job.path());
                    try {
                        // made once, and made before any worker puts a temp file in it
                        dirs.computeIfAbsent(file.getParent(), dir -> {
                            try {
                                Files.createDirectories(dir);
                                PartialDownload.removeOrphans(dir); // left by a run that was killed
                                return Boolean.TRUE;
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                        if (intact(file, job.target())) {
                            kept.incrementAndGet();
                        } else {
                            fetchOne(job, file, home, upstreams, mirrors, dropped, noSeeds, failures, byMirror);
                            bytes.addAndGet(job.target().length());
                        }
                        progress.update("downloading", done.incrementAndGet(), jobs.size());
                    } catch (SyncException e) {
                        fatal.compareAndSet(null, e);
                    } catch (IOException | java.io.UncheckedIOException e) {
                        fatal.compareAndSet(null, new SyncException(SyncException.Kind.LOCAL, "cannot write " + file + ": "
                                + e, e));
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException(SyncException.Kind.LOCAL, "interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new SyncException(SyncException.Kind.LOCAL, "download failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (fatal.get() != null) {
            throw fatal.get();
        }
        Map<String, Long> per = new TreeMap<>();
        byMirror.forEach((k, v) -> per.put(k, v.get()));
        log.accept(String.format(java.util.Locale.ROOT, "%,d of %,d bytes fetched", bytes.get(), total));
        return new Outcome(releases, jobs.size(), bytes.get(), kept.get(), withdrawn, per, metadataFrom);
    }

    /** Whether a file is already there with its signed length and sha256 (a resumed run keeps it). */
    private static boolean intact(Path file, TargetFile target) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != target.length()) {
            return false;
        }
        var digest = Sha256.newDigest();
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        }
        return org.samizdat.archive.Hex.encode(digest.digest()).equals(target.sha256());
    }

    /**
     * One file from its worker's home mirror, else the next live one: into a temp file, verified
     * against the signed length and sha256 by {@link Upstream#download}, renamed only then.
     */
    private void fetchOne(Job job, Path file, int home, List<Upstream> upstreams, List<String> mirrors,
                          AtomicReferenceArray<String> dropped, AtomicReferenceArray<String> noSeeds, AtomicInteger[] failures, Map<String, AtomicLong> byMirror)
            throws SyncException, IOException {
        List<String> errors = new ArrayList<>();
        for (int k = 0; k < mirrors.size(); k++) {
            int m = (home + k) % mirrors.size();
            if (dropped.get(m) != null) {
                continue;
            }
            Path temp = PartialDownload.create(file.getParent());
            try {
                if (noSeeds.get(m) == null) {
                    try {
                        // the web-seed layout first: a node paces it per client instead of answering 429
                        upstreams.get(m).download(ReleaseTorrent.SEED_PREFIX + job.path(), temp, job.target().length(),
                                job.target().sha256());
                    } catch (SyncException e) {
                        if (!e.getMessage().contains("HTTP 404")) {
                            throw e;
                        }
                        noSeeds.compareAndSet(m, null, "404"); // a node older than web seeds: its /targets/ tree
                        upstreams.get(m).download(job.remote(), temp, job.target().length(), job.target().sha256());
                    }
                } else {
                    upstreams.get(m).download(job.remote(), temp, job.target().length(), job.target().sha256());
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                failures[m].set(0);
                byMirror.computeIfAbsent(mirrors.get(m), x -> new AtomicLong()).addAndGet(job.target().length());
                return;
            } catch (SyncException e) {
                errors.add(e.getMessage());
                boolean lie = e.kind() == SyncException.Kind.VERIFICATION;
                if ((lie || failures[m].incrementAndGet() >= MAX_FAILURES) && dropped.compareAndSet(m, null, e.getMessage())) {
                    log.accept("leaving " + mirrors.get(m) + " out: " + (lie ? "it served a file that fails its signed hash: "
                            : "it failed " + MAX_FAILURES + " times in a row: ") + e.getMessage());
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        throw new SyncException(errors.stream().anyMatch(x -> x.contains("sha256") || x.contains("length"))
                ? SyncException.Kind.VERIFICATION : SyncException.Kind.UNREACHABLE,
                "no mirror gave " + job.path() + " intact" + (errors.isEmpty() ? " (every mirror was left out)" : ":\n  "
                        + String.join("\n  ", errors)), null);
    }
}
