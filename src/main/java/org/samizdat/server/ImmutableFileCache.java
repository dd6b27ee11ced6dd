package org.samizdat.server;

import java.io.IOException;
import org.eclipse.jetty.http.content.CachingHttpContentFactory;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.io.ByteBufferPool;

/**
 * Keeps recently served files in memory, bounded, for the names that never change: with
 * consistent snapshots every file but {@code timestamp.json} is immutable under its name (TUF
 * spec 5.5, consistent snapshots), so a cached copy can never be stale. {@code timestamp.json}
 * is replaced in place and is read from disk every time. A miss is not remembered, so a file that
 * arrives after a 404 (a new version, {@code N+1.root.json}) is served at once.
 */
final class ImmutableFileCache implements HttpContent.Factory {
    /** Memory for cached files in all; a cable's median is 5 KB, so this holds thousands. */
    static final long MAX_BYTES = 32L << 20;
    static final int MAX_FILE_BYTES = 1 << 20;
    static final int MAX_FILES = 8192;
    private final HttpContent.Factory disk;
    private final Cache cache;

    ImmutableFileCache(HttpContent.Factory disk, ByteBufferPool.Sized buffers) {
        this.disk = disk;
        this.cache = new Cache(disk, buffers);
        cache.setMaxCacheSize(MAX_BYTES);
        cache.setMaxCachedFileSize(MAX_FILE_BYTES);
        cache.setMaxCachedFiles(MAX_FILES);
    }

    @Override
    public HttpContent getContent(String path) throws IOException {
        return mutable(path) ? disk.getContent(path) : cache.getContent(path);
    }

    /** Files replaced under the same name: only the timestamp (and anything outside the TUF tree). */
    static boolean mutable(String path) {
        return path.endsWith("/timestamp.json") || !(path.startsWith("/metadata/") || path.startsWith("/targets/"));
    }

    private static final class Cache extends CachingHttpContentFactory {
        Cache(HttpContent.Factory authority, ByteBufferPool.Sized buffers) {
            super(authority, buffers);
        }

        @Override
        public HttpContent getContent(String path) throws IOException {
            HttpContent c = super.getContent(path);
            if (c == null) {
                // Jetty remembers misses; a file may appear under this name any moment
                getCache().remove(path);
            }
            return c;
        }
    }
}
