package org.samizdat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.samizdat.archive.Json;

/** The figures of one {@code bench/run}: the table rows BENCHMARKS.md shows and the raw values behind them. */
final class Report {
    static final String BEGIN = "<!-- bench/run full: begin (generated; edit the text around it, not inside) -->";
    static final String END = "<!-- bench/run full: end -->";

    /** One line of the table; {@code met} is null where there is no target. */
    record Row(String what, String samizdat, String peer, String ratio, String target, Boolean met) {
    }

    final List<Row> rows = new ArrayList<>();
    final Map<String, Object> raw = new LinkedHashMap<>();
    final Map<String, Object> machine = new LinkedHashMap<>();
    final List<String> failures = new ArrayList<>();

    void row(String what, String samizdat, String peer, String ratio, String target, Boolean met) {
        rows.add(new Row(what, samizdat, peer, ratio, target, met));
        System.err.printf("[bench] %s: %s | %s | %s | %s | %s%n", what, samizdat, peer, ratio, target,
                met == null ? "-" : met ? "met" : "NOT MET");
    }

    void put(String key, Object value) {
        raw.put(key, value instanceof Double d ? fixed(d, 3) : value);
    }

    static String fixed(double d, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", d);
    }

    static String seconds(double s) {
        return s < 10 ? fixed(s, 2) + " s" : fixed(s, 1) + " s";
    }

    static String bytes(long b) {
        if (b >= 10L << 30) {
            return fixed(b / (double) (1L << 30), 1) + " GiB";
        }
        if (b >= 10L << 20) {
            return fixed(b / (double) (1L << 20), 1) + " MiB";
        }
        if (b >= 10L << 10) {
            return fixed(b / 1024.0, 1) + " KiB";
        }
        return String.format(Locale.ROOT, "%,d B", b);
    }

    static String ratio(double r) {
        return fixed(r, r < 0.1 ? 3 : 2) + "×";
    }

    String markdown(String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("Command: `").append(command).append("`. Machine: ").append(machine.get("cpus")).append(" cores (")
                .append(machine.get("cpu")).append("), ").append(machine.get("memory")).append(", ").append(machine.get("os"))
                .append(", JDK ").append(machine.get("jdk")).append(". Date: ").append(machine.get("date"))
                .append(". Corpus: ").append(machine.get("corpus")).append(". Peers: ").append(machine.get("peers"))
                .append(". Raw figures: `").append(machine.get("raw")).append("`.\n\n");
        sb.append("| what | samizdat | peer | ratio | target | met |\n|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.what()).append(" | ").append(r.samizdat()).append(" | ").append(r.peer()).append(" | ")
                    .append(r.ratio()).append(" | ").append(r.target()).append(" | ")
                    .append(r.met() == null ? "–" : r.met() ? "yes" : "**no**").append(" |\n");
        }
        if (!failures.isEmpty()) {
            sb.append("\nMeasurements that failed in this run:\n\n");
            failures.forEach(f -> sb.append("- ").append(f.replace("\n", " ")).append('\n'));
        }
        return sb.toString();
    }

    Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("machine", machine);
        List<Object> table = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("what", r.what());
            m.put("samizdat", r.samizdat());
            m.put("peer", r.peer());
            m.put("ratio", r.ratio());
            m.put("target", r.target());
            m.put("met", r.met() == null ? "no target" : r.met() ? "yes" : "no");
            table.add(m);
        }
        j.put("table", table);
        j.put("raw", raw);
        j.put("failures", failures);
        return j;
    }

    void writeJson(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Json.write(json()));
    }

    /** Replaces the generated block of BENCHMARKS.md (or puts it before the first section), keeping the rest. */
    static void splice(Path benchmarksMd, String block) throws IOException {
        String text = Files.exists(benchmarksMd) ? Files.readString(benchmarksMd, StandardCharsets.UTF_8) : "# Benchmarks\n\n";
        String generated = BEGIN + "\n" + block + END;
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b >= 0 && e > b) {
            text = text.substring(0, b) + generated + text.substring(e + END.length());
        } else {
            int at = text.indexOf("\n## ");
            String section = "\n## Against the peers (`bench/run full`)\n\n" + generated + "\n";
            text = at < 0 ? text + section : text.substring(0, at) + "\n" + section + text.substring(at);
        }
        Files.writeString(benchmarksMd, text, StandardCharsets.UTF_8);
    }
}
