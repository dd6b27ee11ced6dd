package org.samizdat.server;

import java.util.List;
import java.util.function.Supplier;
import org.samizdat.search.Indexer;

/**
 * What a node's reader pages draw on besides its public tree: the search index keeper (null when
 * search is off) and the other nodes it knows (its upstream and registered downstreams).
 */
public record ReaderSources(Indexer indexer, Supplier<List<String>> mirrors) {
    public ReaderSources {
        mirrors = mirrors == null ? List::of : mirrors;
    }

    public static ReaderSources none() {
        return new ReaderSources(null, List::of);
    }
}
