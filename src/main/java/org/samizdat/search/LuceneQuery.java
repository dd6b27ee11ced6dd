package org.samizdat.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * A parsed {@link SearchQuery} in Lucene's terms: words and phrases over body and title (title
 * weighs more), prefixes, and exact reference-id look-ups, tokenised as the index was.
 */
final class LuceneQuery {
    private final Analyzer analyzer;

    LuceneQuery(Analyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** The query's words as one Lucene query (every group must match, any word of a group), or null when it has none. */
    Query text(SearchQuery q, List<String> notes) {
        if (!q.hasText()) {
            return null;
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        int n = 0;
        for (List<SearchQuery.Term> group : q.must()) {
            BooleanQuery.Builder any = new BooleanQuery.Builder();
            int m = 0;
            for (SearchQuery.Term t : group) {
                Query tq = term(t, notes);
                if (tq != null) {
                    any.add(tq, Occur.SHOULD);
                    m++;
                }
            }
            if (m > 0) {
                all.add(any.build(), Occur.MUST);
                n++;
            }
        }
        return n == 0 ? null : all.build();
    }

    /** One term as a query over body and title (title weighs more), plus exact reference-id lookup. */
    Query term(SearchQuery.Term t, List<String> notes) {
        List<String> tokens = tokens(t.text());
        if (tokens.isEmpty()) {
            notes.add("\"" + t.text() + "\" has no searchable letters or digits, so it was left out.");
            return null;
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String field : t.titleOnly() ? List.of("title") : List.of("body", "title")) {
            Query q;
            if (t.prefix() && tokens.size() == 1) {
                PrefixQuery p = new PrefixQuery(new Term(field, tokens.getFirst()),
                        new MultiTermQuery.TopTermsBlendedFreqScoringRewrite(64));
                q = p;
            } else if (tokens.size() == 1) {
                q = new TermQuery(new Term(field, tokens.getFirst()));
            } else {
                q = new PhraseQuery(field, tokens.toArray(String[]::new));
            }
            b.add(field.equals("title") ? new BoostQuery(q, 2f) : q, Occur.SHOULD);
        }
        if (!t.titleOnly() && !t.phrase() && !t.prefix()) {
            b.add(new BoostQuery(new TermQuery(new Term("ref", t.text().toLowerCase(Locale.ROOT))), 20f), Occur.SHOULD);
        }
        return b.build();
    }

    private List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        try (var ts = analyzer.tokenStream("body", text)) {
            var term = ts.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken() && out.size() < 64) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

}
