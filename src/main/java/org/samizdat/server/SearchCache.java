package org.samizdat.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.samizdat.search.SearchQuery;
import org.samizdat.search.SearchResults;

/**
 * The most recent search answers, keyed by the parsed query and the index generation they came from,
 * so a flood of one query costs one search per change of the index (least recently used out first).
 */
final class SearchCache {
    private final int capacity;
    private final Map<Key, SearchResults> entries;
    private long hits;
    private long misses;

    /** A search that may fail reading the index. */
    interface Search {
        SearchResults run() throws java.io.IOException;
    }

    private record Key(SearchQuery query, long indexVersion, String state) {
    }

    SearchCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, SearchResults> eldest) {
                return size() > SearchCache.this.capacity;
            }
        };
    }

    /** The cached answer, or {@code search}'s (cached only when the index is ready). */
    SearchResults get(SearchQuery query, long indexVersion, String state, Search search) throws java.io.IOException {
        if (capacity == 0) {
            return search.run();
        }
        Key key = new Key(query, indexVersion, state);
        synchronized (this) {
            SearchResults r = entries.get(key);
            if (r != null) {
                hits++;
                return r;
            }
            misses++;
        }
        SearchResults r = search.run();
        if (state.equals("ready")) {
            synchronized (this) {
                entries.put(key, r);
            }
        }
        return r;
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }
}
