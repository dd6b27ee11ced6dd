package org.samizdat.server;

import org.samizdat.repo.MirrorList;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.samizdat.tuf.TufException;

/**
 * The router of the reader's pages (their groups: {@link ArchivePages}, {@link SearchPages},
 * {@link NetworkPages}): home, releases, a release, a document, search with facets, browse, mirrors,
 * "run a mirror", the Atom feed of releases, and {@code /api/search} (the search page's results
 * as JSON). Pages are rendered on the server, need no JavaScript, and link only to this node and
 * to mirrors it knows. No Jetty types here: a request is a path, its query parameters and the
 * base URL readers reached the node at.
 */
final class ReaderPages {
    static final String HTML = "text/html; charset=utf-8";

    private final ReaderSources sources;
    private final SearchCache searchCache;
    private final ArchivePages archive;
    private final SearchPages search;
    private final NetworkPages network;
    private final byte[] css;
    private final CurrentCatalog catalogs;

    /** A rendered answer. */
    record Page(int status, String contentType, String body, String cacheControl) {
        static Page html(int status, String body) {
            return new Page(status, HTML, body, "no-cache");
        }
    }

    ReaderPages(ServerConfig config, NodeStatus status, ReaderSources sources) {
        this.sources = sources;
        this.searchCache = new SearchCache(config.limits().searchCache());
        this.catalogs = new CurrentCatalog(config.publicDir());
        PageGroup.Context c = new PageGroup.Context(config, status, sources, new Templates(), catalogs, searchCache);
        this.archive = new ArchivePages(c);
        this.search = new SearchPages(c);
        this.network = new NetworkPages(c);
        try (InputStream in = ReaderPages.class.getResourceAsStream("static/style.css")) {
            if (in == null) {
                throw new IllegalStateException("the reader stylesheet is missing from the build");
            }
            css = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("the reader stylesheet cannot be read", e);
        }
    }

    /** The catalog of the version served, or null before the first one. */
    org.samizdat.repo.Catalog catalog() {
        return catalogs.get();
    }

    SearchCache searchCache() {
        return searchCache;
    }

    /** The verified copies (the signed mirror list), for the overload page. */
    List<String> mirrors() {
        return network.signedMirrors();
    }

    /** The signed mirror list and, on a registry, what it knows of every registrant: {@code GET /api/mirrors}. */
    Page mirrorsJson(String base) {
        return network.mirrorsJson(base);
    }

    /** How many copies the signed list names now (for /metrics). */
    int listedMirrors() {
        MirrorList l = network.signedList();
        return l == null ? 0 : l.mirrors().size();
    }

    byte[] css() {
        return css;
    }

    /** The page for a GET of {@code path}, or null when the path is not a reader route. */
    Page page(String path, Map<String, List<String>> params, String base) {
        try {
            return route(path, params, base);
        } catch (IOException | TufException e) {
            return archive.error(500, "Something went wrong", "This node could not read its archive: " + e.getMessage());
        }
    }

    private Page route(String path, Map<String, List<String>> params, String base) throws IOException, TufException {
        if (path.equals("/")) {
            return archive.home(base);
        }
        if (path.equals("/search")) {
            return search.search(params, base, false);
        }
        if (path.equals("/api/search")) {
            return search.search(params, base, true);
        }
        if (path.equals("/releases")) {
            return archive.releases(base);
        }
        if (path.startsWith("/releases/")) {
            return archive.release(path.substring("/releases/".length()), params, base);
        }
        if (path.startsWith("/doc/")) {
            return archive.document(path.substring("/doc/".length()), base);
        }
        if (path.equals("/browse") || path.startsWith("/browse/")) {
            return search.browse(path.equals("/browse") ? "" : path.substring("/browse/".length()), base);
        }
        if (path.equals("/mirrors")) {
            return network.mirrors(base);
        }
        if (path.equals("/mirrors/history.svg")) {
            return network.historyChart();
        }
        if (path.equals("/run-a-mirror")) {
            return network.runAMirror(base);
        }
        if (path.equals("/feed.atom")) {
            return archive.feed(base);
        }
        return null;
    }


}
