package org.msense.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
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
 * side (V_S = [V_1 … V_B], n1 × Bk, and W_S likewise, held transposed and padded with zero columns to a
 * multiple of the kernels' column tile) and one gradient step is
 * <pre>
 *   P = A V_S,  Q = B W_S                           (m × Bk)
 *   res_bi = Σ_c P_i,bk+c · Q_i,bk+c / √m − y_bi    (rowwise dot products)
 *   ∇V_b = Aᵀ diag(res_b) Q_b / √m  = 𝒜*(res_b) W_b
 *   ∇W_b = Bᵀ diag(res_b) P_b / √m  = 𝒜*(res_b)ᵀ V_b
 * </pre>
 * computed in a single fused pass over A and B ({@link #residualAndGradients}): for each block of
 * {@value #BLOCK_ROWS} rows, P_blk = A_blk V_S and Q_blk = B_blk W_S, the block's residuals, then A_blkᵀ
 * diag(res) Q_blk/√m and B_blkᵀ diag(res) P_blk/√m are added into the accumulators while A_blk and B_blk
 * are still in cache ({@link RankOneBlockKernels}), so A and B are read from memory once per step for all
 * B trajectories (4·m·(n1 + n2)·Bk flops over 8·m·(n1 + n2) bytes).
 *
 * <p>Determinism: the rows are cut into at most {@value #MAX_GROUPS} groups whose size depends only on m;
 * the workers take whole groups, each group accumulates into its own buffer (rows in order), and the
 * group buffers are summed in group order. The results are therefore the same, bit for bit, for any
 * number of threads and any scheduling. {@link #residual} alone and {@link #gradients} alone each make
 * one such pass too (the gradients recompute P and Q for the block from the factors they are given).
 * fp64 only.
 */
final class RankOneProducts {
    /** Rows per block of the fused pass (a multiple of 4): A_blk and B_blk stay in the L2 cache. */
    static final int BLOCK_ROWS = 16;
    /** Most row groups (each with its own gradient accumulator). */
    static final int MAX_GROUPS = 32;
    /** Fewest rows per group (unless m is smaller). */
    static final int MIN_GROUP_ROWS = 256;
    private final ParallelLoops loops;
    private final DMatrixRMaj left;
    private final DMatrixRMaj right;
    private final double invSqrtM;
    private double[] vt = new double[0];
    private double[] wt = new double[0];
    private double[][] workerScratch = new double[0][];
    private double[][] groupSums = new double[0][];

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
     * res (each of length ≥ m). One pass over A and B.
     */
    void residual(DMatrixRMaj[] v, DMatrixRMaj[] w, double[][] y, double[][] res) {
        pass(v, w, y, res, true, null, null);
    }

    /**
     * gradV_b = 𝒜*(res_b) W_b (n1 × k) and gradW_b = 𝒜*(res_b)ᵀ V_b (n2 × k) for every trajectory, res given
     * (not modified). Modifies gradV and gradW. One pass over A and B.
     */
    void gradients(double[][] res, DMatrixRMaj[] v, DMatrixRMaj[] w, DMatrixRMaj[] gradV, DMatrixRMaj[] gradW) {
        pass(v, w, null, res, false, gradV, gradW);
    }

    /**
     * {@link #residual} and then {@link #gradients} at the same factors, in one pass over A and B; the results are
     * bit for bit those of the two calls. Modifies res, gradV and gradW.
     */
    void residualAndGradients(DMatrixRMaj[] v, DMatrixRMaj[] w, double[][] y, double[][] res, DMatrixRMaj[] gradV,
            DMatrixRMaj[] gradW) {
        pass(v, w, y, res, true, gradV, gradW);
    }

    /** Rows per group for m rows: a multiple of {@link #BLOCK_ROWS}, at most {@link #MAX_GROUPS} groups. */
    static int groupRows(int m) {
        int rows = Math.max(MIN_GROUP_ROWS, (m + MAX_GROUPS - 1) / MAX_GROUPS);
        return (rows + BLOCK_ROWS - 1) / BLOCK_ROWS * BLOCK_ROWS;
    }

    /**
     * The fused pass: for each block of rows P_blk, Q_blk, then (computeRes) res for those rows, then (gradV non-null)
     * the block's terms of ∇V and ∇W into its group's accumulator; finally the group accumulators summed in order.
     */
    private void pass(DMatrixRMaj[] v, DMatrixRMaj[] w, double[][] y, double[][] res, boolean computeRes,
            DMatrixRMaj[] gradV, DMatrixRMaj[] gradW) {
        int n1 = left.numCols;
        int n2 = right.numCols;
        int m = left.numRows;
        int k = v[0].numCols;
        for (int b = 0; b < v.length; b++) {
            if (v[b].numRows != n1 || w[b].numRows != n2 || v[b].numCols != k || w[b].numCols != k) {
                throw new IllegalArgumentException("trajectory " + b + ": V is " + v[b].numRows + "×" + v[b].numCols
                        + " and W " + w[b].numRows + "×" + w[b].numCols + "; the rank-one operator needs n1×k = "
                        + n1 + "×" + k + " and n2×k = " + n2 + "×" + k);
            }
        }
        int batch = v.length;
        int width = batch * k;
        int tile = RankOneBlockKernels.tile(width);
        int wp = RankOneBlockKernels.paddedWidth(width);
        vt = stackTransposed(v, wp, vt);
        wt = stackTransposed(w, wp, wt);
        boolean grads = gradV != null;
        int groupRows = groupRows(m);
        int groups = (m + groupRows - 1) / groupRows;
        int workers = Math.min(loops.threads(), groups);
        int blockScratch = BLOCK_ROWS * wp;
        int scratchLength = 4 * blockScratch + blockScratch * RankOneBlockKernels.lanes();
        if (workerScratch.length < workers || workerScratch[0].length < scratchLength) {
            workerScratch = new double[Math.max(workers, workerScratch.length)][scratchLength];
        }
        int sumLength = wp * (n1 + n2);
        if (grads && (groupSums.length < groups || groupSums[0].length < sumLength)) {
            groupSums = new double[groups][sumLength];
        }
        double[] ad = left.data;
        double[] bd = right.data;
        double[] vtd = vt;
        double[] wtd = wt;
        double invSqrt = invSqrtM;
        AtomicInteger next = new AtomicInteger();
        loops.forChunks(workers, 1, (worker, from, to) -> {
            double[] scratch = workerScratch[worker];
            for (int g = next.getAndIncrement(); g < groups; g = next.getAndIncrement()) {
                int g0 = g * groupRows;
                int g1 = Math.min(m, g0 + groupRows);
                double[] sum = grads ? groupSums[g] : null;
                if (grads) {
                    Arrays.fill(sum, 0, sumLength, 0.0);
                }
                for (int i = g0; i < g1; i += BLOCK_ROWS) {
                    int rows = Math.min(BLOCK_ROWS, g1 - i);
                    block(ad, bd, i, rows, n1, n2, vtd, wtd, wp, tile, k, batch, y, res, computeRes, sum, scratch,
                            blockScratch, invSqrt);
                }
            }
        });
        if (grads) {
            sumGroups(groups, n1, n2, wp, k, gradV, gradW);
        }
    }

    /**
     * One block of rows [i, i + rows): P_blk and Q_blk into the worker's scratch, the residuals (written to res when
     * computeRes, else read from it), then, when sum is non-null, S_Q = diag(res) Q_blk/√m and S_P = diag(res) P_blk/√m
     * and sum[0 … wp·n1) += S_Qᵀ A_blk, sum[wp·n1 …) += S_Pᵀ B_blk (both transposed, wp × n). Modifies scratch, sum
     * and, when computeRes, res.
     */
    private static void block(double[] ad, double[] bd, int i, int rows, int n1, int n2, double[] vt, double[] wt,
            int wp, int tile, int k, int batch, double[][] y, double[][] res, boolean computeRes, double[] sum,
            double[] scratch, int stride, double invSqrtM) {
        int po = 0;
        int qo = stride;
        int spo = 2 * stride;
        int sqo = 3 * stride;
        double[] p = scratch;
        RankOneBlockKernels.products(ad, i, rows, n1, vt, wp, tile, p, po, p, 4 * stride);
        RankOneBlockKernels.products(bd, i, rows, n2, wt, wp, tile, p, qo, p, 4 * stride);
        for (int r = 0; r < rows; r++) {
            int row = i + r;
            for (int b = 0; b < batch; b++) {
                double value;
                if (computeRes) {
                    double s = 0;
                    for (int c = b * k; c < (b + 1) * k; c++) {
                        s += p[po + r * wp + c] * p[qo + r * wp + c];
                    }
                    double[] yb = y == null ? null : y[y.length == 1 ? 0 : b];
                    value = yb == null ? s * invSqrtM : s * invSqrtM - yb[row];
                    res[b][row] = value;
                } else {
                    value = res[b][row];
                }
                if (sum != null) {
                    double scale = value * invSqrtM;
                    for (int c = b * k; c < (b + 1) * k; c++) {
                        p[sqo + r * wp + c] = scale * p[qo + r * wp + c];
                        p[spo + r * wp + c] = scale * p[po + r * wp + c];
                    }
                }
            }
            if (sum != null) {
                for (int c = batch * k; c < wp; c++) {
                    p[sqo + r * wp + c] = 0;
                    p[spo + r * wp + c] = 0;
                }
            }
        }
        if (sum != null) {
            RankOneBlockKernels.addTransposed(ad, i, rows, n1, p, sqo, wp, tile, sum, 0);
            RankOneBlockKernels.addTransposed(bd, i, rows, n2, p, spo, wp, tile, sum, wp * n1);
        }
    }

    /**
     * gradV_b[j, c] = Σ_g sum_g[(bk + c)·n1 + j] and gradW_b[j, c] = Σ_g sum_g[wp·n1 + (bk + c)·n2 + j], the groups
     * added in order g = 0, 1, …. Modifies gradV and gradW.
     */
    private void sumGroups(int groups, int n1, int n2, int wp, int k, DMatrixRMaj[] gradV, DMatrixRMaj[] gradW) {
        int width = gradV.length * k;
        double[][] sums = groupSums;
        loops.forChunks(2 * width, 1, (chunk, from, to) -> {
            double[] line = new double[Math.max(n1, n2)];
            for (int t = from; t < to; t++) {
                boolean isV = t < width;
                int c = isV ? t : t - width;
                int n = isV ? n1 : n2;
                int off = isV ? c * n1 : wp * n1 + c * n2;
                System.arraycopy(sums[0], off, line, 0, n);
                for (int g = 1; g < groups; g++) {
                    double[] sg = sums[g];
                    for (int j = 0; j < n; j++) {
                        line[j] += sg[off + j];
                    }
                }
                double[] out = (isV ? gradV : gradW)[c / k].data;
                int cc = c % k;
                for (int j = 0; j < n; j++) {
                    out[j * k + cc] = line[j];
                }
            }
        });
    }

    /** [M_1 … M_B]ᵀ (wp × rows, rows past B·k zero) into {@code into} (reallocated when too small); returns it. */
    private static double[] stackTransposed(DMatrixRMaj[] items, int wp, double[] into) {
        int rows = items[0].numRows;
        int k = items[0].numCols;
        double[] out = into.length >= wp * rows ? into : new double[wp * rows];
        for (int b = 0; b < items.length; b++) {
            double[] d = items[b].data;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < k; c++) {
                    out[(b * k + c) * rows + r] = d[r * k + c];
                }
            }
        }
        Arrays.fill(out, items.length * k * rows, wp * rows, 0.0);
        return out;
    }
}
