package org.samizdat.server;

import org.samizdat.server.ReaderPages.Page;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.Json;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.MirrorList;
import org.samizdat.repo.ReleaseInfo;
import org.samizdat.tuf.TufException;

/** A group of reader pages, with what they share: the base model of every page, error pages, paging and JSON. */
abstract class PageGroup {
    /** What every page group reads: the node's settings, state, catalog, templates and search answers. */
    record Context(ServerConfig config, NodeStatus status, ReaderSources sources, Templates templates,
                   CurrentCatalog catalogs, SearchCache searchCache) {
    }

    final ServerConfig config;
    final NodeStatus status;
    final ReaderSources sources;
    final Templates templates;
    final CurrentCatalog catalogs;

    PageGroup(Context c) {
        this.config = c.config();
        this.status = c.status();
        this.sources = c.sources();
        this.templates = c.templates();
        this.catalogs = c.catalogs();
    }

    Map<String, Object> model(String base) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", config.name());
        m.put("base", base);
        Catalog c = catalogs.get();
        if (c != null) {
            try {
                m.put("fingerprint", c.rootFingerprint());
            } catch (IOException ignored) {
                // the footer says "unknown"
            }
        }
        return m;
    }

    Page error(int code, String heading, String message) {
        Map<String, Object> m = model("");
        m.put("heading", heading);
        m.put("message", message);
        return Page.html(code, templates.render("error", m));
    }

    Page notYet() {
        return error(503, "Not ready yet", "This node holds no complete archive version yet. Try again in a minute, or another mirror.");
    }

    static List<ReleaseInfo> infos(Catalog c) throws IOException, TufException {
        List<ReleaseInfo> out = new ArrayList<>();
        for (String id : c.releaseIds()) {
            out.add(c.info(id));
        }
        return out;
    }

    static void pager(Map<String, Object> m, int page, int pages, String prefix) {
        m.put("page", page);
        m.put("pages", pages);
        if (page > 1) {
            m.put("prev", prefix + (page - 1));
        }
        if (page < pages) {
            m.put("next", prefix + (page + 1));
        }
    }

    static int pageParam(Map<String, List<String>> params) {
        try {
            return Math.max(1, Integer.parseInt(first(params, "page")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The verified copies other than this node: the signed mirror list of the version this node serves. */
    List<String> otherMirrors(String base) {
        List<String> out = new ArrayList<>();
        for (String m : signedMirrors()) {
            String u = m.replaceAll("/+$", "");
            if (u.matches("https?://[^\\s\"'<>]+") && !u.equals(base) && !out.contains(u)) {
                out.add(u);
            }
        }
        return out;
    }

    /** Every URL of the signed mirror list this node serves (empty when it has none or cannot read it). */
    List<String> signedMirrors() {
        MirrorList l = signedList();
        return l == null ? List.of() : l.urls();
    }

    MirrorList signedList() {
        Catalog c = catalogs.get();
        if (c == null) {
            return null;
        }
        try {
            return c.mirrorList();
        } catch (IOException | TufException e) {
            return null;
        }
    }

    static Page json(int status, Map<String, Object> body) {
        return new Page(status, "application/json", new String(Json.write(body), StandardCharsets.UTF_8), "no-cache");
    }

    static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
