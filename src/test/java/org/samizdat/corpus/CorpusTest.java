package org.samizdat.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.TargetPath;

/** The benchmark corpus: deterministic, cable-like, with the size spread the targets assume. */
class CorpusTest {
    @TempDir
    Path tmp;

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        List<Corpus.Document> a = Corpus.write(tmp.resolve("a"), 300, 42, 3);
        List<Corpus.Document> b = Corpus.write(tmp.resolve("b"), 300, 42, 3);
        List<Corpus.Document> c = Corpus.write(tmp.resolve("c"), 300, 43, 3);
        assertEquals(a, b);
        for (Corpus.Document d : a) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(d.file())), Files.readAllBytes(tmp.resolve("b").resolve(d.file())));
        }
        assertFalse(a.equals(c));
    }

    @Test
    void sizesFollowCablesMedianAroundFiveKilobytesWithALongTail() throws Exception {
        List<Corpus.Document> docs = Corpus.write(tmp, 4000, 1, 1);
        long[] sizes = docs.stream().mapToLong(Corpus.Document::bytes).sorted().toArray();
        long median = sizes[sizes.length / 2];
        assertTrue(median > 4000 && median < 6500, "median " + median);
        assertTrue(sizes[sizes.length - 1] > 100_000, "largest " + sizes[sizes.length - 1]);
        for (Corpus.Document d : docs) {
            assertEquals(d.bytes(), Files.size(tmp.resolve(d.file())), d.file().toString());
        }
    }

    @Test
    void cablesCarryHeadersThatAddReadsAsMetadataAndAFewDocumentsAreNotText() throws Exception {
        List<Corpus.Document> docs = Corpus.write(tmp, 2000, 5, 1);
        Map<String, Long> kinds = docs.stream().collect(Collectors.groupingBy(
                d -> d.file().toString().substring(d.file().toString().lastIndexOf('.') + 1), Collectors.counting()));
        assertEquals(Set.of("txt", "pdf", "html", "eml"), kinds.keySet());
        assertTrue(kinds.get("txt") > 1800 && kinds.get("pdf") < 100, kinds.toString());
        Set<Object> origins = new HashSet<>();
        Set<String> tags = new HashSet<>();
        for (Corpus.Document d : docs) {
            assertEquals(java.util.Optional.empty(), TargetPath.problem(d.file().toString().replace('\\', '/')));
            if (!d.file().toString().endsWith(".txt")) {
                continue;
            }
            DocumentMeta m = DocumentMeta.fromTextHeaders(Files.readAllBytes(tmp.resolve(d.file())), "text/plain");
            String ref = (String) m.fields().get("reference");
            assertTrue(ref.matches("\\d\\d[A-Z]+\\d+"), ref);
            assertTrue(d.file().getFileName().toString().startsWith(ref), d.file() + " named after " + ref);
            assertTrue(m.date().matches("20\\d\\d-\\d\\d-\\d\\d"), m.date());
            assertFalse(m.title().isBlank());
            origins.add(m.fields().get("origin"));
            @SuppressWarnings("unchecked")
            List<String> t = (List<String>) m.fields().get("tags");
            tags.addAll(t);
        }
        assertTrue(origins.size() > 150, "posts: " + origins.size());
        assertTrue(origins.contains("Secretary of State"));
        assertTrue(tags.contains("PREL") && tags.contains("FR") && tags.stream().anyMatch(t -> t.startsWith("K")), tags.toString());
    }

    @Test
    void documentsAreSpreadEvenlyOverTheReleases() throws Exception {
        List<Corpus.Document> docs = Corpus.write(tmp, 1000, 9, 4);
        Map<Integer, Long> perRelease = docs.stream().collect(Collectors.groupingBy(Corpus.Document::release, Collectors.counting()));
        assertEquals(Map.of(1, 250L, 2, 250L, 3, 250L, 4, 250L), perRelease);
        for (Corpus.Document d : docs) {
            assertEquals("release-" + d.release(), d.file().getName(0).toString());
        }
    }

    @Test
    void theSmallVocabularyStillWritesTheBytesOfTheFirstBenchmarks() throws Exception {
        Corpus.write(tmp, 50, 1, 1);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(tmp)) {
            files = walk.filter(Files::isRegularFile).map(tmp::relativize).sorted(java.util.Comparator.comparing(Path::toString)).toList();
        }
        for (Path f : files) {
            sha.update((f.toString() + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(tmp.resolve(f)));
        }
        // the digest of `samizdat corpus --docs 50 --seed 1` before the Zipf vocabulary was added
        assertEquals("2425e5319eedeff10bf5795676fd332c155ac0ff34729d4e3341347b790d84fa", java.util.HexFormat.of().formatHex(sha.digest()));
    }

    @Test
    void theZipfVocabularyHasTensOfThousandsOfWordsWhoseFrequencyFallsWithTheirRank() throws Exception {
        Vocabulary z = Vocabulary.ZIPF;
        assertTrue(z.size() > 45_000, "entries: " + z.size());
        assertEquals("the", z.word(0));
        assertTrue(z.chance(0) / z.chance(9) > 9.9 && z.chance(0) / z.chance(9) < 10.1, "1/r: rank 1 against rank 10");
        Set<String> entries = new HashSet<>();
        for (int r = 0; r < z.size(); r++) {
            entries.add(z.word(r));
        }
        assertEquals(z.size(), entries.size(), "no entry twice");
        assertTrue(entries.contains("human rights") && entries.contains("Addis Ababa"), "set phrases and places");

        List<Corpus.Document> docs = Corpus.write(tmp, 1500, 3, 1, Vocabulary.ZIPF, org.samizdat.work.Progress.NONE);
        Map<String, Integer> counts = new java.util.HashMap<>();
        long tokens = 0;
        int withPhrase = 0;
        for (Corpus.Document d : docs) {
            String text = Files.readString(tmp.resolve(d.file()), java.nio.charset.StandardCharsets.ISO_8859_1);
            String body = text.substring(Math.max(0, text.indexOf("\n\n")));
            if (body.contains("human rights")) {
                withPhrase++;
            }
            for (String w : body.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) {
                if (!w.isEmpty()) {
                    counts.merge(w, 1, Integer::sum);
                    tokens++;
                }
            }
        }
        List<Integer> byRank = counts.values().stream().sorted(java.util.Comparator.reverseOrder()).toList();
        assertTrue(counts.size() > 20_000, "distinct words: " + counts.size());
        assertEquals(byRank.getFirst(), counts.get("the"));
        double top = byRank.get(0) / (double) tokens;
        assertTrue(top > 0.05 && top < 0.12, "share of the most frequent word: " + top);
        double ratio = byRank.get(0) / (double) byRank.get(99);
        assertTrue(ratio > 40 && ratio < 200, "rank 1 against rank 100: " + ratio);
        int rare = (int) counts.values().stream().filter(c -> c <= 5).count();
        assertTrue(rare > counts.size() / 4, "words seen at most five times in 1,500 documents: " + rare + " of " + counts.size());
        assertTrue(withPhrase > 15 && withPhrase < docs.size() * 0.8, "documents with a set phrase: " + withPhrase);
    }

    @Test
    void bothVocabulariesAreDeterministicAndDiffer() throws Exception {
        List<Corpus.Document> a = Corpus.write(tmp.resolve("a"), 40, 2, 1, Vocabulary.ZIPF, org.samizdat.work.Progress.NONE);
        Corpus.write(tmp.resolve("b"), 40, 2, 1, Vocabulary.ZIPF, org.samizdat.work.Progress.NONE);
        Corpus.write(tmp.resolve("c"), 40, 2, 1, Vocabulary.SMALL, org.samizdat.work.Progress.NONE);
        int differ = 0;
        for (Corpus.Document d : a) {
            byte[] one = Files.readAllBytes(tmp.resolve("a").resolve(d.file()));
            assertArrayEquals(one, Files.readAllBytes(tmp.resolve("b").resolve(d.file())));
            Path small = tmp.resolve("c").resolve(d.file());
            if (!Files.exists(small) || !java.util.Arrays.equals(one, Files.readAllBytes(small))) {
                differ++;
            }
        }
        assertTrue(differ > 35, differ + " of 40 differ");
    }
}
