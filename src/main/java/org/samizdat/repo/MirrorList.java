package org.samizdat.repo;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Json;
import org.samizdat.archive.JsonException;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TufException;
import org.samizdat.tuf.TufTime;

/**
 * The signed mirror list (docs/FORMAT.md section 6): one target, {@code mirrors/list.json}, of
 * the {@code mirrors} role, naming the copies a registry has probed and found whole and fresh.
 * Every node copies it like any target, so a reader who has verified it once can find a copy
 * when the addresses it knew are gone.
 */
public record MirrorList(Instant generated, String registry, List<Entry> mirrors) {
    /** The target path of the list, inside the {@code mirrors} role's {@code mirrors/*}. */
    public static final String PATH = "mirrors/list.json";
    public static final int MAX_ENTRIES = 10_000;
    static final int MAX_URLS = 4;
    static final int MAX_URL = 300;
    public static final MirrorList EMPTY = new MirrorList(Instant.EPOCH, null, List.of());

    /**
     * One copy: its base URLs (the first is the one probed; others, such as a {@code .onion}
     * address, are carried as given), when it was first and last seen healthy, the snapshot
     * version it served at the last probe, how far behind the origin it was, and its latency.
     */
    public record Entry(List<String> urls, Instant firstSeen, Instant lastSeen, long snapshotVersion, long lagSeconds,
                        long latencyMillis) {
        public Entry {
            urls = List.copyOf(urls);
        }
    }

    public MirrorList {
        mirrors = List.copyOf(mirrors);
        if (mirrors.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a mirror list holds at most " + MAX_ENTRIES + " mirrors");
        }
    }

    /** Every URL of every listed mirror, least lag first, then lowest latency. */
    public List<String> urls() {
        List<Entry> sorted = new ArrayList<>(mirrors);
        sorted.sort(java.util.Comparator.comparingLong(Entry::lagSeconds).thenComparingLong(Entry::latencyMillis));
        List<String> out = new ArrayList<>();
        sorted.forEach(e -> out.addAll(e.urls()));
        return out;
    }

    /** Canonical JSON. */
    public byte[] toBytes() {
        List<Object> list = new ArrayList<>();
        for (Entry e : mirrors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("urls", e.urls());
            m.put("first_seen", TufTime.format(e.firstSeen()));
            m.put("last_seen", TufTime.format(e.lastSeen()));
            m.put("snapshot_version", e.snapshotVersion());
            m.put("lag_seconds", e.lagSeconds());
            m.put("latency_ms", e.latencyMillis());
            list.add(m);
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("generated", TufTime.format(generated));
        if (registry != null) {
            top.put("registry", registry);
        }
        top.put("mirrors", list);
        return CanonicalJson.encode(top);
    }

    /** Parses the list's bytes, already checked against the length and sha256 the mirrors role signed. */
    public static MirrorList parse(byte[] bytes) throws TufException {
        Map<String, Object> top;
        try {
            top = Json.parseObject(bytes);
        } catch (JsonException e) {
            throw new TufException(PATH, "mirror list format", "not valid JSON: " + e.getMessage());
        }
        if (!(top.get("mirrors") instanceof List<?> list) || list.size() > MAX_ENTRIES
                || !(top.get("generated") instanceof String generated)) {
            throw new TufException(PATH, "mirror list format", "must hold \"generated\" and a \"mirrors\" list of at most "
                    + MAX_ENTRIES);
        }
        String registry = top.get("registry") instanceof String r && validUrl(r) ? r : null;
        List<Entry> entries = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("urls") instanceof List<?> urls) || urls.isEmpty()
                    || urls.size() > MAX_URLS || !(m.get("first_seen") instanceof String first)
                    || !(m.get("last_seen") instanceof String last) || !(m.get("snapshot_version") instanceof Long version)
                    || !(m.get("lag_seconds") instanceof Long lag) || !(m.get("latency_ms") instanceof Long latency)) {
                throw new TufException(PATH, "mirror list format", "every mirror has 1 to " + MAX_URLS + " urls, first_seen,"
                        + " last_seen, snapshot_version, lag_seconds and latency_ms");
            }
            List<String> good = new ArrayList<>();
            for (Object u : urls) {
                if (!(u instanceof String url) || !validUrl(url)) {
                    throw new TufException(PATH, "mirror list format", "a mirror URL must be http(s)://host[:port][/path],"
                            + " at most " + MAX_URL + " characters");
                }
                good.add(url);
            }
            entries.add(new Entry(good, TufTime.parse(PATH, first), TufTime.parse(PATH, last), version, lag, latency));
        }
        return new MirrorList(TufTime.parse(PATH, generated), registry, entries);
    }

    /** An absolute http or https URL with a host, no user, query or fragment, and no trailing slash. */
    public static boolean validUrl(String url) {
        if (url == null || url.length() > MAX_URL || url.endsWith("/")) {
            return false;
        }
        try {
            URI u = new URI(url);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                    && u.getRawUserInfo() == null && u.getRawQuery() == null && u.getRawFragment() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** What the {@code mirrors} role signs for the list, or null when it lists none. */
    public static TargetFile listedIn(Targets mirrorsRole) {
        return mirrorsRole == null ? null : mirrorsRole.targets().get(PATH);
    }

    /** The public tree's file name of the list with this hash (consistent snapshots). */
    public static String fileName(String sha256) {
        return "targets/mirrors/" + sha256 + ".list.json";
    }
}
