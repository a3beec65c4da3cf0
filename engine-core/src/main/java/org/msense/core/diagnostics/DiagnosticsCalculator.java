package org.msense.core.diagnostics;

import org.msense.core.linalg.Matrices;
import org.msense.core.linalg.SingularValueDecomposition;
import org.msense.core.linalg.SymmetricEigen;

/**
 * Turns a {@link ProbeReadout} (Gram matrices and projections, all k×k or r×k) into a
 * {@link DiagnosticRecord}, in fp64 on the host. The identities used:
 * <ul>
 * <li>Δ = VᵀV − WᵀW; ‖Δ‖_2 = max |λ(Δ)|; ‖V‖_2² = λ_max(VᵀV).</li>
 * <li>σ(VWᵀ) = σ(F_V F_Wᵀ) with F = Λ^{1/2}Qᵀ from the eigen-decomposition of each Gram matrix, by a
 *     one-sided Jacobi SVD of that k×k product (no squaring of small singular values; their absolute
 *     accuracy is about u·‖V‖‖W‖ times the conditioning of the Gram matrices).</li>
 * <li>Signal: U*ᵀVWᵀV* = P Qᵀ with P = U*ᵀV, Q = V*ᵀW.</li>
 * <li>Nuisance: VWᵀ − P_U VWᵀ P_V = V_⊥Wᵀ + P_U V W_⊥ᵀ, two terms with orthogonal column spaces, so its
 *     squared norm is tr(V_⊥ᵀV_⊥·WᵀW) + tr(PᵀP·W_⊥ᵀW_⊥) — no cancellation between large terms.</li>
 * <li>Alignment: with VᵀV = Σ λ_j q_j q_jᵀ, the top-r left singular vectors of V are V q_j/√λ_j; the sines of
 *     their principal angles to span(U*) are the singular values of V_⊥ q_j/√λ_j, so
 *     sin θ_max² = λ_max(Λ^{-1/2} Q_rᵀ V_⊥ᵀV_⊥ Q_r Λ^{-1/2}) (accurate for small angles).</li>
 * </ul>
 */
public final class DiagnosticsCalculator {
    private final double[] sigmaStar;
    private final double truthNorm;
    private final int singularValueCount;

    /**
     * @param sigmaStar          σ(X*), descending
     * @param truthNorm          ‖X*‖_F
     * @param singularValueCount how many singular values of VWᵀ to report
     */
    public DiagnosticsCalculator(double[] sigmaStar, double truthNorm, int singularValueCount) {
        this.sigmaStar = sigmaStar.clone();
        this.truthNorm = truthNorm;
        this.singularValueCount = singularValueCount;
    }

    /** Computes the record of trajectory {@code trajectory} at iteration {@code iteration}. */
    public DiagnosticRecord compute(int trajectory, int iteration, double wallSeconds, ProbeReadout p) {
        int k = p.k();
        int r = p.r();
        double[] delta = Matrices.subtract(p.gramV(), p.gramW());
        double imbalanceFro = Matrices.frobeniusNorm(delta);
        double[] deltaEig = SymmetricEigen.values(delta, k);
        double imbalanceSpectral = Math.max(Math.abs(deltaEig[0]), Math.abs(deltaEig[k - 1]));

        var eigV = SymmetricEigen.of(p.gramV(), k);
        var eigW = SymmetricEigen.of(p.gramW(), k);
        double normV = Math.sqrt(Math.max(0, eigV.values()[0]));
        double normW = Math.sqrt(Math.max(0, eigW.values()[0]));

        double[] singular = singularValuesOfProduct(eigV, eigW, k);

        double[] pq = Matrices.multiplyTransB(p.projV(), r, k, p.projW(), r);
        double signal2 = 0;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double d = pq[i * r + j] - (i == j ? sigmaStar[i] : 0);
                signal2 += d * d;
            }
        }
        double[] ptp = Matrices.multiplyTransA(p.projV(), r, k, p.projV(), k);
        double nuisance2 = Matrices.traceOfProduct(p.gramVPerp(), p.gramW(), k)
                + Matrices.traceOfProduct(ptp, p.gramWPerp(), k);

        double sinLeft = largestPrincipalSine(eigV, p.gramVPerp(), k, r);
        double sinRight = largestPrincipalSine(eigW, p.gramWPerp(), k, r);

        return new DiagnosticRecord(trajectory, iteration, 0.5 * p.squaredResidual(),
                Math.sqrt(p.squaredDistance()) / truthNorm, imbalanceFro, imbalanceSpectral, Math.sqrt(signal2),
                Math.sqrt(Math.max(0, nuisance2)), sinLeft, sinRight, normV, normW, Math.sqrt(p.squaredGradient()),
                wallSeconds, singular);
    }

    /**
     * σ(VWᵀ) = σ(F_V F_Wᵀ) for any square factors with F_VᵀF_V = VᵀV and F_WᵀF_W = WᵀW (V = Q_V F_V with
     * orthonormal Q_V on the range). We take F = Λ^{1/2}Qᵀ from the eigen-decompositions and a one-sided
     * Jacobi SVD of the k×k product, which keeps small singular values to high relative accuracy instead of
     * squaring them.
     */
    private double[] singularValuesOfProduct(SymmetricEigen.EigenResult eigV, SymmetricEigen.EigenResult eigW, int k) {
        double[] fv = factor(eigV, k);
        double[] fw = factor(eigW, k);
        double[] m = Matrices.multiplyTransB(fv, k, k, fw, k);
        double[] sv = SingularValueDecomposition.values(m, k, k);
        return java.util.Arrays.copyOf(sv, Math.min(singularValueCount, k));
    }

    /** F = Λ^{1/2}Qᵀ (k×k) with negative rounding-level eigenvalues clamped to 0. */
    private static double[] factor(SymmetricEigen.EigenResult eig, int k) {
        double[] lambda = eig.values();
        double[] q = eig.vectors();
        double[] f = new double[k * k];
        for (int j = 0; j < k; j++) {
            double s = Math.sqrt(Math.max(0, lambda[j]));
            for (int i = 0; i < k; i++) {
                f[j * k + i] = s * q[i * k + j];
            }
        }
        return f;
    }

    /**
     * sin of the largest principal angle between span(truth) (dimension r) and the top-min(r,k) left
     * singular subspace of the factor whose Gram eigen-decomposition is {@code eig}; 1 when the factor has
     * fewer than r nonzero directions.
     */
    private static double largestPrincipalSine(SymmetricEigen.EigenResult eig, double[] gramPerp, int k, int r) {
        int d = Math.min(r, k);
        double[] lambda = eig.values();
        double[] q = eig.vectors();
        if (!(lambda[d - 1] > 0)) {
            return Double.isFinite(lambda[0]) ? 1.0 : Double.NaN;
        }
        // B = Q_d Λ_d^{-1/2} (k×d); S = Bᵀ G⊥ B
        double[] b = new double[k * d];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < d; j++) {
                b[i * d + j] = q[i * k + j] / Math.sqrt(lambda[j]);
            }
        }
        double[] gb = Matrices.multiply(gramPerp, k, k, b, d);
        double[] s = Matrices.multiplyTransA(b, k, d, gb, d);
        double top = SymmetricEigen.values(s, d)[0];
        double sin = Math.sqrt(Math.max(0, top));
        return (r > k) ? 1.0 : Math.min(1.0, sin);
    }
}
