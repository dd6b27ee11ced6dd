package org.samizdat.server;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.samizdat.registry.History;

/**
 * Draws the registry's history as a small self-contained SVG (no script, no fonts fetched):
 * copies listed and registered over time, and the listed copies' median lag on its own scale.
 */
final class CopiesChart {
    static final int WIDTH = 720;
    static final int HEIGHT = 240;
    private static final int PAD = 40;

    private CopiesChart() {
    }

    static String svg(List<History.Cycle> cycles) {
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\">")
                .append("<title>Copies of the archive over time</title>")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        int plotW = WIDTH - 2 * PAD;
        int plotH = HEIGHT - 2 * PAD;
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>",
                PAD, PAD, plotW, plotH));
        if (cycles.isEmpty()) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"14\">"
                    + "no probe cycles yet</text>", PAD + 10, PAD + 24));
            return b.append("</svg>").toString();
        }
        Instant from = cycles.getFirst().at();
        Instant to = cycles.getLast().at();
        long span = Math.max(1, to.getEpochSecond() - from.getEpochSecond());
        int max = 1;
        for (History.Cycle c : cycles) {
            max = Math.max(max, Math.max(c.registered(), c.listed()));
        }
        b.append(line(cycles, from, span, max, plotW, plotH, c -> c.registered(), "#9bb", ""));
        b.append(line(cycles, from, span, max, plotW, plotH, c -> c.listed(), "#036", ""));
        long maxLag = 1;
        for (History.Cycle c : cycles) {
            maxLag = Math.max(maxLag, c.medianLagSeconds());
        }
        b.append(line(cycles, from, span, maxLag, plotW, plotH, History.Cycle::medianLagSeconds, "#c60",
                " stroke-dasharray=\"4 3\""));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#c60\" "
                + "text-anchor=\"middle\">median lag of the listed: %d s now (dashed, scale to %d s)</text>",
                WIDTH / 2, HEIGHT - 26, cycles.getLast().medianLagSeconds(), maxLag));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%d</text>",
                4, PAD + 4, max));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\">0</text>",
                4, PAD + plotH));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%s</text>",
                PAD, HEIGHT - 12, from.toString().substring(0, 16).replace('T', ' ')));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\" "
                + "text-anchor=\"end\">%s</text>", WIDTH - PAD, HEIGHT - 12, to.toString().substring(0, 16).replace('T', ' ')));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#036\">"
                + "verified copies in the signed list: %d now</text>", PAD, PAD - 12, cycles.getLast().listed()));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#699\" "
                + "text-anchor=\"end\">registered: %d</text>", WIDTH - PAD, PAD - 12, cycles.getLast().registered()));
        return b.append("</svg>").toString();
    }

    private static String line(List<History.Cycle> cycles, Instant from, long span, long max, int w, int h,
                               java.util.function.ToLongFunction<History.Cycle> value, String colour, String style) {
        StringBuilder points = new StringBuilder();
        for (History.Cycle c : cycles) {
            double x = PAD + (double) (c.at().getEpochSecond() - from.getEpochSecond()) / span * w;
            double y = PAD + h - (double) value.applyAsLong(c) / max * h;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"" + style + " points=\""
                + points.toString().trim() + "\"/>";
    }
}
