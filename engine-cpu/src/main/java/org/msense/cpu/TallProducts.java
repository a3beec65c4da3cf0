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
    private static final jdk.incubator.vector.VectorSpecies<Double> D = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();
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
                    int q = 0;
                    for (; q + 4 <= w; q += 4) {
                        dots4x4(ad, i * n, n, cols, q, cd, i * w + q, w);
                    }
                    for (; q + 2 <= w; q += 2) {
                        dots4x2(ad, i * n, n, cols[q], cols[q + 1], cd, i * w + q, w);
                    }
                    for (; q < w; q++) {
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
                    axpy4All(ad, i * n, n, sd, i * w, w, acc);
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

    /**
     * Four rows a_{i..i+3} (at a[b0 …], stride n) against two columns x, z: c[o + t·w] = ⟨a_{i+t}, x⟩ and
     * c[o + t·w + 1] = ⟨a_{i+t}, z⟩ for t &lt; 4, eight SIMD accumulators, each row chunk loaded once for both
     * columns. Modifies those eight entries of c.
     */
    private static void dots4x2(double[] a, int b0, int n, double[] x, double[] z, double[] c, int o, int w) {
        jdk.incubator.vector.DoubleVector s0 = jdk.incubator.vector.DoubleVector.zero(D);
        jdk.incubator.vector.DoubleVector s1 = s0;
        jdk.incubator.vector.DoubleVector s2 = s0;
        jdk.incubator.vector.DoubleVector s3 = s0;
        jdk.incubator.vector.DoubleVector t0 = s0;
        jdk.incubator.vector.DoubleVector t1 = s0;
        jdk.incubator.vector.DoubleVector t2 = s0;
        jdk.incubator.vector.DoubleVector t3 = s0;
        int j = 0;
        for (; j + L <= n; j += L) {
            jdk.incubator.vector.DoubleVector xv = jdk.incubator.vector.DoubleVector.fromArray(D, x, j);
            jdk.incubator.vector.DoubleVector zv = jdk.incubator.vector.DoubleVector.fromArray(D, z, j);
            jdk.incubator.vector.DoubleVector a0 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + j);
            jdk.incubator.vector.DoubleVector a1 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + n + j);
            jdk.incubator.vector.DoubleVector a2 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + 2 * n + j);
            jdk.incubator.vector.DoubleVector a3 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + 3 * n + j);
            s0 = a0.fma(xv, s0);
            s1 = a1.fma(xv, s1);
            s2 = a2.fma(xv, s2);
            s3 = a3.fma(xv, s3);
            t0 = a0.fma(zv, t0);
            t1 = a1.fma(zv, t1);
            t2 = a2.fma(zv, t2);
            t3 = a3.fma(zv, t3);
        }
        double[] sx = {LaneSum.of(s0), LaneSum.of(s1), LaneSum.of(s2), LaneSum.of(s3)};
        double[] sz = {LaneSum.of(t0), LaneSum.of(t1), LaneSum.of(t2), LaneSum.of(t3)};
        for (; j < n; j++) {
            for (int t = 0; t < ROWS; t++) {
                double av = a[b0 + t * n + j];
                sx[t] += av * x[j];
                sz[t] += av * z[j];
            }
        }
        for (int t = 0; t < ROWS; t++) {
            c[o + t * w] = sx[t];
            c[o + t * w + 1] = sz[t];
        }
    }

    /**
     * Four rows a_{i..i+3} against four columns cols[q0 … q0+3]: c[o + t·w + u] = ⟨a_{i+t}, cols[q0+u]⟩ for t, u &lt; 4,
     * sixteen SIMD accumulators, each row chunk loaded once for the four columns. Modifies those sixteen entries of c.
     */
    private static void dots4x4(double[] a, int b0, int n, double[][] cols, int q0, double[] c, int o, int w) {
        double[] x0 = cols[q0];
        double[] x1 = cols[q0 + 1];
        double[] x2 = cols[q0 + 2];
        double[] x3 = cols[q0 + 3];
        jdk.incubator.vector.DoubleVector z = jdk.incubator.vector.DoubleVector.zero(D);
        jdk.incubator.vector.DoubleVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        jdk.incubator.vector.DoubleVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        int j = 0;
        for (; j + L <= n; j += L) {
            jdk.incubator.vector.DoubleVector v0 = jdk.incubator.vector.DoubleVector.fromArray(D, x0, j);
            jdk.incubator.vector.DoubleVector v1 = jdk.incubator.vector.DoubleVector.fromArray(D, x1, j);
            jdk.incubator.vector.DoubleVector v2 = jdk.incubator.vector.DoubleVector.fromArray(D, x2, j);
            jdk.incubator.vector.DoubleVector v3 = jdk.incubator.vector.DoubleVector.fromArray(D, x3, j);
            jdk.incubator.vector.DoubleVector a0 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + j);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            c02 = a0.fma(v2, c02);
            c03 = a0.fma(v3, c03);
            jdk.incubator.vector.DoubleVector a1 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + n + j);
            c10 = a1.fma(v0, c10);
            c11 = a1.fma(v1, c11);
            c12 = a1.fma(v2, c12);
            c13 = a1.fma(v3, c13);
            jdk.incubator.vector.DoubleVector a2 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + 2 * n + j);
            c20 = a2.fma(v0, c20);
            c21 = a2.fma(v1, c21);
            c22 = a2.fma(v2, c22);
            c23 = a2.fma(v3, c23);
            jdk.incubator.vector.DoubleVector a3 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + 3 * n + j);
            c30 = a3.fma(v0, c30);
            c31 = a3.fma(v1, c31);
            c32 = a3.fma(v2, c32);
            c33 = a3.fma(v3, c33);
        }
        double[] r = {LaneSum.of(c00), LaneSum.of(c01), LaneSum.of(c02), LaneSum.of(c03),
            LaneSum.of(c10), LaneSum.of(c11), LaneSum.of(c12), LaneSum.of(c13),
            LaneSum.of(c20), LaneSum.of(c21), LaneSum.of(c22), LaneSum.of(c23),
            LaneSum.of(c30), LaneSum.of(c31), LaneSum.of(c32), LaneSum.of(c33)};
        for (; j < n; j++) {
            for (int t = 0; t < ROWS; t++) {
                double av = a[b0 + t * n + j];
                r[4 * t] += av * x0[j];
                r[4 * t + 1] += av * x1[j];
                r[4 * t + 2] += av * x2[j];
                r[4 * t + 3] += av * x3[j];
            }
        }
        for (int t = 0; t < ROWS; t++) {
            for (int u = 0; u < 4; u++) {
                c[o + t * w + u] = r[4 * t + u];
            }
        }
    }

    /**
     * acc[q·n + j] += Σ_{t<4} s[so + t·w + q]·a[b0 + t·n + j] for every column q &lt; w: each chunk of the four
     * rows is loaded once and used for all w columns. Modifies acc.
     */
    private static void axpy4All(double[] a, int b0, int n, double[] s, int so, int w, double[] acc) {
        int j = 0;
        for (; j + L <= n; j += L) {
            jdk.incubator.vector.DoubleVector a0 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + j);
            jdk.incubator.vector.DoubleVector a1 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + n + j);
            jdk.incubator.vector.DoubleVector a2 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + 2 * n + j);
            jdk.incubator.vector.DoubleVector a3 = jdk.incubator.vector.DoubleVector.fromArray(D, a, b0 + 3 * n + j);
            for (int q = 0; q < w; q++) {
                int c = q * n + j;
                jdk.incubator.vector.DoubleVector e = jdk.incubator.vector.DoubleVector.fromArray(D, acc, c);
                e = a0.fma(jdk.incubator.vector.DoubleVector.broadcast(D, s[so + q]), e);
                e = a1.fma(jdk.incubator.vector.DoubleVector.broadcast(D, s[so + w + q]), e);
                e = a2.fma(jdk.incubator.vector.DoubleVector.broadcast(D, s[so + 2 * w + q]), e);
                e = a3.fma(jdk.incubator.vector.DoubleVector.broadcast(D, s[so + 3 * w + q]), e);
                e.intoArray(acc, c);
            }
        }
        for (; j < n; j++) {
            for (int q = 0; q < w; q++) {
                int c = q * n + j;
                acc[c] = Math.fma(a[b0 + 3 * n + j], s[so + 3 * w + q], Math.fma(a[b0 + 2 * n + j], s[so + 2 * w + q],
                        Math.fma(a[b0 + n + j], s[so + w + q], Math.fma(a[b0 + j], s[so + q], acc[c]))));
            }
        }
    }
}
