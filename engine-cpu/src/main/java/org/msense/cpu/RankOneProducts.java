package org.msense.cpu;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;

/**
 * The rank-one projection operator on the CPU: 𝒜(Z)_i = a_iᵀ Z b_i/√m with the a_i stacked as the rows
 * of A (m × n1) and the b_i as the rows of B (m × n2); its adjoint is 𝒜*(r) = Σ_i r_i a_i b_iᵀ/√m =
 * Aᵀ diag(r) B/√m. With a_i ~ N(0, I_n1), b_i ~ N(0, I_n2) independent, E[(a_iᵀ Z b_i)²] = ‖Z‖²_F, so
 * E[𝒜*𝒜] = I.
 *
 * <p>For factors Z_b = V_b W_bᵀ nothing of size n1 × n2 is formed. The B trajectories are stacked side by
 * side (V_S = [V_1 … V_B], n1 × Bk, and W_S likewise) so each product is one pass over A or B for all
 * trajectories, through {@link TallProducts} (tall-skinny products that read every row of A and B once,
 * with the SIMD kernels of the sensing pass; a general GEMM reading Aᵀ strides through A, measured 10×
 * slower at m = 50,000, n = 1000, k = 10):
 * <pre>
 *   P = A V_S,  Q = B W_S                           (m × Bk)
 *   res_bi = Σ_c P_i,bk+c · Q_i,bk+c / √m − y_bi    (rowwise dot products)
 *   ∇V_b = Aᵀ diag(res_b) Q_b / √m  = 𝒜*(res_b) W_b
 *   ∇W_b = Bᵀ diag(res_b) P_b / √m  = 𝒜*(res_b)ᵀ V_b
 * </pre>
 * Four products of 2·m·n·Bk flops each per gradient step (a single fused pass over A and B was tried and measured no faster on this 2-core machine). {@link #gradients} reuses P and Q of the last
 * {@link #residual} call when it is given bitwise the same factors (checked, O((n1 + n2)·Bk)), and
 * recomputes them otherwise. fp64 only.
 */
final class RankOneProducts {
    private final ParallelLoops loops;
    private final DMatrixRMaj left;
    private final DMatrixRMaj right;
    private final double invSqrtM;
    private DMatrixRMaj vs = new DMatrixRMaj(1, 1);
    private DMatrixRMaj ws = new DMatrixRMaj(1, 1);
    private DMatrixRMaj p = new DMatrixRMaj(1, 1);
    private DMatrixRMaj q = new DMatrixRMaj(1, 1);
    private DMatrixRMaj scaled = new DMatrixRMaj(1, 1);
    private DMatrixRMaj grad = new DMatrixRMaj(1, 1);
    private boolean productsValid;
    private final TallProducts tall;

    /**
     * @param loops the worker threads
     * @param left  A, m × n1 (row i = a_iᵀ, without the 1/√m); kept, not modified
     * @param right B, m × n2 (row i = b_iᵀ); kept, not modified
     * @throws IllegalArgumentException if A and B have different numbers of rows
     */
    RankOneProducts(ParallelLoops loops, DMatrixRMaj left, DMatrixRMaj right) {
        if (left.numRows != right.numRows || left.numRows < 1) {
            throw new IllegalArgumentException("the rank-one operator needs A (m × n1) and B (m × n2) with the same m ≥ 1; got "
                    + left.numRows + " and " + right.numRows + " rows");
        }
        this.loops = loops;
        this.left = left;
        this.right = right;
        this.invSqrtM = 1.0 / Math.sqrt(left.numRows);
        this.tall = new TallProducts(loops);
    }

    /**
     * A from stream {@link StreamPurpose#RANK_ONE_LEFT} and B from {@link StreamPurpose#RANK_ONE_RIGHT} of
     * {@code seed} (substream 0), row-major, unscaled standard normals.
     */
    static RankOneProducts generate(ParallelLoops loops, long seed, int m, int n1, int n2) {
        if ((long) m * Math.max(n1, n2) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the rank-one operator stores m × n1 and m × n2 arrays of at most 2³¹−1 entries; m·max(n1, n2) = "
                    + (long) m * Math.max(n1, n2) + " is too many (lower the measurements)");
        }
        DMatrixRMaj a = new DMatrixRMaj(m, n1);
        DMatrixRMaj b = new DMatrixRMaj(m, n2);
        fill(loops, new GaussianStream(seed, StreamPurpose.RANK_ONE_LEFT, 0), a.data);
        fill(loops, new GaussianStream(seed, StreamPurpose.RANK_ONE_RIGHT, 0), b.data);
        return new RankOneProducts(loops, a, b);
    }

    private static void fill(ParallelLoops loops, GaussianStream s, double[] dst) {
        loops.forChunks(dst.length, 1 << 16, (c, from, to) -> s.fill(from, 1.0, dst, from, to - from));
    }

    DMatrixRMaj left() {
        return left;
    }

    DMatrixRMaj right() {
        return right;
    }

    int measurements() {
        return left.numRows;
    }

    /**
     * res_b = 𝒜(V_b W_bᵀ) − y_b for every trajectory (a single y is broadcast; y null: no shift). Modifies
     * res (each of length ≥ m) and the internal products.
     */
    void residual(DMatrixRMaj[] v, DMatrixRMaj[] w, double[][] y, double[][] res) {
        products(v, w);
        int m = left.numRows;
        int k = v[0].numCols;
        int width = v.length * k;
        double[] pd = p.data;
        double[] qd = q.data;
        loops.forChunks(m, 1024, (c, from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i * width;
                for (int b = 0; b < v.length; b++) {
                    double s = 0;
                    for (int cc = b * k; cc < (b + 1) * k; cc++) {
                        s += pd[row + cc] * qd[row + cc];
                    }
                    double[] yb = y == null ? null : y[y.length == 1 ? 0 : b];
                    res[b][i] = yb == null ? s * invSqrtM : s * invSqrtM - yb[i];
                }
            }
        });
    }

    /**
     * gradV_b = 𝒜*(res_b) W_b (n1 × k) and gradW_b = 𝒜*(res_b)ᵀ V_b (n2 × k) for every trajectory. Modifies
     * gradV, gradW and the internal products.
     */
    void gradients(double[][] res, DMatrixRMaj[] v, DMatrixRMaj[] w, DMatrixRMaj[] gradV, DMatrixRMaj[] gradW) {
        if (!productsValid || !same(v, vs) || !same(w, ws)) {
            products(v, w);
        }
        int k = v[0].numCols;
        // ∇V_S = Aᵀ (diag(res) Q)/√m, then ∇W_S = Bᵀ (diag(res) P)/√m
        rowScaled(q, res, k);
        grad.reshape(left.numCols, v.length * k);
        tall.transposeTimes(left, scaled, grad);
        unstack(grad, gradV, k);
        rowScaled(p, res, k);
        grad.reshape(right.numCols, v.length * k);
        tall.transposeTimes(right, scaled, grad);
        unstack(grad, gradW, k);
    }

    /** P = A V_S and Q = B W_S, remembering the factors they were formed from. */
    private void products(DMatrixRMaj[] v, DMatrixRMaj[] w) {
        int k = v[0].numCols;
        for (int b = 0; b < v.length; b++) {
            if (v[b].numRows != left.numCols || w[b].numRows != right.numCols || v[b].numCols != k || w[b].numCols != k) {
                throw new IllegalArgumentException("trajectory " + b + ": V is " + v[b].numRows + "×" + v[b].numCols
                        + " and W " + w[b].numRows + "×" + w[b].numCols + "; the rank-one operator needs n1×k = "
                        + left.numCols + "×" + k + " and n2×k = " + right.numCols + "×" + k);
            }
        }
        vs = stack(v, vs);
        ws = stack(w, ws);
        int width = v.length * k;
        p.reshape(left.numRows, width);
        q.reshape(left.numRows, width);
        tall.times(left, vs, p);
        tall.times(right, ws, q);
        productsValid = true;
    }

    /** scaled = diag(res) src/√m, trajectory b scaling columns [bk, bk + k). */
    private void rowScaled(DMatrixRMaj src, double[][] res, int k) {
        int m = src.numRows;
        int width = src.numCols;
        scaled.reshape(m, width);
        double[] s = src.data;
        double[] d = scaled.data;
        loops.forChunks(m, 4096, (c, from, to) -> {
            for (int i = from; i < to; i++) {
                for (int b = 0; b < res.length; b++) {
                    double r = res[b][i] * invSqrtM;
                    for (int cc = b * k; cc < (b + 1) * k; cc++) {
                        d[i * width + cc] = r * s[i * width + cc];
                    }
                }
            }
        });
    }

    /** [M_1 … M_B] (rows × Bk) into {@code into} (reshaped). */
    private static DMatrixRMaj stack(DMatrixRMaj[] items, DMatrixRMaj into) {
        int rows = items[0].numRows;
        int k = items[0].numCols;
        int width = items.length * k;
        into.reshape(rows, width);
        for (int b = 0; b < items.length; b++) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(items[b].data, r * k, into.data, r * width + b * k, k);
            }
        }
        return into;
    }

    /** out_b = columns [bk, bk + k) of g. Modifies out. */
    private static void unstack(DMatrixRMaj g, DMatrixRMaj[] out, int k) {
        int width = g.numCols;
        for (int b = 0; b < out.length; b++) {
            for (int r = 0; r < g.numRows; r++) {
                System.arraycopy(g.data, r * width + b * k, out[b].data, r * k, k);
            }
        }
    }

    /** Whether the stacked copy holds bitwise these factors. */
    private static boolean same(DMatrixRMaj[] items, DMatrixRMaj stacked) {
        int rows = items[0].numRows;
        int k = items[0].numCols;
        int width = items.length * k;
        if (stacked.numRows != rows || stacked.numCols != width) {
            return false;
        }
        for (int b = 0; b < items.length; b++) {
            for (int r = 0; r < rows; r++) {
                if (!Arrays.equals(items[b].data, r * k, r * k + k, stacked.data, r * width + b * k, r * width + b * k + k)) {
                    return false;
                }
            }
        }
        return true;
    }
}
