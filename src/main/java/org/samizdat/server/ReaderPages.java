package org.samizdat.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.Json;
import org.samizdat.archive.TargetPath;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.ReleaseInfo;
import org.samizdat.search.SearchIndex;
import org.samizdat.search.SearchQuery;
import org.samizdat.search.SearchResults;
import org.samizdat.search.TextExtractor;
import org.samizdat.tuf.TufException;

/**
 * The reader's pages: home, releases, a release, a document, search with facets, browse, mirrors,
 * "run a mirror", the Atom feed of releases, and {@code /api/search} (the search page's results
 * as JSON). Pages are rendered on the server, need no JavaScript, and link only to this node and
 * to mirrors it knows. No Jetty types here: a request is a path, its query parameters and the
 * base URL readers reached the node at.
 */
final class ReaderPages {
    static final String HTML = "text/html; charset=utf-8";
    static final int RELEASE_PAGE = 100;
    static final int MAX_TEXT_SHOWN = 300_000;
    private static final Map<String, String> LABELS = Map.of("release", "Release", "year", "Year", "month", "Month",
            "origin", "Origin", "classification", "Classification", "tag", "Tag", "type", "Type", "ref", "Reference");
    /** Metadata fields whose values link to the search filtered by them. */
    private static final Map<String, String> LINKED_FIELDS = Map.of("tags", "tag", "origin", "origin",
            "classification", "classification");

    private final ServerConfig config;
    private final NodeStatus status;
    private final ReaderSources sources;
    private final Templates templates = new Templates();
    private final CurrentCatalog catalogs;
    private final SearchCache searchCache;
    private final byte[] css;

    /** A rendered answer. */
    record Page(int status, String contentType, String body, String cacheControl) {
        static Page html(int status, String body) {
            return new Page(status, HTML, body, "no-cache");
        }
    }

    ReaderPages(ServerConfig config, NodeStatus status, ReaderSources sources) {
        this.config = config;
        this.status = status;
        this.sources = sources;
        this.catalogs = new CurrentCatalog(config.publicDir());
        this.searchCache = new SearchCache(config.limits().searchCache());
        try (InputStream in = ReaderPages.class.getResourceAsStream("static/style.css")) {
            if (in == null) {
                throw new IllegalStateException("the reader stylesheet is missing from the build");
            }
            css = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("the reader stylesheet cannot be read", e);
        }
    }

    SearchCache searchCache() {
        return searchCache;
    }

    /** The other mirrors this node knows, for the overload page. */
    List<String> mirrors() {
        return sources.mirrors().get();
    }

    byte[] css() {
        return css;
    }

    /** The page for a GET of {@code path}, or null when the path is not a reader route. */
    Page page(String path, Map<String, List<String>> params, String base) {
        try {
            return route(path, params, base);
        } catch (IOException | TufException e) {
            return error(500, "Something went wrong", "This node could not read its archive: " + e.getMessage());
        }
    }

    private Page route(String path, Map<String, List<String>> params, String base) throws IOException, TufException {
        if (path.equals("/")) {
            return home(base);
        }
        if (path.equals("/search")) {
            return search(params, base, false);
        }
        if (path.equals("/api/search")) {
            return search(params, base, true);
        }
        if (path.equals("/releases")) {
            return releases(base);
        }
        if (path.startsWith("/releases/")) {
            return release(path.substring("/releases/".length()), params, base);
        }
        if (path.startsWith("/doc/")) {
            return document(path.substring("/doc/".length()), base);
        }
        if (path.equals("/browse") || path.startsWith("/browse/")) {
            return browse(path.equals("/browse") ? "" : path.substring("/browse/".length()), base);
        }
        if (path.equals("/mirrors")) {
            return mirrors(base);
        }
        if (path.equals("/run-a-mirror")) {
            return runAMirror(base);
        }
        if (path.equals("/feed.atom")) {
            return feed(base);
        }
        return null;
    }

    private Map<String, Object> model(String base) {
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

    private Page error(int code, String heading, String message) {
        Map<String, Object> m = model("");
        m.put("heading", heading);
        m.put("message", message);
        return Page.html(code, templates.render("error", m));
    }

    private Page notYet() {
        return error(503, "Not ready yet", "This node holds no complete archive version yet. Try again in a minute, or another mirror.");
    }

    private Page home(String base) throws IOException, TufException {
        Map<String, Object> m = model(base);
        Catalog c = catalogs.get();
        if (c == null) {
            m.put("empty", true);
        } else {
            List<ReleaseInfo> infos = infos(c);
            m.put("documents", String.format(Locale.ROOT, "%,d", infos.stream().mapToLong(ReleaseInfo::documents).sum()));
            m.put("releaseCount", infos.size());
            m.put("version", c.version());
            m.put("latest", infos.reversed().stream().limit(5).toList());
            m.put("fingerprintGrouped", org.samizdat.tuf.RootFingerprint.parse(c.rootFingerprint()).grouped("\n"));
            m.put("searchState", sources.indexer() == null ? "ready" : sources.indexer().index().state());
        }
        return Page.html(200, templates.render("home", m));
    }

    private static List<ReleaseInfo> infos(Catalog c) throws IOException, TufException {
        List<ReleaseInfo> out = new ArrayList<>();
        for (String id : c.releaseIds()) {
            out.add(c.info(id));
        }
        return out;
    }

    private Page releases(String base) throws IOException, TufException {
        Catalog c = catalogs.get();
        if (c == null) {
            return notYet();
        }
        Map<String, Object> m = model(base);
        m.put("releases", infos(c).reversed());
        return Page.html(200, templates.render("releases", m));
    }

    private Page release(String id, Map<String, List<String>> params, String base) throws IOException, TufException {
        Catalog c = catalogs.get();
        if (c == null) {
            return notYet();
        }
        if (!c.releaseIds().contains(id)) {
            return error(404, "No such release", "This archive has no release called \"" + id + "\". See the list of releases.");
        }
        Catalog.Release r = c.release(id);
        int pages = Math.max(1, (r.documents().size() + RELEASE_PAGE - 1) / RELEASE_PAGE);
        int page = Math.min(pages, pageParam(params));
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Catalog.Entry e : r.documents().subList((page - 1) * RELEASE_PAGE, Math.min(r.documents().size(), page * RELEASE_PAGE))) {
            docs.add(Map.of("path", e.path(), "name", e.path().substring(id.length() + 1), "date", e.meta().date(),
                    "title", e.meta().title()));
        }
        Map<String, Object> m = model(base);
        m.put("release", r.info());
        m.put("docs", docs);
        pager(m, page, pages, "/releases/" + id + "?page=");
        return Page.html(200, templates.render("release", m));
    }

    private static void pager(Map<String, Object> m, int page, int pages, String prefix) {
        m.put("page", page);
        m.put("pages", pages);
        if (page > 1) {
            m.put("prev", prefix + (page - 1));
        }
        if (page < pages) {
            m.put("next", prefix + (page + 1));
        }
    }

    private static int pageParam(Map<String, List<String>> params) {
        try {
            return Math.max(1, Integer.parseInt(first(params, "page")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private Page document(String path, String base) throws IOException, TufException {
        Catalog c = catalogs.get();
        if (c == null) {
            return notYet();
        }
        Optional<Catalog.Entry> found = TargetPath.problem(path).isPresent() ? Optional.empty() : c.find(path);
        if (found.isEmpty()) {
            return error(404, "No such document", "The signed metadata of this archive lists no document at \"" + path + "\".");
        }
        Catalog.Entry e = found.get();
        DocumentMeta meta = e.meta();
        Map<String, Object> m = model(base);
        m.put("path", e.path());
        m.put("release", e.release());
        m.put("sha256", e.file().sha256());
        m.put("length", String.format(Locale.ROOT, "%,d", e.file().length()));
        m.put("type", meta.contentType().isEmpty() ? "unknown type" : meta.contentType());
        m.put("raw", "/targets/" + e.storedName());
        m.put("date", meta.date());
        m.put("year", meta.date().length() >= 4 ? meta.date().substring(0, 4) : "");
        m.put("fields", fields(meta));
        m.put("mirrors", otherMirrors(base));
        String title = meta.title();
        Optional<byte[]> bytes = c.read(e);
        if (bytes.isEmpty()) {
            m.put("textProblem", "This node does not hold a verified copy of this document right now; try a mirror below.");
        } else {
            try {
                TextExtractor.Extracted x = TextExtractor.extract(bytes.get(), meta.contentType());
                if (title.isEmpty()) {
                    title = x.title();
                }
                String text = x.text();
                if (text.isBlank()) {
                    m.put("textProblem", "This document has no text to show here; open the raw file.");
                } else if (text.length() > MAX_TEXT_SHOWN) {
                    m.put("text", text.substring(0, MAX_TEXT_SHOWN));
                    m.put("cut", true);
                    m.put("shown", String.format(Locale.ROOT, "%,d", MAX_TEXT_SHOWN));
                } else {
                    m.put("text", text);
                }
            } catch (TextExtractor.Failure f) {
                m.put("textProblem", "Its text could not be extracted (" + f.getMessage() + "); the raw file is intact and verified.");
            }
        }
        m.put("title", title.isEmpty() ? e.path().substring(e.path().lastIndexOf('/') + 1) : title);
        return Page.html(200, templates.render("doc", m));
    }

    private static List<Map<String, Object>> fields(DocumentMeta meta) {
        List<Map<String, Object>> rows = new ArrayList<>();
        meta.fields().forEach((name, value) -> {
            List<String> values = value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(value));
            String dim = LINKED_FIELDS.get(name);
            List<Map<String, String>> shown = new ArrayList<>();
            for (String v : values) {
                shown.add(dim == null ? Map.of("text", v) : Map.of("text", v, "href", "/search?" + dim + "=" + enc(v)));
            }
            String label = name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1).replace('_', ' ');
            rows.add(Map.of("name", label, "values", shown));
        });
        return rows;
    }

    private List<String> otherMirrors(String base) {
        List<String> out = new ArrayList<>();
        for (String m : sources.mirrors().get()) {
            String u = m.replaceAll("/+$", "");
            if (u.matches("https?://[^\\s\"'<>]+") && !u.equals(base) && !out.contains(u)) {
                out.add(u);
            }
        }
        return out;
    }

    private Page search(Map<String, List<String>> params, String base, boolean json) throws IOException {
        String q = first(params, "q");
        Map<String, Object> m = model(base);
        m.put("q", q);
        SearchQuery query;
        try {
            query = SearchQuery.parse(q, params, first(params, "sort"), first(params, "page"));
        } catch (SearchQuery.Rejected r) {
            if (json) {
                return json(400, Map.of("error", r.getMessage()));
            }
            m.put("q", "");
            m.put("rejected", r.getMessage());
            m.put("active", List.of());
            m.put("sort", "relevance");
            return Page.html(400, templates.render("search", m));
        }
        m.put("sort", query.sort().param());
        Map<String, List<String>> typed = typedFilters(q);
        m.put("active", active(query, q, typed));
        if (sources.indexer() == null) {
            return json ? json(503, Map.of("error", "search is not available on this node"))
                    : error(503, "Search is off", "This node does not run a search index. Browse the releases, or search on another mirror.");
        }
        SearchIndex index = sources.indexer().index();
        String state = index.state();
        SearchResults r = searchCache.get(query, index.indexedVersion(), state, () -> index.search(query));
        if (!state.equals("ready") || index.indexedVersion() == 0) {
            m.put("indexState", "The search index is being built (" + state + "); results are incomplete until it finishes.");
        }
        if (json) {
            return json(200, json(r, q));
        }
        m.put("results", true);
        m.put("total", String.format(Locale.ROOT, "%,d", r.total()));
        m.put("totalExact", r.totalIsExact());
        m.put("took", r.tookMillis());
        m.put("notes", r.notes());
        m.put("first", (query.page() - 1) * SearchQuery.PAGE_SIZE + 1);
        m.put("hits", r.hits().stream().map(h -> Map.of("path", h.path(), "title", h.title(), "reference", h.reference(),
                "date", h.date(), "release", h.release(), "type", shortType(h.contentType()), "snippetHtml", h.snippetHtml())).toList());
        m.put("facets", facets(r, query, q, typed));
        pager(m, query.page(), r.pages(), "/search?" + queryString(q, typed, query.filters(), query.sort(), null, null) + "&page=");
        return Page.html(200, templates.render("search", m));
    }

    private static String shortType(String type) {
        if (type == null) {
            return "";
        }
        int semi = type.indexOf(';');
        return semi < 0 ? type : type.substring(0, semi);
    }

    private static Map<String, Object> json(SearchResults r, String q) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("query", q == null ? "" : q);
        out.put("total", r.total());
        out.put("total_exact", r.totalIsExact());
        out.put("page", (long) r.query().page());
        out.put("pages", (long) r.pages());
        out.put("took_ms", r.tookMillis());
        List<Object> hits = new ArrayList<>();
        for (SearchResults.Hit h : r.hits()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("path", h.path());
            j.put("title", h.title());
            j.put("date", h.date());
            j.put("release", h.release());
            j.put("reference", h.reference());
            j.put("content_type", h.contentType());
            j.put("length", h.length());
            j.put("url", "/doc/" + h.path());
            j.put("snippet_html", h.snippetHtml());
            hits.add(j);
        }
        out.put("hits", hits);
        Map<String, Object> facets = new LinkedHashMap<>();
        r.facets().forEach((dim, values) -> facets.put(dim, values.stream()
                .map(v -> (Object) Map.<String, Object>of("value", v.value(), "count", v.count())).toList()));
        out.put("facets", facets);
        out.put("facets_approximate", r.facetsApproximate());
        out.put("filters", new LinkedHashMap<String, Object>(r.query().filters()));
        out.put("notes", new ArrayList<Object>(r.notes()));
        return out;
    }

    private static List<Map<String, Object>> active(SearchQuery query, String q, Map<String, List<String>> typed) {
        List<Map<String, Object>> out = new ArrayList<>();
        query.filters().forEach((dim, values) -> {
            for (String v : values) {
                Map<String, List<String>> rest = new LinkedHashMap<>();
                query.filters().forEach((d, vs) -> rest.put(d, vs.stream().filter(x -> !(d.equals(dim) && x.equals(v))).toList()));
                out.add(Map.of("dim", dim, "value", v, "label", LABELS.getOrDefault(dim, dim),
                        "remove", "/search?" + queryString(q, typed, rest, query.sort(), null, null)));
            }
        });
        return out;
    }

    private static List<Map<String, Object>> facets(SearchResults r, SearchQuery query, String q, Map<String, List<String>> typed) {
        List<Map<String, Object>> out = new ArrayList<>();
        r.facets().forEach((dim, values) -> {
            if (values.isEmpty()) {
                return;
            }
            List<Map<String, Object>> vs = new ArrayList<>();
            for (SearchResults.FacetValue v : values) {
                boolean on = query.filters().getOrDefault(dim, List.of()).contains(v.value());
                vs.add(Map.of("value", v.value(), "count", (r.facetsApproximate() ? "≈" : "") + String.format(Locale.ROOT, "%,d", v.count()), "active", on,
                        "href", "/search?" + queryString(q, typed, query.filters(), query.sort(), dim, v.value())));
            }
            out.add(Map.of("dim", dim, "label", LABELS.getOrDefault(dim, dim), "values", vs,
                    "more", values.size() >= 10 && !dim.equals("year") && !dim.equals("release")));
        });
        return out;
    }

    /** The filters typed into the query text itself (they travel in {@code q}, not as parameters). */
    private static Map<String, List<String>> typedFilters(String q) {
        try {
            return SearchQuery.parse(q, Map.of(), null, null).filters();
        } catch (SearchQuery.Rejected tooLong) {
            return Map.of();
        }
    }

    private static String queryString(String q, Map<String, List<String>> typed, Map<String, List<String>> filters,
                                      SearchQuery.Sort sort, String addDim, String addValue) {
        StringBuilder sb = new StringBuilder("q=").append(enc(q == null ? "" : q));
        Map<String, List<String>> all = new LinkedHashMap<>();
        filters.forEach((d, vs) -> all.put(d, new ArrayList<>(vs)));
        if (addDim != null && !all.computeIfAbsent(addDim, k -> new ArrayList<>()).contains(addValue)) {
            all.get(addDim).add(addValue);
        }
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            for (String v : e.getValue()) {
                if (typed.getOrDefault(e.getKey(), List.of()).contains(v)) {
                    continue;
                }
                sb.append('&').append(e.getKey()).append('=').append(enc(v));
            }
        }
        if (sort != SearchQuery.Sort.RELEVANCE) {
            sb.append("&sort=").append(sort.param());
        }
        return sb.toString();
    }

    private Page browse(String dim, String base) throws IOException {
        Map<String, Object> m = model(base);
        if (dim.isEmpty()) {
            m.put("dims", SearchQuery.DIMENSIONS.stream().map(d -> Map.of("dim", d, "label", LABELS.get(d))).toList());
            return Page.html(200, templates.render("browse", m));
        }
        if (!SearchQuery.DIMENSIONS.contains(dim)) {
            return error(404, "Nothing to browse", "There is no \"" + dim + "\" to browse by. Try tag, origin, year or release.");
        }
        if (sources.indexer() == null) {
            return error(503, "Browsing needs the search index", "This node does not run a search index; see the releases instead.");
        }
        m.put("label", LABELS.get(dim).toLowerCase(Locale.ROOT));
        List<Map<String, Object>> values = new ArrayList<>();
        for (SearchResults.FacetValue v : sources.indexer().index().values(dim, 1000)) {
            values.add(Map.of("value", v.value(), "count", String.format(Locale.ROOT, "%,d", v.count()),
                    "href", "/search?" + dim + "=" + enc(v.value()) + (dim.equals("year") || dim.equals("month") ? "&sort=oldest" : "")));
        }
        m.put("values", values);
        return Page.html(200, templates.render("browse", m));
    }

    private Page mirrors(String base) {
        Map<String, Object> m = model(base);
        Map<String, Object> s = status.snapshot();
        m.put("role", String.valueOf(s.getOrDefault("role", "node")));
        m.put("version", s.get("version"));
        m.put("upstream", s.get("upstream"));
        m.put("mirrors", otherMirrors(base));
        return Page.html(200, templates.render("mirrors", m));
    }

    private Page runAMirror(String base) {
        Map<String, Object> m = model(base);
        String dir = config.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        m.put("dirName", (dir.isEmpty() ? "archive" : dir) + "-mirror");
        return Page.html(200, templates.render("run-a-mirror", m));
    }

    private Page feed(String base) throws IOException, TufException {
        Catalog c = catalogs.get();
        if (c == null) {
            return notYet();
        }
        Map<String, Object> m = model(base);
        List<ReleaseInfo> infos = infos(c).reversed();
        m.put("releases", infos);
        m.put("updated", infos.isEmpty() ? "1970-01-01T00:00:00Z" : infos.getFirst().published());
        return new Page(200, "application/atom+xml; charset=utf-8", templates.render("feed", m), "no-cache");
    }

    private static Page json(int status, Map<String, Object> body) {
        return new Page(status, "application/json", new String(Json.write(body), StandardCharsets.UTF_8), "no-cache");
    }

    static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

}
