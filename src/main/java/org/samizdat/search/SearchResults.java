package org.samizdat.search;

import java.util.List;
import java.util.Map;

/**
 * One page of answers: the total, the hits with escaped snippets ({@code <mark>} around matches,
 * everything else HTML-escaped), facet counts per dimension, and notes for the reader about what
 * was ignored or cut. When the matches are very many, the total and the facet counts are estimated
 * from a sample ({@code facetsApproximate}, and {@code totalIsExact} false); when the search was
 * stopped ({@code timedOut}), the total is a lower bound.
 */
public record SearchResults(SearchQuery query, long total, boolean totalIsExact, List<Hit> hits,
                            Map<String, List<FacetValue>> facets, boolean facetsApproximate, List<String> notes,
                            long tookMillis, boolean timedOut) {
    public SearchResults {
        hits = List.copyOf(hits);
        facets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facets));
        notes = List.copyOf(notes);
    }

    /** A matching document: where it is, what it is called, and why it matched. */
    public record Hit(String path, String title, String date, String release, String reference, String contentType,
                      long length, String snippetHtml) {
    }

    /** A value of a facet and how many of the matching documents have it. */
    public record FacetValue(String value, long count) {
    }

    public int pages() {
        long reachable = Math.min(total, (long) SearchQuery.MAX_PAGE * SearchQuery.PAGE_SIZE);
        return (int) Math.max(1, (reachable + SearchQuery.PAGE_SIZE - 1) / SearchQuery.PAGE_SIZE);
    }
}
