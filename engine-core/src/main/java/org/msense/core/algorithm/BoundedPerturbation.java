package org.msense.core.algorithm;

import java.util.Arrays;
import org.msense.core.linalg.Linalg;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;

/**
 * The bounded perturbations P_b (one n1×n2 matrix per trajectory b) that {@link PerturbedGradientFlow} adds to the
 * gradient matrix: P_b = ξ_b·D/‖D‖₂ for one direction D, so that ‖P_b‖₂ = ξ_b exactly (up to the rounding of the
 * host SVD that measures ‖D‖₂ and of the scaling, a few units of 2⁻⁵³ relative).
 *
 * <p>Directions: {@link #gaussianDirection} draws D = G₁G₂ᵀ with G₁ (n1×q), G₂ (n2×q) Gaussian (q = min(n1, n2)
 * gives a generic full-rank matrix), and {@link #outside} projects a direction onto the complement of given
 * column and row spaces, (I − UUᵀ) D (I − VVᵀ): a perturbation that leaves the best rank-r approximation of
 * X* − P equal to X* and acts only on the directions the model should not learn.
 *
 * @param n1       rows of each P_b
 * @param n2       columns of each P_b
 * @param xi       ξ_b ≥ 0, the spectral norm of P_b
 * @param matrices P_b, B×n1×n2, row-major, item after item
 */
public record BoundedPerturbation(int n1, int n2, double[] xi, double[] matrices) {

    public BoundedPerturbation {
        if (n1 < 1 || n2 < 1 || xi.length < 1 || matrices.length != (long) xi.length * n1 * n2) {
            throw new IllegalArgumentException("bounded perturbation: " + matrices.length + " values for " + xi.length
                    + " matrices of " + n1 + "×" + n2);
        }
    }

    /**
     * P_b = ξ_b·D/‖D‖₂ for every b.
     *
     * @param direction D, n1×n2 row-major, with a finite positive spectral norm; not modified
     * @param xi        ξ_b ≥ 0 (finite), one per trajectory; not modified
     * @throws IllegalArgumentException if D is zero or not finite, or a ξ_b is negative or not finite
     */
    public static BoundedPerturbation scaled(double[] direction, int n1, int n2, double... xi) {
        if (direction.length != (long) n1 * n2) {
            throw new IllegalArgumentException("perturbation direction: " + direction.length + " values for a " + n1 + "×"
                    + n2 + " matrix");
        }
        double norm = Linalg.spectralNorm(direction, n1, n2);
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("perturbation direction has spectral norm " + norm
                    + "; it must be finite and positive (draw another direction)");
        }
        int size = n1 * n2;
        double[] out = new double[xi.length * size];
        for (int b = 0; b < xi.length; b++) {
            if (!(xi[b] >= 0) || !Double.isFinite(xi[b])) {
                throw new IllegalArgumentException("perturbation size ξ = " + xi[b] + " for trajectory " + b
                        + "; it must be finite and ≥ 0");
            }
            double c = xi[b] / norm;
            for (int i = 0; i < size; i++) {
                out[b * size + i] = c * direction[i];
            }
        }
        return new BoundedPerturbation(n1, n2, xi.clone(), out);
    }

    /** B zero perturbations: the flow is then plain gradient descent. */
    public static BoundedPerturbation none(int n1, int n2, int count) {
        return new BoundedPerturbation(n1, n2, new double[count], new double[count * n1 * n2]);
    }

    /**
     * D = G₁G₂ᵀ with G₁ ∈ R^{n1×q}, G₂ ∈ R^{n2×q} standard Gaussian, drawn row-major from substreams 0 and 1 of
     * stream {@link StreamPurpose#PERTURBATION} of {@code seed}; rank q (almost surely), 1 ≤ q ≤ min(n1, n2).
     */
    public static double[] gaussianDirection(int n1, int n2, int rank, long seed) {
        if (rank < 1 || rank > Math.min(n1, n2)) {
            throw new IllegalArgumentException("perturbation rank " + rank + " must be in [1, min(n1, n2) = "
                    + Math.min(n1, n2) + "]");
        }
        double[] g1 = new double[n1 * rank];
        double[] g2 = new double[n2 * rank];
        new GaussianStream(seed, StreamPurpose.PERTURBATION, 0).fill(0, 1.0, g1, 0, g1.length);
        new GaussianStream(seed, StreamPurpose.PERTURBATION, 1).fill(0, 1.0, g2, 0, g2.length);
        double[] d = new double[n1 * n2];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                double s = 0;
                for (int q = 0; q < rank; q++) {
                    s += g1[i * rank + q] * g2[j * rank + q];
                }
                d[i * n2 + j] = s;
            }
        }
        return d;
    }

    /**
     * (I − UUᵀ) D (I − VVᵀ): D with its components in the column space of U and the row space of V removed.
     *
     * @param direction D, n1×n2 row-major; not modified
     * @param left      U, n1×r row-major with orthonormal columns; not modified
     * @param right     V, n2×r row-major with orthonormal columns; not modified
     */
    public static double[] outside(double[] direction, int n1, int n2, double[] left, double[] right, int r) {
        if (direction.length != (long) n1 * n2 || left.length != (long) n1 * r || right.length != (long) n2 * r) {
            throw new IllegalArgumentException("outside: D has " + direction.length + " values, U " + left.length + ", V "
                    + right.length + "; expected " + n1 + "×" + n2 + ", " + n1 + "×" + r + ", " + n2 + "×" + r);
        }
        double[] d = direction.clone();
        // D ← D − U(UᵀD)
        double[] utd = new double[r * n2];
        for (int q = 0; q < r; q++) {
            for (int i = 0; i < n1; i++) {
                double u = left[i * r + q];
                for (int j = 0; j < n2; j++) {
                    utd[q * n2 + j] += u * d[i * n2 + j];
                }
            }
        }
        for (int i = 0; i < n1; i++) {
            for (int q = 0; q < r; q++) {
                double u = left[i * r + q];
                for (int j = 0; j < n2; j++) {
                    d[i * n2 + j] -= u * utd[q * n2 + j];
                }
            }
        }
        // D ← D − (DV)Vᵀ
        double[] dv = new double[n1 * r];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                for (int q = 0; q < r; q++) {
                    dv[i * r + q] += d[i * n2 + j] * right[j * r + q];
                }
            }
        }
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                double s = 0;
                for (int q = 0; q < r; q++) {
                    s += dv[i * r + q] * right[j * r + q];
                }
                d[i * n2 + j] -= s;
            }
        }
        return d;
    }

    /** The number of trajectories B. */
    public int count() {
        return xi.length;
    }

    /** P_b as a fresh n1×n2 row-major array. */
    public double[] matrix(int b) {
        return Arrays.copyOfRange(matrices, b * n1 * n2, (b + 1) * n1 * n2);
    }
}
