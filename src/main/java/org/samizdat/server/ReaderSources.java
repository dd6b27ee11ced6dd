package org.samizdat.server;

import java.util.List;
import java.util.function.Supplier;
import org.samizdat.registry.Registry;
import org.samizdat.search.Indexer;

/**
 * What a node's reader pages draw on besides its public tree: the search index keeper (null when
 * search is off), the nodes it talks to (its upstream and registered downstreams, shown as such,
 * never as verified copies), and the mirror registry when this node runs one (else null).
 */
public record ReaderSources(Indexer indexer, Supplier<List<String>> neighbours, Registry registry) {
    public ReaderSources {
        neighbours = neighbours == null ? List::of : neighbours;
    }

    public ReaderSources(Indexer indexer, Supplier<List<String>> neighbours) {
        this(indexer, neighbours, null);
    }

    public static ReaderSources none() {
        return new ReaderSources(null, List::of);
    }
}
