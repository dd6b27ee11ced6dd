package org.samizdat.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.Facets;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.LabelAndValue;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.index.IndexReader;

/**
 * The facets of the index (release, year, month, origin, classification, tag, type): counts over
 * a query's matches (or a sample of them, scaled up), and every value of one dimension.
 */
final class IndexFacets {
    private static final Map<String, Integer> WIDTH = Map.of("release", 50, "year", 50, "month", 24,
            "origin", 15, "classification", 10, "tag", 20, "type", 10);
    private final FacetsConfig facetsConfig;
    private final AtomicReference<DefaultSortedSetDocValuesReaderState> facetState = new AtomicReference<>();

    IndexFacets(FacetsConfig facetsConfig) {
        this.facetsConfig = facetsConfig;
    }

    /** Every value of a facet over the whole index, most frequent first (at most {@code max}). */
    List<SearchResults.FacetValue> values(IndexReader reader, String dim, int max) throws IOException {
        {
            DefaultSortedSetDocValuesReaderState st = facetState(reader);
            if (st == null) {
                return List.of();
            }
            FacetResult r;
            try {
                r = new SortedSetDocValuesFacetCounts(st).getTopChildren(max, dim);
            } catch (IllegalArgumentException notIndexed) {
                return List.of();
            }
            List<SearchResults.FacetValue> out = new ArrayList<>();
            if (r != null) {
                for (LabelAndValue lv : r.labelValues) {
                    out.add(new SearchResults.FacetValue(lv.label, lv.value.longValue()));
                }
            }
            if (dim.equals("year") || dim.equals("month") || dim.equals("release")) {
                out.sort(java.util.Comparator.comparing(SearchResults.FacetValue::value));
            }
            return out;
        }
    }

    private DefaultSortedSetDocValuesReaderState facetState(IndexReader reader) throws IOException {
        DefaultSortedSetDocValuesReaderState st = facetState.get();
        if (st == null || st.getReader() != reader) {
            try {
                st = new DefaultSortedSetDocValuesReaderState(reader, facetsConfig);
            } catch (IllegalArgumentException noFacetsYet) {
                return null; // an empty index has no facet field
            }
            facetState.set(st);
        }
        return st;
    }

    /** Counts of each dimension's values over the matches {@code collector} saw, scaled up by {@code 1/rate} when sampled. */
    Map<String, List<SearchResults.FacetValue>> counts(IndexReader reader, FacetsCollector collector, double rate)
            throws IOException {
        Map<String, List<SearchResults.FacetValue>> out = new LinkedHashMap<>();
        DefaultSortedSetDocValuesReaderState st = facetState(reader);
        if (st == null) {
            return out;
        }
        Facets counts = new SortedSetDocValuesFacetCounts(st, collector);
        for (String dim : SearchQuery.DIMENSIONS) {
            FacetResult r;
            try {
                r = counts.getTopChildren(WIDTH.get(dim), dim);
            } catch (IllegalArgumentException notIndexed) {
                r = null;
            }
            List<SearchResults.FacetValue> values = new ArrayList<>();
            if (r != null) {
                for (LabelAndValue lv : r.labelValues) {
                    // counted on a sample: scaled up, and shown as approximate
                    values.add(new SearchResults.FacetValue(lv.label, rate < 1 ? Math.round(lv.value.longValue() / rate)
                            : lv.value.longValue()));
                }
            }
            if (dim.equals("year") || dim.equals("month") || dim.equals("release")) {
                values.sort(java.util.Comparator.comparing(SearchResults.FacetValue::value).reversed());
            }
            out.put(dim, values);
        }
        return out;
    }

}
