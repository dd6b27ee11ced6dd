package org.samizdat.search;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.Passage;
import org.apache.lucene.search.uhighlight.PassageScorer;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.util.BytesRef;

/**
 * The passages of a hit's text shown under it, highlighted, and HTML-escaped like every snippet.
 * The index keeps each word's offsets, so marking a hit reads them instead of analysing its text.
 */
final class Snippets {
    private static final int SNIPPET_CHARS = 50_000;

    private Snippets() {
    }

    /** For each hit of the page, its best passages with the query's words marked, or null where none matched. */
    static String[] of(IndexSearcher searcher, Analyzer analyzer, Query text, ScoreDoc[] page) throws IOException {
        String[] none = new String[page.length];
        if (text == null || page.length == 0) {
            return none;
        }
        UnifiedHighlighter h = UnifiedHighlighter.builder(searcher, analyzer)
                .withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", " … ", true))
                .withMaxLength(SNIPPET_CHARS)
                .withWeightMatches(false) // each word marked on its own, straight from the offsets the index keeps
                .withScorer(new PassageRanking())
                .withBreakIterator(SentenceBreaks::new)
                .build();
        int[] docs = new int[page.length];
        for (int i = 0; i < page.length; i++) {
            docs[i] = page[i].doc;
        }
        Map<String, String[]> m = h.highlightFields(new String[] {"body"}, text, docs, new int[] {2});
        String[] s = m.get("body");
        return s == null ? none : s;
    }

    /**
     * Lucene's BM25 ranking of passages, without the hash table its own scorer builds for every
     * passage of every hit (most of a snippet's time where the words are everywhere): a passage
     * holds a handful of matches, so its distinct words are found by comparing them in place.
     */
    static final class PassageRanking extends PassageScorer {
        @Override
        public float score(Passage passage, int contentLength) {
            int n = passage.getNumMatches();
            BytesRef[] terms = passage.getMatchTerms();
            int[] inDoc = passage.getMatchTermFreqsInDoc();
            float score = 0;
            for (int i = 0; i < n; i++) {
                boolean counted = false;
                for (int j = 0; j < i && !counted; j++) {
                    counted = terms[j].bytesEquals(terms[i]);
                }
                if (counted) {
                    continue;
                }
                int inPassage = 1;
                for (int j = i + 1; j < n; j++) {
                    if (terms[j].bytesEquals(terms[i])) {
                        inPassage++;
                    }
                }
                score += weight(contentLength, inDoc[i]) * tf(inPassage, passage.getLength());
            }
            return score * norm(passage.getStartOffset());
        }
    }

    /** Text made safe to place in HTML. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

}
