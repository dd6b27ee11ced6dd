package org.samizdat.server;

import java.util.List;
import java.util.function.Supplier;
import org.samizdat.registry.Registry;
import org.samizdat.search.Indexer;
import org.samizdat.seal.Unsealer;

/**
 * What a node's reader pages draw on besides its public tree: the search index keeper (null when
 * search is off), the nodes it talks to (its upstream and registered downstreams, shown as such,
 * never as verified copies), the mirror registry when this node runs one (else null), and the
 * opener of sealed releases (null when keys cannot be posted here).
 */
public record ReaderSources(Indexer indexer, Supplier<List<String>> neighbours, Registry registry, Unsealer unsealer) {
    public ReaderSources {
        neighbours = neighbours == null ? List::of : neighbours;
    }

    public ReaderSources(Indexer indexer, Supplier<List<String>> neighbours, Registry registry) {
        this(indexer, neighbours, registry, null);
    }

    public ReaderSources(Indexer indexer, Supplier<List<String>> neighbours) {
        this(indexer, neighbours, null, null);
    }

    /** These sources, with a node's opener of sealed releases ({@code POST /api/unseal}). */
    public ReaderSources withUnsealer(Unsealer u) {
        return new ReaderSources(indexer, neighbours, registry, u);
    }

    public static ReaderSources none() {
        return new ReaderSources(null, List::of);
    }
}
