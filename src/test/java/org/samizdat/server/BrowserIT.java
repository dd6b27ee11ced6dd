package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.TestArchive;
import org.samizdat.search.SampleArchive;

/**
 * A reader in real headless Chromium: home, a search, two facets, a document and its raw signed
 * file, once with JavaScript on and once off, with the same results. Screenshots of home, search
 * and a document are left in {@code target/screenshots}.
 */
class BrowserIT {
    static final Path SCREENSHOTS = Path.of("target/screenshots");

    @Test
    void aReaderSearchesFiltersReadsAndVerifiesWithAndWithoutJavaScript(@TempDir Path tmp) throws Exception {
        TestArchive archive = SampleArchive.create(tmp, 80);
        try (ReaderServer node = new ReaderServer(archive.publicDir(), tmp.resolve("index"), List.of())) {
            Map<String, Object> report = Chromium.walk(node.url(), SCREENSHOTS);
            assertEquals(Boolean.TRUE, report.get("ok"), String.valueOf(report.get("error")));
            List<?> runs = (List<?>) report.get("runs");
            assertEquals(2, runs.size());
            Map<?, ?> js = (Map<?, ?>) runs.get(0);
            Map<?, ?> noJs = (Map<?, ?>) runs.get(1);
            for (Map<?, ?> run : List.of(js, noJs)) {
                assertEquals("Sample archive", run.get("homeHeading"));
                long first = Long.parseLong(String.valueOf(run.get("firstTotal")).replace(",", ""));
                long narrowed = Long.parseLong(String.valueOf(run.get("total")).replace(",", ""));
                assertTrue(narrowed > 0 && narrowed < first, narrowed + " of " + first);
                assertEquals(java.util.Set.of("Tag: " + run.get("tag") + " ✕", "Origin: " + run.get("origin") + " ✕"),
                        java.util.Set.copyOf((List<?>) run.get("chips")), "both filters are shown and removable");
                assertFalse(((List<?>) run.get("hits")).isEmpty());
                assertTrue(String.valueOf(run.get("docUrl")).startsWith("/doc/"));
                assertEquals(200L, run.get("rawStatus"));
                assertEquals(run.get("docSha256"), run.get("rawSha256"), "the raw file is the signed one");
                assertEquals(List.of(), run.get("foreignRequests"), "nothing loaded from anywhere but the node");
                assertEquals(List.of(), run.get("consoleErrors"), "no CSP violations or other errors");
            }
            for (String key : List.of("tag", "origin", "searchUrl", "total", "hits", "docUrl", "docHeading", "docSha256")) {
                assertEquals(js.get(key), noJs.get(key), key + " differs with JavaScript off");
            }
            Map<?, ?> phone = (Map<?, ?>) report.get("phone");
            assertTrue(((Number) phone.get("searchOverflow")).intValue() <= 390, "the search page fits a phone: " + phone);
            assertTrue(((Number) phone.get("docOverflow")).intValue() <= 390, "the document page fits a phone: " + phone);
            assertTrue(((Number) phone.get("searchBoxWidth")).doubleValue() >= 250,
                    "the search box is not squeezed beside the sort menu: " + phone.get("searchBoxWidth"));
            assertEquals(Boolean.FALSE, phone.get("sideFacetsVisible"), "no column of facets on a phone");
            assertTrue(((Number) phone.get("foldedFacetsTop")).doubleValue() < ((Number) phone.get("firstHitTop")).doubleValue(),
                    "the facets are reached before the results on a phone: " + phone);
            assertTrue(((Number) phone.get("unfoldedFacetLinks")).intValue() > 0, "unfolded, the facets are there");
            List<?> labels = (List<?>) phone.get("labelLines");
            assertTrue(labels.size() >= 5, "the document shows its metadata fields: " + labels);
            for (Object label : labels) {
                assertEquals(1L, ((Number) ((Map<?, ?>) label).get("lines")).longValue(), "a metadata label broke: " + label);
            }
            assertEquals(0L, ((Number) phone.get("emptyListItems")).longValue(), "an empty result is not a numbered item");
            assertTrue(String.valueOf(phone.get("emptyMessage")).startsWith("No documents match"));
            for (String shot : List.of("home", "search", "document", "home-nojs", "search-nojs", "document-nojs",
                    "search-phone", "document-phone")) {
                Path png = SCREENSHOTS.resolve(shot + ".png");
                assertTrue(Files.size(png) > 5_000, png + " is missing or empty");
            }
        }
    }
}
