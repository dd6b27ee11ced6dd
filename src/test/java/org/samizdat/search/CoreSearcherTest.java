package org.samizdat.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CoreSearcherTest {

    @Test
    void oneSegmentIsSplitIntoAPartPerCoreAndAPhraseRanksAsOnOneThread() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(new FoldingAnalyzer()))) {
                for (int i = 0; i < 3_000; i++) {
                    Document d = new Document();
                    String extra = " the minister".repeat(i % 7) + (i % 3 == 0 ? " minister the" : "");
                    d.add(new TextField("body", "report " + i + extra + " ends here", Field.Store.NO));
                    w.addDocument(d);
                }
                w.forceMerge(1);
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                assertEquals(1, reader.leaves().size());
                CoreSearcher wide = new CoreSearcher(reader, pool, 3);
                assertEquals(3, wide.getSlices().length, "one segment, three parts");
                PhraseQuery q = new PhraseQuery("body", "the", "minister");
                TopDocs one = new IndexSearcher(reader).search(q, 20);
                TopDocs three = wide.search(q, 20);
                assertArrayEquals(docs(one), docs(three));
                assertEquals(new IndexSearcher(reader).count(q), wide.count(q));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int[] docs(TopDocs top) {
        return Arrays.stream(top.scoreDocs).mapToInt((ScoreDoc d) -> d.doc).toArray();
    }
}
