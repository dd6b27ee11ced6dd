package org.samizdat.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * N simulated mirrors in one lightweight process, for the registry benchmark: one small HTTP
 * server per loopback address 127.0.X.Y (the same port on each), all serving the same copy of an
 * archive's public tree, sharing one pool of virtual threads. Prints "ready" when all listen; runs
 * until killed. Usage: SimulatedMirrors DIR COUNT PORT
 */
public final class SimulatedMirrors {
    private SimulatedMirrors() {
    }

    /** The address of simulated mirror {@code i}: 127.0.1.1, 127.0.1.2, ... 250 per third octet. */
    static String address(int i) {
        return "127.0." + (1 + i / 250) + "." + (1 + i % 250);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        int count = Integer.parseInt(args[1]);
        int port = Integer.parseInt(args[2]);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<HttpServer> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address(i)), port), 64);
            s.createContext("/", x -> {
                try (x) {
                    String path = x.getRequestURI().getPath();
                    Path f = dir.resolve(path.substring(1)).normalize();
                    if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
                        x.sendResponseHeaders(404, -1);
                        return;
                    }
                    byte[] body = Files.readAllBytes(f);
                    x.sendResponseHeaders(200, body.length);
                    x.getResponseBody().write(body);
                }
            });
            s.setExecutor(pool);
            s.start();
            servers.add(s);
        }
        System.out.println("ready: " + servers.size() + " mirrors on port " + port);
        Thread.currentThread().join();
    }
}
