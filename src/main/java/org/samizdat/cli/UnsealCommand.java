package org.samizdat.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.samizdat.archive.Json;
import org.samizdat.repo.SealedRelease;
import org.samizdat.seal.KeyShares;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat unseal}: post a sealed release's key to a node, which opens it and passes it on. */
@Command(name = "unseal", mixinStandardHelpOptions = true,
        description = {"Post a sealed release's key to a node: the network opens it.",
                "The node checks the key against the signed commitment (a wrong key is refused at once), decrypts the ciphertext, checks every document against the committed manifest, then serves and indexes them and posts the key to its upstream and downstreams, which do the same: the whole network opens within seconds, with no signature needed from the publisher.",
                "Give the key file (--key), or the trustees' shares (--share, repeated), which are combined here first. Waits until the node has opened the release (or refused it), up to --wait seconds.",
                "Exit codes: 0 opened (or opening, with --wait 0), 3 refused (wrong key, or the ciphertext does not hold what was committed), 4 the node cannot be reached."})
final class UnsealCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL", description = "Base URL of any node of the archive, e.g. http://127.0.0.1:8080")
    String url;

    @Option(names = "--release", paramLabel = "ID", description = "The sealed release, e.g. r0005 (default: the one the shares name).")
    String release;

    @Option(names = "--key", paramLabel = "FILE", description = "The key file (64 hex digits), as seal or open-key wrote it (default: none; then --share).")
    Path keyFile;

    @Option(names = "--share", paramLabel = "FILE", description = "A trustee's share file, instead of --key (repeat; K of them are needed).")
    List<Path> shares = new ArrayList<>();

    @Option(names = "--wait", defaultValue = "600", paramLabel = "SECONDS", description = "How long to wait for the node to open the release (default: ${DEFAULT-VALUE}; 0: do not wait).")
    int waitSeconds;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws Exception {
        String key;
        String id = release;
        if (keyFile != null == !shares.isEmpty()) {
            throw new IllegalArgumentException("give either --key FILE or --share FILE...");
        }
        if (keyFile != null) {
            key = SealedRelease.keyText(Files.readString(keyFile)).orElseThrow(() ->
                    new IllegalArgumentException(keyFile + " holds no key (64 hex digits)"));
        } else {
            List<KeyShares.Share> given = new ArrayList<>();
            for (Path p : shares) {
                given.add(KeyShares.Share.parse(p.toString(), Files.readAllBytes(p)));
            }
            try {
                key = KeyShares.combine(given);
            } catch (IllegalArgumentException e) {
                System.err.println("samizdat unseal: " + e.getMessage());
                return Main.VERIFICATION_FAILED;
            }
            id = id == null ? given.get(0).release() : id;
        }
        if (id == null) {
            throw new IllegalArgumentException("name the release with --release rNNNN");
        }
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/unseal")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("release=" + id + "&key=" + key)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            System.err.println("samizdat unseal: cannot reach " + base + ": " + e.getMessage());
            return Main.NO_UPSTREAM;
        }
        System.out.println(base + ": " + r.body().strip());
        if (r.statusCode() == 403 || r.statusCode() == 409 || r.statusCode() == 404) {
            return Main.VERIFICATION_FAILED;
        }
        if (r.statusCode() >= 400) {
            return Main.ERROR;
        }
        if (waitSeconds <= 0 || r.statusCode() == 200) {
            return Main.OK;
        }
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            String state = state(base, id);
            if (!state.equals(last)) {
                System.out.println(id + " on " + base + ": " + state);
                last = state;
            }
            if (state.equals("opened")) {
                return Main.OK;
            }
            if (state.startsWith("refused")) {
                return Main.VERIFICATION_FAILED;
            }
            Thread.sleep(250); // polling a remote node's status: there is no condition to wait on here
        }
        System.err.println("samizdat unseal: " + id + " is not open on " + base + " after " + waitSeconds + " s (last: " + last + ")");
        return Main.ERROR;
    }

    @SuppressWarnings("unchecked")
    private String state(String base, String id) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/status")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            Object sealed = Json.parseObject(r.body()).get("sealed_releases");
            return sealed instanceof Map<?, ?> m && m.get(id) instanceof String s ? s : "unknown";
        } catch (Exception e) {
            return "unreachable (" + e.getMessage() + ")";
        }
    }
}
