package org.samizdat.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;

/**
 * An upstream node over HTTP (keep-alive, no redirects followed, timeouts, size caps). Nothing it
 * returns is trusted: callers verify every byte against signed metadata before using it.
 */
public final class Upstream implements Remote {
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public Upstream(String url, Duration timeout) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new IllegalArgumentException("upstream must be an http:// or https:// URL, not " + url);
        }
        this.base = URI.create(u);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String url() {
        return base.toString();
    }

    /** The file's bytes, empty on 404/403/410; at most {@code maxLength} bytes or it fails. */
    @Override
    public Optional<byte[]> get(String path, long maxLength) throws SyncException {
        HttpResponse<InputStream> r = send(path);
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404 || r.statusCode() == 403 || r.statusCode() == 410) {
                return Optional.empty();
            }
            if (r.statusCode() != 200) {
                throw new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": HTTP " + r.statusCode(), null);
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxLength + 1));
            if (b.length > maxLength) {
                throw new SyncException(SyncException.Kind.VERIFICATION, url() + path + ": longer than the "
                        + maxLength + " bytes allowed [size cap]", null);
            }
            return Optional.of(b);
        } catch (IOException e) {
            throw new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": " + describe(e), e);
        }
    }

    /**
     * Streams a document into {@code temp}, reading at most {@code length} + 1 bytes, and checks
     * the exact length and sha256 before returning (spec 5.7.3); the caller renames it into place.
     */
    public void download(String path, Path temp, long length, String sha256) throws SyncException {
        HttpResponse<InputStream> r = send(path);
        MessageDigest md = Sha256.newDigest();
        long n = 0;
        try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(temp)) {
            if (r.statusCode() != 200) {
                throw new SyncException(r.statusCode() == 404 ? SyncException.Kind.VERIFICATION : SyncException.Kind.UNREACHABLE,
                        url() + path + ": HTTP " + r.statusCode(), null);
            }
            byte[] buf = new byte[65536];
            while (true) {
                int want = (int) Math.min(buf.length, length + 1 - n);
                if (want <= 0) {
                    break;
                }
                int k = in.read(buf, 0, want);
                if (k < 0) {
                    break;
                }
                md.update(buf, 0, k);
                out.write(buf, 0, k);
                n += k;
            }
        } catch (IOException e) {
            throw new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": " + describe(e), e);
        }
        if (n != length) {
            throw new SyncException(SyncException.Kind.VERIFICATION, url() + path + ": "
                    + (n > length ? "longer" : "shorter") + " than the " + length + " bytes signed [target length]", null);
        }
        if (!Hex.encode(md.digest()).equals(sha256)) {
            throw new SyncException(SyncException.Kind.VERIFICATION, url() + path
                    + ": content differs from the signed sha256 [target hash]", null);
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private HttpResponse<InputStream> send(String path) throws SyncException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + path)).timeout(timeout).GET().build();
        IOException last = null;
        // A kept-alive connection the upstream has closed fails the first request on it; GET is
        // idempotent, so one retry on a fresh connection is safe.
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.http.HttpTimeoutException e) {
                throw new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": timed out after " + timeout, e);
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SyncException(SyncException.Kind.UNREACHABLE, "interrupted", e);
            }
        }
        throw new SyncException(SyncException.Kind.UNREACHABLE, url() + path + ": " + describe(last), last);
    }
}
