package org.msense.lab.reproduce;

import java.util.Arrays;

/**
 * A measurement repeated over seeds, summarised by its median and its spread (smallest and largest value). With an
 * even number of values the median is the mean of the two middle ones. A NaN among the values (a failed
 * measurement, e.g. a run that never reached its target) makes every field NaN, so that no check can pass on it.
 *
 * @param median the median over seeds
 * @param min    the smallest value
 * @param max    the largest value
 * @param values the values, one per seed, in seed order
 */
public record Spread(double median, double min, double max, double[] values) {

    public Spread {
        values = values.clone();
    }

    /**
     * The spread of {@code values} (not modified).
     *
     * @throws IllegalArgumentException when there are no values
     */
    public static Spread of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a spread needs at least one value (one per seed), got none");
        }
        double[] sorted = values.clone();
        for (double v : sorted) {
            if (Double.isNaN(v)) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN, values);
            }
        }
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1], values);
    }

    /** Column {@code j} of {@code perSeed} (one row per seed) as a spread over seeds. Not modified. */
    public static Spread column(double[][] perSeed, int j) {
        double[] v = new double[perSeed.length];
        for (int s = 0; s < perSeed.length; s++) {
            v[s] = perSeed[s][j];
        }
        return of(v);
    }

    /** The number of seeds. */
    public int seeds() {
        return values.length;
    }

    /** As reports print it: {@code median (min–max)}, or the single value for one seed. */
    public String text() {
        if (values.length == 1) {
            return Check.format(median);
        }
        return Check.format(median) + " (" + Check.format(min) + "–" + Check.format(max) + ")";
    }
}
