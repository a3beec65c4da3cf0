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

    private static boolean usable(double v) {
        return v > 0 && Double.isFinite(v);
    }
}
