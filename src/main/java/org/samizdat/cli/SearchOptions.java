package org.samizdat.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.samizdat.search.Indexer;
import org.samizdat.search.SearchIndex;
import picocli.CommandLine.Option;

/** Where a node keeps its search index, or that it keeps none: shared by serve, mirror and demo. */
final class SearchOptions {
    @Option(names = "--no-search", description = "Run without a search index; pages still list releases and documents.")
    boolean off;

    @Option(names = "--index", paramLabel = "DIR",
            description = "Where the search index lives (default: DIR/index). It is built from the verified documents"
                    + " and rebuilt if lost or damaged, so it needs no backup.")
    Path index;

    /** Opens the index and starts keeping it current; null when search is off or the index cannot be opened. */
    Indexer start(Path nodeDir, Path publicDir, Consumer<String> log) {
        return off ? null : open(index != null ? index : nodeDir.resolve("index"), publicDir, log);
    }

    static Indexer open(Path indexDir, Path publicDir, Consumer<String> log) {
        try {
            return new Indexer(SearchIndex.open(indexDir, log), publicDir, log, TerminalProgress.onStderr()).start();
        } catch (IOException e) {
            log.accept("search is off: " + e.getMessage());
            return null;
        }
    }
}
