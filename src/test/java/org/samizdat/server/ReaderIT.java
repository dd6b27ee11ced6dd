package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.TestArchive;
import org.samizdat.search.SampleArchive;
import org.samizdat.store.FileStore;

/** The reader's pages and search API over real HTTP, against an archive with hostile documents in it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReaderIT {
    private static final String MIRROR = "http://127.0.0.9:8080";
    /** A node this one talks to but that no signed list names: never shown as a copy. */
    private static final String NEIGHBOUR = "http://127.0.0.10:8080";
    private TestArchive archive;
    private ReaderServer node;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        archive = SampleArchive.create(tmp, 60);
        java.time.Instant t = archive.now();
        archive.publisher().publishMirrorList(new org.samizdat.repo.MirrorList(t, null, List.of(
                new org.samizdat.repo.MirrorList.Entry(List.of(MIRROR), t, t, 3, 0, 12))));
        node = new ReaderServer(archive.publicDir(), tmp.resolve("index"), List.of(NEIGHBOUR));
    }

    @AfterAll
    void stop() throws Exception {
        node.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private Catalog.Entry entry(String suffix) throws Exception {
        Catalog c = Catalog.open(new FileStore(archive.publicDir()));
        return c.release("r0001").documents().stream().filter(e -> e.path().endsWith(suffix)).findFirst().orElseThrow();
    }

    @Test
    void everyPageIsSelfContainedHtmlWithAStrictPolicyAndNoCookies() throws Exception {
        String doc = entry("special/lake.txt").path();
        for (String path : List.of("/", "/releases", "/releases/r0001", "/doc/" + doc, "/search?q=oil", "/search",
                "/browse", "/browse/tag", "/mirrors", "/run-a-mirror")) {
            HttpResponse<String> r = node.get(path);
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/html"), path);
            String csp = r.headers().firstValue("content-security-policy").orElse("");
            assertTrue(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline") && !csp.contains("script-src"), csp);
            assertTrue(r.headers().firstValue("set-cookie").isEmpty(), path);
            assertFalse(r.body().contains("<script"), path + " has a script");
            assertFalse(Pattern.compile("(src|href)=\"(https?:)?//(?!127\\.0\\.0\\.9)(?!theupdateframework\\.io)")
                    .matcher(r.body().replace(node.url(), "")).find(), path + " loads or links something third-party");
            assertTrue(r.body().contains("name=\"viewport\""), path + " is not set up for phones");
        }
    }

    @Test
    void theHomePageShowsCountsTheFingerprintAndHowToMirror() throws Exception {
        String home = node.get("/").body();
        assertTrue(home.contains((2 * 60 + 4) + " documents in 2 releases"), home);
        assertTrue(home.contains(archive.fingerprint), "fingerprint");
        assertTrue(home.contains("Second release") && home.contains("First release"));
        String run = node.get("/run-a-mirror").body();
        assertTrue(run.contains("java -jar samizdat-all.jar mirror " + node.url() + " ./sample-archive-mirror --fingerprint "
                + archive.fingerprint), run);
        assertTrue(run.contains("Get samizdat") && run.contains("openjdk-21-jre-headless") && run.contains("samizdat-all.jar"),
                "the page says how to get samizdat, not only how to run it");
    }

    @Test
    void onlyTheSignedMirrorListIsShownAsCopiesOnTheHomeMirrorsApiAndMetrics() throws Exception {
        assertTrue(node.get("/").body().contains("1 verified copy"), "the home page counts the signed list");
        String page = node.get("/mirrors").body();
        assertTrue(page.contains("Verified copies: 1") && page.contains("href=\"" + MIRROR + "/\""), page);
        assertTrue(page.indexOf(NEIGHBOUR) > page.indexOf("Nodes this one talks to"), "a neighbour is not listed as a copy");
        Map<String, Object> api = Json.parseObject(node.get("/api/mirrors").body().getBytes(StandardCharsets.UTF_8));
        assertEquals(1L, api.get("copies"));
        assertEquals(List.of(MIRROR), ((Map<?, ?>) ((List<?>) ((Map<?, ?>) api.get("signed")).get("mirrors")).getFirst()).get("urls"));
        assertTrue(node.get("/metrics").body().contains("samizdat_mirrors_listed 1.0"));
        assertEquals(404, node.get("/mirrors/history.svg").statusCode(), "only a registry keeps history");
        java.net.http.HttpResponse<String> post = postMirror();
        assertEquals(404, post.statusCode(), "a node without a registry refuses a registration");
        assertTrue(post.body().contains("runs no mirror registry"), post.body());
    }

    private java.net.http.HttpResponse<String> postMirror() throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(node.url() + "/api/mirrors")).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "https://mirror.example")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDocumentPageEscapesWhatTheDocumentSaysAndLinksItsVerifiedRawFile() throws Exception {
        Catalog.Entry lake = entry("special/lake.txt");
        String page = node.get("/doc/" + lake.path()).body();
        assertFalse(page.contains("<script>alert(3)"), "the subject's markup must be escaped");
        assertTrue(page.contains("&lt;script&gt;alert(3)&lt;/script&gt;"), page);
        assertTrue(page.contains(lake.file().sha256()));
        assertTrue(page.contains("href=\"/search?tag=SENV\""), "tags link to the search");
        assertTrue(page.contains(MIRROR + "/doc/" + lake.path()), "other mirrors carry it");
        assertFalse(page.contains(NEIGHBOUR), "only the signed list's mirrors are shown as copies");
        Matcher raw = Pattern.compile("class=\"raw\" href=\"([^\"]+)\"").matcher(page);
        assertTrue(raw.find());
        HttpResponse<byte[]> file = node.getBytes(raw.group(1));
        assertEquals(200, file.statusCode());
        assertEquals(lake.file().sha256(), Sha256.hex(file.body()));

        Catalog.Entry html = entry("special/hostile.html");
        String hostile = node.get("/doc/" + html.path()).body();
        assertFalse(hostile.contains("<script>") || hostile.contains("<img"), hostile);
        assertTrue(hostile.contains("A &lt;b&gt;bold&lt;/b&gt; &amp; odd page"), "the title is escaped");
        HttpResponse<String> rawHtml = node.get("/targets/" + html.storedName());
        assertTrue(rawHtml.headers().firstValue("content-security-policy").orElse("").startsWith("sandbox"),
                "a raw HTML document runs sandboxed, away from this origin");
        assertEquals(404, node.get("/doc/r0001/no/such.txt").statusCode());
        int traversal = node.get("/doc/../../private/keys").statusCode();
        assertTrue(traversal == 400 || traversal == 404, "traversal answered " + traversal);
        assertEquals(404, node.get("/releases/r9999").statusCode());
    }

    @Test
    void theSearchApiReturnsWhatTheSearchPageShows() throws Exception {
        Map<String, Object> facets = apiObject("/api/search?q=").get("facets") instanceof Map<?, ?> f ? cast(f) : Map.of();
        String tag = String.valueOf(((Map<?, ?>) ((List<?>) facets.get("tag")).getFirst()).get("value"));
        String query = "?q=" + enc("the") + "&tag=" + enc(tag) + "&sort=newest";
        Map<String, Object> api = apiObject("/api/search" + query);
        String page = node.get("/search" + query).body();
        Matcher total = Pattern.compile("<span id=\"total\">([0-9,]+)</span>").matcher(page);
        assertTrue(total.find(), page);
        assertEquals(((Long) api.get("total")).longValue(), Long.parseLong(total.group(1).replace(",", "")));
        List<String> apiPaths = new ArrayList<>();
        for (Object h : (List<?>) api.get("hits")) {
            apiPaths.add("/doc/" + ((Map<?, ?>) h).get("path"));
        }
        List<String> pagePaths = new ArrayList<>();
        Matcher m = Pattern.compile("class=\"title\" href=\"([^\"]+)\"").matcher(page);
        while (m.find()) {
            pagePaths.add(m.group(1));
        }
        assertFalse(apiPaths.isEmpty());
        assertEquals(apiPaths, pagePaths);
        assertEquals(List.of(tag), ((Map<?, ?>) api.get("filters")).get("tag"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private Map<String, Object> apiObject(String path) throws Exception {
        HttpResponse<String> r = node.get(path);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        return Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hostileQueriesGetAPageOrAReadableRefusalQuickly() throws Exception {
        List<String> nasty = List.of("*", "\"", "((((((((((a", "-", "title:", "::", "\\", "%", "%25%00", "🙂", "\u0000",
                "<script>alert(1)</script>", "x".repeat(1999), "(".repeat(1500), "a* b* c* d* e* f* g* h*",
                "x".repeat(2_001), "x".repeat(100_000));
        HttpClient http = HttpClient.newHttpClient();
        for (String q : nasty) {
            for (String route : List.of("/search", "/api/search")) {
                long start = System.nanoTime();
                // raw, so that even invalid percent-encoding reaches the server as typed
                String raw = q.equals("%25%00") ? q : enc(q);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.url() + route + "?q=" + raw)).build(),
                        HttpResponse.BodyHandlers.ofString());
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(r.statusCode() == 200 || r.statusCode() == 400, route + " " + q.length() + " chars: " + r.statusCode());
                assertFalse(r.body().isBlank());
                if (route.equals("/search")) {
                    assertFalse(r.body().contains("<script>alert"), "the query is escaped when shown back");
                } else {
                    String type = r.headers().firstValue("content-type").orElse("");
                    // JSON from the API; plain text when Jetty itself refused an address too long to parse
                    assertTrue(type.startsWith("application/json") || r.statusCode() == 400 && type.startsWith("text/plain"), type);
                }
                if (r.statusCode() == 400) {
                    assertTrue(r.body().contains("limit") || r.body().contains("too long"), r.body());
                }
                assertTrue(ms < 5_000, route + " took " + ms + " ms for " + q.length() + " chars");
            }
        }
    }

    @Test
    void theAtomFeedListsEveryReleaseAsWellFormedXml() throws Exception {
        HttpResponse<byte[]> r = node.getBytes("/feed.atom");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/atom+xml"));
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var xml = factory.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
        var entries = xml.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry");
        assertEquals(2, entries.getLength());
        assertTrue(entries.item(0).getTextContent().contains("Second release"));
    }

    @Test
    void metricsCountIndexedDocumentsAndExtractionFailures() throws Exception {
        String metrics = node.get("/metrics").body();
        assertTrue(metrics.contains("samizdat_search_documents " + (2 * 60 + 4) + ".0"), metrics);
        assertTrue(metrics.contains("samizdat_search_extraction_failures 1.0"), "the broken PDF is counted");
    }

    @Test
    void aRepeatedSearchIsAnsweredFromTheCacheAndCountedOnMetrics() throws Exception {
        var metrics = node.server.metrics();
        double hits = metrics.get("samizdat_search_cache_hits").functionCounter().count();
        double misses = metrics.get("samizdat_search_cache_misses").functionCounter().count();
        String first = node.get("/api/search?q=cachedquerywordzz").body();
        String second = node.get("/api/search?q=cachedquerywordzz").body();
        assertEquals(first, second, "the cached answer is the same answer");
        assertEquals(misses + 1, metrics.get("samizdat_search_cache_misses").functionCounter().count());
        assertEquals(hits + 1, metrics.get("samizdat_search_cache_hits").functionCounter().count());
        assertTrue(node.get("/metrics").body().contains("samizdat_search_cache_hits_total"));
    }

    @Test
    void headAndOtherMethodsOnPagesBehave() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/search?q=oil"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/search"))
                .POST(HttpRequest.BodyPublishers.ofString("q=x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    }
}
