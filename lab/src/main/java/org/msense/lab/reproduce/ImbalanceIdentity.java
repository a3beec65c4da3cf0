package org.msense.lab.reproduce;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.msense.core.linalg.Linalg;

/**
 * The exact identity of one gradient step for the imbalance Δ = VᵀV − WᵀW, checked on the host in fp64
 * (docs/math.md): Δ_{t+1} − Δ_t = μ²(W_tᵀE_tᵀE_tW_t − V_tᵀE_tE_tᵀV_t) with E_t = 𝒜*(𝒜(V_tW_tᵀ) − y).
 * E_t is recomputed here from the downloaded 𝒜 and y, independently of the engine. The comparison is in the
 * Frobenius norm, which is what the tolerance bounds.
 *
 * <p>Tolerance: a rigorous worst-case bound on ‖Δ̂_{t+1} − Δ_{t+1}‖_F, the effect of the rounding of one step of
 * precision u (any summation order, FMA or not; γ_n = nu/(1 − nu)), where Δ_{t+1} is the imbalance of the exact
 * step from the stored V_t, W_t. With the engine's X̂ = fl(VWᵀ), P = |V||W|ᵀ and r = 𝒜 vec X − y:
 * <ul>
 *   <li>|X̂ − X| ≤ γ_k P; the residual (N + 1 terms, N = n1·n2) is off by at most
 *       ρ = γ_{N+1}(|𝒜||vec X| + |y|) + γ_k(1 + γ_{N+1})|𝒜| vec P;</li>
 *   <li>the adjoint (m terms): |Ê − E| ≤ γ_m|𝒜|ᵀ|r| + (1 + γ_m)|𝒜|ᵀρ, whose Frobenius norm is ε_E;</li>
 *   <li>the step V̂' = fl(V − μ̃ fl(ÊW)) (μ̃ the step size rounded to the precision):
 *       ‖V̂' − V'‖_F ≤ δ_V = u‖V‖_F + μ[γ_3‖EW‖_F + (1 + γ_3)(ε_E‖W‖₂ + γ_{n2}(‖|E||W|‖_F + ε_E‖W‖_F))],
 *       and likewise δ_W with Eᵀ, V and n1;</li>
 *   <li>V̂'ᵀV̂' − V'ᵀV' = V̂'ᵀδ + δᵀV̂' − δᵀδ, so Δ moves by at most δ_V(2‖V̂'‖₂ + δ_V) + δ_W(2‖Ŵ'‖₂ + δ_W).</li>
 * </ul>
 * The host's own fp64 rounding is added: the same bound with u = 2⁻⁵³ for its recomputation of E and the μ² term,
 * and γ_{n+3}(‖V_t‖_F² + ‖W_t‖_F² + ‖V_{t+1}‖_F² + ‖W_{t+1}‖_F²) for the Grams and differences it forms.
 * Spectral norms (never below the true ones) come from the largest eigenvalue of the k×k Gram.
 */
final class ImbalanceIdentity {
    private static final double HOST_U = 0x1p-53;
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
     * @param worstRatio  ‖moved − predicted‖_F / tol (≤ 1 when the identity holds)
     * @param largestTerm ‖predicted‖_F / tol (how far above rounding the μ² term is: a predicted change of zero
     *                    fails the check whenever this exceeds 2)
     */
    record Outcome(double worstRatio, double largestTerm) {
    }

    /** Compares the step (v0, w0) → (v1, w1) of step size μ with the identity. Arguments are not modified. */
    Outcome check(double[] v0Data, double[] w0Data, double[] v1Data, double[] w1Data, double mu) {
        int nn = n1 * n2;
        DMatrixRMaj v0 = DMatrixRMaj.wrap(n1, k, v0Data);
        DMatrixRMaj w0 = DMatrixRMaj.wrap(n2, k, w0Data);
        DMatrixRMaj v1 = DMatrixRMaj.wrap(n1, k, v1Data);
        DMatrixRMaj w1 = DMatrixRMaj.wrap(n2, k, w1Data);
        double[] x = CommonOps_DDRM.multTransB(v0, w0, null).data;
        double[] p = CommonOps_DDRM.multTransB(abs(v0), abs(w0), null).data;
        double[] res = new double[m];
        double[] mag = new double[m];
        double[] magP = new double[m];
        for (int i = 0; i < m; i++) {
            double s = -y[i];
            double a = Math.abs(y[i]);
            double b = 0;
            for (int j = 0; j < nn; j++) {
                double o = op[i * nn + j];
                s += o * x[j];
                a += Math.abs(o * x[j]);
                b += Math.abs(o) * p[j];
            }
            res[i] = s;
            mag[i] = a;
            magP[i] = b;
        }
        double[] e = new double[nn];
        double[] cRes = new double[nn]; // |𝒜|ᵀ|r|
        double[] cMag = new double[nn]; // |𝒜|ᵀ(|𝒜||x| + |y|)
        double[] cP = new double[nn]; // |𝒜|ᵀ|𝒜| vec P
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < nn; j++) {
                double o = op[i * nn + j];
                double ao = Math.abs(o);
                e[j] += o * res[i];
                cRes[j] += ao * Math.abs(res[i]);
                cMag[j] += ao * mag[i];
                cP[j] += ao * magP[i];
            }
        }
        DMatrixRMaj em = DMatrixRMaj.wrap(n1, n2, e);
        DMatrixRMaj ew = CommonOps_DDRM.mult(em, w0, null); // E W (n1×k)
        DMatrixRMaj etv = CommonOps_DDRM.multTransA(em, v0, null); // Eᵀ V (n2×k)
        DMatrixRMaj predicted = CommonOps_DDRM.subtract(CommonOps_DDRM.multTransA(ew, ew, null),
                CommonOps_DDRM.multTransA(etv, etv, null), null);
        CommonOps_DDRM.scale(mu * mu, predicted);
        DMatrixRMaj moved = CommonOps_DDRM.subtract(imbalance(v1, w1), imbalance(v0, w0), null);

        double normEw = NormOps_DDRM.normF(ew);
        double normEtv = NormOps_DDRM.normF(etv);
        double absEw = NormOps_DDRM.normF(CommonOps_DDRM.mult(abs(em), abs(w0), null));
        double absEtv = NormOps_DDRM.normF(CommonOps_DDRM.multTransA(abs(em), abs(v0), null));
        double v0F = NormOps_DDRM.normF(v0);
        double w0F = NormOps_DDRM.normF(w0);
        double v1F = NormOps_DDRM.normF(v1);
        double w1F = NormOps_DDRM.normF(w1);
        Norms f = new Norms(v0F, w0F, spectral(v0), spectral(w0), spectral(v1), spectral(w1), normEw,
                normEtv, absEw, absEtv);
        double tol = stepBound(u, mu, cRes, cMag, cP, f) + hostBound(mu, cRes, cMag, cP, f)
                + gamma(Math.max(n1, n2) + 3, HOST_U) * (v0F * v0F + w0F * w0F + v1F * v1F + w1F * w1F);
        return new Outcome(NormOps_DDRM.normF(CommonOps_DDRM.subtract(moved, predicted, null)) / tol,
                NormOps_DDRM.normF(predicted) / tol);
    }

    /** Norms of the step's factors and gradient products that the bounds need. */
    private record Norms(double v0F, double w0F, double v0Spec, double w0Spec, double v1Spec, double w1Spec, double ew,
            double etv, double absEw, double absEtv) {
    }

    /** ε_E: a bound on ‖Ê − E‖_F for a computation of E of unit roundoff uu. */
    private double gradientError(double uu, double[] cRes, double[] cMag, double[] cP) {
        double gm = gamma(m, uu);
        double gn = gamma(n1 * n2 + 1, uu);
        double gk = gamma(k, uu);
        double sum = 0;
        for (int j = 0; j < cRes.length; j++) {
            double t = gm * cRes[j] + (1 + gm) * (gn * cMag[j] + gk * (1 + gn) * cP[j]);
            sum += t * t;
        }
        return Math.sqrt(sum);
    }

    /** The bound on ‖Δ̂_{t+1} − Δ_{t+1}‖_F for an engine step of unit roundoff uu (class Javadoc). */
    private double stepBound(double uu, double mu, double[] cRes, double[] cMag, double[] cP, Norms f) {
        double eps = gradientError(uu, cRes, cMag, cP);
        double g3 = gamma(3, uu);
        double dv = uu * f.v0F() + mu * (g3 * f.ew() + (1 + g3) * productError(uu, eps, f.w0Spec(), f.absEw(), f.w0F(), n2));
        double dw = uu * f.w0F() + mu * (g3 * f.etv() + (1 + g3) * productError(uu, eps, f.v0Spec(), f.absEtv(), f.v0F(), n1));
        return dv * (2 * f.v1Spec() + dv) + dw * (2 * f.w1Spec() + dw);
    }

    /**
     * The host's rounding of the μ² term: its EW (EᵀV) is off by at most δ = ε_E‖W‖₂ + γ_{n2}(‖|E||W|‖_F + ε_E‖W‖_F)
     * (unit roundoff 2⁻⁵³), its Gram by γ_{n1}‖ÊW‖_F² more, and the difference and scaling by γ_3 of the result.
     */
    private double hostBound(double mu, double[] cRes, double[] cMag, double[] cP, Norms f) {
        double eps = gradientError(HOST_U, cRes, cMag, cP);
        double da = productError(HOST_U, eps, f.w0Spec(), f.absEw(), f.w0F(), n2);
        double db = productError(HOST_U, eps, f.v0Spec(), f.absEtv(), f.v0F(), n1);
        double ea = (2 * f.ew() + da) * da + gamma(n1, HOST_U) * (f.ew() + da) * (f.ew() + da);
        double eb = (2 * f.etv() + db) * db + gamma(n2, HOST_U) * (f.etv() + db) * (f.etv() + db);
        double scale = mu * mu * (1 + gamma(3, HOST_U));
        return scale * (ea + eb) + gamma(3, HOST_U) * mu * mu * (f.ew() * f.ew() + f.etv() * f.etv());
    }

    /**
     * A bound on ‖fl(Ê F) − E F‖_F for a factor F (spectral norm {@code spec}, Frobenius norm {@code frob}, inner
     * dimension n) when ‖Ê − E‖_F ≤ eps: ε‖F‖₂ + γ_n(‖|E||F|‖_F + ε‖F‖_F).
     */
    private static double productError(double uu, double eps, double spec, double absProduct, double frob, int n) {
        return eps * spec + gamma(n, uu) * (absProduct + eps * frob);
    }

    /** An upper bound on the spectral norm of a rows×k matrix: √λ_max(AᵀA), raised to cover the eigensolver's rounding. */
    private static double spectral(DMatrixRMaj a) {
        DMatrixRMaj gram = CommonOps_DDRM.multTransA(a, a, null);
        double largest = Linalg.symmetricEigenvalues(gram)[0];
        return Math.sqrt(Math.max(largest, 0) + 1e-12 * NormOps_DDRM.normF(gram));
    }

    private static DMatrixRMaj imbalance(DMatrixRMaj v, DMatrixRMaj w) {
        DMatrixRMaj gramV = CommonOps_DDRM.multTransA(v, v, null);
        return CommonOps_DDRM.subtract(gramV, CommonOps_DDRM.multTransA(w, w, null), null);
    }

    /** |A| elementwise, a fresh matrix. */
    private static DMatrixRMaj abs(DMatrixRMaj a) {
        DMatrixRMaj r = new DMatrixRMaj(a.numRows, a.numCols);
        CommonOps_DDRM.abs(a, r);
        return r;
    }

    private static double gamma(int n, double uu) {
        return n * uu / (1 - n * uu);
    }
}
