package org.msense.core.linalg;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Thin singular value decomposition A = U·diag(σ)·Vᵀ by one-sided Jacobi (Hestenes) with QR preconditioning.
 *
 * <p>Algorithm. Let p = min(rows, cols) and m = max(rows, cols), and let W (m×p) be A when rows ≥ cols and Aᵀ
 * otherwise, so that the Gram matrix WᵀW the method implicitly diagonalizes is the smaller one, p×p. W is
 * scaled by a power of two (exactly) so that its largest magnitude lies in [1, 2).
 * <ol>
 * <li>Preconditioning: Householder QR with column pivoting, W·P = Q·R (see
 * {@link HouseholderQr#factorPivoted}). If at some step every remaining column has a residual of norm at most
 * m·ε times its own norm (ε = 2⁻⁵²) — the size of the column-wise backward error of Householder QR, so
 * numerically the columns are dependent — the trailing block is taken as zero, the rank r &lt; p is recorded
 * and the last p − r singular values are returned as 0. This makes exactly low-rank matrices (a ground truth
 * U*·diag(σ*)·V*ᵀ stored in fp64) cheap.</li>
 * <li>One-sided Jacobi on the r nonzero columns of X = Rᵀ (length p), as in the preconditioned Jacobi SVD of
 * Drmač and Veselić: the rows of a pivoted R are graded, so X is much closer to having orthogonal columns than
 * W. Each sweep visits all pairs (i, j) in a block-cyclic order (the indices cut into blocks of about
 * {@value Jacobi#BLOCK}; first the pairs inside each block, then the block pairs in round-robin order, row-cyclic
 * within a block pair) and, unless the pair is already orthogonal to working accuracy,
 * |x_iᵀx_j| ≤ √p·ε·‖x_i‖·‖x_j‖, applies the plane rotation that
 * orthogonalizes it: with α = ‖x_i‖², β = ‖x_j‖², γ = x_iᵀx_j, ζ = (β − α)/(2γ),
 * t = sign(ζ)/(|ζ| + √(1 + ζ²)), c = 1/√(1 + t²), s = c·t, x_i ← c·x_i − s·x_j, x_j ← s·x_i + c·x_j; the
 * rotations are accumulated into an orthogonal V_x. Squared norms are carried along (α ← α − tγ, β ← β + tγ),
 * recomputed exactly at the start of every sweep and whenever an update cancels more than half its value. A
 * sweep without rotations ends the iteration (capped at {@value #MAX_SWEEPS} sweeps as a safeguard).</li>
 * <li>Then X·V_x = U_x·Σ with σ_i = ‖x_i‖ and U_x the normalized columns, so R = V_x·Σ·U_xᵀ and
 * W = (Q·V_x)·Σ·(P·U_x)ᵀ: the long-side singular vectors are Q·V_x (the reflectors applied to V_x), the
 * short-side ones P·U_x. Short-side vectors of zero singular values are completed to an orthonormal set with
 * Householder reflections, so U and V always have orthonormal columns.</li>
 * </ol>
 *
 * <p>Accuracy. Both pivoted Householder QR and one-sided Jacobi are column-wise backward stable. Write W = B·D
 * with D = diag(‖w_i‖) and B with unit columns. The computed singular values satisfy
 * |σ̂_i − σ_i| ≤ c·f(m, p)·ε·κ(B)·σ_i with f a modest polynomial (the observed errors are usually a few ε), so
 * every singular value — including tiny ones — has high <em>relative</em> accuracy when the columns are
 * well-scaled, i.e. B is well conditioned even though A itself may be arbitrarily ill-conditioned (Demmel and
 * Veselić, 1992; Drmač and Veselić, 2008). The deflation in step 1 is a column-wise relative perturbation of
 * size m·ε and so stays within this bound. For a general matrix the guarantee reduces to the usual absolute one,
 * |σ̂_i − σ_i| ≲ c·f(m, p)·ε·‖A‖_2. On exit the short-side vectors are orthonormal to about √p·ε per pair
 * (the stopping test) and the long-side ones to a small multiple of √r·ε per pair (the rounding accumulated in
 * V_x, whose columns are rescaled to unit length at the end). Singular values below about 2⁻⁴⁷⁰·σ_1 (where
 * the squared norms of the scaled columns underflow) are resolved only absolutely.
 *
 * <p>Cost. The QR costs about 2·m·p·r − (m + p)·r² + ⅔·r³ flops (2·m·p² − ⅔·p³ at full rank r = p) and
 * forming Q·V_x as much again. A Jacobi sweep costs about p·r² flops for the inner products, up to 3·p·r² for
 * rotating X and 3·r³ for accumulating V_x ({@link #values} skips V_x and Q·V_x); a full-rank dense matrix
 * needs some 8–14 sweeps (growing slowly with p), fewer when the singular values are graded. Hence:
 * <ul>
 * <li>numerically low-rank input (r ≪ p): O(m·p·r) — a 2000×2000 matrix of rank 10 takes about half a
 *     second;</li>
 * <li>full-rank dense input: about 7·p³ flops per sweep, roughly 10¹¹ flops in all for p = 1000 and 7·10¹¹
 *     for p = 2000 — of the order of 5–10 s and 1.5 minutes respectively on two cores, less on more cores
 *     (the work is spread over the common fork-join pool).</li>
 * </ul>
 * The QR's column updates, the pairs of a Jacobi round and the columns of Q·V_x are independent and, for large
 * problems, are processed on the common fork-join pool; every column and pair is computed by the same sequence
 * of floating-point operations whatever the number of threads, so the result is reproducible bit for bit.
 * Memory: the m·p work copy, the p×r matrix X and the r×r rotations, plus the outputs.
 *
 * <p>Non-finite input (NaN or ±∞) yields all-NaN results instead of an exception.
 */
public final class SingularValueDecomposition {
    /** Safeguard on the number of sweeps; convergence is quadratic and typically takes 6–14. */
    static final int MAX_SWEEPS = 60;
    private static final double EPS = 0x1p-52;
    /** Problems with at least this many entries per round use the fork-join pool. */
    private static final long PARALLEL_THRESHOLD = 1L << 15;

    private SingularValueDecomposition() {
    }

    /**
     * The thin SVD A = U·diag(values)·Vᵀ with p = min(rows, cols).
     *
     * @param values σ_0 ≥ σ_1 ≥ … ≥ σ_{p−1} ≥ 0
     * @param u      U, rows×p row-major, orthonormal columns (left singular vectors)
     * @param v      V, cols×p row-major, orthonormal columns (right singular vectors)
     * @param rows   rows of A
     * @param cols   columns of A
     */
    public record SvdResult(double[] values, double[] u, double[] v, int rows, int cols) {
    }

    /**
     * Thin SVD of A (see the class description for the algorithm, accuracy and cost).
     *
     * @param a    A, rows×cols row-major; not modified
     * @param rows rows of A
     * @param cols columns of A
     * @return fresh σ (descending), U (rows×p) and V (cols×p), p = min(rows, cols)
     * @throws IllegalArgumentException if the array length does not match rows×cols
     */
    public static SvdResult of(double[] a, int rows, int cols) {
        Matrices.requireShape("SingularValueDecomposition.of", "A", a, rows, cols);
        int p = Math.min(rows, cols);
        int m = Math.max(rows, cols);
        if (!allFinite(a)) {
            double[] values = new double[p];
            double[] u = new double[rows * p];
            double[] v = new double[cols * p];
            Arrays.fill(values, Double.NaN);
            Arrays.fill(u, Double.NaN);
            Arrays.fill(v, Double.NaN);
            return new SvdResult(values, u, v, rows, cols);
        }
        Preconditioned pre = Preconditioned.of(a, rows, cols);
        int r = pre.rank;
        Jacobi jacobi = new Jacobi(pre.x, r, p, true);
        jacobi.iterate();
        // Rescale the columns of V_x to unit length: the rounding of the rotations makes them drift by ≈ r·ε.
        for (double[] column : jacobi.vt) {
            double norm = Matrices.norm2(column, 0, r);
            for (int k = 0; k < r; k++) {
                column[k] /= norm;
            }
        }

        double[] sigma = new double[p];
        for (int i = 0; i < r; i++) {
            sigma[i] = Matrices.norm2(pre.x[i], 0, p);
        }
        Integer[] order = descendingOrder(sigma);

        // Short side (length p, pivoted coordinates): the normalized columns of X, completed where σ = 0.
        double[][] shortSide = new double[p][];
        int nonzero = 0;
        for (int idx = 0; idx < p; idx++) {
            int i = order[idx];
            if (sigma[i] > 0) {
                double inv = 1 / sigma[i];
                double[] x = pre.x[i];
                double[] y = new double[p];
                for (int k = 0; k < p; k++) {
                    y[k] = x[k] * inv;
                }
                shortSide[nonzero++] = y;
            }
        }
        if (nonzero < p) {
            double[][] extra = HouseholderQr.complement(shortSide, nonzero, p, p - nonzero);
            System.arraycopy(extra, 0, shortSide, nonzero, p - nonzero);
        }

        // Long side (length m): Q·(V_x ⊕ I), V_x the accumulated rotations of the first r columns.
        double[][] longSide = new double[p][];
        IntStream indices = IntStream.range(0, p);
        if ((long) m * p >= PARALLEL_THRESHOLD) {
            indices = indices.parallel();
        }
        indices.forEach(idx -> {
            int i = order[idx];
            double[] z = new double[m];
            if (i < r) {
                System.arraycopy(jacobi.vt[i], 0, z, 0, r);
            } else {
                z[i] = 1;
            }
            pre.applyQ(z);
            longSide[idx] = z;
        });

        double[] values = new double[p];
        double[] longMatrix = new double[m * p];
        double[] shortMatrix = new double[p * p];
        for (int idx = 0; idx < p; idx++) {
            values[idx] = Math.scalb(sigma[order[idx]], -pre.exponent);
            double[] y = longSide[idx];
            for (int k = 0; k < m; k++) {
                longMatrix[k * p + idx] = y[k];
            }
            double[] z = shortSide[idx];
            for (int k = 0; k < p; k++) {
                shortMatrix[pre.piv[k] * p + idx] = z[k];
            }
        }
        return rows >= cols
                ? new SvdResult(values, longMatrix, shortMatrix, rows, cols)
                : new SvdResult(values, shortMatrix, longMatrix, rows, cols);
    }

    /**
     * Singular values only, descending: the same computation as {@link #of} without accumulating the rotations
     * or forming singular vectors.
     *
     * @param a    A, rows×cols row-major; not modified
     * @param rows rows of A
     * @param cols columns of A
     * @return σ_0 ≥ … ≥ σ_{p−1} ≥ 0, p = min(rows, cols)
     * @throws IllegalArgumentException if the array length does not match rows×cols
     */
    public static double[] values(double[] a, int rows, int cols) {
        Matrices.requireShape("SingularValueDecomposition.values", "A", a, rows, cols);
        int p = Math.min(rows, cols);
        double[] values = new double[p];
        if (!allFinite(a)) {
            Arrays.fill(values, Double.NaN);
            return values;
        }
        Preconditioned pre = Preconditioned.of(a, rows, cols);
        new Jacobi(pre.x, pre.rank, p, false).iterate();
        for (int i = 0; i < pre.rank; i++) {
            values[i] = Math.scalb(Matrices.norm2(pre.x[i], 0, p), -pre.exponent);
        }
        Arrays.sort(values);
        for (int i = 0, j = p - 1; i < j; i++, j--) {
            double t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    private static boolean allFinite(double[] a) {
        for (double x : a) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** Indices sorted by value, descending; ties keep index order. */
    private static Integer[] descendingOrder(double[] sigma) {
        Integer[] order = new Integer[sigma.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(sigma[y], sigma[x]));
        return order;
    }

    /**
     * W (scaled by 2^exponent) after pivoted QR with deflation, W·P = Q·R, and the nonzero part of X = Rᵀ:
     * x[i] (i &lt; rank) is row i of R, a vector of length p.
     */
    private static final class Preconditioned {
        final int p;
        final int m;
        final int exponent;
        /** The Householder vectors of Q, as left by {@link HouseholderQr#factorPivoted}. */
        final double[][] w;
        final double[] tau;
        /** piv[j]: original index of the column in pivoted position j. */
        final int[] piv;
        final int rank;
        final double[][] x;

        private Preconditioned(double[][] w, int p, int m, int exponent) {
            this.w = w;
            this.p = p;
            this.m = m;
            this.exponent = exponent;
            this.piv = new int[p];
            this.tau = new double[p];
            this.rank = HouseholderQr.factorPivoted(w, m, p, piv, tau, m * EPS);
            this.x = new double[rank][p];
            for (int j = 0; j < p; j++) {
                double[] rj = w[j];
                for (int i = 0; i <= Math.min(j, rank - 1); i++) {
                    x[i][j] = rj[i];
                }
            }
        }

        static Preconditioned of(double[] a, int rows, int cols) {
            int p = Math.min(rows, cols);
            int m = Math.max(rows, cols);
            double max = 0;
            for (double e : a) {
                max = Math.max(max, Math.abs(e));
            }
            int exponent = max == 0 ? 0 : -Math.getExponent(max);
            double f = Math.scalb(1.0, exponent);
            double[][] w = new double[p][m];
            if (rows >= cols) {
                for (int i = 0; i < rows; i++) {
                    int ai = i * cols;
                    for (int j = 0; j < cols; j++) {
                        w[j][i] = a[ai + j] * f;
                    }
                }
            } else {
                for (int i = 0; i < rows; i++) {
                    int ai = i * cols;
                    double[] wi = w[i];
                    for (int j = 0; j < cols; j++) {
                        wi[j] = a[ai + j] * f;
                    }
                }
            }
            return new Preconditioned(w, p, m, exponent);
        }

        /** y ← Q·y for y of length m: the reflectors H_{rank−1}, …, H_0 in turn. */
        void applyQ(double[] y) {
            for (int j = rank - 1; j >= 0; j--) {
                if (tau[j] != 0) {
                    HouseholderQr.applyReflector(w[j], j, tau[j], y, m);
                }
            }
        }
    }

    /** One-sided Jacobi on n vectors of length len, optionally accumulating the rotations (n×n). */
    private static final class Jacobi {
        /** Target block size of the block-cyclic ordering. */
        static final int BLOCK = 32;
        final int n;
        final int len;
        /** The vectors being orthogonalized, w[0 … n). */
        final double[][] w;
        /** Columns of the accumulated rotations (row i of vt is column i), or null. */
        final double[][] vt;
        /** Squared norms of the w_i. */
        final double[] d;
        final double tol;

        Jacobi(double[][] w, int n, int len, boolean vectors) {
            this.w = w;
            this.n = n;
            this.len = len;
            this.d = new double[n];
            this.tol = Math.sqrt(Math.max(1, len)) * EPS;
            if (vectors) {
                vt = new double[n][n];
                for (int i = 0; i < n; i++) {
                    vt[i][i] = 1;
                }
            } else {
                vt = null;
            }
        }

        /**
         * Block-cyclic sweeps: the indices are cut into an even number of contiguous blocks of about
         * {@value #BLOCK} (the cut depends on n only). A sweep first treats the pairs inside every block, then
         * the pairs between blocks, block pair by block pair in round-robin order; within a block pair (I, J)
         * the order is row-cyclic (i ∈ I outer, j ∈ J inner), which keeps x_i in cache. Every pair is visited
         * once per sweep; the blocks of one step are disjoint and may run in parallel.
         */
        void iterate() {
            if (n < 2) {
                return;
            }
            int blocks = Math.max(2, 2 * ((n + 2 * BLOCK - 1) / (2 * BLOCK)));
            int[] start = new int[blocks + 1];
            for (int b = 0; b <= blocks; b++) {
                start[b] = (int) ((long) n * b / blocks);
            }
            int half = blocks / 2;
            int[] ring = new int[blocks];
            int[] first = new int[half];
            int[] second = new int[half];
            boolean[] rotated = new boolean[blocks];
            boolean parallel = (long) len * n >= PARALLEL_THRESHOLD && blocks >= 4;
            for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
                for (int i = 0; i < n; i++) {
                    d[i] = dot(w[i], w[i]);
                }
                run(blocks, parallel, b -> rotated[b] = within(start[b], start[b + 1]));
                boolean any = false;
                for (int b = 0; b < blocks; b++) {
                    any |= rotated[b];
                }
                for (int b = 0; b < blocks; b++) {
                    ring[b] = b;
                }
                for (int round = 0; round < blocks - 1; round++) {
                    for (int k = 0; k < half; k++) {
                        first[k] = Math.min(ring[k], ring[blocks - 1 - k]);
                        second[k] = Math.max(ring[k], ring[blocks - 1 - k]);
                    }
                    run(half, parallel, k -> rotated[k] = between(start[first[k]], start[first[k] + 1],
                            start[second[k]], start[second[k] + 1]));
                    for (int k = 0; k < half; k++) {
                        any |= rotated[k];
                    }
                    // Keep slot 0 fixed and rotate the others by one position.
                    int last = ring[blocks - 1];
                    System.arraycopy(ring, 1, ring, 2, blocks - 2);
                    ring[1] = last;
                }
                if (!any) {
                    return;
                }
            }
        }

        private static void run(int count, boolean parallel, java.util.function.IntConsumer task) {
            if (parallel) {
                IntStream.range(0, count).parallel().forEach(task);
            } else {
                for (int k = 0; k < count; k++) {
                    task.accept(k);
                }
            }
        }

        /** All pairs i &lt; j inside [from, to); true if any rotation was applied. */
        private boolean within(int from, int to) {
            boolean any = false;
            for (int i = from; i < to; i++) {
                for (int j = i + 1; j < to; j++) {
                    any |= pair(i, j);
                }
            }
            return any;
        }

        /** All pairs (i, j), i ∈ [from1, to1), j ∈ [from2, to2), the first range below the second. */
        private boolean between(int from1, int to1, int from2, int to2) {
            boolean any = false;
            for (int i = from1; i < to1; i++) {
                for (int j = from2; j < to2; j++) {
                    any |= pair(i, j);
                }
            }
            return any;
        }

        /** Orthogonalizes w_i and w_j if needed; true if a rotation was applied. */
        private boolean pair(int i, int j) {
            double alpha = d[i];
            double beta = d[j];
            if (alpha == 0 || beta == 0) {
                return false;
            }
            double[] x = w[i];
            double[] y = w[j];
            double gamma = dot(x, y);
            if (!(Math.abs(gamma) > tol * Math.sqrt(alpha) * Math.sqrt(beta))) {
                return false;
            }
            double zeta = (beta - alpha) / (2 * gamma);
            double t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
            double c = 1 / Math.sqrt(1 + t * t);
            double s = c * t;
            rotate(x, y, c, s, len);
            if (vt != null) {
                rotate(vt[i], vt[j], c, s, n);
            }
            double newAlpha = alpha - t * gamma;
            double newBeta = beta + t * gamma;
            d[i] = newAlpha < 0.5 * alpha ? dot(x, x) : newAlpha;
            d[j] = newBeta < 0.5 * beta ? dot(y, y) : newBeta;
            return true;
        }

        private static void rotate(double[] x, double[] y, double c, double s, int len) {
            for (int k = 0; k < len; k++) {
                double xk = x[k];
                double yk = y[k];
                x[k] = c * xk - s * yk;
                y[k] = s * xk + c * yk;
            }
        }

        /** Inner product with four partial sums (independent dependency chains). */
        private static double dot(double[] x, double[] y) {
            int len = x.length;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int k = 0;
            for (; k + 3 < len; k += 4) {
                s0 += x[k] * y[k];
                s1 += x[k + 1] * y[k + 1];
                s2 += x[k + 2] * y[k + 2];
                s3 += x[k + 3] * y[k + 3];
            }
            for (; k < len; k++) {
                s0 += x[k] * y[k];
            }
            return (s0 + s1) + (s2 + s3);
        }
    }
}
