package org.samizdat.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.samizdat.search.IndexAccess;
import org.samizdat.search.Indexer;
import org.samizdat.search.SearchIndex;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Where a node keeps its search index, or that it keeps none: shared by serve, mirror and demo. */
final class SearchOptions {
    @Option(names = "--no-search", description = "Run without a search index; pages still list releases and documents.")
    boolean off;

    @Option(names = "--index", paramLabel = "DIR",
            description = "Where the search index lives (default: DIR/index). It is built from the verified documents"
                    + " and rebuilt if lost or damaged, so it needs no backup.")
    Path index;

    @Option(names = "--index-io", paramLabel = "map|read", defaultValue = "map",
            converter = IndexAccessConverter.class,
            description = "How the search index is read. map (default): every index file is mapped into the process,"
                    + " for the fastest searches; the pages searches touch count in the node's resident memory (about"
                    + " 240 MB on 250,000 documents). read: the large files (stored text, positions, offsets) are read"
                    + " through the page cache instead, so resident memory stays small, and searches are slower. For a"
                    + " small machine: read, with SAMIZDAT_JAVA_OPTS='-Xms32m -Xmx128m' (README; BENCHMARKS.md has both).")
    IndexAccess access = IndexAccess.MAP;

    /** Opens the index and starts keeping it current; null when search is off or the index cannot be opened. */
    Indexer start(Path nodeDir, Path publicDir, Consumer<String> log) {
        return off ? null : open(index != null ? index : nodeDir.resolve("index"), publicDir, log, access);
    }

    static Indexer open(Path indexDir, Path publicDir, Consumer<String> log) {
        return open(indexDir, publicDir, log, IndexAccess.MAP);
    }

    static Indexer open(Path indexDir, Path publicDir, Consumer<String> log, IndexAccess access) {
        try {
            return new Indexer(SearchIndex.open(indexDir, log, access), publicDir, log, TerminalProgress.onStderr()).start();
        } catch (IOException e) {
            log.accept("search is off: " + e.getMessage());
            return null;
        }
    }

    /** map or read, in lower case as the help writes them. */
    static final class IndexAccessConverter implements ITypeConverter<IndexAccess> {
        @Override
        public IndexAccess convert(String value) {
            return switch (value) {
                case "map" -> IndexAccess.MAP;
                case "read" -> IndexAccess.READ;
                default -> throw new TypeConversionException("--index-io is map or read, not '" + value + "'");
            };
        }
    }
}
