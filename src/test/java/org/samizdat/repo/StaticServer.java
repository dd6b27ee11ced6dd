package org.samizdat.repo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * A minimal static HTTP server on loopback for tests that need a TUF tree over real sockets
 * before the real server exists: GET of files under a directory, 404 for anything else.
 */
public final class StaticServer implements AutoCloseable {
    private final HttpServer server;
    private final java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();

    public StaticServer(Path root) throws IOException {
        this(root, java.time.Duration.ZERO);
    }

    /** As above, but every response under {@code /targets/} waits {@code targetDelay} first (a slow mirror). */
    public StaticServer(Path root, java.time.Duration targetDelay) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = URI.create(exchange.getRequestURI().getRawPath()).getPath();
                requests.add(exchange.getRequestURI().getRawPath());
                Path file = base.resolve(path.substring(1)).normalize();
                if (!exchange.getRequestMethod().equals("GET") || !file.startsWith(base) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                if (path.startsWith("/targets/") && !targetDelay.isZero()) {
                    try {
                        Thread.sleep(targetDelay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** The raw paths requested so far, in order. */
    public java.util.List<String> requests() {
        return java.util.List.copyOf(requests);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
