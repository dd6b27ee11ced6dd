package org.samizdat.sync;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.samizdat.archive.BundleRequest;

/**
 * A loopback mirror that lies: it serves a real archive's public tree as it is on disk at each
 * request, except where its {@link Attack} answers otherwise (other bytes, a status, a redirect,
 * bytes dripped slowly). Records every request path.
 */
final class HostileMirror implements AutoCloseable {
    /** One manipulated answer. */
    record Response(int status, byte[] body, String location, Duration perChunk, String retryAfter) {
        static Response bytes(byte[] body) {
            return new Response(200, body, null, Duration.ZERO, null);
        }

        static Response status(int status) {
            return new Response(status, new byte[0], null, Duration.ZERO, null);
        }

        static Response redirect(String location) {
            return new Response(302, new byte[0], location, Duration.ZERO, null);
        }

        /** The body in 16-byte chunks, {@code perChunk} apart. */
        static Response drip(byte[] body, Duration perChunk) {
            return new Response(200, body, null, perChunk, null);
        }

        /** 429 or 503 with a Retry-After header, as a mirror under a flood answers. */
        static Response busy(int status, String retryAfter) {
            return new Response(status, "busy\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), null, Duration.ZERO,
                    retryAfter);
        }
    }

    /** What the mirror answers for a path (e.g. {@code /metadata/timestamp.json}); empty means the honest file. */
    interface Attack {
        Optional<Response> answer(String path, Optional<byte[]> honest) throws IOException;

        /** Replaces the files at the given paths with the given bytes. */
        static Attack replace(Map<String, byte[]> files) {
            return (path, honest) -> Optional.ofNullable(files.get(path)).map(Response::bytes);
        }
    }

    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    HostileMirror(Path publicDir, Attack attack) throws IOException {
        this(publicDir, attack, false);
    }

    /**
     * With {@code bundles}, it also answers {@code POST /api/bundle} as a node does (the asked
     * files back to back), where the attack sees the honest bundle under that path.
     */
    HostileMirror(Path publicDir, Attack attack, boolean bundles) throws IOException {
        Path base = publicDir.toAbsolutePath().normalize();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = URI.create(exchange.getRequestURI().getRawPath()).getPath();
                requests.add(path);
                Path file = base.resolve(path.substring(1)).normalize();
                Optional<byte[]> honest = file.startsWith(base) && Files.isRegularFile(file)
                        ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
                if (bundles && path.equals(BundleRequest.PATH) && exchange.getRequestMethod().equals("POST")) {
                    honest = bundle(base, BundleRequest.parse(exchange.getRequestBody().readAllBytes()));
                }
                Response r = attack.answer(path, honest)
                        .orElse(honest.map(Response::bytes).orElse(Response.status(404)));
                if (r.location() != null) {
                    exchange.getResponseHeaders().add("Location", r.location());
                }
                if (r.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", r.retryAfter());
                }
                exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
                if (r.body().length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < r.body().length; i += 16) {
                            out.write(r.body(), i, Math.min(16, r.body().length - i));
                            if (!r.perChunk().isZero()) {
                                out.flush();
                                Thread.sleep(r.perChunk().toMillis());
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client hung up (as it should on a drip): nothing to answer
            }
        });
        server.start();
    }

    private static Optional<byte[]> bundle(Path base, BundleRequest asked) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (String name : asked.names()) {
            Path f = base.resolve(name);
            if (!Files.isRegularFile(f)) {
                return Optional.empty();
            }
            all.write(Files.readAllBytes(f));
        }
        return Optional.of(all.toByteArray());
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
