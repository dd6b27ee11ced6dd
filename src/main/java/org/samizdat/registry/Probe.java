package org.samizdat.registry;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.Head;
import org.samizdat.sync.Sleeper;
import org.samizdat.sync.SyncException;
import org.samizdat.sync.Upstream;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.tuf.MetaFile;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Snapshot;
import org.samizdat.tuf.Timestamp;
import org.samizdat.tuf.TufException;

/**
 * One probe of one mirror, against the registry's own verified copy of the archive: reachability
 * and latency ({@code timestamp.json}), freshness (the snapshot version it serves, signed by the
 * archive's timestamp key), and integrity (its snapshot must be the one that timestamp pins, and
 * random documents of the releases it lists must hash to their signed sha256).
 */
public final class Probe {
    /** What a probe found. {@code liar}: it served bytes the signed metadata contradicts. */
    public record Result(String url, Instant at, boolean reachable, long latencyMillis, long snapshotVersion, String problem,
                  boolean liar) {
        public boolean healthy() {
            return reachable && problem == null;
        }
    }

    private final HttpClient http;
    private final RegistryConfig config;
    private final Random random;

    Probe(HttpClient http, RegistryConfig config, Random random) {
        this.http = http;
        this.config = config;
        this.random = random;
    }

    Result run(String url, Head head, Catalog catalog, Instant now) {
        Upstream up = new Upstream(url, config.timeout(), 0, Sleeper.REAL, http);
        long start = System.nanoTime();
        byte[] ts;
        try {
            Registration.requirePublic(java.net.URI.create(url).getHost(), config.allowPrivate());
            ts = up.get("/metadata/timestamp.json", ClientLimits.DEFAULT.timestampMax()).orElse(null);
        } catch (SyncException | IOException | IllegalArgumentException e) {
            return new Result(url, now, false, 0, 0, "unreachable: " + e.getMessage(), false);
        }
        long latency = (System.nanoTime() - start) / 1_000_000;
        if (ts == null) {
            return new Result(url, now, true, latency, 0, "serves no metadata/timestamp.json", false);
        }
        try {
            Metadata m = Metadata.parse("timestamp.json", ts, "timestamp");
            m.verifyThreshold(head.root().role("timestamp"), head.root().keys());
            MetaFile pinned = Timestamp.from(m).snapshot();
            long version = pinned.version();
            String snapFile = version + ".snapshot.json";
            byte[] snap = up.get("/metadata/" + snapFile, ClientLimits.cap(pinned, ClientLimits.DEFAULT.snapshotMax())).orElse(null);
            if (snap == null) {
                return new Result(url, now, true, latency, version, "serves no metadata/" + snapFile, false);
            }
            try {
                pinned.check(snapFile, snap);
            } catch (TufException e) {
                return new Result(url, now, true, latency, version, snapFile + " is not the one its timestamp pins", true);
            }
            for (String problem : documents(up, Snapshot.from(Metadata.parse(snapFile, snap, "snapshot")), catalog)) {
                return new Result(url, now, true, latency, version, problem, problem.startsWith("serves other bytes"));
            }
            return new Result(url, now, true, latency, version, null, false);
        } catch (TufException e) {
            // not this archive's signature (another archive, or keys since rotated): not a copy to list
            return new Result(url, now, true, latency, 0, "timestamp.json does not verify: " + e.getMessage(), false);
        } catch (SyncException | IOException e) {
            return new Result(url, now, false, latency, 0, "unreachable: " + e.getMessage(), false);
        }
    }

    /** Checks random documents of the releases the mirror's snapshot lists; returns what was wrong, if anything. */
    private List<String> documents(Upstream up, Snapshot snap, Catalog catalog) throws SyncException, IOException, TufException {
        List<String> releases = new ArrayList<>();
        for (String id : catalog.releaseIds()) {
            if (snap.meta().containsKey(id + ".json")) {
                releases.add(id);
            }
        }
        for (int i = 0; i < config.documentsPerProbe() && !releases.isEmpty(); i++) {
            List<Catalog.Entry> docs = catalog.release(releases.get(random.nextInt(releases.size()))).documents();
            if (docs.isEmpty()) {
                continue;
            }
            Catalog.Entry e = docs.get(random.nextInt(docs.size()));
            byte[] bytes;
            try {
                bytes = up.get("/targets/" + e.storedName(), e.file().length()).orElse(null);
            } catch (SyncException tooLong) {
                if (tooLong.kind() != SyncException.Kind.VERIFICATION) {
                    throw tooLong;
                }
                return List.of("serves other bytes for " + e.path() + " (" + tooLong.getMessage() + ")");
            }
            if (bytes == null) {
                return List.of("does not serve " + e.path());
            }
            if (bytes.length != e.file().length() || !Sha256.hex(bytes).equals(e.file().sha256())) {
                return List.of("serves other bytes for " + e.path() + " than the signed metadata lists");
            }
        }
        return List.of();
    }
}
