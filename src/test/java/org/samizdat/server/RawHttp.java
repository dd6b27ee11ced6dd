package org.samizdat.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A shared fixture: sends bytes to a server over a real loopback socket, as an attacker would, and
 * returns the whole response; used where {@link java.net.http.HttpClient} would clean a request up.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A response split into its status line, header block and body (bytes as ISO-8859-1 chars). */
    public record Reply(String statusLine, String headers, String body) {
        public int status() {
            String[] parts = statusLine.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }

        /** The value of the first header of that name, case-insensitively, or null. */
        public String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public String whole() {
            return statusLine + "\r\n" + headers + "\r\n\r\n" + body;
        }
    }

    /** A GET of {@code target} with the given extra header lines, on a connection that closes after it. */
    public static Reply get(int port, String target, String... headerLines) throws IOException {
        return request(port, "GET", target, headerLines);
    }

    public static Reply request(int port, String method, String target, String... headerLines) throws IOException {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headerLines) {
            sb.append(h).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        return parse(exchange(port, sb.toString().getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Writes {@code request} and reads until the server closes (at most 10 s and 64 MiB). */
    public static byte[] exchange(int port, byte[] request) throws IOException {
        return exchange(null, port, request);
    }

    /** As above from a chosen source address (any of 127.0.0.0/8 on Linux), or the default when null. */
    public static byte[] exchange(InetAddress from, int port, byte[] request) throws IOException {
        try (Socket s = connect(from, port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException refusedMidWay) {
                // the server may answer and close before it has read all of an oversized request
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            try {
                for (int n; (n = in.read(buf)) > 0 && got.size() < 64 << 20; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException closed) {
                // what arrived is the answer
            }
            return got.toByteArray();
        }
    }

    /** A GET with Connection: close from a chosen source address. */
    public static Reply getFrom(InetAddress from, int port, String target) throws IOException {
        return parse(exchange(from, port, ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** A socket to the server's loopback port, bound to {@code from} when given. */
    public static Socket connect(InetAddress from, int port) throws IOException {
        Socket s = new Socket();
        if (from != null) {
            s.bind(new java.net.InetSocketAddress(from, 0));
        }
        s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        return s;
    }

    public static Reply parse(byte[] response) {
        String all = new String(response, StandardCharsets.ISO_8859_1);
        int eol = all.indexOf("\r\n");
        int end = all.indexOf("\r\n\r\n");
        if (eol < 0 || end < 0) {
            return new Reply(all, "", "");
        }
        return new Reply(all.substring(0, eol), all.substring(eol + 2, end), all.substring(end + 4));
    }
}
