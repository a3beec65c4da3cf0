package org.msense.lab.sweep;

import java.io.PrintStream;
import java.util.Locale;
import org.msense.lab.run.ProgressBar;

/**
 * The progress line of a sweep: points done of the total, time so far and the estimated time left. The estimate
 * divides the time spent on the runs of this invocation by their estimated cost ({@link SweepPlan.Group#cost()})
 * and multiplies by the cost left, so that points done earlier (a rerun) do not make it optimistic.
 * {@link ProgressBar.Style#LIVE} redraws one line in place; {@link ProgressBar.Style#LINES} prints a line after
 * a run when 10 s have passed since the last, and always after the last; {@link ProgressBar.Style#NONE} prints nothing.
 */
final class SweepProgress {
    private static final long LINE_INTERVAL_NS = 10_000_000_000L;
    private final PrintStream err;
    private final ProgressBar.Style style;
    private final int totalPoints;
    private final long start = System.nanoTime();
    private long lastLine = Long.MIN_VALUE;
    private boolean drawn;

    SweepProgress(PrintStream err, ProgressBar.Style style, int totalPoints) {
        this.err = err;
        this.style = style;
        this.totalPoints = totalPoints;
    }

    /**
     * Reports the state after a run.
     *
     * @param pointsDone points finished (done before or now)
     * @param costRun    estimated cost of the runs of this invocation so far
     * @param costLeft   estimated cost of the runs still to do
     */
    void update(int pointsDone, double costRun, double costLeft) {
        if (style == ProgressBar.Style.NONE) {
            return;
        }
        long now = System.nanoTime();
        boolean last = pointsDone >= totalPoints || costLeft == 0;
        if (style == ProgressBar.Style.LINES && !last && lastLine != Long.MIN_VALUE && now - lastLine < LINE_INTERVAL_NS) {
            return;
        }
        lastLine = now;
        double elapsed = (now - start) / 1e9;
        double left = costRun > 0 ? elapsed / costRun * costLeft : Double.NaN;
        String line = String.format(Locale.ROOT, "sweep: %d/%d points done (%3.0f%%), %s elapsed, %s left", pointsDone,
                totalPoints, totalPoints == 0 ? 100.0 : 100.0 * pointsDone / totalPoints, clock(elapsed),
                costLeft == 0 ? "nothing" : Double.isNaN(left) ? "time" : "about " + clock(left));
        if (style == ProgressBar.Style.LIVE) {
            err.print("\r" + line + "   ");
            drawn = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends a line drawn in place. */
    void finish() {
        if (drawn) {
            err.println();
            drawn = false;
        }
    }

    static String clock(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "-";
        }
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
