package org.msense.core.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows the progress of a long loop. On a terminal: one line redrawn at most ten times a second
 * ({@code [#####-----]  48%  480/1000  1.9 ms/it  ETA 0:01}); elsewhere (a pipe, a log file): a plain line
 * every {@value #PLAIN_INTERVAL_S} seconds, so logs stay readable.
 */
public final class ProgressBar {
    static final int PLAIN_INTERVAL_S = 10;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    /**
     * @param terminal whether {@code out} is an interactive terminal (redraw in place) or not
     */
    public ProgressBar(PrintStream out, boolean terminal, String label) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
    }

    /** Whether this JVM's standard streams are attached to a terminal. */
    public static boolean isTerminal() {
        return System.console() != null;
    }

    /** Reports that {@code done} of {@code total} units are complete. */
    public void update(long done, long total) {
        long now = System.nanoTime();
        long interval = terminal ? 100_000_000L : PLAIN_INTERVAL_S * 1_000_000_000L;
        if (done < total && now - lastDraw < interval) {
            return;
        }
        if (!terminal && done < total && now - start < interval) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - start) / 1e9;
        double frac = total == 0 ? 1 : Math.min(1, (double) done / total);
        double perUnitMs = done == 0 ? Double.NaN : 1000 * elapsed / done;
        double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
        String stats = String.format(Locale.ROOT, "%3.0f%%  %d/%d  %s/it  ETA %s", 100 * frac, done, total,
                formatMs(perUnitMs), clock(eta));
        if (terminal) {
            int filled = (int) Math.round(frac * WIDTH);
            out.print("\r" + label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + stats + "  ");
            drawn = true;
            if (done >= total) {
                finish();
            }
        } else if (done < total) {
            out.println(label + " " + stats);
        }
        out.flush();
    }

    /** Ends the line on a terminal. Safe to call more than once. */
    public void finish() {
        if (terminal && drawn) {
            out.println();
            drawn = false;
        }
    }

    private static String formatMs(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.3g ms", ms);
    }

    private static String clock(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "-";
        }
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
