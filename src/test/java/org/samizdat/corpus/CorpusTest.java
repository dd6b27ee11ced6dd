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
}
