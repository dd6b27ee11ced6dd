package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.TestArchive;
import org.samizdat.store.FileStore;

/**
 * Each flood defence of {@code serve} engages, over real loopback sockets from distinct source
 * addresses in 127.0.0.0/8: a flooding address gets 429 while another is served; a slowloris
 * connection is cut at the header deadline; connections over the per-client cap are closed; and
 * under saturation search is shed while document requests wait their turn and are served.
 */
class FloodDefenceIT {
    @TempDir
    Path tmp;
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private static InetAddress address(String a) throws IOException {
        return InetAddress.getByName(a);
    }

    /** A node serving a small archive with the given defences; returns it and one document's URL path. */
    private record Node(ArchiveServer server, String docUrl) {
    }

    private Node node(FloodLimits limits) throws Exception {
        TestArchive archive = TestArchive.create(tmp.resolve("archive"), Instant.now());
        archive.stage("cables", 3);
        archive.publish("First");
        ArchiveServer s = new ArchiveServer(new ServerConfig("127.0.0.1", 0, archive.publicDir(), "node").withLimits(limits),
                new OriginStatus(archive.publicDir(), Clock.systemUTC()), () -> { }).start();
        open.add(s);
        Catalog.Entry e = Catalog.open(new FileStore(archive.publicDir())).release("r0001").documents().getFirst();
        return new Node(s, "/targets/" + e.storedName());
    }

    private static double rejected(ArchiveServer s, String reason) {
        return s.metrics().get("samizdat_http_rejected").tag("reason", reason).counter().count();
    }

    @Test
    void aFloodingAddressGets429WithRetryAfterWhileAnotherAddressIsServed() throws Exception {
        Node n = node(new FloodLimits(20, 20, 2, 64, 1000, Duration.ofSeconds(10), 0, 64, 4, 100, 7));
        int ok = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 150; i++) {
            RawHttp.Reply r = RawHttp.getFrom(address("127.0.0.2"), n.server().port(), n.docUrl());
            if (r.status() == 429) {
                refused++;
                assertEquals("7", r.header("Retry-After"));
            } else {
                assertEquals(200, r.status(), r.statusLine());
                ok++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // a burst of 40, then 20 a second drain out of the bucket while the flood goes on
        long allowed = 40 + Math.round(20 * seconds) + 2;
        assertTrue(ok >= 20 && ok <= allowed, "the flooder got " + ok + " in " + seconds + " s; its bucket allows " + allowed);
        assertTrue(refused >= 150 - allowed, "the flooder was refused only " + refused + " times of 150");
        RawHttp.Reply other = RawHttp.getFrom(address("127.0.0.3"), n.server().port(), n.docUrl());
        assertEquals(200, other.status(), "another address is served while the flood goes on");
        assertEquals(refused, (int) rejected(n.server(), "rate"));
        String metrics = RawHttp.getFrom(address("127.0.0.4"), n.server().port(), "/metrics").body();
        assertTrue(metrics.contains("samizdat_http_rejected_total{reason=\"rate\"} " + refused + ".0"), metrics);
    }

    /**
     * A hundred readers behind one address (a Tor exit, a carrier's NAT) reading at a human pace,
     * against the default limits: each loads a page and its stylesheet every 5 s and searches every
     * 10 s, staggered, for 10 s. None may be refused.
     */
    @Test
    void aHundredReadersSharingOneAddressAtAHumanPaceAreAllServedByDefault() throws Exception {
        TestArchive archive = TestArchive.create(tmp.resolve("archive"), Instant.now());
        archive.stage("cables", 3);
        archive.publish("First");
        ReaderServer node = new ReaderServer(archive.publicDir(), tmp.resolve("index"), List.of(), FloodLimits.DEFAULTS);
        open.add(node);
        int port = node.server.port();
        InetAddress shared = address("127.0.0.20");
        int readers = 100;
        long seconds = 10;
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ConcurrentLinkedQueue<String> refused = new java.util.concurrent.ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        try (var pool = java.util.concurrent.Executors.newScheduledThreadPool(8)) {
            List<java.util.concurrent.ScheduledFuture<?>> tasks = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                long offset = r * 5000L / readers; // staggered over the 5 s period
                Runnable read = () -> {
                    for (String target : List.of("/", "/static/style.css")) {
                        count(shared, port, target, served, refused);
                    }
                };
                tasks.add(pool.scheduleAtFixedRate(read, offset, 5000, TimeUnit.MILLISECONDS));
                tasks.add(pool.scheduleAtFixedRate(() -> count(shared, port, "/search?q=cable+" + offset, served, refused),
                        2 * offset, 10_000, TimeUnit.MILLISECONDS));
            }
            pool.schedule(() -> tasks.forEach(t -> t.cancel(false)), seconds, TimeUnit.SECONDS).get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        assertTrue(served.get() >= readers * 3, "served " + served.get() + " in " + elapsed + " s");
        assertTrue(refused.isEmpty(), refused.size() + " of " + (served.get() + refused.size())
                + " requests from the shared address were refused: " + refused.stream().limit(5).toList());
    }

    private static void count(InetAddress from, int port, String target, java.util.concurrent.atomic.AtomicInteger served,
                              java.util.Queue<String> refused) {
        try {
            RawHttp.Reply r = RawHttp.getFrom(from, port, target);
            if (r.status() == 200) {
                served.incrementAndGet();
            } else {
                refused.add(target + " " + r.status());
            }
        } catch (IOException e) {
            refused.add(target + " " + e.getMessage());
        }
    }

    @Test
    void aPageRequestOverTheRateGetsAPageSayingWhenToRetryWithOtherMirrors() throws Exception {
        Node n = node(new FloodLimits(0, 2, 0, 64, 1000, Duration.ofSeconds(10), 0, 64, 4, 100, 7));
        RawHttp.Reply last = null;
        for (int i = 0; i < 10; i++) {
            last = RawHttp.getFrom(address("127.0.0.21"), n.server().port(), "/releases");
        }
        assertEquals(429, last.status());
        assertEquals("7", last.header("Retry-After"));
        assertTrue(last.header("Content-Type").startsWith("text/html"), last.headers());
        assertTrue(last.body().contains("Try again in 7 seconds") && last.body().contains("another mirror"), last.body());
        RawHttp.Reply file = null;
        for (int i = 0; i < 10; i++) {
            file = RawHttp.getFrom(address("127.0.0.21"), n.server().port(), "/api/status");
        }
        assertTrue(file.header("Content-Type").startsWith("text/plain"), "the API gets one line of text");
    }

    @Test
    void keyPostsFromOneAddressAreRateLimitedLikePagesAndAnotherAddressIsStillAnswered() throws Exception {
        Node n = node(new FloodLimits(0, 2, 0, 64, 1000, Duration.ofSeconds(10), 0, 64, 4, 100, 7));
        byte[] body = ("release=r0001&key=" + "ab".repeat(32)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] post = ("POST /api/unseal HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + new String(body, java.nio.charset.StandardCharsets.US_ASCII))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            RawHttp.Reply r = RawHttp.parse(RawHttp.exchange(address("127.0.0.31"), n.server().port(), post));
            refused += r.status() == 429 ? 1 : 0;
        }
        assertTrue(refused >= 12 - 4 - 2, "a flood of key posts from one address is refused: " + refused + " of 12");
        RawHttp.Reply other = RawHttp.parse(RawHttp.exchange(address("127.0.0.32"), n.server().port(), post));
        // this node has no opener of sealed releases: the post reaches the route and is answered there, not refused
        assertEquals(405, other.status(), other.statusLine());
    }

    @Test
    void aKeptAliveConnectionClosedAfterItsIdleTimeIsNotCountedAsASlowloris() throws Exception {
        Node n = node(new FloodLimits(0, 0, 0, 64, 1000, Duration.ofSeconds(1), 0, 64, 4, 100, 5));
        try (Socket s = RawHttp.connect(address("127.0.0.8"), n.server().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + n.docUrl() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            // the whole answer, then the server's close once the connection has idled past the deadline
            byte[] all = in.readAllBytes();
            String reply = new String(all, StandardCharsets.ISO_8859_1);
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
        }
        assertEquals(0.0, rejected(n.server(), "deadline"), "an idle kept-alive connection is not a refused slowloris");
    }

    @Test
    void aSlowlorisConnectionIsCutAtTheHeaderDeadline() throws Exception {
        Node n = node(new FloodLimits(0, 0, 0, 64, 1000, Duration.ofSeconds(1), 0, 64, 4, 100, 5));
        long start = System.nanoTime();
        long cutAfter;
        try (Socket s = RawHttp.connect(address("127.0.0.5"), n.server().port())) {
            s.setSoTimeout(200);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            cutAfter = -1;
            for (int i = 0; i < 50 && cutAfter < 0; i++) { // at most 10 s
                try {
                    out.write(("X-Drip-" + i + ": x\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (in.read() < 0) {
                        cutAfter = System.nanoTime() - start;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // the server is still waiting for the rest of the headers
                } catch (IOException reset) {
                    cutAfter = System.nanoTime() - start;
                }
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(cutAfter);
        assertTrue(cutAfter > 0, "the dripping connection was never cut");
        assertTrue(ms >= 900 && ms <= 3500, "cut after " + ms + " ms, deadline 1000 ms");
        assertTrue(rejected(n.server(), "deadline") >= 1);
        assertEquals(200, RawHttp.getFrom(address("127.0.0.5"), n.server().port(), n.docUrl()).status(),
                "a whole request from the same address is served");
    }

    @Test
    void connectionsOverThePerClientCapAreClosedAtOnce() throws Exception {
        Node n = node(new FloodLimits(0, 0, 0, 3, 1000, Duration.ofSeconds(30), 0, 64, 4, 100, 5));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = RawHttp.connect(address("127.0.0.6"), n.server().port());
                held.add(s);
                // one kept-alive request on each, so the server has surely opened and counted all three
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                s.setSoTimeout(5000);
                byte[] head = new byte[12];
                assertEquals(12, s.getInputStream().readNBytes(head, 0, 12));
                assertEquals("HTTP/1.1 200", new String(head, StandardCharsets.ISO_8859_1));
            }
            try (Socket fourth = RawHttp.connect(address("127.0.0.6"), n.server().port())) {
                fourth.setSoTimeout(3000);
                int got;
                try {
                    fourth.getOutputStream().write(("GET " + n.docUrl() + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    got = fourth.getInputStream().read();
                } catch (IOException reset) {
                    got = -1;
                }
                assertEquals(-1, got, "the fourth connection from one address is closed");
            }
            assertEquals(200, RawHttp.getFrom(address("127.0.0.7"), n.server().port(), n.docUrl()).status(),
                    "another address still connects");
            assertTrue(rejected(n.server(), "connections") >= 1);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // once the server has seen the three close, the address is welcome again
        waitUntil(() -> {
            try {
                return RawHttp.getFrom(address("127.0.0.6"), n.server().port(), n.docUrl()).status() == 200;
            } catch (IOException refusedStill) {
                return false;
            }
        }, 5000);
    }

    @Test
    void underSaturationSearchIsShedWhileDocumentRequestsWaitTheirTurnAndAreServed() throws Exception {
        // Real defences around a stand-in for the routes whose search and /slow pages block until released,
        // so saturation is exact rather than a matter of timing.
        CountDownLatch releaseSearch = new CountDownLatch(1);
        CountDownLatch releaseSlow = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(4);
        Handler routes = new Handler.Abstract(Handler.Abstract.InvocationType.BLOCKING) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = Request.getPathInContext(request);
                if (path.equals("/search") || path.equals("/slow")) {
                    entered.countDown();
                }
                if (path.equals("/search")) {
                    releaseSearch.await(20, TimeUnit.SECONDS);
                } else if (path.equals("/slow")) {
                    releaseSlow.await(20, TimeUnit.SECONDS);
                }
                response.setStatus(200);
                response.write(true, java.nio.ByteBuffer.wrap(("answer for " + path).getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
        Server server = new Server(new QueuedThreadPool(64, 8));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FloodDefences defences = new FloodDefences(server, connector,
                new FloodLimits(0, 0, 0, 64, 1000, Duration.ofSeconds(30), 0, 4, 1, 0, 3), metrics,
                () -> List.of("https://mirror-a.example", "https://mirror-b.example"));
        server.setHandler(defences.wrap(routes));
        server.start();
        open.add(server::stop);
        open.add(defences);
        int port = connector.getLocalPort();

        CompletableFuture<RawHttp.Reply> firstSearch = async("127.0.1.1", port, "/search?q=a");
        List<CompletableFuture<RawHttp.Reply>> slow = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            slow.add(async("127.0.1." + (2 + i), port, "/slow"));
        }
        // the four reach the routes and block there: the node is at its cap of 4
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the first four requests reached the routes");
        CompletableFuture<RawHttp.Reply> document = async("127.0.1.10", port, "/doc/r0001/a.txt");
        waitUntil(() -> defences.waiting() == 1, 5000);

        RawHttp.Reply shed = RawHttp.getFrom(address("127.0.1.11"), port, "/search?q=b");
        assertEquals(503, shed.status(), "a search arriving while requests wait is shed");
        assertEquals("3", shed.header("Retry-After"));
        assertTrue(shed.body().contains("https://mirror-a.example") && shed.body().contains("https://mirror-b.example"),
                "the overload page lists other mirrors: " + shed.body());

        releaseSlow.countDown();
        RawHttp.Reply doc = document.get(10, TimeUnit.SECONDS);
        assertEquals(200, doc.status(), "the waiting document request is served once a slot frees");
        for (CompletableFuture<RawHttp.Reply> f : slow) {
            assertEquals(200, f.get(10, TimeUnit.SECONDS).status());
        }
        RawHttp.Reply second = RawHttp.getFrom(address("127.0.1.12"), port, "/search?q=c");
        assertEquals(503, second.status(), "one search at a time (--max-expensive 1) while the first still runs");
        releaseSearch.countDown();
        assertEquals(200, firstSearch.get(10, TimeUnit.SECONDS).status());
        waitUntil(() -> defences.expensiveRunning() == 0, 5000); // its permit comes back once its answer is sent
        assertEquals(200, RawHttp.getFrom(address("127.0.1.13"), port, "/search?q=d").status(), "search is back");
        assertEquals(2.0, metrics.get("samizdat_http_rejected").tag("reason", "shed").counter().count());
    }

    private static CompletableFuture<RawHttp.Reply> async(String from, int port, String target) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.getFrom(InetAddress.getByName(from), port, target);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within " + millis + " ms");
    }
}
