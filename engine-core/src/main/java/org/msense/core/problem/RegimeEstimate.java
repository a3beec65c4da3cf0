package org.msense.core.problem;

import java.util.Arrays;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.linalg.Linalg;

/**
 * How far a problem is from the regime of the theory: the deviation of 𝒜*𝒜 from the identity on X*, measured
 * through M = 𝒜*𝒜(X*), the matrix whose top-r singular spaces the early (power-method) phase of small-init
 * gradient descent converges to.
 * <ul>
 * <li>{@code deviation} = ‖M − X*‖₂ and δ̂ = {@link #relativeDeviation()} = ‖M − X*‖₂ / σ_r(X*): the theorems
 * (rank-(r+1) RIP with δ ≤ c/(√r κ²)) need this well below 1; for a dense Gaussian 𝒜 it is about
 * ‖X*‖_F(√n1 + √n2)/(σ_r√m);</li>
 * <li>sin θ(U_M, U*) and sin θ(V_M, V*): the sine of the largest principal angle between the top-r left (right)
 * singular spaces of M and of X*, computed as ‖U_M − U*(U*ᵀU_M)‖₂;</li>
 * <li>{@link #wedinBound()} = ‖M − X*‖₂ / σ_r(M): Wedin's sin θ theorem (the asymmetric Davis–Kahan bound, gap
 * σ_r(M) − σ_{r+1}(X*) = σ_r(M)) bounds both angles by it.</li>
 * </ul>
 * M is computed with the problem's operator as the adjoint of the noiseless measurements, 𝒜*(𝒜(X*)) (so the noise of y does
 * not enter), downloaded as a dense n1×n2 matrix, and decomposed on the host in fp64. Where n1·n2 exceeds
 * {@link #MAX_ENTRIES} the estimate is {@linkplain #skipped(String) skipped} with the reason.
 *
 * @param rank                 r
 * @param sigmaR               σ_r(X*)
 * @param deviation            ‖M − X*‖₂ (NaN when skipped)
 * @param singularValues       σ_1 … σ_{r+1}(M) (the last absent when r = min(n1, n2); empty when skipped)
 * @param sinAngleLeft         sin θ(U_M, U*) (NaN when skipped)
 * @param sinAngleRight        sin θ(V_M, V*) (NaN when skipped)
 * @param leftSpace            U_M, n1×r row-major with orthonormal columns (empty when skipped)
 * @param rightSpace           V_M, n2×r row-major with orthonormal columns (empty when skipped)
 * @param skippedBecause       why nothing was measured; null when measured
 */
public record RegimeEstimate(int rank, double sigmaR, double deviation, double[] singularValues, double sinAngleLeft,
        double sinAngleRight, double[] leftSpace, double[] rightSpace, String skippedBecause) {

    /** Largest n1·n2 for which M is formed densely and decomposed on the host (a 1000×1000 matrix: its SVD takes seconds). */
    public static final long MAX_ENTRIES = 1_000_000L;

    public RegimeEstimate {
        singularValues = singularValues.clone();
        leftSpace = leftSpace.clone();
        rightSpace = rightSpace.clone();
    }

    /**
     * Measures the regime of a problem: M = 𝒜*(𝒜(X*)) on the problem's engine, then {@link #of}. Allocates three
     * temporary buffers on the engine and frees them; the problem is not modified.
     */
    public static RegimeEstimate measure(SensingProblem problem) {
        GroundTruth truth = problem.truth();
        long entries = (long) truth.n1() * truth.n2();
        if (entries > MAX_ENTRIES) {
            return skipped(truth, String.format(Locale.ROOT, "n1·n2 = %d exceeds %d entries: 𝒜*𝒜(X*) is not formed"
                    + " as a dense matrix on the host", entries, MAX_ENTRIES));
        }
        SensingOperator operator = problem.operator();
        if (!operator.hasDenseAdjoint()) {
            return skipped(truth, "the " + operator.kind().id() + " operator does not form dense n1×n2 matrices");
        }
        Engine engine = problem.engine();
        Precision precision = problem.observations().precision();
        int m = problem.measurements();
        MatrixBatch zero = engine.allocate(precision, 1, m, 1);
        MatrixBatch measured = null;
        MatrixBatch back = null;
        try {
            engine.upload(new double[m], zero);
            measured = engine.allocate(precision, 1, m, 1);
            operator.measure(truth.left(), truth.sigma(), truth.right(), truth.rank(), zero, measured);
            back = engine.allocate(precision, 1, truth.n1(), truth.n2());
            operator.adjoint(measured, back);
            return of(engine.download(back), truth);
        } finally {
            for (MatrixBatch b : new MatrixBatch[] {zero, measured, back}) {
                if (b != null) {
                    engine.release(b);
                }
            }
        }
    }

    /**
     * The regime from a given M = 𝒜*𝒜(X*) on the host.
     *
     * @param adjointOfMeasurements M, n1×n2 row-major; not modified
     * @param truth                 X* with U*, V*, σ; not modified
     */
    public static RegimeEstimate of(double[] adjointOfMeasurements, GroundTruth truth) {
        int n1 = truth.n1();
        int n2 = truth.n2();
        int r = truth.rank();
        if (adjointOfMeasurements.length != n1 * n2) {
            throw new IllegalArgumentException("𝒜*𝒜(X*) has " + adjointOfMeasurements.length + " entries; expected n1·n2 = "
                    + n1 + "·" + n2);
        }
        double[] difference = adjointOfMeasurements.clone();
        for (int i = 0; i < difference.length; i++) {
            difference[i] -= truth.matrix()[i];
        }
        double deviation = Linalg.singularValues(DMatrixRMaj.wrap(n1, n2, difference))[0];
        Linalg.Svd svd = Linalg.svd(new DMatrixRMaj(n1, n2, true, adjointOfMeasurements));
        int kept = Math.min(r + 1, svd.values().length);
        double[] leading = Arrays.copyOf(svd.values(), kept);
        DMatrixRMaj uM = columns(svd.u(), r);
        DMatrixRMaj vM = columns(svd.v(), r);
        double sinLeft = sinAngle(uM, DMatrixRMaj.wrap(n1, r, truth.left().clone()));
        double sinRight = sinAngle(vM, DMatrixRMaj.wrap(n2, r, truth.right().clone()));
        return new RegimeEstimate(r, truth.sigma()[r - 1], deviation, leading, sinLeft, sinRight, uM.data, vM.data, null);
    }

    /** An estimate that was not measured, with the reason. */
    public static RegimeEstimate skipped(GroundTruth truth, String reason) {
        return new RegimeEstimate(truth.rank(), truth.sigma()[truth.rank() - 1], Double.NaN, new double[0], Double.NaN,
                Double.NaN, new double[0], new double[0], reason);
    }

    /** Whether M was measured (false: see {@link #skippedBecause}). */
    public boolean measured() {
        return skippedBecause == null;
    }

    /** δ̂ = ‖𝒜*𝒜(X*) − X*‖₂ / σ_r(X*). */
    public double relativeDeviation() {
        return deviation / sigmaR;
    }

    /** σ_r(M), the rate that sets the growth of the r-th direction: (1 + μσ_r(M)) per step for each factor. */
    public double sigmaROfM() {
        return singularValues.length < rank ? Double.NaN : singularValues[rank - 1];
    }

    /** Wedin's bound ‖M − X*‖₂ / σ_r(M) on sin θ(U_M, U*) and sin θ(V_M, V*); +∞ when σ_r(M) = 0. */
    public double wedinBound() {
        double gap = sigmaROfM();
        return gap > 0 ? deviation / gap : Double.POSITIVE_INFINITY;
    }

    /** One line for reports, e.g. {@code δ̂ = 0.72, sin θ(U_M, U*) = 0.31, sin θ(V_M, V*) = 0.33}. */
    public String describe() {
        if (!measured()) {
            return "regime not measured: " + skippedBecause;
        }
        return String.format(Locale.ROOT, "δ̂ = ‖𝒜*𝒜(X*) − X*‖₂/σ_r = %.3g, sin θ(U_M, U*) = %.3g, sin θ(V_M, V*) = %.3g"
                + " (Wedin bound %.3g)", relativeDeviation(), sinAngleLeft, sinAngleRight, wedinBound());
    }

    /**
     * sin of the largest principal angle between the column spaces of two matrices with orthonormal columns (same
     * number of rows): ‖A − B(BᵀA)‖₂. Neither is modified.
     */
    public static double sinAngle(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj btA = new DMatrixRMaj(b.numCols, a.numCols);
        CommonOps_DDRM.multTransA(b, a, btA);
        DMatrixRMaj rest = a.copy();
        CommonOps_DDRM.multAdd(-1, b, btA, rest);
        return Linalg.singularValues(rest)[0];
    }

    private static DMatrixRMaj columns(DMatrixRMaj a, int count) {
        DMatrixRMaj out = new DMatrixRMaj(a.numRows, count);
        CommonOps_DDRM.extract(a, 0, a.numRows, 0, count, out, 0, 0);
        return out;
    }
}
