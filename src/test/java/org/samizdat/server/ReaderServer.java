package org.samizdat.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.samizdat.search.Indexer;
import org.samizdat.search.SearchIndex;

/** A shared fixture: a node serving a public tree with its reader pages and a search index, and an HTTP client for it. */
public final class ReaderServer implements AutoCloseable {
    public final ArchiveServer server;
    public final Indexer indexer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ReaderServer(Path publicDir, Path indexDir, List<String> mirrors) throws Exception {
        // the tests using this fixture send hundreds of requests from one address; the flood
        // defences that would refuse them are tested in FloodDefenceIT (the search cache stays on)
        this(publicDir, indexDir, mirrors, new FloodLimits(0, 0, 0, 0, 0, java.time.Duration.ZERO, 0, 0, 0, 1000, 5));
    }

    public ReaderServer(Path publicDir, Path indexDir, List<String> mirrors, FloodLimits limits) throws Exception {
        indexer = new Indexer(SearchIndex.open(indexDir, s -> { }), publicDir, s -> { });
        indexer.check(); // the first build, before the tests ask
        server = new ArchiveServer(new ServerConfig("127.0.0.1", 0, publicDir, "Sample archive").withLimits(limits),
                new OriginStatus(publicDir, Clock.systemUTC()), () -> { }, null,
                new ReaderSources(indexer, () -> mirrors)).start();
    }

    public String url() {
        return server.url();
    }

    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() throws Exception {
        server.close();
        indexer.close();
    }
}
