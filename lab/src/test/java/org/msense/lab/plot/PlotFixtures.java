package org.msense.lab.plot;

/** Shared inputs of the plot tests. */
final class PlotFixtures {

    private PlotFixtures() {
    }

    /** The abscissae 0, 1, …, n − 1. */
    static double[] range(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }
}
