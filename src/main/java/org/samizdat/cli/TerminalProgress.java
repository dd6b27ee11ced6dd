package org.samizdat.cli;

import java.io.PrintStream;
import org.samizdat.work.Progress;

/** Draws progress on one line of a terminal, at most ten times a second; silent when not a terminal. */
final class TerminalProgress implements Progress {
    private final PrintStream out;
    private final boolean enabled;
    private long last;
    private String shown = "";

    private TerminalProgress(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    static TerminalProgress onStderr() {
        return new TerminalProgress(System.err, isTerminal());
    }

    /**
     * Whether a person is watching: a console that is a terminal. From JDK 22 System.console()
     * exists even when output is redirected, and Console.isTerminal() (not in the Java 21 API this
     * is compiled against) tells; on 21 a console exists only for a terminal.
     */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) c.getClass().getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException | RuntimeException olderJdk) {
            return true;
        }
    }

    @Override
    public synchronized void update(String phase, long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (done != total && now - last < 100_000_000L) {
            return;
        }
        last = now;
        String line = total > 0
                ? String.format("%s: %,d / %,d (%d%%)", phase, done, total, done * 100 / total)
                : String.format("%s: %,d", phase, done);
        out.print("\r" + line + " ".repeat(Math.max(0, shown.length() - line.length())));
        shown = line;
        if (done == total) {
            out.println();
            shown = "";
        }
        out.flush();
    }
}
