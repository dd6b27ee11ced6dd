package org.samizdat.search;

import java.util.List;
import java.util.concurrent.Executor;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;

/**
 * A searcher that splits the index into one part per core and searches the parts at once, so a
 * search that must visit most of the index (a phrase of common words, ranked) takes the machine's
 * cores rather than one. Lucene's own slicing keeps a 250,000-document index in one part; this
 * one splits large segments too (Lucene's intra-segment partitions).
 */
final class CoreSearcher extends IndexSearcher {
    private final int parts;

    CoreSearcher(IndexReader reader, Executor executor, int parts) {
        super(reader, executor);
        this.parts = parts;
    }

    @Override
    protected LeafSlice[] slices(List<LeafReaderContext> leaves) {
        long docs = 0;
        for (LeafReaderContext leaf : leaves) {
            docs += leaf.reader().maxDoc();
        }
        int perPart = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (docs + parts - 1) / Math.max(1, parts)));
        return slices(leaves, perPart, Integer.MAX_VALUE, true);
    }
}
