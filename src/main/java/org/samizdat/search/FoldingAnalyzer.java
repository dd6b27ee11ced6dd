package org.samizdat.search;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * Unicode word splitting, lower case and diacritics folded to ASCII (so {@code Zürich} finds
 * {@code zurich}), with no stemming and no stop words: a reader's exact words and phrases match.
 */
final class FoldingAnalyzer extends Analyzer {
    /** Longer tokens are dropped, so a 100 KB "word" costs nothing. */
    static final int MAX_TOKEN = 64;

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        StandardTokenizer tokenizer = new StandardTokenizer();
        tokenizer.setMaxTokenLength(MAX_TOKEN);
        TokenStream stream = new ASCIIFoldingFilter(new LowerCaseFilter(tokenizer));
        return new TokenStreamComponents(tokenizer, stream);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new ASCIIFoldingFilter(new LowerCaseFilter(in));
    }
}
