package org.msense.core.linalg;

import java.util.stream.IntStream;

/**
 * Thin QR factorization A = Q·R by Householder reflections, with the sign convention diag(R) ≥ 0.
 *
 * <p>For A (rows×cols, rows ≥ cols) the reflectors H_j = I − τ_j·v_j·v_jᵀ, j = 0 … cols−1, are chosen so that
 * H_{cols−1}⋯H_0·A = [R̃; 0] with R̃ upper triangular; v_j has v_j(j) = 1 and zeros above. Each H_j maps the
 * sub-column x = A_j(j:) to β_j·e_1 with β_j = −sign(x_1)·‖x‖ (no cancellation in forming v_j); a
 * sub-column that is already a multiple of e_1 gets τ_j = 0 (H_j = I). The thin Q = H_0⋯H_{cols−1}·[I; 0] is
 * accumulated backwards, touching only the trailing block each reflector acts on. Finally every row j of R
 * with R_jj &lt; 0 is negated together with column j of Q, which leaves Q·R unchanged and gives diag(R) ≥ 0.
 * With that convention the factorization of a matrix of full column rank is unique, so "the Q factor of a
 * Gaussian matrix" is a well-defined, Haar-distributed orthonormal frame.
 *
 * <p>Accuracy: Householder QR is normwise backward stable. The computed factors satisfy
 * ‖A − Q·R‖_F ≲ c·rows·cols·ε·‖A‖_F and ‖QᵀQ − I‖_F ≲ c·rows·cols·ε (ε = 2⁻⁵²; the observed errors are
 * far smaller, a small multiple of √(rows·cols)·ε). Orthonormality of Q does not depend on the conditioning
 * of A: it holds for rank-deficient and zero input alike (a zero sub-column simply leaves H_j = I, and the
 * corresponding R_jj is 0).
 *
 * <p>Cost: 2·rows·cols² − ⅔·cols³ flops for R and as many again for Q; memory: two rows×cols work arrays.
 * The work arrays hold columns contiguously, so every inner loop has unit stride.
 */
public final class HouseholderQr {
    private HouseholderQr() {
    }

    /**
     * The thin factors of A = Q·R.
     *
     * @param q    Q, rows×cols row-major, orthonormal columns
     * @param r    R, cols×cols row-major, upper triangular with diag(R) ≥ 0
     * @param rows rows of A and Q
     * @param cols columns of A, order of R
     */
    public record QrResult(double[] q, double[] r, int rows, int cols) {
    }

    /**
     * Thin Householder QR with the sign fix diag(R) ≥ 0 (see the class description).
     *
     * @param a    A, rows×cols row-major; not modified
     * @param rows rows of A
     * @param cols columns of A; must satisfy 0 ≤ cols ≤ rows
     * @return the fresh factors Q (rows×cols) and R (cols×cols)
     * @throws IllegalArgumentException if the array length does not match rows×cols or cols &gt; rows
     */
    public static QrResult thin(double[] a, int rows, int cols) {
        Matrices.requireShape("HouseholderQr.thin", "A", a, rows, cols);
        if (cols > rows) {
            throw new IllegalArgumentException("HouseholderQr.thin: A is " + rows + "×" + cols
                    + "; the thin QR needs rows ≥ cols");
        }
        // Column-contiguous copy: column j of A is at[j*rows .. j*rows + rows).
        double[][] at = new double[cols][rows];
        for (int i = 0; i < rows; i++) {
            int ai = i * cols;
            for (int j = 0; j < cols; j++) {
                at[j][i] = a[ai + j];
            }
        }
        double[] tau = factor(at, rows, cols);

        // R from the upper triangle (its diagonal is β_j).
        double[] r = new double[cols * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i <= j; i++) {
                r[i * cols + j] = at[j][i];
            }
        }

        // Q = H_0⋯H_{cols−1}·[I; 0], backwards: when H_j is applied, columns k < j are still e_k, which H_j
        // leaves alone, so only columns j … cols−1 are touched.
        double[][] qt = new double[cols][rows];
        for (int j = 0; j < cols; j++) {
            qt[j][j] = 1;
        }
        for (int j = cols - 1; j >= 0; j--) {
            if (tau[j] == 0) {
                continue;
            }
            for (int k = j; k < cols; k++) {
                applyReflector(at[j], j, tau[j], qt[k], rows);
            }
        }

        // Sign fix: negate row j of R and column j of Q wherever R_jj < 0.
        for (int j = 0; j < cols; j++) {
            if (r[j * cols + j] < 0) {
                for (int k = j; k < cols; k++) {
                    r[j * cols + k] = -r[j * cols + k];
                }
                double[] qj = qt[j];
                for (int i = 0; i < rows; i++) {
                    qj[i] = -qj[i];
                }
            }
        }

        double[] q = new double[rows * cols];
        for (int j = 0; j < cols; j++) {
            double[] qj = qt[j];
            for (int i = 0; i < rows; i++) {
                q[i * cols + j] = qj[i];
            }
        }
        return new QrResult(q, r, rows, cols);
    }

    /**
     * Householder-factors the columns {@code at[0 … cols)} (each of length rows) in place: afterwards at[j][0 … j]
     * holds column j of R̃ (before any sign fix) and at[j][j+1 …) the essential part of v_j.
     *
     * @return τ_0 … τ_{cols−1}
     */
    static double[] factor(double[][] at, int rows, int cols) {
        double[] tau = new double[cols];
        for (int j = 0; j < cols; j++) {
            double[] col = at[j];
            double alpha = col[j];
            double tailNorm = Matrices.norm2(col, j + 1, rows);
            if (tailNorm == 0) {
                tau[j] = 0; // already β·e_1 with β = alpha; H_j = I
                continue;
            }
            double beta = -Math.copySign(Math.hypot(alpha, tailNorm), alpha);
            tau[j] = (beta - alpha) / beta;
            double inv = 1 / (alpha - beta); // |alpha − beta| = |alpha| + |beta| > 0, no cancellation
            for (int i = j + 1; i < rows; i++) {
                col[i] *= inv;
            }
            col[j] = beta;
            for (int k = j + 1; k < cols; k++) {
                applyReflector(col, j, tau[j], at[k], rows);
            }
        }
        return tau;
    }

    /**
     * Householder QR with column pivoting (Businger–Golub) of the columns {@code at[0 … cols)} in place, with
     * optional deflation of a negligible trailing block.
     *
     * <p>Before step j the remaining column of largest partial norm (rows j …) is swapped into position j, so
     * that |R_00| ≥ |R_11| ≥ … . Partial norms are downdated and recomputed when the downdate would lose more
     * than half the digits, as in LAPACK's xLAQP2. Deflation: if before step j every remaining column k has a
     * residual (rows j …) of norm at most {@code deflation}·(its original norm), the factorization stops and
     * returns j; the trailing block is then to be read as zero, which changes every column by at most that
     * relative amount (with {@code deflation} of the order of the column-wise backward error of Householder
     * QR, this is a perturbation of the size QR itself commits). Pass 0 to factor all columns.
     *
     * <p>Afterwards at[j] holds column j of R̃ in rows 0 … min(j, rank−1) and, for j &lt; rank, the essential
     * part of v_j below the diagonal; {@code piv[j]} is the original index of the column now in position j and
     * {@code tau[j]} is τ_j (0 for j ≥ rank). For large blocks the reflector is applied to the trailing columns
     * in parallel; the arithmetic of each column, and hence the result, does not depend on the number of
     * threads.
     *
     * @return the number of reflection steps performed (cols unless deflated)
     */
    static int factorPivoted(double[][] at, int rows, int cols, int[] piv, double[] tau, double deflation) {
        double[] partial = new double[cols];
        double[] reference = new double[cols];
        double[] original = new double[cols];
        for (int k = 0; k < cols; k++) {
            piv[k] = k;
            partial[k] = Matrices.norm2(at[k], 0, rows);
            reference[k] = partial[k];
            original[k] = partial[k];
        }
        double tolerance = Math.sqrt(0x1p-52);
        for (int j = 0; j < cols; j++) {
            if (deflation > 0 && negligible(at, rows, cols, j, partial, reference, original, deflation)) {
                return j;
            }
            int best = j;
            for (int k = j + 1; k < cols; k++) {
                if (partial[k] > partial[best]) {
                    best = k;
                }
            }
            if (best != j) {
                swap(at, j, best);
                int ti = piv[j];
                piv[j] = piv[best];
                piv[best] = ti;
                swap(partial, j, best);
                swap(reference, j, best);
                swap(original, j, best);
            }
            double[] col = at[j];
            double alpha = col[j];
            double tailNorm = Matrices.norm2(col, j + 1, rows);
            tau[j] = 0;
            if (tailNorm != 0) {
                double beta = -Math.copySign(Math.hypot(alpha, tailNorm), alpha);
                tau[j] = (beta - alpha) / beta;
                double inv = 1 / (alpha - beta);
                for (int i = j + 1; i < rows; i++) {
                    col[i] *= inv;
                }
                col[j] = beta;
                final int jj = j;
                final double tj = tau[j];
                if ((long) (cols - j - 1) * (rows - j) >= PARALLEL_THRESHOLD) {
                    IntStream.range(j + 1, cols).parallel().forEach(k -> applyReflector(col, jj, tj, at[k], rows));
                } else {
                    for (int k = j + 1; k < cols; k++) {
                        applyReflector(col, j, tj, at[k], rows);
                    }
                }
            }
            for (int k = j + 1; k < cols; k++) {
                if (partial[k] == 0) {
                    continue;
                }
                double ratio = Math.abs(at[k][j]) / partial[k];
                double remaining = Math.max(0, (1 - ratio) * (1 + ratio));
                double drift = partial[k] / reference[k];
                if (remaining * drift * drift <= tolerance) {
                    partial[k] = Matrices.norm2(at[k], j + 1, rows);
                    reference[k] = partial[k];
                } else {
                    partial[k] *= Math.sqrt(remaining);
                }
            }
        }
        return cols;
    }

    /**
     * Whether every remaining column k ≥ j has a residual (rows j …) of norm ≤ deflation·original[k]. The
     * downdated estimates decide quickly; a positive answer is confirmed with exactly recomputed norms.
     */
    private static boolean negligible(double[][] at, int rows, int cols, int j, double[] partial,
            double[] reference, double[] original, double deflation) {
        for (int k = j; k < cols; k++) {
            if (partial[k] > 2 * deflation * original[k]) {
                return false;
            }
        }
        boolean all = true;
        for (int k = j; k < cols; k++) {
            partial[k] = Matrices.norm2(at[k], j, rows);
            reference[k] = partial[k];
            all &= partial[k] <= deflation * original[k];
        }
        return all;
    }

    private static void swap(double[][] x, int i, int j) {
        double[] t = x[i];
        x[i] = x[j];
        x[j] = t;
    }

    private static void swap(double[] x, int i, int j) {
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
    }

    /** Blocks with at least this many entries are updated in parallel. */
    static final long PARALLEL_THRESHOLD = 1L << 15;

    /**
     * y ← (I − τ·v·vᵀ)·y on rows j … rows−1, where v(j) = 1 and v(j+1 …) = reflector[j+1 …).
     */
    static void applyReflector(double[] reflector, int j, double tau, double[] y, int rows) {
        double w = y[j];
        for (int i = j + 1; i < rows; i++) {
            w += reflector[i] * y[i];
        }
        if (w == 0) {
            return;
        }
        w *= tau;
        y[j] -= w;
        for (int i = j + 1; i < rows; i++) {
            y[i] -= w * reflector[i];
        }
    }

    /**
     * Extends k orthonormal vectors of length m to k + count orthonormal vectors: returns count unit vectors
     * orthogonal to each other and to the given ones. They are the columns k … k+count−1 of the full orthogonal
     * factor of the Householder QR of the given m×k block (so they are orthonormal to working accuracy
     * whatever the given vectors are). Cost about 2·m·k·(k + count) flops.
     *
     * @param columns the given vectors, columns[0 … k) each of length m; not modified
     * @param k       how many are given
     * @param m       their length
     * @param count   how many to add; k + count ≤ m
     */
    static double[][] complement(double[][] columns, int k, int m, int count) {
        double[][] work = new double[k][];
        for (int j = 0; j < k; j++) {
            work[j] = columns[j].clone();
        }
        double[] tau = factor(work, m, k);
        double[][] out = new double[count][m];
        for (int t = 0; t < count; t++) {
            double[] y = out[t];
            y[k + t] = 1;
            for (int j = k - 1; j >= 0; j--) {
                if (tau[j] != 0) {
                    applyReflector(work[j], j, tau[j], y, m);
                }
            }
        }
        return out;
    }
}
