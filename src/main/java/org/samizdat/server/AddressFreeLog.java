package org.samizdat.server;

import java.io.PrintStream;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Where the libraries' own warnings and errors go (Jetty logs through SLF4J, which is bound to
 * {@code java.util.logging}): one line each on standard error, with every IP address in the
 * message and in the cause replaced by {@code [address]}, so no reader's address is ever written
 * (DESIGN.md, readers' privacy). Below WARNING nothing is printed.
 */
public final class AddressFreeLog extends Formatter {
    private static final Pattern IPV4 = Pattern.compile("(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\w.])");
    /** An IPv6 literal: at least two colons among hex groups (with or without "::"), maybe an embedded IPv4, maybe a zone. */
    private static final Pattern IPV6 = Pattern.compile(
            "(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f]{0,4})(?:%\\w+)?(?![\\w:])");

    /**
     * Loggers whose warnings are notices, not problems: Lucene says on every start that the JDK's
     * incubating vector module is not enabled (enabling it makes the JVM itself warn instead).
     * Held here so their level is not lost when the logging system drops unreferenced loggers.
     */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.apache.lucene.internal.vectorization"));

    /** Routes every library log record of WARNING and above through this format to {@code err}. */
    public static void install(PrintStream err) {
        QUIET.forEach(l -> l.setLevel(Level.SEVERE));
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler h = new Handler() {
            private final AddressFreeLog format = new AddressFreeLog();

            @Override
            public void publish(LogRecord r) {
                if (isLoggable(r)) {
                    err.print(format.format(r));
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        h.setLevel(Level.WARNING);
        root.addHandler(h);
        root.setLevel(Level.WARNING);
    }

    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder("samizdat: ");
        sb.append(r.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "warning");
        String name = r.getLoggerName() == null ? "" : r.getLoggerName();
        sb.append(" (").append(name.substring(name.lastIndexOf('.') + 1)).append("): ");
        sb.append(redact(formatMessage(r)));
        for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
            sb.append(t == r.getThrown() ? ": " : "; caused by ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(' ').append(redact(t.getMessage()));
            }
        }
        return sb.append(System.lineSeparator()).toString();
    }

    /** The text with every IPv4 and IPv6 address replaced by {@code [address]}. */
    public static String redact(String text) {
        return text == null ? "" : IPV4.matcher(IPV6.matcher(text).replaceAll("[address]")).replaceAll("[address]");
    }
}
