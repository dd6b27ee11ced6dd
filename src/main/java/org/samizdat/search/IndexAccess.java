package org.samizdat.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FileSwitchDirectory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.store.NIOFSDirectory;

/**
 * How a node reads its search index: mapped into the process (fastest; the pages searches touch
 * count in the process's resident memory) or, for the large files, read through the page cache
 * (slower searches, and a resident size that stays small on a node with little memory).
 */
public enum IndexAccess {
    /** Every file mapped, Lucene's default. */
    MAP,
    /**
     * The large files searches read in runs are read, not mapped: stored text ({@code fdt}),
     * positions ({@code pos}), offsets ({@code pay}) and small segments' compound files
     * ({@code cfs}). Term dictionaries, postings and doc values stay mapped: facets read doc values
     * one document at a time, and read that way each search took about twice as long.
     */
    READ;

    static final Set<String> READ_EXTENSIONS = Set.of("fdt", "pos", "pay", "cfs");

    Directory open(Path dir) throws IOException {
        return switch (this) {
            case MAP -> FSDirectory.open(dir);
            case READ -> new FileSwitchDirectory(READ_EXTENSIONS, new NIOFSDirectory(dir), new MMapDirectory(dir), true);
        };
    }
}
