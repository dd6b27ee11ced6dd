package org.samizdat.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.util.BytesRef;

/**
 * Searches a node runs on its own index after opening or updating it, before readers' searches
 * find a cold path: words of the index itself, frequent and rare, alone, paired, as phrases,
 * prefixes, with a filter and in date order. A JVM compiles a search's code only after it has run
 * it many times; measured on 250,000 documents, a node's median search took 13.8 ms after a
 * hundred readers' searches and 8 to 9 ms after a thousand. Lucene's own term for this is warming
 * a searcher.
 */
public final class SearchWarmer {
    /** Searches per warm-up: about what it took the median to settle, measured. */
    static final int SEARCHES = 600;
    /** Below this many documents every search is fast anyway, and warming would only cost. */
    public static final int FROM_DOCUMENTS = 20_000;
    /**
     * Frequent and rare words each, used over and over: the compiler needs the same code run many
     * times, not many words, and every other word's postings and hits would be index pages the
     * node maps for nothing (forty of each added 120 MB of mapped index to a restarted node).
     */
    static final int WORDS = 4;
    /** A warm-up stops after this long whatever it has done, so a slow machine is not held for long. */
    static final long MAX_MILLIS = 20_000;

    private SearchWarmer() {
    }

    /**
     * The warm-up searches, from the index's own words, some narrowed by one of {@code filters}
     * (a facet's dimension and value each); none if the index has no words.
     */
    static List<SearchQuery> queries(IndexReader reader, List<Map<String, List<String>>> filters, int count) throws IOException {
        List<String> frequent = new ArrayList<>();
        List<String> rare = new ArrayList<>();
        LeafReader largest = null;
        for (LeafReaderContext leaf : reader.leaves()) {
            if (largest == null || leaf.reader().maxDoc() > largest.maxDoc()) {
                largest = leaf.reader();
            }
        }
        Terms terms = largest == null ? null : largest.terms("body");
        if (terms == null) {
            return List.of();
        }
        int docs = largest.maxDoc();
        TermsEnum te = terms.iterator();
        for (BytesRef t = te.next(); t != null && (frequent.size() < WORDS || rare.size() < WORDS); t = te.next()) {
            String w = t.utf8ToString();
            if (w.length() < 3 || !w.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
                continue;
            }
            int df = te.docFreq();
            if (df >= Math.max(3, docs / 50) && frequent.size() < WORDS) {
                frequent.add(w);
            } else if (df <= Math.max(2, docs / 500) && rare.size() < WORDS) {
                rare.add(w);
            }
        }
        if (frequent.isEmpty() || rare.isEmpty()) {
            return List.of();
        }
        List<SearchQuery> out = new ArrayList<>();
        for (int i = 0; out.size() < count; i++) {
            String f = frequent.get(i % frequent.size());
            String g = frequent.get((i * 7 + 3) % frequent.size());
            String r = rare.get(i % rare.size());
            String[] shapes = {f, f + " " + g, "\"" + r + " " + f + "\"", f.substring(0, 3) + "*", f + " -" + r, r,
                    f + " OR " + g, "\"" + f + " " + g + "\" " + r, "title:" + f, f + " " + r};
            // every third search narrowed by a value of a facet, as a reader's click on it does
            Map<String, List<String>> filter = i % 3 != 2 || filters.isEmpty() ? Map.of() : filters.get(i % filters.size());
            try {
                out.add(SearchQuery.parse(shapes[i % shapes.length], filter, i % 5 == 4 ? "newest" : "", ""));
            } catch (SearchQuery.Rejected impossible) {
                throw new IllegalStateException(impossible); // words of the index itself, well within the limits
            }
        }
        return out;
    }
}
