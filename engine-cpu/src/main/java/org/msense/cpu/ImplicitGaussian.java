package org.msense.cpu;

import java.util.Arrays;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;

/**
 * The dense Gaussian operator without storing it: row i of 𝒜 (length n = n1·n2) is
 * a_i[j] = g(i·n + j)/√m with g the stream {@link StreamPurpose#SENSING} of the problem seed, substream 0
 * — bit for bit the entries {@code SensingProblem.generate} stores for the dense {@code gaussian}
 * operator (the same {@link GaussianStream#fill} with the same scale 1/√m) — regenerated on every pass.
 *
 * <p>Each pass splits the rows into one contiguous range per worker and generates {@link #blockRows} rows
 * at a time into a per-worker buffer (in cache); every generated row serves all B trajectories before the
 * next is made. {@link #residualAndAdjoint} needs one generation of 𝒜: for a block it forms
 * res_bi = ⟨a_i, x_b⟩ − y_bi and immediately adds res_bi·a_i into the worker's fp64 accumulator of
 * e_b = 𝒜*(res_b) (the contraction kernels of {@link VectorSensingPass}); the accumulators are summed in
 * worker order, so results do not depend on scheduling. {@link #adjoint} alone generates 𝒜 once more.
 *
 * <p>Memory O(B·n·threads + m): no m × n array is ever allocated. fp64 only.
 */
final class ImplicitGaussian {
    private final ParallelLoops loops;
    private final GaussianStream stream;
    private final int m;
    private final int n;
    private final double scale;
    private final int blockRows;
    private double[][] scratch = new double[0][];

    /**
     * @param loops the worker threads
     * @param seed  the problem seed
     * @param m     measurements, ≥ 1
     * @param n     n1·n2, ≥ 1
     * @throws IllegalArgumentException if m or n is not positive, or m·n exceeds the stream (2⁶³ elements)
     */
    ImplicitGaussian(ParallelLoops loops, long seed, int m, int n) {
        if (m < 1 || n < 1) {
            throw new IllegalArgumentException("the implicit Gaussian operator needs m ≥ 1 and n1·n2 ≥ 1, got m = " + m
                    + ", n1·n2 = " + n);
        }
        this.loops = loops;
        this.stream = new GaussianStream(seed, StreamPurpose.SENSING, 0);
        this.m = m;
        this.n = n;
        this.scale = 1.0 / Math.sqrt(m);
        // about 64 KiB of generated rows per block, a multiple of the 4-row tile
        this.blockRows = Math.max(VectorSensingPass.ROWS, (8192 / n) / VectorSensingPass.ROWS * VectorSensingPass.ROWS);
    }

    int measurements() {
        return m;
    }

    /** Rows generated per block. */
    int blockRows() {
        return blockRows;
    }

    /** Row i of 𝒜 into dst[off … off + n) (bitwise the dense operator's row). Modifies that range of dst. */
    void row(int i, double[] dst, int off) {
        stream.fill((long) i * n, scale, dst, off, n);
    }

    /**
     * res_b = 𝒜(x_b) − y_b and e_b = 𝒜*(res_b) for every trajectory in one generation of 𝒜 (a single y is
     * broadcast). Modifies res (each of length ≥ m) and e (each of length ≥ n).
     */
    void residualAndAdjoint(double[][] x, double[][] y, double[][] res, double[][] e) {
        pass(x, y, res, e);
    }

    /** res_b = 𝒜(x_b) − y_b (y null: 𝒜(x_b)); one generation of 𝒜. Modifies res. */
    void forward(double[][] x, double[][] y, double[][] res) {
        pass(x, y, res, null);
    }

    /** e_b = 𝒜*(r_b); one generation of 𝒜. Modifies e. */
    void adjoint(double[][] r, double[][] e) {
        int batch = r.length;
        int chunks = chunks();
        ensureScratch(batch, chunks);
        int used = loops.forChunks(m, minRows(), (chunk, from, to) -> {
            double[] acc = scratch[chunk];
            Arrays.fill(acc, 0, batch * n, 0.0);
            double[] a = new double[blockRows * n];
            double[] rr = new double[VectorSensingPass.ROWS];
            for (int i0 = from; i0 < to; i0 += blockRows) {
                int rowsHere = Math.min(blockRows, to - i0);
                generate(i0, rowsHere, a);
                for (int b = 0; b < batch; b++) {
                    int q = 0;
                    for (; q + rr.length <= rowsHere; q += rr.length) {
                        System.arraycopy(r[b], i0 + q, rr, 0, rr.length);
                        VectorSensingPass.axpy4(a, q * n, n, rr, 0, acc, b * n);
                    }
                    for (; q < rowsHere; q++) {
                        VectorSensingPass.axpy1(a, q * n, n, r[b][i0 + q], acc, b * n);
                    }
                }
            }
        });
        sum(used, batch, e);
    }

    private void pass(double[][] x, double[][] y, double[][] res, double[][] e) {
        int batch = x.length;
        int chunks = chunks();
        ensureScratch(batch, chunks);
        boolean adjoint = e != null;
        int used = loops.forChunks(m, minRows(), (chunk, from, to) -> {
            double[] acc = scratch[chunk];
            if (adjoint) {
                Arrays.fill(acc, 0, batch * n, 0.0);
            }
            double[] a = new double[blockRows * n];
            double[][] yBlock = new double[batch][blockRows];
            double[][] rBlock = new double[batch][blockRows];
            for (int i0 = from; i0 < to; i0 += blockRows) {
                int rowsHere = Math.min(blockRows, to - i0);
                generate(i0, rowsHere, a);
                for (int b = 0; b < batch; b++) {
                    double[] yb = y == null ? null : y[y.length == 1 ? 0 : b];
                    for (int q = 0; q < rowsHere; q++) {
                        yBlock[b][q] = yb == null ? 0.0 : yb[i0 + q];
                    }
                }
                if (adjoint) {
                    VectorSensingPass.rowMajor(a, n, 0, rowsHere, x, yBlock, rBlock, acc);
                } else {
                    for (int b = 0; b < batch; b++) {
                        for (int q = 0; q < rowsHere; q++) {
                            rBlock[b][q] = VectorSensingPass.dot1(a, q * n, n, x[b]) - yBlock[b][q];
                        }
                    }
                }
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(rBlock[b], 0, res[b], i0, rowsHere);
                }
            }
        });
        if (adjoint) {
            sum(used, batch, e);
        }
    }

    /** Rows [i0, i0 + count) of 𝒜 into a, row-major. */
    private void generate(int i0, int count, double[] a) {
        stream.fill((long) i0 * n, scale, a, 0, count * n);
    }

    private int chunks() {
        return loops.threads();
    }

    private int minRows() {
        return 4 * blockRows;
    }

    /** e_b[j] = Σ_w scratch[w][b·n + j] in worker order. Modifies e. */
    private void sum(int used, int batch, double[][] e) {
        loops.forChunks(batch * n, 1 << 14, (c, from, to) -> {
            for (int idx = from; idx < to; idx++) {
                double s = scratch[0][idx];
                for (int w = 1; w < used; w++) {
                    s += scratch[w][idx];
                }
                e[idx / n][idx % n] = s;
            }
        });
    }

    private void ensureScratch(int batch, int workers) {
        if (scratch.length < workers) {
            scratch = Arrays.copyOf(scratch, workers);
        }
        for (int w = 0; w < workers; w++) {
            if (scratch[w] == null || scratch[w].length < batch * n) {
                scratch[w] = new double[batch * n];
            }
        }
    }
}
