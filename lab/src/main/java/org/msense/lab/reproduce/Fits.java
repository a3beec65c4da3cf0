package org.msense.lab.reproduce;

/** Small statistics for the experiments. */
public final class Fits {
    private Fits() {
    }

    /**
     * Least-squares slope of log10 y against log10 x over the points where both are positive and finite:
     * the exponent p of a power law y ≈ c·x^p. NaN when fewer than two points qualify. Arguments are not
     * modified.
     */
    public static double logLogSlope(double[] x, double[] y) {
        int n = 0;
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < x.length; i++) {
            if (usable(x[i]) && usable(y[i])) {
                n++;
                sx += Math.log10(x[i]);
                sy += Math.log10(y[i]);
            }
        }
        if (n < 2) {
            return Double.NaN;
        }
        double mx = sx / n;
        double my = sy / n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            if (usable(x[i]) && usable(y[i])) {
                double dx = Math.log10(x[i]) - mx;
                sxx += dx * dx;
                sxy += dx * (Math.log10(y[i]) - my);
            }
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /**
     * Least-squares slope of y against x over the points where both are finite: b in y ≈ a + b·x. NaN when fewer
     * than two points qualify or all x are equal. Arguments are not modified.
     */
    public static double linearSlope(double[] x, double[] y) {
        int n = 0;
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                n++;
                sx += x[i];
                sy += y[i];
            }
        }
        if (n < 2) {
            return Double.NaN;
        }
        double mx = sx / n;
        double my = sy / n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                sxx += (x[i] - mx) * (x[i] - mx);
                sxy += (x[i] - mx) * (y[i] - my);
            }
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /** The mean of the finite values (NaN when there are none). Not modified. */
    public static double mean(double[] v) {
        return java.util.Arrays.stream(v).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    /** The smallest value, NaN if any value is NaN (so that a failed measurement is never hidden). Not modified. */
    public static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            if (Double.isNaN(x)) {
                return Double.NaN;
            }
            m = Math.min(m, x);
        }
        return v.length == 0 ? Double.NaN : m;
    }

    /** The largest value, NaN if any value is NaN. Not modified. */
    public static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (Double.isNaN(x)) {
                return Double.NaN;
            }
            m = Math.max(m, x);
        }
        return v.length == 0 ? Double.NaN : m;
    }

    private static boolean usable(double v) {
        return v > 0 && Double.isFinite(v);
    }
}
