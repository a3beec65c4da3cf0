package org.msense.tests.science;

/**
 * The loss, gradient and imbalance of factorized sensing computed directly in fp64 on the host from the
 * downloaded operator — an independent implementation of docs/math.md to check the engine against.
 */
final class HostModel {
    final double[] op;
    final double[] y;
    final int m;
    final int n1;
    final int n2;
    final int k;

    HostModel(double[] op, double[] y, int m, int n1, int n2, int k) {
        this.op = op;
        this.y = y;
        this.m = m;
        this.n1 = n1;
        this.n2 = n2;
        this.k = k;
    }

    /** X = V Wᵀ, row-major n1×n2. */
    double[] product(double[] v, double[] w) {
        double[] x = new double[n1 * n2];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += v[i * k + q] * w[j * k + q];
                }
                x[i * n2 + j] = s;
            }
        }
        return x;
    }

    double[] residual(double[] x) {
        int nn = n1 * n2;
        double[] r = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < nn; j++) {
                s += op[i * nn + j] * x[j];
            }
            r[i] = s - y[i];
        }
        return r;
    }

    /** f(V, W) = ½‖𝒜(VWᵀ) − y‖². */
    double loss(double[] v, double[] w) {
        double s = 0;
        for (double r : residual(product(v, w))) {
            s += r * r;
        }
        return 0.5 * s;
    }

    /** E = 𝒜*(𝒜(VWᵀ) − y), n1×n2. */
    double[] gradientMatrix(double[] v, double[] w) {
        double[] r = residual(product(v, w));
        int nn = n1 * n2;
        double[] e = new double[nn];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < nn; j++) {
                e[j] += op[i * nn + j] * r[i];
            }
        }
        return e;
    }

    /** ‖ |𝒜|ᵀ(|𝒜|·|vec X| + |y|) ‖_F: the magnitude that bounds the rounding error of E. */
    double gradientMagnitude(double[] v, double[] w) {
        double[] x = product(v, w);
        int nn = n1 * n2;
        double[] a = new double[m];
        for (int i = 0; i < m; i++) {
            double s = Math.abs(y[i]);
            for (int j = 0; j < nn; j++) {
                s += Math.abs(op[i * nn + j] * x[j]);
            }
            a[i] = s;
        }
        double[] e = new double[nn];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < nn; j++) {
                e[j] += Math.abs(op[i * nn + j]) * a[i];
            }
        }
        return norm(e);
    }

    /** AᵀB for a (rows×k) and b (rows×k). */
    double[] gram(double[] a, double[] b, int rows) {
        double[] g = new double[k * k];
        for (int i = 0; i < rows; i++) {
            for (int p = 0; p < k; p++) {
                for (int q = 0; q < k; q++) {
                    g[p * k + q] += a[i * k + p] * b[i * k + q];
                }
            }
        }
        return g;
    }

    /** Δ = VᵀV − WᵀW. */
    double[] imbalance(double[] v, double[] w) {
        double[] gv = gram(v, v, n1);
        double[] gw = gram(w, w, n2);
        for (int i = 0; i < gv.length; i++) {
            gv[i] -= gw[i];
        }
        return gv;
    }

    /** E·W (n1×k) for E n1×n2 and W n2×k. */
    double[] times(double[] e, double[] w) {
        double[] out = new double[n1 * k];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                for (int q = 0; q < k; q++) {
                    out[i * k + q] += e[i * n2 + j] * w[j * k + q];
                }
            }
        }
        return out;
    }

    /** Eᵀ·V (n2×k). */
    double[] timesTransposed(double[] e, double[] v) {
        double[] out = new double[n2 * k];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                for (int q = 0; q < k; q++) {
                    out[j * k + q] += e[i * n2 + j] * v[i * k + q];
                }
            }
        }
        return out;
    }

    static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
