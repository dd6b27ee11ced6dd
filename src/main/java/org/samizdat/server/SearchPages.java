package org.samizdat.server;

import org.samizdat.server.ReaderPages.Page;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.samizdat.search.SearchIndex;
import org.samizdat.search.SearchQuery;
import org.samizdat.search.SearchResults;

/** Search with its facets and filters, {@code /api/search} (the same answer as JSON), and browsing by facet. */
final class SearchPages extends PageGroup {
    private static final Map<String, String> LABELS = Map.of("release", "Release", "year", "Year", "month", "Month",
            "origin", "Origin", "classification", "Classification", "tag", "Tag", "type", "Type", "ref", "Reference");
    private final SearchCache searchCache;

    SearchPages(Context c) {
        super(c);
        this.searchCache = c.searchCache();
    }

    Page search(Map<String, List<String>> params, String base, boolean json) throws IOException {
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
        SearchResults r = searchCache.get(query, index.generation(), state, () -> index.search(query));
        if (!state.equals("ready") || index.indexedVersion() == 0) {
            m.put("indexState", "The search index is being built (" + state + "); results are incomplete until it finishes.");
        }
        if (json) {
            return json(200, json(r, q));
        }
        m.put("results", true);
        m.put("total", String.format(Locale.ROOT, "%,d", r.total()));
        m.put("totalExact", r.totalIsExact());
        m.put("totalEstimated", r.facetsApproximate() && !r.timedOut());
        m.put("took", r.tookMillis());
        m.put("notes", r.notes());
        m.put("first", (query.page() - 1) * SearchQuery.PAGE_SIZE + 1);
        m.put("hits", r.hits().stream().map(h -> Map.of("path", h.path(), "title", h.title(), "reference", h.reference(),
                "date", h.date(), "release", h.release(), "type", shortType(h.contentType()), "snippetHtml", h.snippetHtml())).toList());
        m.put("facets", facets(r, query, q, typed));
        pager(m, query.page(), r.pages(), "/search?" + queryString(q, typed, query.filters(), query.sort(), null, null) + "&page=");
        return Page.html(200, templates.render("search", m));
    }

    static String shortType(String type) {
        if (type == null) {
            return "";
        }
        int semi = type.indexOf(';');
        return semi < 0 ? type : type.substring(0, semi);
    }

    static Map<String, Object> json(SearchResults r, String q) {
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

    static String queryString(String q, Map<String, List<String>> typed, Map<String, List<String>> filters,
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

    Page browse(String dim, String base) throws IOException {
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

}
