package org.msense.tests.contract;

/**
 * Plain fp64 loops used as the independent reference for backend operations (row-major, item after item),
 * together with the componentwise rounding bounds the comparisons use.
 */
public final class HostReference {
    private HostReference() {
    }

    /** op(A)·op(B) for single row-major matrices; also returns |op(A)|·|op(B)| in {@code absOut}. */
    public static double[] gemm(double[] a, int ar, int ac, boolean ta, double[] b, int br, int bc, boolean tb, double[] absOut) {
        int m = ta ? ac : ar;
        int k = ta ? ar : ac;
        int n = tb ? br : bc;
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * ac + i] : a[i * ac + p];
                    double y = tb ? b[j * bc + p] : b[p * bc + j];
                    s += x * y;
                    abs += Math.abs(x * y);
                }
                c[i * n + j] = s;
                if (absOut != null) {
                    absOut[i * n + j] = abs;
                }
            }
        }
        return c;
    }

    /** Item b of a batch stored item after item (count 1 broadcasts). */
    public static double[] item(double[] all, int count, int b, int itemSize) {
        int i = count == 1 ? 0 : b;
        return java.util.Arrays.copyOfRange(all, i * itemSize, (i + 1) * itemSize);
    }

    /** γ_n = n·u/(1 − n·u), the standard bound on the relative error of an n-term dot product. */
    public static double gamma(int n, double u) {
        return n * u / (1 - n * u);
    }
}
