package org.samizdat.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchQueryTest {
    private static SearchQuery parse(String q) throws SearchQuery.Rejected {
        return SearchQuery.parse(q, Map.of(), null, null);
    }

    @Test
    void wordsMustAllMatchAndPhrasesStayWhole() throws Exception {
        SearchQuery q = parse("oil \"pipeline talks\" minist*");
        assertEquals(3, q.must().size());
        assertEquals(new SearchQuery.Term("oil", false, false, false), q.must().get(0).get(0));
        assertEquals(new SearchQuery.Term("pipeline talks", true, false, false), q.must().get(1).get(0));
        assertEquals(new SearchQuery.Term("minist", false, true, false), q.must().get(2).get(0));
        assertTrue(q.notes().isEmpty(), q.notes().toString());
    }

    @Test
    void orJoinsAlternativesAndMinusOrNotExcludes() throws Exception {
        SearchQuery q = parse("oil OR gas -sanctions NOT \"human rights\"");
        assertEquals(1, q.must().size());
        assertEquals(2, q.must().get(0).size());
        assertEquals(List.of("sanctions", "human rights"), q.not().stream().map(SearchQuery.Term::text).toList());
        assertEquals("oil OR gas -sanctions -\"human rights\"", q.text());
    }

    @Test
    void fieldValuesBecomeFacetFiltersAndTitleSearchesTheTitle() throws Exception {
        SearchQuery q = SearchQuery.parse("tag:PREL origin:\"Embassy Paris\" title:budget",
                Map.of("year", List.of("2009"), "tag", List.of("ECON")), "newest", "2");
        assertEquals(Map.of("year", List.of("2009"), "tag", List.of("ECON", "PREL"), "origin", List.of("Embassy Paris")),
                q.filters());
        assertEquals(new SearchQuery.Term("budget", false, false, true), q.must().get(0).get(0));
        assertEquals(SearchQuery.Sort.NEWEST, q.sort());
        assertEquals(2, q.page());
    }

    @Test
    void unknownFieldsBracketsAndLoneWildcardsAreExplainedNotErrors() throws Exception {
        SearchQuery q = parse("colour:red ((( a ))) * ?");
        assertEquals("colour red", q.must().get(0).get(0).text());
        assertTrue(q.notes().stream().anyMatch(n -> n.contains("not a field")), q.notes().toString());
        assertTrue(q.notes().stream().anyMatch(n -> n.contains("Brackets")), q.notes().toString());
        assertTrue(q.notes().stream().anyMatch(n -> n.contains("matches everything")), q.notes().toString());
    }

    @Test
    void anUnclosedQuoteRunsToTheEnd() throws Exception {
        SearchQuery q = parse("\"oil pipeline");
        assertEquals("oil pipeline", q.must().get(0).get(0).text());
        assertTrue(q.must().get(0).get(0).phrase());
        assertFalse(q.notes().isEmpty());
    }

    @Test
    void tooManyClausesAreCutAndTooLongAQueryIsRejectedWithAReason() throws Exception {
        SearchQuery q = parse("w ".repeat(100));
        assertEquals(SearchQuery.MAX_CLAUSES, q.must().size());
        assertTrue(q.notes().stream().anyMatch(n -> n.contains("first 32")), q.notes().toString());
        SearchQuery.Rejected r = assertThrows(SearchQuery.Rejected.class, () -> parse("x".repeat(100_000)));
        assertTrue(r.getMessage().contains("100,000 characters"), r.getMessage());
    }

    @Test
    void pagesAreClampedAndGarbagePagesMeanTheFirst() throws Exception {
        assertEquals(SearchQuery.MAX_PAGE, SearchQuery.parse("a", Map.of(), null, "99999").page());
        assertEquals(1, SearchQuery.parse("a", Map.of(), null, "-3").page());
        SearchQuery q = SearchQuery.parse("a", Map.of(), "bogus", "abc");
        assertEquals(1, q.page());
        assertEquals(SearchQuery.Sort.RELEVANCE, q.sort());
        assertTrue(q.notes().stream().anyMatch(n -> n.contains("not a number")));
    }

    @Test
    void nothingTypedMeansEverything() throws Exception {
        assertTrue(parse("").isEmpty());
        assertTrue(parse("   ").isEmpty());
        assertTrue(parse("AND OR NOT").isEmpty());
    }
}
