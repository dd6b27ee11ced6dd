package org.samizdat.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.samizdat.corpus.Corpus;
import org.samizdat.corpus.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat corpus}: write a deterministic synthetic corpus of cable-like documents, for trials and benchmarks. */
@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = {"Write a synthetic corpus of cable-like documents.",
                "For trying samizdat out and for benchmarks. Plain-text documents start with 'Key: value' headers (Reference, Date, Origin, To, Classification, Subject, Tags) that add reads as metadata; their length is log-normal around 5 KB, one in 500 a long report of 100-400 KB, and one in fifty each a PDF, an HTML page or an email.",
                "The documents are spread evenly over K directories DIR/release-1 ... DIR/release-K, one per release: samizdat add ARCHIVE DIR/release-1, publish, and so on. The same --docs, --seed, --releases and --vocabulary always give the same bytes."})
final class CorpusCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Where to write (created; must be empty or missing).")
    Path directory;

    @Option(names = "--docs", required = true, paramLabel = "N", description = "Number of documents (250,000 is about 2 GB).")
    int docs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--releases", defaultValue = "1", paramLabel = "K", description = "Number of release directories (default: ${DEFAULT-VALUE}).")
    int releases;

    @Option(names = "--vocabulary", defaultValue = "zipf", paramLabel = "zipf|small",
            description = {"The words of the text (default: ${DEFAULT-VALUE}). zipf: about 50,000 words, names and places drawn by Zipf's law"
                    + " (a word's frequency falls with its rank), function words first, then the trade's words and set phrases"
                    + " such as 'human rights', then cities, surnames and invented words, so most words are rare as in real text."
                    + " small: 80 words drawn evenly, so every word is in nearly every document (the first benchmarks' corpus)."})
    String vocabulary;

    @Override
    public Integer call() throws Exception {
        if (docs < 0 || releases < 1 || releases > Math.max(1, docs)) {
            System.err.println("samizdat: need --docs >= 0 and 1 <= --releases <= --docs");
            return Main.USAGE;
        }
        if (Files.isDirectory(directory)) {
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    System.err.println("samizdat: " + directory + " is not empty; give a new or empty directory");
                    return Main.USAGE;
                }
            }
        } else if (Files.exists(directory)) {
            System.err.println("samizdat: " + directory + " exists and is not a directory");
            return Main.USAGE;
        }
        Vocabulary words = switch (vocabulary) {
            case "zipf" -> Vocabulary.ZIPF;
            case "small" -> Vocabulary.SMALL;
            default -> null;
        };
        if (words == null) {
            System.err.println("samizdat: --vocabulary is zipf or small, not " + vocabulary);
            return Main.USAGE;
        }
        Files.createDirectories(directory);
        List<Corpus.Document> written = Interruption.sayingOnStop(directory + " holds part of the corpus: remove it and"
                + " run the same command again.", () -> Corpus.write(directory, docs, seed, releases, words, TerminalProgress.onStderr()));
        long[] sizes = written.stream().mapToLong(Corpus.Document::bytes).sorted().toArray();
        long total = 0;
        for (long s : sizes) {
            total += s;
        }
        System.out.printf("Wrote %,d document(s), %,d bytes, in %d release director%s under %s%n", docs, total, releases,
                releases == 1 ? "y" : "ies", directory);
        if (sizes.length > 0) {
            System.out.printf("Sizes: median %,d bytes, largest %,d bytes, %,d over 100 KB.%n", sizes[sizes.length / 2],
                    sizes[sizes.length - 1], java.util.Arrays.stream(sizes).filter(s -> s > 100_000).count());
        }
        System.out.println("Next: samizdat add ARCHIVE " + directory.resolve("release-1") + " && samizdat publish ARCHIVE --title \"Release 1\"");
        return Main.OK;
    }
}
