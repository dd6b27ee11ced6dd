package org.samizdat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.samizdat.archive.Json;
import org.samizdat.corpus.Corpus;
import org.samizdat.repo.Catalog;
import org.samizdat.work.Progress;
import org.samizdat.repo.TestArchive;
import org.samizdat.search.SearchIndex;
import org.samizdat.search.SearchQuery;
import org.samizdat.store.FileStore;

/**
 * Search figures over an N-document corpus: the full index build from a published archive, and
 * query latency (p50, p99, max) over a fixed query set, beside {@code grep -rliF} over the same
 * files as the no-index peer. Usage: {@code SearchBench N WORKDIR OUT.json [small|zipf]}.
 */
public final class SearchBench {
    /** The fixed query set: words common and rare, phrases, prefixes, filters, a reference id, browsing. */
    static final List<String[]> QUERIES = List.of(
            q("oil"), q("minister"), q("pipeline"), q("sanctions"), q("corruption"), q("the"), q("a"),
            q("oil gas"), q("human rights"), q("\"human rights\""), q("\"trade agreement\""), q("\"the minister\""),
            q("minist*"), q("pip*"), q("oil OR pipeline"), q("election -police"), q("title:budget"),
            q("security", "tag", "PREL"), q("", "tag", "ECON"), q("", "origin", "Embassy Paris"), q("", "year", "2005"),
            q("court", "classification", "SECRET"), q("", "tag", "PREL", "tag", "PGOV"), q("oil", "year", "2008"),
            q("", "release", "r0001"), q("energy talks", "origin", "Embassy Tokyo"), q("\"oil pipeline\" sanctions"),
            q("delegation visit minister"), q("zzzz"), q("nothingmatcheshere"), q("press media"), q("army", "tag", "MARR"));
    /**
     * For the Zipf corpus: the same set, where the words are now of every frequency, plus words of
     * the long tail (ranks 1,000, 10,000 and 40,000 of the vocabulary), a city, a three-word set
     * phrase, a rare word with a common one, and a prefix of the tail.
     */
    static final List<String[]> ZIPF_QUERIES = zipfQueries();
    static final String[] GREP_WORDS = {"pipeline", "corruption", "nothingmatcheshere"};
    static final int PASSES = 5;

    private static List<String[]> zipfQueries() {
        List<String[]> out = new ArrayList<>(QUERIES);
        org.samizdat.corpus.Vocabulary z = org.samizdat.corpus.Vocabulary.ZIPF;
        for (int rank : new int[] {1_000, 10_000, 40_000}) {
            out.add(q("\"" + z.word(rank) + "\""));
        }
        out.add(q("\"Addis Ababa\""));
        out.add(q("\"rule of law\""));
        out.add(q("\"" + z.word(10_000) + "\" minister"));
        out.add(q(z.word(40_000).split(" ")[0].substring(0, 3) + "*"));
        return List.copyOf(out);
    }

    private static String[] q(String... s) {
        return s;
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        Path out = Path.of(args[2]);
        org.samizdat.corpus.Vocabulary words = args.length > 3 && args[3].equals("zipf")
                ? org.samizdat.corpus.Vocabulary.ZIPF : org.samizdat.corpus.Vocabulary.SMALL;
        List<String[]> queries = words == org.samizdat.corpus.Vocabulary.ZIPF ? ZIPF_QUERIES : QUERIES;
        int releases = Math.max(1, n / 25_000);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("vocabulary", words.name().toLowerCase(java.util.Locale.ROOT));
        result.put("documents", (long) n);
        result.put("releases", (long) releases);

        Path corpus = work.resolve("corpus");
        if (!Files.exists(work.resolve("published"))) {
            log("writing a %,d-document corpus in %d releases", n, releases);
            Corpus.write(corpus, n, 1, releases, words, Progress.NONE);
            TestArchive archive = TestArchive.create(work.resolve("site"));
            for (int r = 1; r <= releases; r++) {
                log("publishing release %d of %d", r, releases);
                archive.stage(corpus.resolve("release-" + r));
                archive.publish("Release " + r);
            }
            Files.writeString(work.resolve("published"), "yes\n");
        }
        Path pub = work.resolve("site/archive/public");
        Path indexDir = work.resolve("index");
        delete(indexDir);
        log("building the index");
        long t0 = System.nanoTime();
        try (SearchIndex index = SearchIndex.open(indexDir, System.err::println)) {
            SearchIndex.Update u = index.update(Catalog.open(new FileStore(pub)), Progress.NONE);
            double build = (System.nanoTime() - t0) / 1e9;
            log("indexed %,d documents in %.1f s", u.documents(), build);
            result.put("index_build_seconds", build);
            result.put("indexed_documents", u.documents());
            result.put("extraction_failures", u.extractionFailures());
            result.put("index_bytes", size(indexDir));
            result.put("corpus_bytes", size(corpus));

            for (String[] query : queries) { // warm-up
                index.search(parse(query));
            }
            List<Double> latencies = new ArrayList<>();
            Map<String, Object> perQuery = new LinkedHashMap<>();
            for (String[] query : queries) {
                List<Double> mine = new ArrayList<>();
                long hits = 0;
                for (int p = 0; p < PASSES; p++) {
                    long s = System.nanoTime();
                    hits = index.search(parse(query)).total();
                    mine.add((System.nanoTime() - s) / 1e6);
                }
                latencies.addAll(mine);
                perQuery.put(String.join(" ", query), Map.of("hits", hits, "median_ms", (long) Math.round(percentile(mine, 50) * 1000)));
            }
            result.put("queries", (long) queries.size());
            result.put("query_runs", (long) latencies.size());
            result.put("query_p50_ms", percentile(latencies, 50));
            result.put("query_p99_ms", percentile(latencies, 99));
            result.put("query_max_ms", percentile(latencies, 100));
            result.put("per_query_median_us", perQuery);
            log("queries: p50 %.2f ms, p99 %.2f ms, max %.2f ms", percentile(latencies, 50), percentile(latencies, 99),
                    percentile(latencies, 100));
        }
        List<Double> grep = new ArrayList<>();
        for (String w : GREP_WORDS) {
            long s = System.nanoTime();
            Process p = new ProcessBuilder("grep", "-rliF", w, corpus.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            grep.add((System.nanoTime() - s) / 1e6);
        }
        result.put("grep_median_ms", percentile(grep, 50));
        log("grep -rliF over the corpus: median %.0f ms", percentile(grep, 50));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, Json.write(toJson(result)));
    }

    private static Map<String, Object> toJson(Map<String, Object> m) {
        Map<String, Object> j = new LinkedHashMap<>();
        m.forEach((k, v) -> j.put(k, v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.3f", d) : v));
        return j;
    }

    private static SearchQuery parse(String[] query) throws SearchQuery.Rejected {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (int i = 1; i + 1 < query.length; i += 2) {
            filters.computeIfAbsent(query[i], k -> new ArrayList<>()).add(query[i + 1]);
        }
        return SearchQuery.parse(query[0], filters, null, null);
    }

    static double percentile(List<Double> values, int p) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> w = Files.walk(dir)) {
                for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf("[search-bench] " + format + "%n", args);
    }
}
