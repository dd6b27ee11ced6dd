package org.samizdat.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code wrk} (keep-alive HTTP/1.1 load) for a bounded time and reads its summary. */
final class Wrk {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern TRANSFER = Pattern.compile("Transfer/sec:\\s+([\\d.]+)(\\w+)");
    private static final Pattern P50 = Pattern.compile("\\s50%\\s+([\\d.]+\\w+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([\\d.]+\\w+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");

    /** One run's summary as wrk prints it. */
    record Result(double requestsPerSecond, long requests, String transfer, String p50, String p99, String output) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests_per_second", Report.fixed(requestsPerSecond, 1));
            m.put("requests", requests);
            m.put("transfer_per_second", transfer);
            m.put("latency_p50", p50);
            m.put("latency_p99", p99);
            return m;
        }
    }

    private Wrk() {
    }

    /** Two threads, {@code connections} keep-alive connections, {@code seconds} long; every answer must be a 200. */
    static Result run(Path dir, String url, int connections, int seconds) throws Exception {
        return run(dir, url, 2, connections, seconds);
    }

    /** {@code threads} wrk threads, {@code connections} keep-alive connections, {@code seconds} long. */
    static Result run(Path dir, String url, int threads, int connections, int seconds) throws Exception {
        // an unmeasured warm-up first, so that a JIT compiler and cold caches are not what is measured
        Child.run(seconds + 60L, dir, List.of("wrk", "-t" + threads, "-c" + connections, "-d" + Math.max(1, seconds / 3) + "s", url));
        Child.Run r = Child.run(seconds + 60L, dir, List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency",
                "--timeout", "10s", url)).requireOk("wrk " + url);
        String out = r.out();
        Matcher bad = NON_2XX.matcher(out);
        if (bad.find()) {
            throw new IllegalStateException("wrk got " + bad.group(1) + " answers that were not 200 from " + url + ":\n" + out);
        }
        Matcher errors = ERRORS.matcher(out);
        if (errors.find() && (Long.parseLong(errors.group(2)) > 0 || Long.parseLong(errors.group(4)) > 0)) {
            throw new IllegalStateException("wrk saw read errors or timeouts against " + url + ":\n" + out);
        }
        Matcher rate = RATE.matcher(out);
        Matcher total = TOTAL.matcher(out);
        Matcher transfer = TRANSFER.matcher(out);
        Matcher p50 = P50.matcher(out);
        Matcher p99 = P99.matcher(out);
        if (!rate.find() || !total.find() || !transfer.find() || !p50.find() || !p99.find()) {
            throw new IllegalStateException("cannot read wrk's summary:\n" + out);
        }
        System.err.printf("[wrk] %s: %s req/s, p99 %s%n", url, rate.group(1), p99.group(1));
        return new Result(Double.parseDouble(rate.group(1)), Long.parseLong(total.group(1)), transfer.group(1) + transfer.group(2),
                p50.group(1), p99.group(1), out);
    }
}
