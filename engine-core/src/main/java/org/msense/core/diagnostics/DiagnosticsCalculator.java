package org.msense.core.diagnostics;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.msense.core.linalg.Linalg;
import org.msense.core.problem.GroundTruth;

/**
 * Turns a {@link ProbeReadout} (the factors V, W and their small Gram matrices and projections) into a
 * {@link DiagnosticRecord}, in fp64 on the host (docs/math.md, "Diagnostics"). The identities used:
 * <ul>
 * <li>Δ = VᵀV − WᵀW; ‖Δ‖_2 = max |λ(Δ)|; ‖V‖_2² = λ_max(VᵀV) (EJML's symmetric eigen-solver).</li>
 * <li>σ(VWᵀ) = σ(R_V R_Wᵀ) with R_V, R_W the triangular factors of Householder QR of V and W (V = Q_V R_V with
 *     orthonormal Q_V; R is min(n, k)×k): one SVD of a min(n1, k)×min(n2, k) matrix. Every singular value is
 *     then accurate to a small multiple of u·‖V‖‖W‖ in absolute terms, and in practice the tiny nuisance
 *     ones to about u·κ(V) relative; a route through the Gram matrices resolves σ_min(V)² only to u·‖V‖²
 *     (relative u·κ(V)²) and loses the nuisance values of imbalanced factors.</li>
 * <li>Signal: U*ᵀVWᵀV* = P Qᵀ with P = U*ᵀV, Q = V*ᵀW.</li>
 * <li>Error, when the readout has no dense ‖VWᵀ − X*‖² (n1·n2 above the dense limit): with Householder QR
 *     [U*, V] = Q₁R₁ (n1×(r+k)) and [V*, W] = Q₂R₂ (n2×(r+k)), VWᵀ − X* = [U*, V] D [V*, W]ᵀ with
 *     D = diag(−σ*, I_k), so ‖VWᵀ − X*‖_F = ‖R₁ D R₂ᵀ‖_F, an (r+k)×(r+k) matrix. Backward stable: the computed norm
 *     is exact for factors perturbed by O(u) relative, so the absolute error is O(u·(‖X*‖ + ‖V‖‖W‖)), where the
 *     expanded form tr(VᵀV WᵀW) − 2 tr(Vᵀ U*ΣV*ᵀ W) + ‖σ*‖² loses all digits below √u·‖X*‖ to cancellation.</li>
 * <li>Nuisance: VWᵀ − P_U VWᵀ P_V = V_⊥Wᵀ + P_U V W_⊥ᵀ, two terms with orthogonal column spaces, so its
 *     squared norm is tr(V_⊥ᵀV_⊥·WᵀW) + tr(PᵀP·W_⊥ᵀW_⊥) — no cancellation between large terms.</li>
 * <li>Alignment: with VᵀV = Σ λ_j q_j q_jᵀ, the top-r left singular vectors of V are V q_j/√λ_j; the sines of
 *     their principal angles to span(U*) are the singular values of V_⊥ q_j/√λ_j, so
 *     sin θ_max² = λ_max(Λ^{-1/2} Q_rᵀ V_⊥ᵀV_⊥ Q_r Λ^{-1/2}) (accurate for small angles).</li>
 * </ul>
 * Instances are immutable and {@link #compute} may run concurrently for different trajectories.
 */
public final class DiagnosticsCalculator {
    private final double[] sigmaStar;
    private final double truthNorm;
    private final int singularValueCount;
    /** U* (n1×r) and V* (n2×r) for the factored error; null when built without them. */
    private final double[] truthLeft;
    private final double[] truthRight;

    /**
     * @param sigmaStar          σ(X*), descending; not modified (copied)
     * @param truthNorm          ‖X*‖_F
     * @param singularValueCount how many singular values of VWᵀ to report (at most min(k, n1, n2) are)
     */
    public DiagnosticsCalculator(double[] sigmaStar, double truthNorm, int singularValueCount) {
        this.sigmaStar = sigmaStar.clone();
        this.truthNorm = truthNorm;
        this.singularValueCount = singularValueCount;
        this.truthLeft = null;
        this.truthRight = null;
    }

    /**
     * A calculator that can also compute ‖VWᵀ − X*‖ from the factors of X* (readouts with a NaN squared distance).
     *
     * @param truth              the ground truth (its arrays are kept, not modified)
     * @param singularValueCount how many singular values of VWᵀ to report
     */
    public DiagnosticsCalculator(GroundTruth truth, int singularValueCount) {
        this.sigmaStar = truth.sigma().clone();
        this.truthNorm = truth.frobeniusNorm();
        this.singularValueCount = singularValueCount;
        this.truthLeft = truth.left();
        this.truthRight = truth.right();
    }

    /**
     * Computes the record of trajectory {@code trajectory} at iteration {@code iteration}. The readout is not
     * modified. Cost: two QR factorizations (≈ 2(n1 + n2)k² flops), an SVD of order min(n, k), three symmetric
     * eigen-decompositions of order k (two with vectors) and a few k×k products.
     */
    public DiagnosticRecord compute(int trajectory, int iteration, double wallSeconds, ProbeReadout p) {
        int k = p.k();
        int r = p.r();
        DMatrixRMaj gramV = DMatrixRMaj.wrap(k, k, p.gramV());
        DMatrixRMaj gramW = DMatrixRMaj.wrap(k, k, p.gramW());
        DMatrixRMaj delta = CommonOps_DDRM.subtract(gramV, gramW, null);
        double imbalanceFro = NormOps_DDRM.normF(delta);
        double[] deltaEig = Linalg.symmetricEigenvalues(delta);
        double imbalanceSpectral = Math.max(Math.abs(deltaEig[0]), Math.abs(deltaEig[k - 1]));

        Linalg.Eigen eigV = Linalg.symmetricEigen(gramV);
        Linalg.Eigen eigW = Linalg.symmetricEigen(gramW);
        double normV = Math.sqrt(Math.max(0, eigV.values()[0]));
        double normW = Math.sqrt(Math.max(0, eigW.values()[0]));

        double[] singular = singularValuesOfProduct(p);

        DMatrixRMaj projV = DMatrixRMaj.wrap(r, k, p.projV());
        DMatrixRMaj projW = DMatrixRMaj.wrap(r, k, p.projW());
        DMatrixRMaj pq = CommonOps_DDRM.multTransB(projV, projW, null);
        double signal2 = 0;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double d = pq.get(i, j) - (i == j ? sigmaStar[i] : 0);
                signal2 += d * d;
            }
        }
        DMatrixRMaj ptp = CommonOps_DDRM.multTransA(projV, projV, null);
        double nuisance2 = traceOfProduct(p.gramVPerp(), p.gramW(), k) + traceOfProduct(ptp.data, p.gramWPerp(), k);

        double sinLeft = largestPrincipalSine(eigV, DMatrixRMaj.wrap(k, k, p.gramVPerp()), k, r);
        double sinRight = largestPrincipalSine(eigW, DMatrixRMaj.wrap(k, k, p.gramWPerp()), k, r);

        double squaredDistance = Double.isNaN(p.squaredDistance()) ? factoredSquaredDistance(p) : p.squaredDistance();
        return new DiagnosticRecord(trajectory, iteration, 0.5 * p.squaredResidual(),
                Math.sqrt(squaredDistance) / truthNorm, imbalanceFro, imbalanceSpectral, Math.sqrt(signal2),
                Math.sqrt(Math.max(0, nuisance2)), sinLeft, sinRight, normV, normW, Math.sqrt(p.squaredGradient()),
                wallSeconds, singular);
    }

    /**
     * σ(VWᵀ), descending, the first {@code singularValueCount} of min(k, n1, n2). With V = Q_V R_V and
     * W = Q_W R_W (Householder QR; Q orthonormal, R min(n, k)×k), VWᵀ = Q_V (R_V R_Wᵀ) Q_Wᵀ has the singular
     * values of the small product R_V R_Wᵀ. Householder QR is column-wise backward stable, the product and the
     * SVD are normwise backward stable, so each σ_i is exact for a perturbation of VWᵀ of norm ≲ c·u·‖V‖_F‖W‖_F,
     * and by Weyl's inequality |σ̂_i − σ_i| ≲ c·u·‖V‖_F‖W‖_F.
     */
    private double[] singularValuesOfProduct(ProbeReadout p) {
        DMatrixRMaj rv = Linalg.triangularFactor(DMatrixRMaj.wrap(p.n1(), p.k(), p.v()));
        DMatrixRMaj rw = Linalg.triangularFactor(DMatrixRMaj.wrap(p.n2(), p.k(), p.w()));
        double[] sv = Linalg.singularValues(CommonOps_DDRM.multTransB(rv, rw, null));
        return Arrays.copyOf(sv, Math.min(singularValueCount, sv.length));
    }

    /**
     * ‖VWᵀ − X*‖_F² = ‖R₁ D R₂ᵀ‖_F² with [U*, V] = Q₁R₁, [V*, W] = Q₂R₂, D = diag(−σ*, I_k) (see the class notes).
     *
     * @throws IllegalStateException when the calculator was built without the factors of X*
     */
    private double factoredSquaredDistance(ProbeReadout p) {
        if (truthLeft == null) {
            throw new IllegalStateException("the readout has no dense ‖VWᵀ − X*‖² and this calculator was built without"
                    + " the factors of X*; construct it from the GroundTruth");
        }
        int r = p.r();
        int k = p.k();
        DMatrixRMaj r1 = Linalg.triangularFactor(joined(truthLeft, p.v(), p.n1(), r, k));
        DMatrixRMaj r2 = Linalg.triangularFactor(joined(truthRight, p.w(), p.n2(), r, k));
        for (int i = 0; i < r1.numRows; i++) {
            for (int q = 0; q < r; q++) {
                r1.set(i, q, -r1.get(i, q) * sigmaStar[q]);
            }
        }
        double s = 0;
        for (double e : CommonOps_DDRM.multTransB(r1, r2, null).data) {
            s += e * e;
        }
        return s;
    }

    /** [A, B] (n×(r+k)) from row-major A (n×r) and B (n×k). */
    private static DMatrixRMaj joined(double[] a, double[] b, int n, int r, int k) {
        DMatrixRMaj out = new DMatrixRMaj(n, r + k);
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, i * r, out.data, i * (r + k), r);
            System.arraycopy(b, i * k, out.data, i * (r + k) + r, k);
        }
        return out;
    }

    /** tr(A·B) = Σ_ij a_ij·b_ji for n×n row-major A, B, without forming A·B. */
    private static double traceOfProduct(double[] a, double[] b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s += a[i * n + j] * b[j * n + i];
            }
        }
        return s;
    }

    /**
     * sin of the largest principal angle between span(truth) (dimension r) and the top-min(r,k) left
     * singular subspace of the factor whose Gram eigen-decomposition is {@code eig}; 1 when the factor has
     * fewer than r nonzero directions.
     */
    private static double largestPrincipalSine(Linalg.Eigen eig, DMatrixRMaj gramPerp, int k, int r) {
        int d = Math.min(r, k);
        double[] lambda = eig.values();
        if (!(lambda[d - 1] > 0)) {
            return Double.isFinite(lambda[0]) ? 1.0 : Double.NaN;
        }
        // B = Q_d Λ_d^{-1/2} (k×d); S = Bᵀ G⊥ B
        DMatrixRMaj b = new DMatrixRMaj(k, d);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < d; j++) {
                b.set(i, j, eig.vectors().get(i, j) / Math.sqrt(lambda[j]));
            }
        }
        DMatrixRMaj s = CommonOps_DDRM.multTransA(b, CommonOps_DDRM.mult(gramPerp, b, null), null);
        double top = Linalg.symmetricEigenvalues(s)[0];
        double sin = Math.sqrt(Math.max(0, top));
        return (r > k) ? 1.0 : Math.min(1.0, sin);
    }
}
