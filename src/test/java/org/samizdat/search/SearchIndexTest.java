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
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
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
    private Path indexDir;
    private SearchIndex index;
    private SearchIndex.Update first;
    private final List<String> log = new ArrayList<>();

    @BeforeAll
    void build(@TempDir Path tmp) throws Exception {
        archive = SampleArchive.create(tmp, DOCS);
        indexDir = tmp.resolve("index");
        index = SearchIndex.open(indexDir, log::add);
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
    void anIndexReadThroughThePageCacheAnswersAsTheMappedOneDoes(@TempDir Path other) throws Exception {
        try (SearchIndex read = SearchIndex.open(other.resolve("index"), log::add, IndexAccess.READ)) {
            assertEquals(first.documents(), read.update(catalog(), Progress.NONE).documents());
            for (String q : List.of("minister", "\"human rights\"", SampleArchive.HOSTILE_WORD, "pip*")) {
                SearchResults mapped = search(q);
                SearchResults viaReads = read.search(SearchQuery.parse(q, Map.of(), null, null));
                assertEquals(mapped.total(), viaReads.total(), q);
                assertFalse(viaReads.hits().isEmpty(), q);
                // documents are indexed on several threads, so equal scores may rank in another order
                if (mapped.hits().size() == mapped.total()) {
                    assertEquals(java.util.Set.copyOf(mapped.hits()), java.util.Set.copyOf(viaReads.hits()), q);
                } else {
                    assertEquals(mapped.hits().size(), viaReads.hits().size(), q);
                }
            }
        }
    }

    @Test
    void theWritersBufferIsAnEighthOfASmallHeapAndAtMostSixtyFourMegabytes() {
        assertEquals(16, SearchIndex.ramBufferMb(128L << 20));
        assertEquals(8, SearchIndex.ramBufferMb(32L << 20));
        assertEquals(64, SearchIndex.ramBufferMb(6L << 30));
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
    void aHitShowsEveryFieldItsDocumentWasSignedWith() throws Exception {
        SearchResults.Hit h = search("09bern777").hits().getFirst();
        Catalog.Entry e = catalog().find(h.path()).orElseThrow();
        assertTrue(h.path().endsWith("special/lake.txt"), h.path());
        assertEquals(new SearchResults.Hit(e.path(), e.meta().title().isEmpty() ? "lake.txt" : e.meta().title(), e.meta().date(),
                e.release(), "09BERN777", e.meta().contentType(), e.file().length(), h.snippetHtml()), h);
        assertEquals("2009-07-14", h.date());
        assertTrue(h.snippetHtml().contains("<mark>09BERN777</mark>"), h.snippetHtml());
    }

    @Test
    void warmingSearchesTheIndexsOwnWordsInEveryShapeAndChangesNoAnswer() throws Exception {
        SearchResults before = search("minister");
        List<SearchQuery> queries;
        try (Directory d = FSDirectory.open(indexDir); DirectoryReader r = DirectoryReader.open(d)) {
            queries = SearchWarmer.queries(r, List.of(Map.of("tag", List.of("PREL"))), 16);
        }
        assertEquals(16, queries.size());
        assertTrue(queries.stream().anyMatch(q -> q.filters().equals(Map.of("tag", List.of("PREL")))), "a filter");
        assertTrue(queries.stream().anyMatch(q -> q.must().stream().flatMap(List::stream).anyMatch(SearchQuery.Term::titleOnly)), "a title");
        assertTrue(queries.stream().anyMatch(q -> q.must().stream().anyMatch(any -> any.size() > 1)), "either of two words");
        assertTrue(queries.stream().anyMatch(q -> q.must().stream().flatMap(List::stream).anyMatch(SearchQuery.Term::phrase)), "a phrase");
        assertTrue(queries.stream().anyMatch(q -> q.must().stream().flatMap(List::stream).anyMatch(SearchQuery.Term::prefix)), "a prefix");
        assertTrue(queries.stream().anyMatch(q -> !q.not().isEmpty()), "an excluded word");
        assertTrue(queries.stream().anyMatch(q -> q.sort() == SearchQuery.Sort.NEWEST), "date order");
        List<SearchQuery> words = queries.stream().filter(q -> q.text().matches("[a-z]+") && q.filters().isEmpty()).toList();
        assertTrue(words.size() >= 2, "frequent and rare words alone");
        for (SearchQuery q : words) {
            assertTrue(index.search(q).total() > 0, q.text() + " is a word of the index");
        }
        assertEquals(new SearchIndex.Warming(0, 0), index.warm(), "too small an index to need warming");
        assertEquals(40, index.warm(0, 40).searches());
        SearchResults after = search("minister");
        assertEquals(before.hits(), after.hits());
        assertEquals(before.total(), after.total());
        assertEquals(before.facets(), after.facets());
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
    void aPhraseLooksUpItsWordPairsAndFindsWhatItsWordPositionsFind() throws Exception {
        try (Directory d = FSDirectory.open(indexDir); DirectoryReader r = DirectoryReader.open(d)) {
            IndexSearcher positions = new IndexSearcher(r);
            for (String phrase : List.of("human rights", "the minister", "oil gas pipeline", "press media", "a the of and")) {
                String[] words = phrase.split(" ");
                int expected = positions.count(new BooleanQuery.Builder()
                        .add(new PhraseQuery("body", words), BooleanClause.Occur.SHOULD)
                        .add(new PhraseQuery("title", words), BooleanClause.Occur.SHOULD).build());
                assertEquals(expected, search("\"" + phrase + "\"").total(), phrase);
                if (words.length == 2) {
                    assertTrue(expected > 5, phrase + " is in " + expected + " documents");
                }
            }
            // a phrase joined to a word is counted in one exact pass
            Query phrase = new BooleanQuery.Builder()
                    .add(new PhraseQuery("body", "human", "rights"), BooleanClause.Occur.SHOULD)
                    .add(new PhraseQuery("title", "human", "rights"), BooleanClause.Occur.SHOULD).build();
            Query oil = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term("body", "oil")), BooleanClause.Occur.SHOULD)
                    .add(new TermQuery(new Term("title", "oil")), BooleanClause.Occur.SHOULD).build();
            int both = positions.count(new BooleanQuery.Builder().add(phrase, BooleanClause.Occur.MUST)
                    .add(oil, BooleanClause.Occur.MUST).build());
            SearchResults joined = search("\"human rights\" oil");
            assertTrue(both > 0);
            assertEquals(both, joined.total());
            assertTrue(joined.totalIsExact() && !joined.facetsApproximate());
            SearchResults shown = search("\"human rights\"");
            assertTrue(shown.hits().stream().allMatch(h -> h.snippetHtml().toLowerCase(java.util.Locale.ROOT).contains("<mark>human</mark>")
                    && h.snippetHtml().toLowerCase(java.util.Locale.ROOT).contains("<mark>rights</mark>")
                    || h.title().toLowerCase(java.util.Locale.ROOT).contains("human rights")), shown.hits().toString());
        }
    }

    @Test
    void pastTheExactLimitTheTotalAndFacetsAreEstimatedFromAFixedSampleAndSaySo(@TempDir Path tmp) throws Exception {
        try (SearchIndex capped = SearchIndex.open(tmp.resolve("capped"), s -> { }, new SearchIndex.Counting(40, 80))) {
            capped.update(catalog(), Progress.NONE);
            SearchQuery everything = SearchQuery.parse("", Map.of(), "oldest", null);
            SearchResults exact = index.search(everything);
            SearchResults estimated = capped.search(everything);
            assertTrue(exact.totalIsExact() && !exact.facetsApproximate());
            assertFalse(estimated.totalIsExact());
            assertTrue(estimated.facetsApproximate());
            assertTrue(Math.abs(estimated.total() - exact.total()) <= exact.total() * 0.4,
                    estimated.total() + " estimated for " + exact.total());
            assertEquals(estimated.total(), capped.search(everything).total(), "the same sample every time");
            // the page itself is never estimated
            assertEquals(exact.hits().stream().map(SearchResults.Hit::date).toList(),
                    estimated.hits().stream().map(SearchResults.Hit::date).toList());
            long scaled = estimated.facets().get("release").stream().mapToLong(SearchResults.FacetValue::count).sum();
            assertTrue(Math.abs(scaled - estimated.total()) <= 2, scaled + " in the releases' counts, " + estimated.total() + " in all");
            // below the limit, every match is counted
            SearchResults few = capped.search(SearchQuery.parse("", Map.of("ref", List.of("09BERN777")), null, null));
            assertTrue(few.totalIsExact() && !few.facetsApproximate());
            assertEquals(1, few.total());
        }
    }

    @Test
    void slicesSplitDocumentsEvenlyWhateverTheirPaths() {
        int[] perSlice = new int[IndexedDocument.SLICES];
        for (int i = 0; i < 64_000; i++) {
            perSlice[IndexedDocument.sampleSlice("20" + (i % 10) + "/0" + (i % 10) + "STATE" + i + ".txt")]++;
        }
        for (int n : perSlice) {
            assertTrue(n > 850 && n < 1150, java.util.Arrays.toString(perSlice));
        }
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
