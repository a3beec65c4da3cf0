package org.msense.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused sensing pass written with the JDK Vector API ({@code jdk.incubator.vector}). For a block of
 * {@value #ROWS} consecutive rows A_i of the m×N operator it computes r_bi = ⟨A_i, x_b⟩ − y_bi for every
 * trajectory b, then adds Σ_i r_bi·A_i into the worker's accumulator of e_b while the block is still in
 * cache, so 𝒜 is read from memory once per call for all B trajectories. Everything but the stored
 * operator is fp64: dot products, residuals and accumulators (an fp32 operator is widened on load, which
 * is exact).
 *
 * <p>Two layouts, chosen by B:
 * <ul>
 *   <li>B &lt; {@value #INTERLEAVE_MIN}: trajectories row-major (x_b, e_b as vectors of length N); dot
 *       products are SIMD over j with two accumulators per row, eight rows at a time (x loaded once for the
 *       eight), reduced at the end of the row; the adjoint of the eight rows is then added in one sweep from
 *       cache with a tile of four accumulator vectors held in registers across the eight rows (each
 *       accumulator vector loaded and stored once per 8 rows, the terms in row order);</li>
 *   <li>B ≥ {@value #INTERLEAVE_MIN}: x and e interleaved in panels of 2L trajectories (B rounded up to the
 *       vector length L, padding lanes zero; {@link #panelIndex}), so one operator element a_ij is
 *       broadcast and multiplied into 2L trajectories at once — a register tile of 4 rows × 2 vectors
 *       without horizontal reductions — in blocks of {@value #BLOCK_ROWS} rows and tiles of {@value #TILE}
 *       columns.</li>
 * </ul>
 *
 * <p>Loading this class needs the {@code jdk.incubator.vector} module in the boot layer
 * ({@code --add-modules jdk.incubator.vector}); {@link SensingKernels} checks that first.
 */
final class VectorSensingPass {
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    static final int L = D.length();
    /** Rows per block. */
    static final int ROWS = 4;
    /** Rows per block of the interleaved layout (a multiple of {@link #ROWS}). */
    static final int BLOCK_ROWS = 16;
    /** Columns per tile of the interleaved layout. */
    static final int TILE = 256;
    /** Batch size from which the interleaved layout is used. */
    static final int INTERLEAVE_MIN = 4;

    private VectorSensingPass() {
    }

    /**
     * Where (trajectory b, entry j) lives in the interleaved layout: trajectories go in panels of 2L lanes (the
     * last one L lanes when bp is an odd multiple of L), each panel an N×width row-major block, so the loops
     * over j step by a constant stride.
     */
    static int panelIndex(int b, int j, int n, int bp) {
        int g0 = b / (2 * L) * (2 * L);
        int w = Math.min(2 * L, bp - g0);
        return g0 * n + j * w + (b - g0);
    }

    /** Trajectory storage width in the interleaved layout: B rounded up to the vector length. */
    static int paddedBatch(int batch) {
        return (batch + L - 1) / L * L;
    }

    // ============================================================================ row-major layout (small B)

    /**
     * Rows [from, to) for B row-major trajectories: writes res[b][i] = ⟨A_i, x_b⟩ − y_b[i] and adds
     * Σ_i res[b][i]·A_i into acc[b·N … b·N + N). Modifies res and acc.
     */
    static void rowMajor(double[] a, int n, int from, int to, double[][] x, double[][] y, double[][] res,
            double[] acc) {
        int batch = x.length;
        double[] r = new double[ROWS * batch];
        double[] r8 = new double[2 * ROWS * batch];
        int i = from;
        for (; i + 2 * ROWS <= to; i += 2 * ROWS) {
            int base = i * n;
            for (int b = 0; b < batch; b++) {
                dots8(a, base, n, x[b], r8, 2 * b * ROWS);
                for (int q = 0; q < 2 * ROWS; q++) {
                    double v = r8[2 * b * ROWS + q] - y[b][i + q];
                    r8[2 * b * ROWS + q] = v;
                    res[b][i + q] = v;
                }
            }
            for (int b = 0; b < batch; b++) {
                axpy8(a, base, n, r8, 2 * b * ROWS, acc, b * n);
            }
        }
        for (; i + ROWS <= to; i += ROWS) {
            int base = i * n;
            for (int b = 0; b < batch; b++) {
                dots4(a, base, n, x[b], r, b * ROWS);
                for (int q = 0; q < ROWS; q++) {
                    double v = r[b * ROWS + q] - y[b][i + q];
                    r[b * ROWS + q] = v;
                    res[b][i + q] = v;
                }
            }
            for (int b = 0; b < batch; b++) {
                axpy4(a, base, n, r, b * ROWS, acc, b * n);
            }
        }
        for (; i < to; i++) {
            int base = i * n;
            for (int b = 0; b < batch; b++) {
                double v = dot1(a, base, n, x[b]) - y[b][i];
                res[b][i] = v;
                axpy1(a, base, n, v, acc, b * n);
            }
        }
    }

    static void dots4(double[] a, int b0, int n, double[] x, double[] out, int o) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        DoubleVector t0 = s0;
        DoubleVector t1 = s0;
        DoubleVector t2 = s0;
        DoubleVector t3 = s0;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            DoubleVector xv = DoubleVector.fromArray(D, x, j);
            DoubleVector xw = DoubleVector.fromArray(D, x, j + L);
            s0 = DoubleVector.fromArray(D, a, b0 + j).fma(xv, s0);
            s1 = DoubleVector.fromArray(D, a, b1 + j).fma(xv, s1);
            s2 = DoubleVector.fromArray(D, a, b2 + j).fma(xv, s2);
            s3 = DoubleVector.fromArray(D, a, b3 + j).fma(xv, s3);
            t0 = DoubleVector.fromArray(D, a, b0 + j + L).fma(xw, t0);
            t1 = DoubleVector.fromArray(D, a, b1 + j + L).fma(xw, t1);
            t2 = DoubleVector.fromArray(D, a, b2 + j + L).fma(xw, t2);
            t3 = DoubleVector.fromArray(D, a, b3 + j + L).fma(xw, t3);
        }
        double d0 = LaneSum.of(s0.add(t0));
        double d1 = LaneSum.of(s1.add(t1));
        double d2 = LaneSum.of(s2.add(t2));
        double d3 = LaneSum.of(s3.add(t3));
        for (; j < n; j++) {
            double xj = x[j];
            d0 += a[b0 + j] * xj;
            d1 += a[b1 + j] * xj;
            d2 += a[b2 + j] * xj;
            d3 += a[b3 + j] * xj;
        }
        out[o] = d0;
        out[o + 1] = d1;
        out[o + 2] = d2;
        out[o + 3] = d3;
    }

    /**
     * out[o + q] = ⟨row q at b0, x⟩ for the eight rows q = 0 … 7 at b0 (row stride n): x is loaded once for the eight rows,
     * and each row is summed exactly as {@link #dots4} sums it (two vector accumulators over alternate vectors, added
     * and reduced at the end, then the scalar tail), so the results are bitwise those of two dots4 calls. Modifies out.
     */
    static void dots8(double[] a, int b0, int n, double[] x, double[] out, int o) {
        DoubleVector z = DoubleVector.zero(D);
        DoubleVector s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
        DoubleVector t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5 = z, t6 = z, t7 = z;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            DoubleVector xv = DoubleVector.fromArray(D, x, j);
            DoubleVector xw = DoubleVector.fromArray(D, x, j + L);
            int p0 = b0 + j;
            s0 = DoubleVector.fromArray(D, a, p0).fma(xv, s0);
            t0 = DoubleVector.fromArray(D, a, p0 + L).fma(xw, t0);
            int p1 = b0 + n + j;
            s1 = DoubleVector.fromArray(D, a, p1).fma(xv, s1);
            t1 = DoubleVector.fromArray(D, a, p1 + L).fma(xw, t1);
            int p2 = b0 + 2 * n + j;
            s2 = DoubleVector.fromArray(D, a, p2).fma(xv, s2);
            t2 = DoubleVector.fromArray(D, a, p2 + L).fma(xw, t2);
            int p3 = b0 + 3 * n + j;
            s3 = DoubleVector.fromArray(D, a, p3).fma(xv, s3);
            t3 = DoubleVector.fromArray(D, a, p3 + L).fma(xw, t3);
            int p4 = b0 + 4 * n + j;
            s4 = DoubleVector.fromArray(D, a, p4).fma(xv, s4);
            t4 = DoubleVector.fromArray(D, a, p4 + L).fma(xw, t4);
            int p5 = b0 + 5 * n + j;
            s5 = DoubleVector.fromArray(D, a, p5).fma(xv, s5);
            t5 = DoubleVector.fromArray(D, a, p5 + L).fma(xw, t5);
            int p6 = b0 + 6 * n + j;
            s6 = DoubleVector.fromArray(D, a, p6).fma(xv, s6);
            t6 = DoubleVector.fromArray(D, a, p6 + L).fma(xw, t6);
            int p7 = b0 + 7 * n + j;
            s7 = DoubleVector.fromArray(D, a, p7).fma(xv, s7);
            t7 = DoubleVector.fromArray(D, a, p7 + L).fma(xw, t7);
        }
        double d0 = LaneSum.of(s0.add(t0));
        double d1 = LaneSum.of(s1.add(t1));
        double d2 = LaneSum.of(s2.add(t2));
        double d3 = LaneSum.of(s3.add(t3));
        double d4 = LaneSum.of(s4.add(t4));
        double d5 = LaneSum.of(s5.add(t5));
        double d6 = LaneSum.of(s6.add(t6));
        double d7 = LaneSum.of(s7.add(t7));
        for (; j < n; j++) {
            double xj = x[j];
            d0 += a[b0 + j] * xj;
            d1 += a[b0 + n + j] * xj;
            d2 += a[b0 + 2 * n + j] * xj;
            d3 += a[b0 + 3 * n + j] * xj;
            d4 += a[b0 + 4 * n + j] * xj;
            d5 += a[b0 + 5 * n + j] * xj;
            d6 += a[b0 + 6 * n + j] * xj;
            d7 += a[b0 + 7 * n + j] * xj;
        }
        out[o] = d0;
        out[o + 1] = d1;
        out[o + 2] = d2;
        out[o + 3] = d3;
        out[o + 4] = d4;
        out[o + 5] = d5;
        out[o + 6] = d6;
        out[o + 7] = d7;
    }

    /**
     * acc[c + j] += Σ_q r[o + q]·a[b0 + q·n + j] over the eight rows q = 0 … 7 at b0, for j ∈ [0, n): a tile of four
     * accumulator vectors (4L columns) is held in registers across the eight rows, so each accumulator vector is
     * loaded and stored once per eight rows; the terms are added in row order (the same rounding as two calls of
     * {@link #axpy4}). Modifies acc.
     */
    static void axpy8(double[] a, int b0, int n, double[] r, int o, double[] acc, int c) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int b4 = b3 + n;
        int b5 = b4 + n;
        int b6 = b5 + n;
        int b7 = b6 + n;
        DoubleVector v0 = DoubleVector.broadcast(D, r[o]);
        DoubleVector v1 = DoubleVector.broadcast(D, r[o + 1]);
        DoubleVector v2 = DoubleVector.broadcast(D, r[o + 2]);
        DoubleVector v3 = DoubleVector.broadcast(D, r[o + 3]);
        DoubleVector v4 = DoubleVector.broadcast(D, r[o + 4]);
        DoubleVector v5 = DoubleVector.broadcast(D, r[o + 5]);
        DoubleVector v6 = DoubleVector.broadcast(D, r[o + 6]);
        DoubleVector v7 = DoubleVector.broadcast(D, r[o + 7]);
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            int e = c + j;
            DoubleVector e0 = DoubleVector.fromArray(D, acc, e);
            DoubleVector e1 = DoubleVector.fromArray(D, acc, e + L);
            DoubleVector e2 = DoubleVector.fromArray(D, acc, e + 2 * L);
            DoubleVector e3 = DoubleVector.fromArray(D, acc, e + 3 * L);
            int p0 = b0 + j;
            e0 = DoubleVector.fromArray(D, a, p0).fma(v0, e0);
            e1 = DoubleVector.fromArray(D, a, p0 + L).fma(v0, e1);
            e2 = DoubleVector.fromArray(D, a, p0 + 2 * L).fma(v0, e2);
            e3 = DoubleVector.fromArray(D, a, p0 + 3 * L).fma(v0, e3);
            int p1 = b1 + j;
            e0 = DoubleVector.fromArray(D, a, p1).fma(v1, e0);
            e1 = DoubleVector.fromArray(D, a, p1 + L).fma(v1, e1);
            e2 = DoubleVector.fromArray(D, a, p1 + 2 * L).fma(v1, e2);
            e3 = DoubleVector.fromArray(D, a, p1 + 3 * L).fma(v1, e3);
            int p2 = b2 + j;
            e0 = DoubleVector.fromArray(D, a, p2).fma(v2, e0);
            e1 = DoubleVector.fromArray(D, a, p2 + L).fma(v2, e1);
            e2 = DoubleVector.fromArray(D, a, p2 + 2 * L).fma(v2, e2);
            e3 = DoubleVector.fromArray(D, a, p2 + 3 * L).fma(v2, e3);
            int p3 = b3 + j;
            e0 = DoubleVector.fromArray(D, a, p3).fma(v3, e0);
            e1 = DoubleVector.fromArray(D, a, p3 + L).fma(v3, e1);
            e2 = DoubleVector.fromArray(D, a, p3 + 2 * L).fma(v3, e2);
            e3 = DoubleVector.fromArray(D, a, p3 + 3 * L).fma(v3, e3);
            int p4 = b4 + j;
            e0 = DoubleVector.fromArray(D, a, p4).fma(v4, e0);
            e1 = DoubleVector.fromArray(D, a, p4 + L).fma(v4, e1);
            e2 = DoubleVector.fromArray(D, a, p4 + 2 * L).fma(v4, e2);
            e3 = DoubleVector.fromArray(D, a, p4 + 3 * L).fma(v4, e3);
            int p5 = b5 + j;
            e0 = DoubleVector.fromArray(D, a, p5).fma(v5, e0);
            e1 = DoubleVector.fromArray(D, a, p5 + L).fma(v5, e1);
            e2 = DoubleVector.fromArray(D, a, p5 + 2 * L).fma(v5, e2);
            e3 = DoubleVector.fromArray(D, a, p5 + 3 * L).fma(v5, e3);
            int p6 = b6 + j;
            e0 = DoubleVector.fromArray(D, a, p6).fma(v6, e0);
            e1 = DoubleVector.fromArray(D, a, p6 + L).fma(v6, e1);
            e2 = DoubleVector.fromArray(D, a, p6 + 2 * L).fma(v6, e2);
            e3 = DoubleVector.fromArray(D, a, p6 + 3 * L).fma(v6, e3);
            int p7 = b7 + j;
            e0 = DoubleVector.fromArray(D, a, p7).fma(v7, e0);
            e1 = DoubleVector.fromArray(D, a, p7 + L).fma(v7, e1);
            e2 = DoubleVector.fromArray(D, a, p7 + 2 * L).fma(v7, e2);
            e3 = DoubleVector.fromArray(D, a, p7 + 3 * L).fma(v7, e3);
            e0.intoArray(acc, e);
            e1.intoArray(acc, e + L);
            e2.intoArray(acc, e + 2 * L);
            e3.intoArray(acc, e + 3 * L);
        }
        for (; j + L <= n; j += L) {
            DoubleVector e = DoubleVector.fromArray(D, acc, c + j);
            e = DoubleVector.fromArray(D, a, b0 + j).fma(v0, e);
            e = DoubleVector.fromArray(D, a, b1 + j).fma(v1, e);
            e = DoubleVector.fromArray(D, a, b2 + j).fma(v2, e);
            e = DoubleVector.fromArray(D, a, b3 + j).fma(v3, e);
            e = DoubleVector.fromArray(D, a, b4 + j).fma(v4, e);
            e = DoubleVector.fromArray(D, a, b5 + j).fma(v5, e);
            e = DoubleVector.fromArray(D, a, b6 + j).fma(v6, e);
            e = DoubleVector.fromArray(D, a, b7 + j).fma(v7, e);
            e.intoArray(acc, c + j);
        }
        for (; j < n; j++) {
            double s = acc[c + j];
            for (int q = 0; q < 2 * ROWS; q++) {
                s = Math.fma(a[b0 + q * n + j], r[o + q], s);
            }
            acc[c + j] = s;
        }
    }

    static void axpy4(double[] a, int b0, int n, double[] r, int o, double[] acc, int c) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        double r0 = r[o];
        double r1 = r[o + 1];
        double r2 = r[o + 2];
        double r3 = r[o + 3];
        DoubleVector v0 = DoubleVector.broadcast(D, r0);
        DoubleVector v1 = DoubleVector.broadcast(D, r1);
        DoubleVector v2 = DoubleVector.broadcast(D, r2);
        DoubleVector v3 = DoubleVector.broadcast(D, r3);
        int j = 0;
        for (; j + L <= n; j += L) {
            DoubleVector e = DoubleVector.fromArray(D, acc, c + j);
            e = DoubleVector.fromArray(D, a, b0 + j).fma(v0, e);
            e = DoubleVector.fromArray(D, a, b1 + j).fma(v1, e);
            e = DoubleVector.fromArray(D, a, b2 + j).fma(v2, e);
            e = DoubleVector.fromArray(D, a, b3 + j).fma(v3, e);
            e.intoArray(acc, c + j);
        }
        for (; j < n; j++) {
            acc[c + j] = Math.fma(a[b3 + j], r3, Math.fma(a[b2 + j], r2, Math.fma(a[b1 + j], r1, Math.fma(a[b0 + j], r0, acc[c + j]))));
        }
    }

    static double dot1(double[] a, int base, int n, double[] x) {
        DoubleVector s = DoubleVector.zero(D);
        int j = 0;
        for (; j + L <= n; j += L) {
            s = DoubleVector.fromArray(D, a, base + j).fma(DoubleVector.fromArray(D, x, j), s);
        }
        double d = LaneSum.of(s);
        for (; j < n; j++) {
            d += a[base + j] * x[j];
        }
        return d;
    }

    static void axpy1(double[] a, int base, int n, double r, double[] acc, int c) {
        DoubleVector v = DoubleVector.broadcast(D, r);
        int j = 0;
        for (; j + L <= n; j += L) {
            DoubleVector.fromArray(D, a, base + j).fma(v, DoubleVector.fromArray(D, acc, c + j)).intoArray(acc, c + j);
        }
        for (; j < n; j++) {
            acc[c + j] = Math.fma(a[base + j], r, acc[c + j]);
        }
    }

    // ---- the same with the operator stored in fp32 (widened to fp64 on load)

    static void rowMajor(float[] a, int n, int from, int to, double[][] x, double[][] y, double[][] res,
            double[] acc) {
        int batch = x.length;
        double[] r = new double[ROWS * batch];
        double[] r8 = new double[2 * ROWS * batch];
        int i = from;
        for (; i + 2 * ROWS <= to; i += 2 * ROWS) {
            int base = i * n;
            for (int b = 0; b < batch; b++) {
                dots4(a, base, n, x[b], r8, 2 * b * ROWS);
                dots4(a, base + ROWS * n, n, x[b], r8, 2 * b * ROWS + ROWS);
                for (int q = 0; q < 2 * ROWS; q++) {
                    double v = r8[2 * b * ROWS + q] - y[b][i + q];
                    r8[2 * b * ROWS + q] = v;
                    res[b][i + q] = v;
                }
            }
            for (int b = 0; b < batch; b++) {
                axpy8(a, base, n, r8, 2 * b * ROWS, acc, b * n);
            }
        }
        for (; i + ROWS <= to; i += ROWS) {
            int base = i * n;
            for (int b = 0; b < batch; b++) {
                dots4(a, base, n, x[b], r, b * ROWS);
                for (int q = 0; q < ROWS; q++) {
                    double v = r[b * ROWS + q] - y[b][i + q];
                    r[b * ROWS + q] = v;
                    res[b][i + q] = v;
                }
            }
            for (int b = 0; b < batch; b++) {
                axpy4(a, base, n, r, b * ROWS, acc, b * n);
            }
        }
        for (; i < to; i++) {
            int base = i * n;
            for (int b = 0; b < batch; b++) {
                double v = dot1(a, base, n, x[b]) - y[b][i];
                res[b][i] = v;
                axpy1(a, base, n, v, acc, b * n);
            }
        }
    }

    private static DoubleVector load(float[] a, int offset) {
        return (DoubleVector) FloatVector.fromArray(F, a, offset).convertShape(VectorOperators.F2D, D, 0);
    }

    private static void dots4(float[] a, int b0, int n, double[] x, double[] out, int o) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        DoubleVector t0 = s0;
        DoubleVector t1 = s0;
        DoubleVector t2 = s0;
        DoubleVector t3 = s0;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            DoubleVector xv = DoubleVector.fromArray(D, x, j);
            DoubleVector xw = DoubleVector.fromArray(D, x, j + L);
            s0 = load(a, b0 + j).fma(xv, s0);
            s1 = load(a, b1 + j).fma(xv, s1);
            s2 = load(a, b2 + j).fma(xv, s2);
            s3 = load(a, b3 + j).fma(xv, s3);
            t0 = load(a, b0 + j + L).fma(xw, t0);
            t1 = load(a, b1 + j + L).fma(xw, t1);
            t2 = load(a, b2 + j + L).fma(xw, t2);
            t3 = load(a, b3 + j + L).fma(xw, t3);
        }
        double d0 = LaneSum.of(s0.add(t0));
        double d1 = LaneSum.of(s1.add(t1));
        double d2 = LaneSum.of(s2.add(t2));
        double d3 = LaneSum.of(s3.add(t3));
        for (; j < n; j++) {
            double xj = x[j];
            d0 += a[b0 + j] * xj;
            d1 += a[b1 + j] * xj;
            d2 += a[b2 + j] * xj;
            d3 += a[b3 + j] * xj;
        }
        out[o] = d0;
        out[o + 1] = d1;
        out[o + 2] = d2;
        out[o + 3] = d3;
    }

    /**
     * acc[c + j] += Σ_q r[o + q]·a[b0 + q·n + j] over the eight rows q = 0 … 7 at b0, for j ∈ [0, n): each accumulator
     * vector is loaded and stored once per eight rows, the terms added in row order (the same rounding as two
     * calls of {@link #axpy4}). Modifies acc. The register tile of the fp64 version (four or two accumulator vectors
     * across the eight rows) and eight-row dot products were measured 1.4–5× slower with the widening loads of this
     * version (JDK 17, 512-bit species), so it keeps one vector per step.
     */
    private static void axpy8(float[] a, int b0, int n, double[] r, int o, double[] acc, int c) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int b4 = b3 + n;
        int b5 = b4 + n;
        int b6 = b5 + n;
        int b7 = b6 + n;
        DoubleVector v0 = DoubleVector.broadcast(D, r[o]);
        DoubleVector v1 = DoubleVector.broadcast(D, r[o + 1]);
        DoubleVector v2 = DoubleVector.broadcast(D, r[o + 2]);
        DoubleVector v3 = DoubleVector.broadcast(D, r[o + 3]);
        DoubleVector v4 = DoubleVector.broadcast(D, r[o + 4]);
        DoubleVector v5 = DoubleVector.broadcast(D, r[o + 5]);
        DoubleVector v6 = DoubleVector.broadcast(D, r[o + 6]);
        DoubleVector v7 = DoubleVector.broadcast(D, r[o + 7]);
        int j = 0;
        for (; j + L <= n; j += L) {
            DoubleVector e = DoubleVector.fromArray(D, acc, c + j);
            e = load(a, b0 + j).fma(v0, e);
            e = load(a, b1 + j).fma(v1, e);
            e = load(a, b2 + j).fma(v2, e);
            e = load(a, b3 + j).fma(v3, e);
            e = load(a, b4 + j).fma(v4, e);
            e = load(a, b5 + j).fma(v5, e);
            e = load(a, b6 + j).fma(v6, e);
            e = load(a, b7 + j).fma(v7, e);
            e.intoArray(acc, c + j);
        }
        for (; j < n; j++) {
            double s = acc[c + j];
            for (int q = 0; q < 2 * ROWS; q++) {
                s = Math.fma(a[b0 + q * n + j], r[o + q], s);
            }
            acc[c + j] = s;
        }
    }

    private static void axpy4(float[] a, int b0, int n, double[] r, int o, double[] acc, int c) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        double r0 = r[o];
        double r1 = r[o + 1];
        double r2 = r[o + 2];
        double r3 = r[o + 3];
        DoubleVector v0 = DoubleVector.broadcast(D, r0);
        DoubleVector v1 = DoubleVector.broadcast(D, r1);
        DoubleVector v2 = DoubleVector.broadcast(D, r2);
        DoubleVector v3 = DoubleVector.broadcast(D, r3);
        int j = 0;
        for (; j + L <= n; j += L) {
            DoubleVector e = DoubleVector.fromArray(D, acc, c + j);
            e = load(a, b0 + j).fma(v0, e);
            e = load(a, b1 + j).fma(v1, e);
            e = load(a, b2 + j).fma(v2, e);
            e = load(a, b3 + j).fma(v3, e);
            e.intoArray(acc, c + j);
        }
        for (; j < n; j++) {
            acc[c + j] = Math.fma(a[b3 + j], r3, Math.fma(a[b2 + j], r2, Math.fma(a[b1 + j], r1, Math.fma(a[b0 + j], r0, acc[c + j]))));
        }
    }

    private static double dot1(float[] a, int base, int n, double[] x) {
        DoubleVector s = DoubleVector.zero(D);
        int j = 0;
        for (; j + L <= n; j += L) {
            s = load(a, base + j).fma(DoubleVector.fromArray(D, x, j), s);
        }
        double d = LaneSum.of(s);
        for (; j < n; j++) {
            d += a[base + j] * x[j];
        }
        return d;
    }

    private static void axpy1(float[] a, int base, int n, double r, double[] acc, int c) {
        DoubleVector v = DoubleVector.broadcast(D, r);
        int j = 0;
        for (; j + L <= n; j += L) {
            load(a, base + j).fma(v, DoubleVector.fromArray(D, acc, c + j)).intoArray(acc, c + j);
        }
        for (; j < n; j++) {
            acc[c + j] = Math.fma(a[base + j], r, acc[c + j]);
        }
    }

    // ============================================================================ interleaved layout (B ≥ 4)

    /**
     * Rows [from, to) with x and the accumulator interleaved in panels ({@link #panelIndex}): xi[panelIndex(b, j)]
     * = x_b[j], acc[panelIndex(b, j)] += Σ_i r_bi·a_ij, where bp = {@link #paddedBatch}(B) and padding lanes of
     * xi are zero. yi[i·bp + b] = y_b[i] (zero in padding lanes); writes resi[i·bp + b] = r_bi. Modifies resi
     * and acc.
     *
     * <p>Rows go in blocks of up to {@value #BLOCK_ROWS} and columns in tiles of {@value #TILE}: the dot
     * products of a block are accumulated tile by tile (the tile of xi stays in L1 while every row of the
     * block uses it), then the block's rows are added into acc tile by tile (the tile of acc stays in L1),
     * so x and acc move between cache levels once per block rather than once per row.
     */
    static void interleaved(double[] a, int n, int bp, int from, int to, double[] xi, double[] yi, double[] resi,
            double[] acc) {
        double[] part = new double[BLOCK_ROWS * bp];
        int i = from;
        while (to - i >= ROWS) {
            int rows = Math.min(BLOCK_ROWS, (to - i) / ROWS * ROWS);
            Arrays.fill(part, 0, rows * bp, 0.0);
            int single = bp % (2 * L) == 0 ? -1 : bp - L; // the one-vector panel, if any
            for (int c0 = 0; c0 < n; c0 += TILE) {
                int c1 = Math.min(n, c0 + TILE);
                for (int q = 0; q < rows; q += ROWS) {
                    int base = (i + q) * n;
                    for (int g = 0; g + 2 * L <= bp; g += 2 * L) {
                        dots8(a, base, n, bp, g, c0, c1, xi, part, q * bp);
                    }
                }
                if (single >= 0) {
                    int q = 0;
                    for (; q + 2 * ROWS <= rows; q += 2 * ROWS) {
                        dotsRows8(a, (i + q) * n, n, bp, single, c0, c1, xi, part, q * bp);
                    }
                    for (; q < rows; q += ROWS) {
                        dots4(a, (i + q) * n, n, bp, single, c0, c1, xi, part, q * bp);
                    }
                }
            }
            int o = i * bp;
            for (int t = 0; t < rows * bp; t++) {
                double r = part[t] - yi[o + t];
                part[t] = r;
                resi[o + t] = r;
            }
            for (int c0 = 0; c0 < n; c0 += TILE) {
                int c1 = Math.min(n, c0 + TILE);
                for (int q = 0; q < rows; q += ROWS) {
                    int base = (i + q) * n;
                    for (int g = 0; g + 2 * L <= bp; g += 2 * L) {
                        axpy8(a, base, n, bp, g, c0, c1, part, q * bp, acc);
                    }
                }
                if (single >= 0) {
                    int q = 0;
                    for (; q + 2 * ROWS <= rows; q += 2 * ROWS) {
                        axpyRows8(a, (i + q) * n, n, bp, single, c0, c1, part, q * bp, acc);
                    }
                    for (; q < rows; q += ROWS) {
                        axpy4(a, (i + q) * n, n, bp, single, c0, c1, part, q * bp, acc);
                    }
                }
            }
            i += rows;
        }
        for (; i < to; i++) {
            int base = i * n;
            for (int g = 0; g < bp; g += L) {
                single(a, base, n, bp, g, i, xi, yi, resi, acc);
            }
        }
    }

    /**
     * The one-vector panel at g for eight rows: acc[panel j …+L) += Σ_q a_(row q),j · r[p + q·bp + g …] for j ∈ [c0, c1),
     * the rows added in order q = 0 … 7 (the bits of two {@link #axpy4} calls), each accumulator vector loaded and
     * stored once per eight rows instead of once per four. Modifies acc.
     */
    private static void axpyRows8(double[] a, int b0, int n, int bp, int g, int c0, int c1, double[] r, int p,
            double[] acc) {
        int p0 = p + g;
        DoubleVector r0 = DoubleVector.fromArray(D, r, p0);
        DoubleVector r1 = DoubleVector.fromArray(D, r, p0 + bp);
        DoubleVector r2 = DoubleVector.fromArray(D, r, p0 + 2 * bp);
        DoubleVector r3 = DoubleVector.fromArray(D, r, p0 + 3 * bp);
        DoubleVector r4 = DoubleVector.fromArray(D, r, p0 + 4 * bp);
        DoubleVector r5 = DoubleVector.fromArray(D, r, p0 + 5 * bp);
        DoubleVector r6 = DoubleVector.fromArray(D, r, p0 + 6 * bp);
        DoubleVector r7 = DoubleVector.fromArray(D, r, p0 + 7 * bp);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * L;
            int aj = b0 + j;
            DoubleVector e = DoubleVector.fromArray(D, acc, o);
            e = DoubleVector.broadcast(D, a[aj]).fma(r0, e);
            e = DoubleVector.broadcast(D, a[aj + n]).fma(r1, e);
            e = DoubleVector.broadcast(D, a[aj + 2 * n]).fma(r2, e);
            e = DoubleVector.broadcast(D, a[aj + 3 * n]).fma(r3, e);
            e = DoubleVector.broadcast(D, a[aj + 4 * n]).fma(r4, e);
            e = DoubleVector.broadcast(D, a[aj + 5 * n]).fma(r5, e);
            e = DoubleVector.broadcast(D, a[aj + 6 * n]).fma(r6, e);
            e = DoubleVector.broadcast(D, a[aj + 7 * n]).fma(r7, e);
            e.intoArray(acc, o);
        }
    }

    /** part[p + q·bp + g … +2L) += Σ_{j∈[c0,c1)} a_(row q),j · xi[j·bp + g …] for the 4 rows q of the group. */
    private static void dots8(double[] a, int b0, int n, int bp, int g, int c0, int c1, double[] xi, double[] part,
            int p) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int p0 = p + g;
        DoubleVector d00 = DoubleVector.fromArray(D, part, p0);
        DoubleVector d01 = DoubleVector.fromArray(D, part, p0 + L);
        DoubleVector d10 = DoubleVector.fromArray(D, part, p0 + bp);
        DoubleVector d11 = DoubleVector.fromArray(D, part, p0 + bp + L);
        DoubleVector d20 = DoubleVector.fromArray(D, part, p0 + 2 * bp);
        DoubleVector d21 = DoubleVector.fromArray(D, part, p0 + 2 * bp + L);
        DoubleVector d30 = DoubleVector.fromArray(D, part, p0 + 3 * bp);
        DoubleVector d31 = DoubleVector.fromArray(D, part, p0 + 3 * bp + L);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * (2 * L);
            DoubleVector x0 = DoubleVector.fromArray(D, xi, o);
            DoubleVector x1 = DoubleVector.fromArray(D, xi, o + L);
            DoubleVector a0 = DoubleVector.broadcast(D, a[b0 + j]);
            d00 = a0.fma(x0, d00);
            d01 = a0.fma(x1, d01);
            DoubleVector a1 = DoubleVector.broadcast(D, a[b1 + j]);
            d10 = a1.fma(x0, d10);
            d11 = a1.fma(x1, d11);
            DoubleVector a2 = DoubleVector.broadcast(D, a[b2 + j]);
            d20 = a2.fma(x0, d20);
            d21 = a2.fma(x1, d21);
            DoubleVector a3 = DoubleVector.broadcast(D, a[b3 + j]);
            d30 = a3.fma(x0, d30);
            d31 = a3.fma(x1, d31);
        }
        d00.intoArray(part, p0);
        d01.intoArray(part, p0 + L);
        d10.intoArray(part, p0 + bp);
        d11.intoArray(part, p0 + bp + L);
        d20.intoArray(part, p0 + 2 * bp);
        d21.intoArray(part, p0 + 2 * bp + L);
        d30.intoArray(part, p0 + 3 * bp);
        d31.intoArray(part, p0 + 3 * bp + L);
    }

    /**
     * The one-vector panel at g for eight rows: part[p + q·bp + g …+L) += Σ_{j∈[c0,c1)} a_(row q),j · xi[panel j …] for
     * q = 0 … 7, each row summed in j order exactly as {@link #dots4} sums it (so the bits are those of two dots4
     * calls), but with eight independent accumulator chains instead of four, so the FMA latency is covered. Modifies
     * part.
     */
    private static void dotsRows8(double[] a, int b0, int n, int bp, int g, int c0, int c1, double[] xi, double[] part,
            int p) {
        int p0 = p + g;
        DoubleVector d0 = DoubleVector.fromArray(D, part, p0);
        DoubleVector d1 = DoubleVector.fromArray(D, part, p0 + bp);
        DoubleVector d2 = DoubleVector.fromArray(D, part, p0 + 2 * bp);
        DoubleVector d3 = DoubleVector.fromArray(D, part, p0 + 3 * bp);
        DoubleVector d4 = DoubleVector.fromArray(D, part, p0 + 4 * bp);
        DoubleVector d5 = DoubleVector.fromArray(D, part, p0 + 5 * bp);
        DoubleVector d6 = DoubleVector.fromArray(D, part, p0 + 6 * bp);
        DoubleVector d7 = DoubleVector.fromArray(D, part, p0 + 7 * bp);
        for (int j = c0; j < c1; j++) {
            DoubleVector x0 = DoubleVector.fromArray(D, xi, g * n + j * L);
            int aj = b0 + j;
            d0 = DoubleVector.broadcast(D, a[aj]).fma(x0, d0);
            d1 = DoubleVector.broadcast(D, a[aj + n]).fma(x0, d1);
            d2 = DoubleVector.broadcast(D, a[aj + 2 * n]).fma(x0, d2);
            d3 = DoubleVector.broadcast(D, a[aj + 3 * n]).fma(x0, d3);
            d4 = DoubleVector.broadcast(D, a[aj + 4 * n]).fma(x0, d4);
            d5 = DoubleVector.broadcast(D, a[aj + 5 * n]).fma(x0, d5);
            d6 = DoubleVector.broadcast(D, a[aj + 6 * n]).fma(x0, d6);
            d7 = DoubleVector.broadcast(D, a[aj + 7 * n]).fma(x0, d7);
        }
        d0.intoArray(part, p0);
        d1.intoArray(part, p0 + bp);
        d2.intoArray(part, p0 + 2 * bp);
        d3.intoArray(part, p0 + 3 * bp);
        d4.intoArray(part, p0 + 4 * bp);
        d5.intoArray(part, p0 + 5 * bp);
        d6.intoArray(part, p0 + 6 * bp);
        d7.intoArray(part, p0 + 7 * bp);
    }

    static void dots4(double[] a, int b0, int n, int bp, int g, int c0, int c1, double[] xi, double[] part,
            int p) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int p0 = p + g;
        DoubleVector d0 = DoubleVector.fromArray(D, part, p0);
        DoubleVector d1 = DoubleVector.fromArray(D, part, p0 + bp);
        DoubleVector d2 = DoubleVector.fromArray(D, part, p0 + 2 * bp);
        DoubleVector d3 = DoubleVector.fromArray(D, part, p0 + 3 * bp);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * L;
            DoubleVector x0 = DoubleVector.fromArray(D, xi, o);
            d0 = DoubleVector.broadcast(D, a[b0 + j]).fma(x0, d0);
            d1 = DoubleVector.broadcast(D, a[b1 + j]).fma(x0, d1);
            d2 = DoubleVector.broadcast(D, a[b2 + j]).fma(x0, d2);
            d3 = DoubleVector.broadcast(D, a[b3 + j]).fma(x0, d3);
        }
        d0.intoArray(part, p0);
        d1.intoArray(part, p0 + bp);
        d2.intoArray(part, p0 + 2 * bp);
        d3.intoArray(part, p0 + 3 * bp);
    }

    /** acc[j·bp + g …+2L) += Σ_q a_(row q),j · r[p + q·bp + g …] for j ∈ [c0, c1) and the 4 rows q of the group. */
    private static void axpy8(double[] a, int b0, int n, int bp, int g, int c0, int c1, double[] r, int p,
            double[] acc) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int p0 = p + g;
        DoubleVector r00 = DoubleVector.fromArray(D, r, p0);
        DoubleVector r01 = DoubleVector.fromArray(D, r, p0 + L);
        DoubleVector r10 = DoubleVector.fromArray(D, r, p0 + bp);
        DoubleVector r11 = DoubleVector.fromArray(D, r, p0 + bp + L);
        DoubleVector r20 = DoubleVector.fromArray(D, r, p0 + 2 * bp);
        DoubleVector r21 = DoubleVector.fromArray(D, r, p0 + 2 * bp + L);
        DoubleVector r30 = DoubleVector.fromArray(D, r, p0 + 3 * bp);
        DoubleVector r31 = DoubleVector.fromArray(D, r, p0 + 3 * bp + L);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * (2 * L);
            DoubleVector a0 = DoubleVector.broadcast(D, a[b0 + j]);
            DoubleVector a1 = DoubleVector.broadcast(D, a[b1 + j]);
            DoubleVector a2 = DoubleVector.broadcast(D, a[b2 + j]);
            DoubleVector a3 = DoubleVector.broadcast(D, a[b3 + j]);
            DoubleVector e0 = DoubleVector.fromArray(D, acc, o);
            DoubleVector e1 = DoubleVector.fromArray(D, acc, o + L);
            e0 = a3.fma(r30, a2.fma(r20, a1.fma(r10, a0.fma(r00, e0))));
            e1 = a3.fma(r31, a2.fma(r21, a1.fma(r11, a0.fma(r01, e1))));
            e0.intoArray(acc, o);
            e1.intoArray(acc, o + L);
        }
    }

    static void axpy4(double[] a, int b0, int n, int bp, int g, int c0, int c1, double[] r, int p,
            double[] acc) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int p0 = p + g;
        DoubleVector r0 = DoubleVector.fromArray(D, r, p0);
        DoubleVector r1 = DoubleVector.fromArray(D, r, p0 + bp);
        DoubleVector r2 = DoubleVector.fromArray(D, r, p0 + 2 * bp);
        DoubleVector r3 = DoubleVector.fromArray(D, r, p0 + 3 * bp);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * L;
            DoubleVector e0 = DoubleVector.fromArray(D, acc, o);
            e0 = DoubleVector.broadcast(D, a[b3 + j]).fma(r3, DoubleVector.broadcast(D, a[b2 + j]).fma(r2,
                    DoubleVector.broadcast(D, a[b1 + j]).fma(r1, DoubleVector.broadcast(D, a[b0 + j]).fma(r0, e0))));
            e0.intoArray(acc, o);
        }
    }

    private static void single(double[] a, int base, int n, int bp, int g, int i, double[] xi, double[] yi,
            double[] resi, double[] acc) {
        int g0 = g / (2 * L) * (2 * L);
        int w = Math.min(2 * L, bp - g0);
        int panel = g0 * n + (g - g0);
        DoubleVector d = DoubleVector.zero(D);
        for (int j = 0, o = panel; j < n; j++, o += w) {
            d = DoubleVector.broadcast(D, a[base + j]).fma(DoubleVector.fromArray(D, xi, o), d);
        }
        int r0 = i * bp + g;
        d = d.sub(DoubleVector.fromArray(D, yi, r0));
        d.intoArray(resi, r0);
        for (int j = 0, o = panel; j < n; j++, o += w) {
            DoubleVector.broadcast(D, a[base + j]).fma(d, DoubleVector.fromArray(D, acc, o)).intoArray(acc, o);
        }
    }

    // ---- the same with the operator stored in fp32 (widened to fp64 on load)

    static void interleaved(float[] a, int n, int bp, int from, int to, double[] xi, double[] yi, double[] resi,
            double[] acc) {
        double[] part = new double[BLOCK_ROWS * bp];
        int i = from;
        while (to - i >= ROWS) {
            int rows = Math.min(BLOCK_ROWS, (to - i) / ROWS * ROWS);
            Arrays.fill(part, 0, rows * bp, 0.0);
            for (int c0 = 0; c0 < n; c0 += TILE) {
                int c1 = Math.min(n, c0 + TILE);
                for (int q = 0; q < rows; q += ROWS) {
                    int base = (i + q) * n;
                    for (int g = 0; g < bp; g += 2 * L) {
                        if (g + 2 * L <= bp) {
                            dots8(a, base, n, bp, g, c0, c1, xi, part, q * bp);
                        } else {
                            dots4(a, base, n, bp, g, c0, c1, xi, part, q * bp);
                        }
                    }
                }
            }
            int o = i * bp;
            for (int t = 0; t < rows * bp; t++) {
                double r = part[t] - yi[o + t];
                part[t] = r;
                resi[o + t] = r;
            }
            for (int c0 = 0; c0 < n; c0 += TILE) {
                int c1 = Math.min(n, c0 + TILE);
                for (int q = 0; q < rows; q += ROWS) {
                    int base = (i + q) * n;
                    for (int g = 0; g < bp; g += 2 * L) {
                        if (g + 2 * L <= bp) {
                            axpy8(a, base, n, bp, g, c0, c1, part, q * bp, acc);
                        } else {
                            axpy4(a, base, n, bp, g, c0, c1, part, q * bp, acc);
                        }
                    }
                }
            }
            i += rows;
        }
        for (; i < to; i++) {
            int base = i * n;
            for (int g = 0; g < bp; g += L) {
                single(a, base, n, bp, g, i, xi, yi, resi, acc);
            }
        }
    }

    private static void dots8(float[] a, int b0, int n, int bp, int g, int c0, int c1, double[] xi, double[] part,
            int p) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int p0 = p + g;
        DoubleVector d00 = DoubleVector.fromArray(D, part, p0);
        DoubleVector d01 = DoubleVector.fromArray(D, part, p0 + L);
        DoubleVector d10 = DoubleVector.fromArray(D, part, p0 + bp);
        DoubleVector d11 = DoubleVector.fromArray(D, part, p0 + bp + L);
        DoubleVector d20 = DoubleVector.fromArray(D, part, p0 + 2 * bp);
        DoubleVector d21 = DoubleVector.fromArray(D, part, p0 + 2 * bp + L);
        DoubleVector d30 = DoubleVector.fromArray(D, part, p0 + 3 * bp);
        DoubleVector d31 = DoubleVector.fromArray(D, part, p0 + 3 * bp + L);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * (2 * L);
            DoubleVector x0 = DoubleVector.fromArray(D, xi, o);
            DoubleVector x1 = DoubleVector.fromArray(D, xi, o + L);
            DoubleVector a0 = DoubleVector.broadcast(D, a[b0 + j]);
            d00 = a0.fma(x0, d00);
            d01 = a0.fma(x1, d01);
            DoubleVector a1 = DoubleVector.broadcast(D, a[b1 + j]);
            d10 = a1.fma(x0, d10);
            d11 = a1.fma(x1, d11);
            DoubleVector a2 = DoubleVector.broadcast(D, a[b2 + j]);
            d20 = a2.fma(x0, d20);
            d21 = a2.fma(x1, d21);
            DoubleVector a3 = DoubleVector.broadcast(D, a[b3 + j]);
            d30 = a3.fma(x0, d30);
            d31 = a3.fma(x1, d31);
        }
        d00.intoArray(part, p0);
        d01.intoArray(part, p0 + L);
        d10.intoArray(part, p0 + bp);
        d11.intoArray(part, p0 + bp + L);
        d20.intoArray(part, p0 + 2 * bp);
        d21.intoArray(part, p0 + 2 * bp + L);
        d30.intoArray(part, p0 + 3 * bp);
        d31.intoArray(part, p0 + 3 * bp + L);
    }

    private static void dots4(float[] a, int b0, int n, int bp, int g, int c0, int c1, double[] xi, double[] part,
            int p) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int p0 = p + g;
        DoubleVector d0 = DoubleVector.fromArray(D, part, p0);
        DoubleVector d1 = DoubleVector.fromArray(D, part, p0 + bp);
        DoubleVector d2 = DoubleVector.fromArray(D, part, p0 + 2 * bp);
        DoubleVector d3 = DoubleVector.fromArray(D, part, p0 + 3 * bp);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * L;
            DoubleVector x0 = DoubleVector.fromArray(D, xi, o);
            d0 = DoubleVector.broadcast(D, a[b0 + j]).fma(x0, d0);
            d1 = DoubleVector.broadcast(D, a[b1 + j]).fma(x0, d1);
            d2 = DoubleVector.broadcast(D, a[b2 + j]).fma(x0, d2);
            d3 = DoubleVector.broadcast(D, a[b3 + j]).fma(x0, d3);
        }
        d0.intoArray(part, p0);
        d1.intoArray(part, p0 + bp);
        d2.intoArray(part, p0 + 2 * bp);
        d3.intoArray(part, p0 + 3 * bp);
    }

    private static void axpy8(float[] a, int b0, int n, int bp, int g, int c0, int c1, double[] r, int p,
            double[] acc) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int p0 = p + g;
        DoubleVector r00 = DoubleVector.fromArray(D, r, p0);
        DoubleVector r01 = DoubleVector.fromArray(D, r, p0 + L);
        DoubleVector r10 = DoubleVector.fromArray(D, r, p0 + bp);
        DoubleVector r11 = DoubleVector.fromArray(D, r, p0 + bp + L);
        DoubleVector r20 = DoubleVector.fromArray(D, r, p0 + 2 * bp);
        DoubleVector r21 = DoubleVector.fromArray(D, r, p0 + 2 * bp + L);
        DoubleVector r30 = DoubleVector.fromArray(D, r, p0 + 3 * bp);
        DoubleVector r31 = DoubleVector.fromArray(D, r, p0 + 3 * bp + L);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * (2 * L);
            DoubleVector a0 = DoubleVector.broadcast(D, a[b0 + j]);
            DoubleVector a1 = DoubleVector.broadcast(D, a[b1 + j]);
            DoubleVector a2 = DoubleVector.broadcast(D, a[b2 + j]);
            DoubleVector a3 = DoubleVector.broadcast(D, a[b3 + j]);
            DoubleVector e0 = DoubleVector.fromArray(D, acc, o);
            DoubleVector e1 = DoubleVector.fromArray(D, acc, o + L);
            e0 = a3.fma(r30, a2.fma(r20, a1.fma(r10, a0.fma(r00, e0))));
            e1 = a3.fma(r31, a2.fma(r21, a1.fma(r11, a0.fma(r01, e1))));
            e0.intoArray(acc, o);
            e1.intoArray(acc, o + L);
        }
    }

    private static void axpy4(float[] a, int b0, int n, int bp, int g, int c0, int c1, double[] r, int p,
            double[] acc) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int p0 = p + g;
        DoubleVector r0 = DoubleVector.fromArray(D, r, p0);
        DoubleVector r1 = DoubleVector.fromArray(D, r, p0 + bp);
        DoubleVector r2 = DoubleVector.fromArray(D, r, p0 + 2 * bp);
        DoubleVector r3 = DoubleVector.fromArray(D, r, p0 + 3 * bp);
        for (int j = c0; j < c1; j++) {
            int o = g * n + j * L;
            DoubleVector e0 = DoubleVector.fromArray(D, acc, o);
            e0 = DoubleVector.broadcast(D, a[b3 + j]).fma(r3, DoubleVector.broadcast(D, a[b2 + j]).fma(r2,
                    DoubleVector.broadcast(D, a[b1 + j]).fma(r1, DoubleVector.broadcast(D, a[b0 + j]).fma(r0, e0))));
            e0.intoArray(acc, o);
        }
    }

    private static void single(float[] a, int base, int n, int bp, int g, int i, double[] xi, double[] yi,
            double[] resi, double[] acc) {
        int g0 = g / (2 * L) * (2 * L);
        int w = Math.min(2 * L, bp - g0);
        int panel = g0 * n + (g - g0);
        DoubleVector d = DoubleVector.zero(D);
        for (int j = 0, o = panel; j < n; j++, o += w) {
            d = DoubleVector.broadcast(D, a[base + j]).fma(DoubleVector.fromArray(D, xi, o), d);
        }
        int r0 = i * bp + g;
        d = d.sub(DoubleVector.fromArray(D, yi, r0));
        d.intoArray(resi, r0);
        for (int j = 0, o = panel; j < n; j++, o += w) {
            DoubleVector.broadcast(D, a[base + j]).fma(d, DoubleVector.fromArray(D, acc, o)).intoArray(acc, o);
        }
    }
}
