package org.samizdat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback that counts the bytes crossing it each way: put between a client and a
 * server, it measures what either protocol (HTTP, rsync's) really puts on the wire.
 */
final class CountingRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final AtomicLong toServer = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    CountingRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("relay-" + targetPort).start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Bytes the server sent to clients (its egress) since the last reset. */
    long fromServer() {
        return toClient.get();
    }

    /** Bytes both ways since the last reset. */
    long total() {
        return toClient.get() + toServer.get();
    }

    long connections() {
        return connections.get();
    }

    void reset() {
        toClient.set(0);
        toServer.set(0);
        connections.set(0);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 10_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> pump(client, server, toServer));
                Thread.ofVirtual().start(() -> pump(server, client, toClient));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("[relay] " + e.getMessage());
                }
            }
        }
    }

    /** Copies one direction; at its end, half-closes the other side so the peer sees end of stream too. */
    private static void pump(Socket from, Socket to, AtomicLong counter) {
        byte[] buf = new byte[64 * 1024];
        try {
            // not closed here: closing a socket's stream closes the socket, and the other direction may still run
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                counter.addAndGet(n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(to);
            closeQuietly(from);
            return;
        }
        if (from.isOutputShutdown() || to.isInputShutdown()) {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
