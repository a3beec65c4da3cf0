package org.msense.core.problem;

import org.ejml.data.DMatrixRMaj;
import org.msense.core.backend.SensingOperator;
import org.msense.core.linalg.Linalg;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.ProblemSpec;

/**
 * The ground truth X* = U* diag(σ) V*ᵀ on the host, in fp64, with its factors (all row-major).
 *
 * @param n1     rows
 * @param n2     columns
 * @param rank   r
 * @param sigma  σ₁ ≥ … ≥ σ_r &gt; 0
 * @param left   U*, n1×r with orthonormal columns
 * @param right  V*, n2×r with orthonormal columns
 * @param matrix X*, n1×n2, or null when n1·n2 exceeds {@link SensingOperator#DENSE_LIMIT} (large problems keep X*
 *               only as its factors; see {@link #hasMatrix})
 */
public record GroundTruth(int n1, int n2, int rank, double[] sigma, double[] left, double[] right, double[] matrix) {

    /**
     * Generates the ground truth of a problem: U* is the Q factor of the thin Householder QR of an n1×r Gaussian
     * matrix (stream {@link StreamPurpose#TRUTH_LEFT} of the problem seed, row-major), with signs fixed so that
     * diag(R) &gt; 0 ({@link Linalg#thinQr}); V* likewise from {@link StreamPurpose#TRUTH_RIGHT}, or V* = U* for a
     * {@link ProblemSpec#symmetric} problem (X* = U* diag(σ) U*ᵀ, positive semidefinite, made exactly symmetric);
     * σ geometric from scale to scale/κ. X* itself is formed ({@link Linalg#compose}) only when
     * n1·n2 ≤ {@link SensingOperator#DENSE_LIMIT}.
     */
    public static GroundTruth generate(ProblemSpec spec) {
        int r = spec.rank();
        double[] u = orthonormal(new GaussianStream(spec.seed(), StreamPurpose.TRUTH_LEFT, 0), spec.n1(), r);
        double[] v = spec.symmetric() ? u.clone()
                : orthonormal(new GaussianStream(spec.seed(), StreamPurpose.TRUTH_RIGHT, 0), spec.n2(), r);
        GroundTruth truth = fromFactors(spec.n1(), spec.n2(), spec.singularValues(), u, v);
        if (spec.symmetric() && truth.hasMatrix()) {
            symmetrize(truth.matrix(), spec.n1());
        }
        return truth;
    }

    /**
     * The ground truth U* diag(σ) V*ᵀ from its factors (kept, not copied; U* and V* must have orthonormal columns,
     * σ be positive and descending). X* is formed only when n1·n2 ≤ {@link SensingOperator#DENSE_LIMIT}.
     *
     * @throws IllegalArgumentException if the shapes do not agree or a value is not finite
     */
    public static GroundTruth fromFactors(int n1, int n2, double[] sigma, double[] u, double[] v) {
        int r = sigma.length;
        if (r < 1 || u.length != (long) n1 * r || v.length != (long) n2 * r) {
            throw new IllegalArgumentException("ground truth factors: U* has " + u.length + " entries, V* " + v.length
                    + ", σ " + r + "; expected n1·r = " + (long) n1 * r + " and n2·r = " + (long) n2 * r);
        }
        for (double[] a : new double[][] {sigma, u, v}) {
            for (double e : a) {
                if (!Double.isFinite(e)) {
                    throw new IllegalArgumentException("ground truth factors hold a non-finite value (" + e + ")");
                }
            }
        }
        double[] x = (long) n1 * n2 <= SensingOperator.DENSE_LIMIT ? Linalg.compose(u, sigma, v, n1, n2, r) : null;
        return new GroundTruth(n1, n2, r, sigma, u, v, x);
    }

    /** Whether X* is held as an n1×n2 matrix (small problems) rather than only as its factors. */
    public boolean hasMatrix() {
        return matrix != null;
    }

    /**
     * Recovers U*, σ, V* of a given matrix by its SVD ({@link Linalg#svd}), keeping the top {@code rank} singular
     * triplets ({@code rank} = 0: the numerical rank, singular values above max(n1, n2)·ε·σ₁). The stored matrix
     * is a copy of the given one, which is not modified.
     *
     * @throws IllegalArgumentException if the matrix is zero or not finite, or rank exceeds min(n1, n2)
     */
    public static GroundTruth fromMatrix(double[] x, int n1, int n2, int rank) {
        for (double e : x) {
            if (!Double.isFinite(e)) {
                throw new IllegalArgumentException("X* holds a non-finite entry (" + e + ")");
            }
        }
        Linalg.Svd svd = Linalg.svd(DMatrixRMaj.wrap(n1, n2, x));
        double[] s = svd.values();
        int p = Math.min(n1, n2);
        if (s[0] == 0) {
            throw new IllegalArgumentException("X* is the zero matrix; there is nothing to recover");
        }
        int r = rank;
        if (r == 0) {
            double cut = Math.max(n1, n2) * 0x1p-52 * s[0];
            r = 0;
            while (r < p && s[r] > cut) {
                r++;
            }
        }
        if (r < 1 || r > p) {
            throw new IllegalArgumentException("rank must be between 1 and min(n1, n2) = " + p + ", got " + r);
        }
        double[] u = leadingColumns(svd.u(), r);
        double[] v = leadingColumns(svd.v(), r);
        double[] sigma = java.util.Arrays.copyOf(s, r);
        return new GroundTruth(n1, n2, r, sigma, u, v, x.clone());
    }

    /**
     * ‖X*‖_F: from the stored matrix when there is one, otherwise ‖σ‖₂ (equal, as U* and V* are orthonormal).
     */
    public double frobeniusNorm() {
        if (matrix == null) {
            double s = 0;
            for (double e : sigma) {
                s += e * e;
            }
            return Math.sqrt(s);
        }
        double s = 0;
        for (double e : matrix) {
            s += e * e;
        }
        return Math.sqrt(s);
    }

    private static double[] orthonormal(GaussianStream stream, int rows, int cols) {
        double[] g = new double[rows * cols];
        stream.fill(0, 1.0, g, 0, g.length);
        return Linalg.thinQr(DMatrixRMaj.wrap(rows, cols, g)).q().data;
    }

    /** The first {@code count} columns of A, row-major. */
    private static double[] leadingColumns(DMatrixRMaj a, int count) {
        double[] c = new double[a.numRows * count];
        for (int i = 0; i < a.numRows; i++) {
            System.arraycopy(a.data, i * a.numCols, c, i * count, count);
        }
        return c;
    }

    /**
     * X ← (X + Xᵀ)/2 for a square n×n row-major X (modified): U*ΣU*ᵀ formed in floating point is symmetric only to
     * rounding; afterwards it is exactly symmetric, which the symmetric model and its exported problem rely on.
     */
    private static void symmetrize(double[] x, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double mean = 0.5 * (x[i * n + j] + x[j * n + i]);
                x[i * n + j] = mean;
                x[j * n + i] = mean;
            }
        }
    }

}
