package org.msense.core.reproduce;

import org.msense.core.linalg.Matrices;

/**
 * The exact identity of one gradient step for the imbalance Δ = VᵀV − WᵀW, checked on the host in fp64
 * (docs/math.md): Δ_{t+1} − Δ_t = μ²(W_tᵀE_tᵀE_tW_t − V_tᵀE_tE_tᵀV_t) with E_t = 𝒜*(𝒜(V_tW_tᵀ) − y).
 * E_t is recomputed here from the downloaded 𝒜 and y, independently of the engine.
 *
 * <p>Tolerance (the rounding of one step of precision u): with S = ‖V_t‖_F + ‖W_t‖_F and
 * A = ‖ |𝒜|ᵀ(|𝒜||vec X_t| + |y|) ‖, the engine's E_t is within γ_{N+m+2}·A of the exact one (N = n1·n2), the
 * update rounds with γ_{max(n1,n2)+2}, and Δ moves by at most 2S times the change of the factors:
 * tol = 4S·[u·S + μ·(γ_{N+m+2}·A + γ_{max(n1,n2)+2}·‖E_t‖_F)·S].
 */
final class ImbalanceIdentity {
    private final double[] op;
    private final double[] y;
    private final int m;
    private final int n1;
    private final int n2;
    private final int k;
    private final double u;

    /**
     * @param op the stacked operator, m × n1·n2 row-major (1/√m included); not modified
     * @param y  the observations (m); not modified
     * @param u  unit roundoff of the engine's precision
     */
    ImbalanceIdentity(double[] op, double[] y, int m, int n1, int n2, int k, double u) {
        this.op = op;
        this.y = y;
        this.m = m;
        this.n1 = n1;
        this.n2 = n2;
        this.k = k;
        this.u = u;
    }

    /**
     * Outcome for one step.
     *
     * @param worstRatio   max over entries of |moved − predicted| / tol (≤ 1 when the identity holds)
     * @param largestTerm  max over entries of |predicted| / tol (how far above rounding the μ² term is)
     */
    record Outcome(double worstRatio, double largestTerm) {
    }

    /** Compares the step (v0, w0) → (v1, w1) of step size μ with the identity. Arguments are not modified. */
    Outcome check(double[] v0, double[] w0, double[] v1, double[] w1, double mu) {
        int nn = n1 * n2;
        double[] x = Matrices.multiplyTransB(v0, n1, k, w0, n2);
        double[] res = new double[m];
        double[] mag = new double[m];
        for (int i = 0; i < m; i++) {
            double s = -y[i];
            double a = Math.abs(y[i]);
            for (int j = 0; j < nn; j++) {
                double t = op[i * nn + j] * x[j];
                s += t;
                a += Math.abs(t);
            }
            res[i] = s;
            mag[i] = a;
        }
        double[] e = new double[nn];
        double[] eMag = new double[nn];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < nn; j++) {
                e[j] += op[i * nn + j] * res[i];
                eMag[j] += Math.abs(op[i * nn + j]) * mag[i];
            }
        }
        double[] ew = Matrices.multiply(e, n1, n2, w0, k); // E W (n1×k)
        double[] etv = Matrices.multiplyTransA(e, n1, n2, v0, k); // Eᵀ V (n2×k)
        double[] a = Matrices.multiplyTransA(ew, n1, k, ew, k);
        double[] b = Matrices.multiplyTransA(etv, n2, k, etv, k);
        double[] d0 = imbalance(v0, w0);
        double[] d1 = imbalance(v1, w1);
        double s = Matrices.frobeniusNorm(v0) + Matrices.frobeniusNorm(w0);
        double tol = 4 * s * (u * s + mu * (gamma(nn + m + 2) * Matrices.frobeniusNorm(eMag)
                + gamma(Math.max(n1, n2) + 2) * Matrices.frobeniusNorm(e)) * s);
        double worst = 0;
        double largest = 0;
        for (int i = 0; i < k * k; i++) {
            double predicted = mu * mu * (a[i] - b[i]);
            double moved = d1[i] - d0[i];
            worst = Math.max(worst, Math.abs(moved - predicted) / tol);
            largest = Math.max(largest, Math.abs(predicted) / tol);
        }
        return new Outcome(worst, largest);
    }

    private double[] imbalance(double[] v, double[] w) {
        return Matrices.subtract(Matrices.multiplyTransA(v, n1, k, v, k), Matrices.multiplyTransA(w, n2, k, w, k));
    }

    private double gamma(int n) {
        return n * u / (1 - n * u);
    }
}
