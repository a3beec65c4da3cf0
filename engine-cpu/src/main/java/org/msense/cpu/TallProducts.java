package org.msense.cpu;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * Products of a tall row-major matrix A (m × n, m ≫ n) with thin matrices (w ≪ n columns), streaming A
 * once, in blocks of four rows, with the SIMD dot and axpy kernels of {@link VectorSensingPass}:
 * <ul>
 *   <li>{@link #times}: C = A X (m × w): for each block of rows and each column c of X, four dot products
 *       of length n against column c (held contiguous as row c of Xᵀ);</li>
 *   <li>{@link #transposeTimes}: G = Aᵀ S (n × w): each worker takes a contiguous range of rows and adds
 *       Σ_i S_ic·a_i into its own fp64 accumulator of column c of G (four rows per sweep), and the
 *       accumulators are summed in worker order, so the result does not depend on scheduling.</li>
 * </ul>
 * A general GEMM reading Aᵀ walks A with stride n for every tile of the output; here every row of A is
 * read once, from contiguous memory. fp64 only.
 */
final class TallProducts {
    private static final int ROWS = VectorSensingPass.ROWS;
    private final ParallelLoops loops;
    private double[][] scratch = new double[0][];

    TallProducts(ParallelLoops loops) {
        this.loops = loops;
    }

    /** C = A X with X n × w; modifies c (reshaped to m × w). */
    void times(DMatrixRMaj a, DMatrixRMaj x, DMatrixRMaj c) {
        int m = a.numRows;
        int n = a.numCols;
        int w = x.numCols;
        if (x.numRows != n) {
            throw new IllegalArgumentException("A is " + m + "×" + n + " but X has " + x.numRows + " rows");
        }
        double[][] cols = new double[w][n];
        for (int r = 0; r < n; r++) {
            for (int q = 0; q < w; q++) {
                cols[q][r] = x.data[r * w + q];
            }
        }
        c.reshape(m, w);
        double[] ad = a.data;
        double[] cd = c.data;
        loops.forChunks((m + ROWS - 1) / ROWS, 16, (chunk, from, to) -> {
            double[] out = new double[ROWS];
            for (int blk = from; blk < to; blk++) {
                int i = blk * ROWS;
                if (i + ROWS <= m) {
                    for (int q = 0; q < w; q++) {
                        VectorSensingPass.dots4(ad, i * n, n, cols[q], out, 0);
                        for (int t = 0; t < ROWS; t++) {
                            cd[(i + t) * w + q] = out[t];
                        }
                    }
                } else {
                    for (int ii = i; ii < m; ii++) {
                        for (int q = 0; q < w; q++) {
                            cd[ii * w + q] = VectorSensingPass.dot1(ad, ii * n, n, cols[q]);
                        }
                    }
                }
            }
        });
    }

    /** G = Aᵀ S with S m × w; modifies g (reshaped to n × w). */
    void transposeTimes(DMatrixRMaj a, DMatrixRMaj s, DMatrixRMaj g) {
        int m = a.numRows;
        int n = a.numCols;
        int w = s.numCols;
        if (s.numRows != m) {
            throw new IllegalArgumentException("A is " + m + "×" + n + " but S has " + s.numRows + " rows");
        }
        int workers = loops.threads();
        if (scratch.length < workers) {
            scratch = Arrays.copyOf(scratch, workers);
        }
        for (int t = 0; t < workers; t++) {
            if (scratch[t] == null || scratch[t].length < w * n) {
                scratch[t] = new double[w * n];
            }
        }
        double[] ad = a.data;
        double[] sd = s.data;
        int used = loops.forChunks((m + ROWS - 1) / ROWS, 16, (chunk, from, to) -> {
            double[] acc = scratch[chunk];
            Arrays.fill(acc, 0, w * n, 0.0);
            double[] r = new double[ROWS];
            for (int blk = from; blk < to; blk++) {
                int i = blk * ROWS;
                if (i + ROWS <= m) {
                    for (int q = 0; q < w; q++) {
                        for (int t = 0; t < ROWS; t++) {
                            r[t] = sd[(i + t) * w + q];
                        }
                        VectorSensingPass.axpy4(ad, i * n, n, r, 0, acc, q * n);
                    }
                } else {
                    for (int ii = i; ii < m; ii++) {
                        for (int q = 0; q < w; q++) {
                            VectorSensingPass.axpy1(ad, ii * n, n, sd[ii * w + q], acc, q * n);
                        }
                    }
                }
            }
        });
        g.reshape(n, w);
        double[] gd = g.data;
        loops.forChunks(n, 256, (chunk, from, to) -> {
            for (int j = from; j < to; j++) {
                for (int q = 0; q < w; q++) {
                    double v = scratch[0][q * n + j];
                    for (int t = 1; t < used; t++) {
                        v += scratch[t][q * n + j];
                    }
                    gd[j * w + q] = v;
                }
            }
        });
    }
}
