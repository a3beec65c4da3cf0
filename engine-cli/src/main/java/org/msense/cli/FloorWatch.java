package org.msense.cli;

import java.util.List;
import java.util.Locale;

/**
 * The memory read floor of {@code msense bench} re-measured around every case, so that a case is set against the
 * rate the machine had while it ran (on a shared machine the rate moves with the other work). Each reading is the
 * best of {@value #PASSES} streaming reads ({@link ReadBandwidth}) of a buffer far larger than the caches; a case
 * whose reading after it differs from the one before it by more than {@value #DRIFT_PERCENT}% of the one before
 * is flagged: its ratio to the floor is not trustworthy.
 */
final class FloorWatch {
    /** Passes per reading (the best counts). */
    static final int PASSES = 3;
    /** Relative change of the floor during a case, in percent, above which the case is flagged. */
    static final int DRIFT_PERCENT = 15;

    private final long bytes;
    private final int threads;

    /** Readings of {@code bytes}-byte streaming reads on {@code threads} threads. */
    FloorWatch(long bytes, int threads) {
        if (bytes < 1 << 20 || threads < 1) {
            throw new IllegalArgumentException("the floor needs a buffer of at least 1 MiB and at least one thread, got "
                    + bytes + " bytes and " + threads + " threads");
        }
        this.bytes = bytes;
        this.threads = threads;
    }

    /** One reading of the read rate, in bytes per second. */
    double read() throws Exception {
        return ReadBandwidth.measure(bytes, threads, PASSES);
    }

    /** The floor a case is set against: the mean of the readings before and after it. */
    static double during(double before, double after) {
        return (before + after) / 2;
    }

    /** Whether the floor moved by more than {@value #DRIFT_PERCENT}% of {@code before} while the case ran. */
    static boolean drifted(double before, double after) {
        return Math.abs(after - before) > DRIFT_PERCENT / 100.0 * before;
    }

    /**
     * One line on all the floor readings of a run (the start-of-run reading and the two around every case, in bytes
     * per second): the best, the lowest and their count. On a shared machine the best reading is the closest to the
     * rate the machine has when nothing else is running; a start-of-run reading well below it means the run began in a
     * busy moment.
     */
    static String summary(List<Double> readings) {
        if (readings.isEmpty()) {
            throw new IllegalArgumentException("no floor readings to summarize");
        }
        double best = best(readings);
        double low = readings.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double start = readings.get(0);
        return String.format(Locale.ROOT, "memory read floor over the run: best %.1f GB/s, lowest %.1f GB/s, of %d readings;"
                + " the start-of-run reading was %.2f× the best%s", best / 1e9, low / 1e9, readings.size(), start / best,
                start < (1 - DRIFT_PERCENT / 100.0) * best ? " — the run began while the machine was busy" : "");
    }

    /** The highest of the readings (bytes per second): the one closest to the machine's rate at rest. */
    static double best(List<Double> readings) {
        return readings.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** One line: the case, both readings, their change, and the flag when it drifted. */
    static String describe(String name, double before, double after) {
        return String.format(Locale.ROOT, "floor around %s: %.1f GB/s before, %.1f GB/s after (%+.0f%%)%s", name,
                before / 1e9, after / 1e9, 100 * (after - before) / before,
                drifted(before, after) ? " — FLOOR MOVED > " + DRIFT_PERCENT + "%: this case's ×floor is not trustworthy"
                        : "");
    }
}
