package org.msense.cpu;

import java.util.Arrays;

/**
 * The subsampled randomized Walsh–Hadamard operator on the CPU, for a batch of B trajectories:
 * 𝒜(Z)_i = √(N/m)·(H D vec(Z))_{s_i}, i = 1 … m, with vec(Z) the row-major vector of length n = n1·n2
 * zero-padded to N = 2^⌈log2 n⌉, D = diag(d) random signs, H = H_N/√N the orthonormal Walsh–Hadamard
 * matrix and s_1 &lt; … &lt; s_m distinct rows. Since √(N/m)/√N = 1/√m this is (H_N D vec(Z))_{s_i}/√m,
 * which is how it is computed (one unnormalized {@link WalshHadamard} transform, then a gather scaled by
 * 1/√m). The adjoint is 𝒜*(r) = D H_Nᵀ P_sᵀ r/√m truncated to the first n entries (H_N is symmetric), with
 * P_s the m × N row selection. With random s, E[P_sᵀ P_s] = (m/N) I, so E[𝒜*𝒜] = I on the first n entries.
 *
 * <p>Memory O(B·N + m): one length-N work vector per trajectory, reused between calls.
 */
final class SubsampledHadamard {
    private final ParallelLoops loops;
    private final WalshHadamard fwht;
    private final int n;
    private final int length;
    private final double[] signs;
    private final int[] rows;
    private final double invSqrtM;
    private double[][] work = new double[0][];

    /**
     * @param loops the worker threads
     * @param n     n1·n2, ≥ 1
     * @param signs d_0 … d_{N−1}, each ±1 (those of the zero padding, j ≥ n, never matter); not modified
     * @param rows  s_1 … s_m, strictly ascending in [0, N); not modified
     * @throws IllegalArgumentException if the sizes or rows are inconsistent
     */
    SubsampledHadamard(ParallelLoops loops, int n, double[] signs, int[] rows) {
        if (n < 1 || n > (1 << 30)) {
            throw new IllegalArgumentException("the hadamard operator needs 1 ≤ n1·n2 ≤ 2³⁰, got " + n);
        }
        this.length = Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1;
        if (signs.length != length) {
            throw new IllegalArgumentException("the hadamard operator on n1·n2 = " + n + " entries needs N = " + length
                    + " signs, got " + signs.length);
        }
        if (rows.length < 1 || rows.length > length) {
            throw new IllegalArgumentException("the hadamard operator keeps 1 … N = " + length + " rows, got " + rows.length);
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= length || (i > 0 && rows[i] <= rows[i - 1])) {
                throw new IllegalArgumentException("the hadamard rows must be strictly ascending in [0, " + length
                        + "); row " + i + " is " + rows[i]);
            }
        }
        for (double d : signs) {
            if (d != 1.0 && d != -1.0) {
                throw new IllegalArgumentException("the hadamard signs must be ±1, found " + d);
            }
        }
        this.loops = loops;
        this.fwht = new WalshHadamard(loops);
        this.n = n;
        this.signs = signs;
        this.rows = rows;
        this.invSqrtM = 1.0 / Math.sqrt(rows.length);
    }

    /** N, the padded transform length. */
    int length() {
        return length;
    }

    /** m. */
    int measurements() {
        return rows.length;
    }

    /**
     * res_b = 𝒜(x_b) − y_b for every trajectory (y_b = 0 when {@code y} is null; a single y is broadcast).
     * Modifies res (each of length ≥ m) and the internal work vectors only.
     *
     * @param x   vec(Z_b), each of length ≥ n (row-major n1 × n2)
     * @param y   observations, each of length ≥ m, or null
     * @param res the output, each of length ≥ m
     */
    void forward(double[][] x, double[][] y, double[][] res) {
        int batch = x.length;
        double[][] t = work(batch);
        int blocks = (length + BLOCK - 1) / BLOCK;
        loops.forChunks(batch * blocks, 1, (c, from, to) -> {
            for (int u = from; u < to; u++) {
                double[] tb = t[u / blocks];
                double[] xb = x[u / blocks];
                int j0 = (u % blocks) * BLOCK;
                int j1 = Math.min(length, j0 + BLOCK);
                int jn = Math.min(j1, n);
                for (int j = j0; j < jn; j++) {
                    tb[j] = signs[j] * xb[j];
                }
                if (jn < j1) {
                    Arrays.fill(tb, Math.max(j0, jn), j1, 0.0);
                }
            }
        });
        fwht.transform(t, length, 1.0);
        int m = rows.length;
        loops.forChunks(batch, 1, (c, from, to) -> {
            for (int b = from; b < to; b++) {
                double[] tb = t[b];
                double[] rb = res[b];
                double[] yb = y == null ? null : y[y.length == 1 ? 0 : b];
                for (int i = 0; i < m; i++) {
                    double v = tb[rows[i]] * invSqrtM;
                    rb[i] = yb == null ? v : v - yb[i];
                }
            }
        });
    }

    /**
     * e_b = 𝒜*(res_b) (length n, row-major n1 × n2) for every trajectory. Modifies e and the internal work
     * vectors only.
     *
     * @param res residuals, each of length ≥ m
     * @param e   the output, each of length ≥ n
     */
    void adjoint(double[][] res, double[][] e) {
        int batch = res.length;
        double[][] t = work(batch);
        int m = rows.length;
        loops.forChunks(batch, 1, (c, from, to) -> {
            for (int b = from; b < to; b++) {
                double[] tb = t[b];
                Arrays.fill(tb, 0, length, 0.0);
                double[] rb = res[b];
                for (int i = 0; i < m; i++) {
                    tb[rows[i]] = rb[i] * invSqrtM;
                }
            }
        });
        fwht.transform(t, length, 1.0);
        int blocks = (n + BLOCK - 1) / BLOCK;
        loops.forChunks(batch * blocks, 1, (c, from, to) -> {
            for (int u = from; u < to; u++) {
                double[] tb = t[u / blocks];
                double[] eb = e[u / blocks];
                int j0 = (u % blocks) * BLOCK;
                int j1 = Math.min(n, j0 + BLOCK);
                for (int j = j0; j < j1; j++) {
                    eb[j] = signs[j] * tb[j];
                }
            }
        });
    }

    /** Elements per unit of the elementwise loops. */
    private static final int BLOCK = 1 << 16;

    private double[][] work(int batch) {
        if (work.length < batch) {
            double[][] grown = Arrays.copyOf(work, batch);
            for (int b = work.length; b < batch; b++) {
                grown[b] = new double[length];
            }
            work = grown;
        }
        return work.length == batch ? work : Arrays.copyOf(work, batch);
    }
}
