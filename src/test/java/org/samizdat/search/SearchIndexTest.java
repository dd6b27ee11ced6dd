package org.samizdat.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.Catalog;
import org.samizdat.work.Progress;
import org.samizdat.repo.TestArchive;
import org.samizdat.store.FileStore;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchIndexTest {
    private static final int DOCS = 150;
    private TestArchive archive;
    private SearchIndex index;
    private SearchIndex.Update first;
    private final List<String> log = new ArrayList<>();

    @BeforeAll
    void build(@TempDir Path tmp) throws Exception {
        archive = SampleArchive.create(tmp, DOCS);
        index = SearchIndex.open(tmp.resolve("index"), log::add);
        first = index.update(catalog(), Progress.NONE);
    }

    private Catalog catalog() throws Exception {
        return Catalog.open(new FileStore(archive.publicDir()));
    }

    private SearchResults search(String q, Map<String, List<String>> filters, String sort, String page) throws Exception {
        return index.search(SearchQuery.parse(q, filters, sort, page));
    }

    private SearchResults search(String q) throws Exception {
        return search(q, Map.of(), null, null);
    }

    @Test
    void everyDocumentOfEveryReleaseIsIndexedAndBrokenTextIsCountedNotDropped() throws Exception {
        assertEquals(2, first.releasesAdded());
        assertEquals(2 * DOCS + 4, first.documents());
        assertEquals(1, first.extractionFailures(), "the broken PDF");
        assertEquals(new SearchIndex.Counts(2 * DOCS + 4, 1), index.counts());
        SearchResults broken = search("broken.pdf");
        assertTrue(broken.hits().stream().anyMatch(h -> h.path().endsWith(SampleArchive.BROKEN_PDF)), broken.hits().toString());
    }

    @Test
    void textFromHtmlEmailAndDiacriticsIsFoundAndSnippetsAreEscaped() throws Exception {
        SearchResults html = search(SampleArchive.HOSTILE_WORD);
        assertEquals(1, html.total());
        String snippet = html.hits().getFirst().snippetHtml();
        assertTrue(snippet.contains("<mark>" + SampleArchive.HOSTILE_WORD + "</mark>"), snippet);
        assertFalse(snippet.contains("<img") || snippet.contains("<script"), snippet);
        // a title is raw text in HTML: the markup in it is literal, to be escaped by every page
        assertEquals("A <b>bold</b> & odd page", html.hits().getFirst().title());

        assertEquals(1, search(SampleArchive.MAIL_WORD).total());
        assertEquals("Supplies for the " + SampleArchive.MAIL_WORD, search(SampleArchive.MAIL_WORD).hits().getFirst().title());
        assertEquals(1, search("zurichsee").total(), "folded diacritics");
        assertEquals(1, search("\"ministere says ca va\"").total());
    }

    @Test
    void aReferenceIdFindsItsDocumentFirst() throws Exception {
        SearchResults r = search("09bern777");
        assertEquals("09BERN777", r.hits().getFirst().reference());
        assertEquals(1, search("", Map.of("ref", List.of("09BERN777")), null, null).total());
    }

    @Test
    void facetsCountTheMatchesAndTwoFiltersNarrowToDocumentsWithBoth() throws Exception {
        SearchResults all = search("");
        assertEquals(2 * DOCS + 4, all.total());
        Map<String, List<SearchResults.FacetValue>> f = all.facets();
        assertEquals(List.of("r0002", "r0001"), f.get("release").stream().map(SearchResults.FacetValue::value).toList());
        long tagged = f.get("tag").getFirst().count();
        assertTrue(tagged > 0 && tagged < all.total(), f.toString());
        String tag = f.get("tag").getFirst().value();
        String origin = f.get("origin").getFirst().value();
        SearchResults both = search("", Map.of("tag", List.of(tag), "origin", List.of(origin)), null, null);
        assertTrue(both.total() > 0 && both.total() < tagged, both.total() + " of " + tagged);
        assertEquals(List.of(new SearchResults.FacetValue(origin, both.total())), both.facets().get("origin"));
        assertTrue(both.facets().get("tag").stream().anyMatch(v -> v.value().equals(tag) && v.count() == both.total()));
        SearchResults viaQuery = search("tag:" + tag + " origin:\"" + origin + "\"");
        assertEquals(both.total(), viaQuery.total());
    }

    @Test
    void datesSortBothWaysAndPagesDoNotOverlap() throws Exception {
        SearchResults newest = search("", Map.of(), "newest", null);
        SearchResults oldest = search("", Map.of(), "oldest", null);
        List<String> dates = newest.hits().stream().map(SearchResults.Hit::date).toList();
        assertEquals(dates.stream().sorted(java.util.Comparator.reverseOrder()).toList(), dates);
        assertTrue(oldest.hits().getFirst().date().compareTo(newest.hits().getFirst().date()) < 0);
        SearchResults page2 = search("", Map.of(), "newest", "2");
        assertEquals(SearchQuery.PAGE_SIZE, page2.hits().size());
        assertTrue(page2.hits().stream().noneMatch(newest.hits()::contains));
        assertTrue(page2.hits().getFirst().date().compareTo(newest.hits().getLast().date()) <= 0);
    }

    @Test
    void excludingAWordRemovesItsDocuments() throws Exception {
        long oil = search("oil").total();
        long oilNotGas = search("oil -gas").total();
        long oilAndGas = search("oil gas").total();
        assertTrue(oil > 0);
        assertEquals(oil, oilNotGas + oilAndGas);
        assertTrue(search("oil OR gas").total() >= oil);
    }

    @Test
    void hostileQueriesAreAnsweredQuicklyOrRejectedWithAReason() throws Exception {
        List<String> nasty = List.of("*", "?", "***", "a*", "\"", "\"\"\"", "((((((((((((((((((((a", ")))))", "-", "--", "- -",
                "OR", "NOT", "AND OR NOT", "title:", ":", "::::", "tag:", "release:\"", "+-+-+-", "\\", "\u0000\u0001",
                "🙂 🙂", "\u202Eevil", "ß".repeat(500), "a".repeat(1999), "(".repeat(1000) + "x" + ")".repeat(999),
                "x ".repeat(999), "a* b* c* d* e* f* g* h* i* j* k* l* m* n* o* p*", "\"" + "the ".repeat(400) + "\"",
                "x".repeat(100_000), "title:\"" + "y".repeat(3000));
        for (String q : nasty) {
            long start = System.nanoTime();
            try {
                SearchResults r = search(q);
                assertTrue(r.total() >= 0);
            } catch (SearchQuery.Rejected e) {
                assertTrue(e.getMessage().contains("limit"), e.getMessage());
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 3_000, "query of " + q.length() + " chars took " + ms + " ms");
        }
    }

    @Test
    void aNewReleaseIsIndexedWithoutRebuildingTheOthers(@TempDir Path tmp) throws Exception {
        TestArchive a = SampleArchive.create(tmp, 20);
        try (SearchIndex idx = SearchIndex.open(tmp.resolve("index"), s -> { })) {
            idx.update(Catalog.open(new FileStore(a.publicDir())), Progress.NONE);
            SearchIndex.Update again = idx.update(Catalog.open(new FileStore(a.publicDir())), Progress.NONE);
            assertEquals(0, again.releasesAdded());
            a.stage("late", 5);
            a.publish("Third release");
            SearchIndex.Update u = idx.update(Catalog.open(new FileStore(a.publicDir())), Progress.NONE);
            assertEquals(1, u.releasesAdded());
            assertEquals(5, u.documents());
            assertEquals(5, idx.search(SearchQuery.parse("", Map.of("release", List.of("r0003")), null, null)).total());
        }
    }

    @Test
    void aCorruptIndexIsRebuiltAndTamperedBytesAreNotIndexed(@TempDir Path tmp) throws Exception {
        TestArchive a = SampleArchive.create(tmp, 20);
        Path dir = tmp.resolve("index");
        try (SearchIndex idx = SearchIndex.open(dir, s -> { })) {
            idx.update(Catalog.open(new FileStore(a.publicDir())), Progress.NONE);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("segments")).toList()) {
                Files.write(f, new byte[] {1, 2, 3});
            }
        }
        // tamper with one stored document: it must not be indexed
        Catalog c = Catalog.open(new FileStore(a.publicDir()));
        Catalog.Entry victim = c.release("r0001").documents().getFirst();
        Files.writeString(a.publicDir().resolve("targets").resolve(victim.storedName()), "forged text");
        List<String> messages = new ArrayList<>();
        try (SearchIndex idx = SearchIndex.open(dir, messages::add)) {
            assertTrue(messages.stream().anyMatch(m -> m.contains("rebuilding")), messages.toString());
            SearchIndex.Update u = idx.update(Catalog.open(new FileStore(a.publicDir())), Progress.NONE);
            assertEquals(2, u.releasesAdded());
            assertEquals(1, u.unverified());
            assertEquals(0, idx.search(SearchQuery.parse("forged", Map.of(), null, null)).total());
            assertEquals(2 * 20 + 4 - 1, idx.counts().documents());
        }
    }

    @Test
    void nothingIsLoggedWhenAllIsWell() {
        assertTrue(log.isEmpty(), log.toString());
        assertNotEquals(0, index.indexedVersion());
    }
}
