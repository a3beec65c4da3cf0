package org.msense.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;
import org.msense.core.linalg.Linalg;

/**
 * The singular values of VWᵀ that the diagnostics report, against a reference computed from the same (exact)
 * double inputs in 60-digit decimal arithmetic, for factors like those of a run from small initialization:
 * V = [A, 0]·O + α_V·G_V·O and W = [B, 0]·O + α_W·G_W·O with A, B, G Gaussian (columns of norm ≈ 1), O a random
 * k×k rotation (so every column mixes signal and noise). VWᵀ then has r signal singular values ≈ 1 and k − r
 * nuisance ones ≈ α_V·α_W = 10⁻¹².
 *
 * <p><b>Tolerance.</b> The diagnostics compute σ(VWᵀ) = σ(R_V R_Wᵀ) from Householder QR V = Q_V R_V,
 * W = Q_W R_W (u = 2⁻⁵³; γ_m = m·u to first order):
 * <ol>
 * <li>QR is column-wise backward stable (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, 2nd ed.,
 *     Thm 19.4): R̂_V is the exact R factor of V + ΔV with ‖Δv_j‖ ≤ γ_{n1·k}‖v_j‖, so ‖ΔV‖₂ ≤ γ_{n1·k}‖V‖_F;
 *     likewise W with n2. The exact σ of (V + ΔV)(W + ΔW)ᵀ differ from σ(VWᵀ) by at most
 *     ‖ΔV‖₂‖W‖₂ + ‖V‖₂‖ΔW‖₂ ≤ (γ_{n1·k} + γ_{n2·k})‖V‖_F‖W‖_F (Weyl).</li>
 * <li>The product R̂_V R̂_Wᵀ (inner dimension k) is formed with |error| ≤ γ_k|R̂_V||R̂_W|ᵀ, of Frobenius norm
 *     ≤ γ_k‖R_V‖_F‖R_W‖_F = γ_k‖V‖_F‖W‖_F.</li>
 * <li>The SVD (Golub–Kahan bidiagonalization and implicit QR) is backward stable: the σ̂ are exact for a
 *     perturbation of norm ≤ p(k)·u·‖M‖₂ with p a low-degree polynomial; we take p(k) = k².</li>
 * </ol>
 * Hence |σ̂_i − σ_i| ≤ C·u·‖V‖_F‖W‖_F with C = (n1 + n2)·k + k + k² (the constants of the theorems taken as 1),
 * i.e. a relative tolerance C·u·‖V‖_F‖W‖_F/σ_i: about 10⁻¹⁴ for the signal values and 10⁻² to 10⁻¹ for the
 * nuisance ones here. (The observed errors are far smaller, about 10⁻¹¹ relative for the balanced nuisance
 * values below and 10⁻⁸ for the imbalanced ones: the bound is a worst case.)
 *
 * <p><b>The Gram route, and where it fails.</b> The previous route took F = Λ^{1/2}Qᵀ from the
 * eigen-decompositions of VᵀV and WᵀW. The Gram matrices carry absolute errors of about u·‖V‖², so
 * σ_min(V)² ≈ α_V² is resolved only to relative accuracy u·κ(V)²: the squaring. With balanced factors
 * (α_V = α_W) that error, u·‖V‖², is of the same order as the bound above (measured 10⁻⁵ to 3·10⁻⁴ relative at
 * α = 10⁻⁶, within the tolerance), so the bound separates the two routes only when V and W are imbalanced, as
 * after an imbalanced initialization (α_V ≠ α_W): with α_V = 10⁻⁹, α_W = 10⁻³ the Gram VᵀV cannot resolve
 * σ_min(V)² ≈ 10⁻¹⁸ at all, and the nuisance values come out 5 times too large or as 0 (85 times the
 * tolerance), while the QR route stays accurate to 10⁻⁷ relative (to first order its error is about
 * u·κ(V)·σ_i rather than u·κ(V)²·σ_i).
 */
class SingularValueAccuracyTest {
    private static final double U = 0x1p-53;
    private static final MathContext MC = new MathContext(60);

    /** Factors with signal singular values ≈ 1 and nuisance ones ≈ α_V·α_W, and the truth's orthonormal factors. */
    private record Factors(DMatrixRMaj v, DMatrixRMaj w, DMatrixRMaj uStar, DMatrixRMaj vStar) {
        static Factors draw(long seed, int n1, int n2, int k, int r, double alphaV, double alphaW) {
            var rng = new SplittableRandom(seed);
            DMatrixRMaj a = gaussian(rng, n1, r, 1 / Math.sqrt(n1));
            DMatrixRMaj b = gaussian(rng, n2, r, 1 / Math.sqrt(n2));
            DMatrixRMaj v = gaussian(rng, n1, k, alphaV / Math.sqrt(n1));
            DMatrixRMaj w = gaussian(rng, n2, k, alphaW / Math.sqrt(n2));
            for (int i = 0; i < n1; i++) {
                for (int j = 0; j < r; j++) {
                    v.add(i, j, a.get(i, j));
                }
            }
            for (int i = 0; i < n2; i++) {
                for (int j = 0; j < r; j++) {
                    w.add(i, j, b.get(i, j));
                }
            }
            DMatrixRMaj rotation = Linalg.thinQr(gaussian(rng, k, k, 1)).q();
            return new Factors(CommonOps_DDRM.mult(v, rotation, null), CommonOps_DDRM.mult(w, rotation, null),
                    Linalg.thinQr(a).q(), Linalg.thinQr(b).q());
        }

        ProbeReadout readout() {
            return Readouts.of(v, w, uStar, vStar);
        }

        /** C·u·‖V‖_F‖W‖_F, the bound on |σ̂_i − σ_i| derived in the class comment. */
        double tolerance() {
            int k = v.numCols;
            double c = (double) (v.numRows + w.numRows) * k + k + (double) k * k;
            return c * U * NormOps_DDRM.normF(v) * NormOps_DDRM.normF(w);
        }
    }

    @Test
    void balancedFactorsAtAlphaOneMillionth() {
        Factors f = Factors.draw(11, 20, 16, 6, 2, 1e-6, 1e-6);
        double[] reference = reference(f.v(), f.w());
        assertNuisanceScale(reference, 2, 1e-14, 1e-11);
        assertWithin(reference, diagnosticsValues(f), f.tolerance(), "diagnostics");
    }

    @Test
    void imbalancedFactorsSeparateTheRoutes() {
        Factors f = Factors.draw(12, 20, 16, 6, 2, 1e-9, 1e-3);
        double[] reference = reference(f.v(), f.w());
        assertNuisanceScale(reference, 2, 1e-14, 1e-11);
        assertWithin(reference, diagnosticsValues(f), f.tolerance(), "diagnostics");
        // The route through the Gram matrices misses the same tolerance: the test can fail.
        double[] gram = gramRoute(f.readout());
        double worst = 0;
        for (int i = 0; i < reference.length; i++) {
            worst = Math.max(worst, Math.abs(gram[i] - reference[i]) / f.tolerance());
        }
        assertTrue(worst > 1, "the Gram route stays within the tolerance (worst error/tolerance " + worst + ")");
    }

    @Test
    void widthAboveBothDimensions() {
        // k > n1, n2: R_V is n1×k and R_W is n2×k; min(k, n1, n2) = 4 singular values, 2 of them nuisance.
        Factors f = Factors.draw(13, 5, 4, 7, 2, 1e-6, 1e-6);
        double[] reference = reference(f.v(), f.w());
        double[] got = diagnosticsValues(f);
        assertEquals(4, got.length);
        assertNuisanceScale(reference, 2, 1e-14, 1e-11);
        assertWithin(reference, got, f.tolerance(), "diagnostics");
    }

    private static double[] diagnosticsValues(Factors f) {
        ProbeReadout p = f.readout();
        var calc = new DiagnosticsCalculator(new double[] {1, 1}, Math.sqrt(2),
                Math.min(p.k(), Math.min(p.n1(), p.n2())));
        return calc.compute(0, 0, 0, p).singularValues();
    }

    private static void assertWithin(double[] reference, double[] got, double tol, String route) {
        assertEquals(reference.length, got.length, "number of singular values");
        for (int i = 0; i < reference.length; i++) {
            double err = Math.abs(got[i] - reference[i]);
            assertTrue(err <= tol, route + ": σ_" + (i + 1) + " = " + got[i] + ", reference " + reference[i]
                    + ", relative error " + err / reference[i] + " > relative tolerance " + tol / reference[i]);
        }
    }

    /** The fixture does what it claims: σ_{r+1} … lie in [lo, hi]. */
    private static void assertNuisanceScale(double[] sigma, int r, double lo, double hi) {
        for (int i = r; i < sigma.length; i++) {
            assertTrue(sigma[i] >= lo && sigma[i] <= hi, "nuisance σ_" + (i + 1) + " = " + sigma[i]);
        }
    }

    /**
     * The previous route: F = Λ^{1/2}Qᵀ from the eigen-decomposition of each Gram matrix of the readout, then
     * σ(F_V F_Wᵀ) (for any F with FᵀF = VᵀV, V = Q·F with Q orthonormal).
     */
    private static double[] gramRoute(ProbeReadout p) {
        int k = p.k();
        DMatrixRMaj fv = factor(Linalg.symmetricEigen(DMatrixRMaj.wrap(k, k, p.gramV())));
        DMatrixRMaj fw = factor(Linalg.symmetricEigen(DMatrixRMaj.wrap(k, k, p.gramW())));
        double[] s = Linalg.singularValues(CommonOps_DDRM.multTransB(fv, fw, null));
        return Arrays.copyOf(s, Math.min(k, Math.min(p.n1(), p.n2())));
    }

    private static DMatrixRMaj factor(Linalg.Eigen e) {
        int k = e.values().length;
        DMatrixRMaj f = new DMatrixRMaj(k, k);
        for (int j = 0; j < k; j++) {
            double s = Math.sqrt(Math.max(0, e.values()[j]));
            for (int i = 0; i < k; i++) {
                f.set(j, i, s * e.vectors().get(i, j));
            }
        }
        return f;
    }

    /**
     * σ_1 ≥ … ≥ σ_p of VWᵀ, p = min(k, n1, n2), from the double entries of V and W: X = VWᵀ and S = XᵀX (or XXᵀ,
     * the smaller) formed exactly in BigDecimal, then the cyclic Jacobi method in 60-digit arithmetic until every
     * off-diagonal entry is below 10⁻⁵⁵·‖S‖_F, σ_i = √λ_i. The eigenvalues are then within about n·10⁻⁵⁵·‖S‖_F ≈
     * 10⁻⁵³ of the exact ones (Weyl), far below the smallest σ_i² ≈ 10⁻²⁵ that matters here.
     */
    private static double[] reference(DMatrixRMaj v, DMatrixRMaj w) {
        int n1 = v.numRows;
        int n2 = w.numRows;
        int k = v.numCols;
        BigDecimal[][] x = new BigDecimal[n1][n2];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                BigDecimal s = BigDecimal.ZERO;
                for (int l = 0; l < k; l++) {
                    s = s.add(new BigDecimal(v.get(i, l)).multiply(new BigDecimal(w.get(j, l))));
                }
                x[i][j] = s;
            }
        }
        boolean rows = n1 <= n2; // S = XXᵀ (n1×n1) or XᵀX (n2×n2)
        int n = Math.min(n1, n2);
        int inner = Math.max(n1, n2);
        BigDecimal[][] s = new BigDecimal[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                BigDecimal sum = BigDecimal.ZERO;
                for (int l = 0; l < inner; l++) {
                    sum = sum.add(rows ? x[i][l].multiply(x[j][l]) : x[l][i].multiply(x[l][j]));
                }
                s[i][j] = sum;
            }
        }
        BigDecimal[] lambda = jacobiEigenvalues(s);
        Arrays.sort(lambda, (p, q) -> q.compareTo(p));
        double[] sigma = new double[Math.min(k, n)];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = lambda[i].signum() <= 0 ? 0 : lambda[i].sqrt(MC).doubleValue();
        }
        return sigma;
    }

    /** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations in 60-digit arithmetic (the argument is kept). */
    private static BigDecimal[] jacobiEigenvalues(BigDecimal[][] s) {
        int n = s.length;
        BigDecimal[][] a = new BigDecimal[n][];
        double norm2 = 0;
        for (int i = 0; i < n; i++) {
            a[i] = s[i].clone();
            for (int j = 0; j < n; j++) {
                norm2 += a[i][j].doubleValue() * a[i][j].doubleValue();
            }
        }
        BigDecimal threshold = new BigDecimal(1e-55 * Math.sqrt(norm2));
        BigDecimal two = BigDecimal.valueOf(2);
        for (int sweep = 0; sweep < 60; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q].abs().compareTo(threshold) <= 0) {
                        continue;
                    }
                    rotated = true;
                    // the rotation that annihilates a_pq:
                    // t = tan θ = sign(ζ)/(|ζ| + √(1 + ζ²)), ζ = (a_qq − a_pp)/(2a_pq)
                    BigDecimal zeta = a[q][q].subtract(a[p][p], MC).divide(two.multiply(a[p][q], MC), MC);
                    BigDecimal t = BigDecimal.ONE.divide(
                            zeta.abs().add(BigDecimal.ONE.add(zeta.multiply(zeta, MC), MC).sqrt(MC), MC), MC);
                    if (zeta.signum() < 0) {
                        t = t.negate();
                    }
                    BigDecimal c = BigDecimal.ONE.divide(BigDecimal.ONE.add(t.multiply(t, MC), MC).sqrt(MC), MC);
                    BigDecimal sn = c.multiply(t, MC);
                    for (int i = 0; i < n; i++) {
                        BigDecimal ip = a[i][p];
                        BigDecimal iq = a[i][q];
                        a[i][p] = c.multiply(ip, MC).subtract(sn.multiply(iq, MC), MC);
                        a[i][q] = sn.multiply(ip, MC).add(c.multiply(iq, MC), MC);
                    }
                    for (int j = 0; j < n; j++) {
                        BigDecimal pj = a[p][j];
                        BigDecimal qj = a[q][j];
                        a[p][j] = c.multiply(pj, MC).subtract(sn.multiply(qj, MC), MC);
                        a[q][j] = sn.multiply(pj, MC).add(c.multiply(qj, MC), MC);
                    }
                }
            }
            if (!rotated) {
                BigDecimal[] d = new BigDecimal[n];
                for (int i = 0; i < n; i++) {
                    d[i] = a[i][i];
                }
                return d;
            }
        }
        throw new AssertionError("the 60-digit Jacobi iteration did not converge");
    }

    private static DMatrixRMaj gaussian(SplittableRandom rng, int rows, int cols, double scale) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = scale * rng.nextGaussian();
        }
        return m;
    }
}
