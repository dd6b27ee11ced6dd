package org.samizdat.search;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.QueryTimeoutImpl;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MultiCollectorManager;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;
import org.samizdat.repo.Catalog;
import org.samizdat.tuf.TufException;
import org.samizdat.work.Parallel;
import org.samizdat.work.Progress;

/**
 * The Lucene index of one node's verified documents. It is built from the {@link Catalog} of the
 * version the node serves, one release at a time: a release whose documents are unchanged is
 * skipped, a new one is added, a withdrawn one removed, each in its own commit that records what it
 * holds, so an interrupted build resumes and a new release never rebuilds the rest. An index that
 * is missing, unreadable or of another schema is rebuilt from scratch. Searches read the last
 * commit and never wait for an update.
 */
public final class SearchIndex implements AutoCloseable {
    static final String SCHEMA = "samizdat-index-3";
    private static final String DATA_SCHEMA = "schema";
    private static final String DATA_RELEASES = "releases";
    private static final String DATA_VERSION = "version";
    private static final long TIMEOUT_MILLIS = 2_000;

    private final Path dir;
    private final FoldingAnalyzer analyzer = new FoldingAnalyzer();
    private final FacetsConfig facetsConfig = new FacetsConfig();
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final IndexFacets facets = new IndexFacets(facetsConfig);
    private final LuceneQuery queries = new LuceneQuery(analyzer);
    private final Consumer<String> log;
    private final Counting counting;
    private volatile String state = "ready";
    /** Cores a search may use at once; with one, searches run on the caller's thread alone. */
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** The threads a search's parts run on (the caller's thread takes one part itself), or null on one core. */
    private final java.util.concurrent.ExecutorService cores = CORES < 2 ? null
            : java.util.concurrent.Executors.newFixedThreadPool(CORES, r -> {
                Thread t = new Thread(r, "samizdat-search");
                t.setDaemon(true);
                return t;
            });
    private volatile long indexedVersion;

    /** What one update did. */
    public record Update(int releasesAdded, int releasesRemoved, long documents, long extractionFailures,
                         long unverified, long millis) {
    }

    /**
     * How matches are counted: every one of them up to {@code exactLimit}; beyond, about {@code
     * sampleTarget} of them in a fixed sample of the index, scaled up (see {@link #count}).
     */
    record Counting(int exactLimit, int sampleTarget) {
        /**
         * Exact up to 10,000 matches, then estimated from about 3,000 of them: a total to within
         * about 2 % (one standard error), a facet value's share to within a point or so.
         */
        static final Counting DEFAULT = new Counting(10_000, 3_000);

        Counting {
            if (exactLimit < 1 || sampleTarget < 1) {
                throw new IllegalArgumentException("exactLimit and sampleTarget must be at least 1");
            }
        }
    }

    private SearchIndex(Path dir, Directory directory, IndexWriter writer, Consumer<String> log, Counting counting)
            throws IOException {
        this.dir = dir;
        this.counting = counting;
        this.directory = directory;
        this.writer = writer;
        this.log = log;
        facetsConfig.setMultiValued("tag", true);
        this.searchers = new SearcherManager(writer, null);
        String v = writer.getLiveCommitData() == null ? null : data(writer).get(DATA_VERSION);
        indexedVersion = v == null ? 0 : Long.parseLong(v);
    }

    /**
     * Opens the index in {@code dir}, creating it if missing and rebuilding it (emptied, to be
     * filled by {@link #update}) if it cannot be read. Fails only if another process holds it.
     */
    public static SearchIndex open(Path dir, Consumer<String> log) throws IOException {
        return open(dir, log, IndexAccess.MAP);
    }

    /** As above, reading the index files as {@code access} says. */
    public static SearchIndex open(Path dir, Consumer<String> log, IndexAccess access) throws IOException {
        return open(dir, log, Counting.DEFAULT, access);
    }

    static SearchIndex open(Path dir, Consumer<String> log, Counting counting) throws IOException {
        return open(dir, log, counting, IndexAccess.MAP);
    }

    static SearchIndex open(Path dir, Consumer<String> log, Counting counting, IndexAccess access) throws IOException {
        Files.createDirectories(dir);
        Directory directory = access.open(dir);
        try {
            IndexWriter writer = writer(directory, IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            try {
                Map<String, String> data = data(writer);
                if (DirectoryReader.indexExists(directory) && !SCHEMA.equals(data.get(DATA_SCHEMA))) {
                    log.accept("search index at " + dir + " is of another schema; rebuilding it");
                    writer.deleteAll();
                    writer.setLiveCommitData(Map.of(DATA_SCHEMA, SCHEMA, DATA_RELEASES, "").entrySet());
                    writer.commit();
                }
                if (!DirectoryReader.indexExists(directory)) {
                    writer.setLiveCommitData(Map.of(DATA_SCHEMA, SCHEMA, DATA_RELEASES, "").entrySet());
                    writer.commit();
                }
                DirectoryReader.open(writer).close(); // every segment readable
                return new SearchIndex(dir, directory, writer, log, counting);
            } catch (IOException | RuntimeException e) {
                writer.rollback();
                throw e;
            }
        } catch (LockObtainFailedException e) {
            directory.close();
            throw new IOException("the search index at " + dir + " is in use by another process", e);
        } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException
                 | NoSuchFileException | EOFException | IllegalArgumentException | IllegalStateException e) {
            log.accept("search index at " + dir + " is unreadable (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); rebuilding it");
            directory.close();
            clear(dir);
            Directory fresh = access.open(dir);
            IndexWriter writer = writer(fresh, IndexWriterConfig.OpenMode.CREATE);
            writer.setLiveCommitData(Map.of(DATA_SCHEMA, SCHEMA, DATA_RELEASES, "").entrySet());
            writer.commit();
            return new SearchIndex(dir, fresh, writer, log, counting);
        }
    }

    /**
     * The writer's buffer of new documents: 64 MB, or an eighth of the heap (at least 8 MB) when
     * the heap is small, so that a node capped at 128 MB still builds its index.
     */
    static double ramBufferMb(long maxHeapBytes) {
        return Math.max(8, Math.min(64, maxHeapBytes / 8 / (1 << 20)));
    }

    private static IndexWriter writer(Directory directory, IndexWriterConfig.OpenMode mode) throws IOException {
        IndexWriterConfig config = new IndexWriterConfig(new FoldingAnalyzer());
        config.setOpenMode(mode);
        config.setRAMBufferSizeMB(ramBufferMb(Runtime.getRuntime().maxMemory()));
        config.setCommitOnClose(false);
        return new IndexWriter(directory, config);
    }

    private static void clear(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.delete(f);
                }
            }
        }
    }

    private static Map<String, String> data(IndexWriter writer) {
        Map<String, String> m = new HashMap<>();
        if (writer.getLiveCommitData() != null) {
            writer.getLiveCommitData().forEach(e -> m.put(e.getKey(), e.getValue()));
        }
        return m;
    }

    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();

    /**
     * How many times this index has committed since it was opened: it changes whenever what a
     * search can find changes, even at the same snapshot version (a sealed release opened here).
     */
    public long generation() {
        return commits.get();
    }

    /** The snapshot version the index last finished, 0 before the first. */
    public long indexedVersion() {
        return indexedVersion;
    }

    /** "ready", or "indexing rNNNN (done of total)" while an update runs. */
    public String state() {
        return state;
    }

    public Path directory() {
        return dir;
    }

    /**
     * Brings the index to the catalog's version: releases whose documents changed are re-indexed,
     * new ones added, vanished ones removed. Only documents whose bytes match their signed length
     * and sha256 are indexed. One caller at a time; searches go on meanwhile.
     */
    public synchronized Update update(Catalog catalog, Progress progress) throws IOException {
        long start = System.nanoTime();
        Map<String, String> indexed = releases(data(writer).get(DATA_RELEASES));
        int added = 0;
        int removed = 0;
        long docs = 0;
        long failures = 0;
        long unverified = 0;
        try {
            List<String> ids = catalog.releaseIds();
            for (String id : ids) {
                String fingerprint = SCHEMA + ":" + catalog.contentKey(id);
                if (fingerprint.equals(indexed.get(id))) {
                    continue; // unchanged: known from the snapshot without reading every document's metadata
                }
                writer.deleteDocuments(new Term("release", id));
                // bin by bin, so that a release of any size is indexed within a small heap
                String phase = "indexing " + id;
                long total = catalog.info(id).documents();
                long[] counts = new long[3]; // done, unverified, without text
                catalog.eachPart(id, (part, withdrawn) -> {
                    long before = counts[0];
                    List<IndexedDocument.Outcome> outcomes = Parallel.map(part, Math.min(4, Runtime.getRuntime().availableProcessors()),
                            phase, (ph, done, size) -> {
                                state = ph + " (" + (before + done) + " of " + Math.max(total, before + size) + ")";
                                progress.update(ph, before + done, Math.max(total, before + size));
                            }, e -> IndexedDocument.add(writer, facetsConfig, catalog, e));
                    counts[0] += part.size();
                    counts[1] += outcomes.stream().filter(o -> o == IndexedDocument.Outcome.UNVERIFIED).count();
                    counts[2] += outcomes.stream().filter(o -> o == IndexedDocument.Outcome.EXTRACTION_FAILED).count();
                });
                long bad = counts[1];
                failures += counts[2];
                unverified += bad;
                docs += counts[0] - bad;
                // a release with missing bytes is tried again at the next version
                indexed.put(id, bad == 0 ? fingerprint : "incomplete");
                commit(indexed, indexedVersion);
                added++;
            }
            for (String id : new ArrayList<>(indexed.keySet())) {
                if (!ids.contains(id)) {
                    writer.deleteDocuments(new Term("release", id));
                    indexed.remove(id);
                    removed++;
                }
            }
            indexedVersion = catalog.version();
            commit(indexed, indexedVersion);
        } catch (TufException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            state = "ready";
        }
        if (unverified > 0) {
            log.accept("search index: " + unverified + " document(s) not indexed: their bytes are missing or do not match the signed hash");
        }
        return new Update(added, removed, docs, failures, unverified, (System.nanoTime() - start) / 1_000_000);
    }

    private void commit(Map<String, String> releases, long version) throws IOException {
        StringBuilder sb = new StringBuilder();
        releases.forEach((id, fp) -> sb.append(id).append('=').append(fp).append(','));
        writer.setLiveCommitData(Map.of(DATA_SCHEMA, SCHEMA, DATA_RELEASES, sb.toString(),
                DATA_VERSION, Long.toString(version)).entrySet());
        writer.commit();
        searchers.maybeRefreshBlocking();
        commits.incrementAndGet();
    }

    private static Map<String, String> releases(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        if (s != null) {
            for (String part : s.split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    m.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
        }
        return m;
    }

    /** Documents in the index, and how many of them had no readable text. */
    public record Counts(long documents, long extractionFailures) {
    }

    public Counts counts() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return new Counts(s.getIndexReader().numDocs(), s.count(new TermQuery(new Term("extraction", "failed"))));
        } finally {
            searchers.release(s);
        }
    }

    /**
     * Answers a query: one page of hits with snippets, the number of matches and facet counts over
     * them. Both counts are exact up to {@link Counting#exactLimit} matches; beyond, they are
     * estimated from a fixed sample of the documents (see {@link #count}) and marked as estimates.
     */
    public SearchResults search(SearchQuery q) throws IOException {
        long start = System.nanoTime();
        IndexSearcher shared = searchers.acquire();
        try {
            IndexReader reader = shared.getIndexReader();
            // a searcher per query, so its deadline is its own
            QueryTimeoutImpl deadline = new QueryTimeoutImpl(TIMEOUT_MILLIS);
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setTimeout(deadline);
            List<String> notes = new ArrayList<>(q.notes());
            Query text = queries.text(q, notes);
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            b.add(text == null ? new MatchAllDocsQuery() : text, text == null ? Occur.FILTER : Occur.MUST);
            for (SearchQuery.Term t : q.not()) {
                Query nq = queries.term(t, notes);
                if (nq != null) {
                    b.add(nq, Occur.MUST_NOT);
                }
            }
            for (Map.Entry<String, List<String>> f : q.filters().entrySet()) {
                for (String v : f.getValue()) {
                    // every filter must hold: two tags mean documents with both
                    b.add(f.getKey().equals("ref") ? new TermQuery(new Term("ref", v.toLowerCase(Locale.ROOT)))
                            : new TermQuery(new Term("f_" + f.getKey(), v)), Occur.FILTER);
                }
            }
            Query query = b.build();
            int want = q.page() * SearchQuery.PAGE_SIZE;
            Sort sort = switch (q.sort()) {
                case NEWEST -> new Sort(new SortField("day", SortField.Type.LONG, true), SortField.FIELD_DOC);
                case OLDEST -> new Sort(new SortField("day", SortField.Type.LONG, false), SortField.FIELD_DOC);
                case RELEVANCE -> text == null ? new Sort(new SortField("day", SortField.Type.LONG, true), SortField.FIELD_DOC)
                        : Sort.RELEVANCE;
            };
            TopDocs top;
            Count count;
            boolean positional = positional(query);
            // checking word positions is a search's one cost that grows with the whole index: the
            // page's pass of such a query runs on every core; any other is quicker on one thread
            // than handed between threads
            IndexSearcher wide = positional && cores != null ? new CoreSearcher(reader, cores, CORES) : searcher;
            wide.setTimeout(deadline);
            if (positional && (q.must().size() > 1 || !q.filters().isEmpty())) {
                // a phrase is checked word position by word position in every candidate, which
                // Lucene cannot skip once it is joined to other words or filters: one pass then
                // finds the page and counts every match exactly, rather than checking them twice
                Object[] both = wide.search(query, new MultiCollectorManager(sort == Sort.RELEVANCE
                        ? new TopScoreDocCollectorManager(want, Integer.MAX_VALUE)
                        : new TopFieldCollectorManager(sort, want, Integer.MAX_VALUE), new FacetsCollectorManager()));
                top = (TopDocs) both[0];
                count = Count.all((FacetsCollector) both[1]);
            } else {
                // the page's hits: past TOP_THRESHOLD matches Lucene skips blocks that cannot reach
                // the page (block-max scores, or the date's points), so this pass does not count
                CollectorManager<?, ? extends TopDocs> page = sort == Sort.RELEVANCE
                        ? new TopScoreDocCollectorManager(want, TOP_THRESHOLD)
                        : new TopFieldCollectorManager(sort, want, TOP_THRESHOLD);
                top = wide.search(query, page);
                count = count(searcher, query);
            }
            boolean timedOut = searcher.timedOut() || wide.timedOut();
            ScoreDoc[] page = java.util.Arrays.copyOfRange(top.scoreDocs,
                    Math.min(top.scoreDocs.length, want - SearchQuery.PAGE_SIZE), top.scoreDocs.length);
            String[] snippets = Snippets.of(searcher, analyzer, text, page);
            List<SearchResults.Hit> hits = new ArrayList<>();
            List<LeafReaderContext> leaves = reader.leaves();
            for (int i = 0; i < page.length; i++) {
                String snippet = snippets[i];
                if (snippet == null) { // no word of the query in the text: its opening instead
                    String body = searcher.storedFields().document(page[i].doc, BODY).get("body");
                    snippet = Snippets.escape(body == null ? "" : body.length() > 240 ? body.substring(0, 240) + "…" : body);
                }
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(page[i].doc, leaves));
                BinaryDocValues record = DocValues.getBinary(leaf.reader(), IndexedDocument.HIT);
                if (!record.advanceExact(page[i].doc - leaf.docBase)) {
                    throw new CorruptIndexException("a hit has no record of what it shows", IndexedDocument.HIT);
                }
                hits.add(IndexedDocument.hit(record.binaryValue(), snippet));
            }
            Map<String, List<SearchResults.FacetValue>> counts = facets.counts(reader, count.matches(), count.rate());
            if (timedOut) {
                notes.add("The search took too long and was stopped; the results are incomplete. Try more specific words.");
            }
            // the page's own hits are real even when the estimate is below them
            long total = Math.max(count.total(), top.scoreDocs.length);
            return new SearchResults(q, total, count.rate() == 1 && !timedOut, hits, counts, count.rate() < 1, notes,
                    (System.nanoTime() - start) / 1_000_000, timedOut);
        } finally {
            searchers.release(shared);
        }
    }

    /** Matches the page's pass collects one by one before it may skip blocks (Lucene's own default). */
    private static final int TOP_THRESHOLD = 1_000;
    /** The one stored field read for a hit, and only when it has no snippet (the highlighter reads its own). */
    private static final java.util.Set<String> BODY = java.util.Set.of("body");

    /** The matches counted, at {@code rate} of the documents (1 when every match was), and the total they stand for. */
    private record Count(FacetsCollector matches, double rate, long total) {
        static Count all(FacetsCollector matches) {
            long total = 0;
            for (FacetsCollector.MatchingDocs md : matches.getMatchingDocs()) {
                total += md.totalHits();
            }
            return new Count(matches, 1, total);
        }
    }

    /** Whether the query checks word positions (a phrase, or a word the analyzer splits in two). */
    private static boolean positional(Query query) {
        boolean[] found = {false};
        query.visit(new QueryVisitor() {
            @Override
            public void consumeTerms(Query q, Term... terms) {
                found[0] |= q instanceof PhraseQuery;
            }

            @Override
            public QueryVisitor getSubVisitor(Occur occur, Query parent) {
                return occur == Occur.MUST_NOT ? QueryVisitor.EMPTY_VISITOR : this;
            }
        });
        return found[0];
    }

    /**
     * Counts the matches and gathers them for the facets. Every document lies in one of {@link
     * IndexedDocument#SLICES} slices chosen by a hash of its path, so a slice is a uniform sample
     * that no query can lean on. One slice is counted first; if it says the whole would pass the
     * exact limit, only as many slices as hold about the sample target are counted, skipping the
     * rest of the index, and the counts are scaled up. Otherwise every match is.
     */
    private Count count(IndexSearcher searcher, Query query) throws IOException {
        int slices = IndexedDocument.SLICES;
        FacetsCollectorManager gather = new FacetsCollectorManager();
        FacetsCollector first = searcher.search(inSlices(query, 0, 1), gather);
        long probe = Count.all(first).total();
        int take = probe * slices <= counting.exactLimit() ? slices
                : (int) Math.min(slices, Math.max(1, (long) Math.ceil((double) counting.sampleTarget() / probe)));
        if (take == slices) {
            return Count.all(searcher.search(query, gather));
        }
        // the first slice is counted already: the others of the sample join it
        FacetsCollector matches = take == 1 ? first : gather.reduce(List.of(first, searcher.search(inSlices(query, 1, take), gather)));
        double rate = (double) take / slices;
        return new Count(matches, rate, Math.round(Count.all(matches).total() / rate));
    }

    /** The query's matches in slices {@code from} to {@code to} - 1. */
    private static Query inSlices(Query query, int from, int to) {
        return new BooleanQuery.Builder().add(query, Occur.FILTER)
                .add(IntPoint.newRangeQuery(IndexedDocument.SAMPLE, from, to - 1), Occur.FILTER).build();
    }

    /** What one warm-up did: searches run, and how long they took. */
    public record Warming(int searches, long millis) {
    }

    /**
     * Runs {@link SearchWarmer}'s searches, if the index holds at least {@link
     * SearchWarmer#FROM_DOCUMENTS} documents, stopping early after {@link SearchWarmer#MAX_MILLIS}
     * or when the thread is interrupted.
     */
    public Warming warm() throws IOException {
        return warm(SearchWarmer.FROM_DOCUMENTS, SearchWarmer.SEARCHES);
    }

    Warming warm(int fromDocuments, int searches) throws IOException {
        long start = System.nanoTime();
        List<SearchQuery> queries;
        IndexSearcher s = searchers.acquire();
        try {
            if (s.getIndexReader().numDocs() < fromDocuments) {
                return new Warming(0, 0);
            }
            List<Map<String, List<String>>> filters = new ArrayList<>();
            for (String dim : List.of("tag", "year", "origin", "classification")) {
                for (SearchResults.FacetValue v : facets.values(s.getIndexReader(), dim, 1)) {
                    filters.add(Map.of(dim, List.of(v.value())));
                }
            }
            queries = SearchWarmer.queries(s.getIndexReader(), filters, searches);
        } finally {
            searchers.release(s);
        }
        long deadline = start + SearchWarmer.MAX_MILLIS * 1_000_000;
        int ran = 0;
        for (SearchQuery q : queries) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                break;
            }
            search(q);
            ran++;
        }
        return new Warming(ran, (System.nanoTime() - start) / 1_000_000);
    }

    /** The stored text of one indexed document, if the index has it. */
    public Optional<String> text(String path) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs top = s.search(new TermQuery(new Term("path", path)), 1);
            if (top.scoreDocs.length == 0) {
                return Optional.empty();
            }
            return Optional.ofNullable(s.storedFields().document(top.scoreDocs[0].doc).get("body"));
        } finally {
            searchers.release(s);
        }
    }

    /** Every value of a facet over the whole index, most frequent first (at most {@code max}). */
    public List<SearchResults.FacetValue> values(String dim, int max) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return facets.values(s.getIndexReader(), dim, max);
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public void close() throws IOException {
        if (cores != null) {
            cores.shutdownNow();
        }
        try {
            searchers.close();
            writer.rollback(); // anything uncommitted is redone by the next update
        } finally {
            directory.close();
        }
    }
}
