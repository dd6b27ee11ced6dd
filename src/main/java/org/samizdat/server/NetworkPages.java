package org.samizdat.server;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.samizdat.registry.History;
import org.samizdat.registry.Registry;
import org.samizdat.repo.MirrorList;
import org.samizdat.server.ReaderPages.Page;
import org.samizdat.tuf.TufTime;

/**
 * The pages about the network of copies: the signed mirror list (the only copies shown as
 * verified), this node's neighbours, the registry's view when this node runs one, a chart of
 * copies over time, and how to run a mirror.
 */
final class NetworkPages extends PageGroup {
    NetworkPages(Context c) {
        super(c);
    }

    Page mirrors(String base) {
        Map<String, Object> m = model(base);
        Map<String, Object> s = status.snapshot();
        m.put("role", String.valueOf(s.getOrDefault("role", "node")));
        m.put("version", s.get("version"));
        m.put("upstream", s.get("upstream"));
        MirrorList list = signedList();
        Instant now = Instant.now();
        List<Map<String, Object>> listed = new ArrayList<>();
        if (list != null) {
            for (MirrorList.Entry e : list.mirrors()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("url", e.urls().getFirst());
                row.put("others", e.urls().subList(1, e.urls().size()));
                row.put("version", e.snapshotVersion());
                row.put("lag", e.lagSeconds() == 0 ? "current" : ago(Duration.ofSeconds(e.lagSeconds())) + " behind");
                row.put("seen", ago(Duration.between(e.lastSeen(), now)) + " ago");
                row.put("since", TufTime.format(e.firstSeen()).substring(0, 10));
                listed.add(row);
            }
            m.put("generated", list.generated().equals(Instant.EPOCH) ? null : TufTime.format(list.generated()));
            m.put("registry", list.registry());
        }
        m.put("listed", listed);
        m.put("neighbours", sources.neighbours().get().stream().filter(u -> !u.equals(base)).toList());
        Registry registry = sources.registry();
        if (registry != null) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Registry.Known k : registry.known()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("url", k.url());
                row.put("state", k.problem() == null ? (k.lagSeconds(now) == 0 ? "whole and current"
                        : "whole, " + ago(Duration.ofSeconds(k.lagSeconds(now))) + " behind") : k.problem());
                row.put("seen", k.lastSeen() == null ? "never" : ago(Duration.between(k.lastSeen(), now)) + " ago");
                rows.add(row);
            }
            m.put("registrants", rows);
        }
        return Page.html(200, templates.render("mirrors", m));
    }

    /** {@code GET /api/mirrors}: the signed list, and the registry's view of every registrant when there is one. */
    Page mirrorsJson(String base) {
        Map<String, Object> body = new LinkedHashMap<>();
        MirrorList list = signedList();
        Map<String, Object> signed = new LinkedHashMap<>();
        List<Object> entries = new ArrayList<>();
        if (list != null) {
            signed.put("generated", TufTime.format(list.generated()));
            signed.put("registry", list.registry());
            for (MirrorList.Entry e : list.mirrors()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("urls", e.urls());
                row.put("snapshot_version", e.snapshotVersion());
                row.put("lag_seconds", e.lagSeconds());
                row.put("latency_ms", e.latencyMillis());
                row.put("first_seen", TufTime.format(e.firstSeen()));
                row.put("last_seen", TufTime.format(e.lastSeen()));
                entries.add(row);
            }
        }
        signed.put("mirrors", entries);
        body.put("signed", signed);
        body.put("copies", entries.size());
        Registry registry = sources.registry();
        if (registry != null) {
            Instant now = Instant.now();
            List<Object> rows = new ArrayList<>();
            for (Registry.Known k : registry.known()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("url", k.url());
                row.put("problem", k.problem());
                row.put("lag_seconds", k.lagSeconds(now));
                row.put("last_seen", k.lastSeen() == null ? null : TufTime.format(k.lastSeen()));
                rows.add(row);
            }
            body.put("registered", rows);
        }
        return json(200, body);
    }

    /**
     * {@code /mirrors/history.svg}: copies over the last 30 days, drawn on the server (no
     * JavaScript): listed copies as a line, registered ones as a lighter line.
     */
    Page historyChart() {
        Registry registry = sources.registry();
        if (registry == null) {
            return new Page(404, "text/plain; charset=utf-8", "this node runs no registry and keeps no history\n", "no-cache");
        }
        List<History.Cycle> cycles;
        try {
            cycles = registry.cycles(Instant.now().minus(Duration.ofDays(30)));
        } catch (IOException e) {
            return new Page(503, "text/plain; charset=utf-8", "the registry's history cannot be read now\n", "no-cache");
        }
        return new Page(200, "image/svg+xml", CopiesChart.svg(cycles), "no-cache");
    }

    Page runAMirror(String base) {
        Map<String, Object> m = model(base);
        String dir = config.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        m.put("dirName", (dir.isEmpty() ? "archive" : dir) + "-mirror");
        return Page.html(200, templates.render("run-a-mirror", m));
    }

    static String ago(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        if (s < 172_800) {
            return (s / 3600) + " h";
        }
        return (s / 86_400) + " days";
    }
}
