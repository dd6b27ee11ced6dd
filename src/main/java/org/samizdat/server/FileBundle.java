package org.samizdat.server;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.LongConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.samizdat.archive.BundleRequest;
import org.samizdat.store.FileStore;

/**
 * {@code POST /api/bundle} ({@link BundleRequest}): many stored documents in one streamed
 * response, so a mirror copying a release makes one request per thousand documents instead of
 * one per document. Every name is checked and every file found before the first byte is sent
 * (404 naming the first missing one); at most {@link #MAX_CONCURRENT} bundles stream at once and
 * a request beyond that gets 503 with Retry-After, so a flood of bundle requests costs a bounded
 * share of the node (a mirror refused falls back to one request per document).
 */
final class FileBundle {
    static final int MAX_CONCURRENT = 4;
    /** Bytes gathered before each write to the connection. */
    static final int WRITE_BUFFER = 256 * 1024;
    private final Semaphore streams = new Semaphore(MAX_CONCURRENT);
    private final FileStore store;
    private final LongConsumer sent;

    FileBundle(Path publicDir, LongConsumer sent) {
        this.store = new FileStore(publicDir);
        this.sent = sent;
    }

    boolean handle(Request request, Response response, Callback callback) throws IOException {
        if (!streams.tryAcquire()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
            return ArchiveServer.text(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "busy: " + MAX_CONCURRENT
                    + " bundles are streaming; ask again, or fetch the documents one by one\n");
        }
        try {
            BundleRequest asked;
            try {
                asked = BundleRequest.parse(Content.Source.asInputStream(request).readNBytes(BundleRequest.MAX_BODY + 1));
            } catch (IllegalArgumentException e) {
                return ArchiveServer.text(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage() + "\n");
            }
            List<Path> files = new ArrayList<>();
            long total = 0;
            for (String name : asked.names()) {
                Path p = store.path(name);
                BasicFileAttributes a; // one stat a file: whether it is there, and its length
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    a = null;
                }
                if (a == null || !a.isRegularFile()) {
                    return ArchiveServer.text(response, callback, HttpStatus.NOT_FOUND_404, "not found: " + name + "\n");
                }
                files.add(p);
                total += a.size();
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, total);
            byte[] buffer = new byte[64 * 1024];
            // buffered: a write to Jetty blocks until the bytes are out, and most documents are a few KB
            try (OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), WRITE_BUFFER)) {
                for (Path p : files) {
                    // a file replaced or removed meanwhile changes the length: Jetty then aborts the response
                    try (InputStream in = Files.newInputStream(p)) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            out.write(buffer, 0, n);
                        }
                    }
                }
            }
            sent.accept(total);
            callback.succeeded();
            return true;
        } finally {
            streams.release();
        }
    }
}
