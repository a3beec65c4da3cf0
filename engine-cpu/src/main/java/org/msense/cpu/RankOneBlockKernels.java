package org.msense.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two register-tiled SIMD micro-kernels of the rank-one operator's fused row-block pass
 * ({@link RankOneProducts}), for a block of consecutive rows of a row-major m × n matrix A (the a_i or the b_i)
 * and thin factors of {@code wp} columns held transposed (Xᵀ, wp × n row-major, so that column c of X is the
 * contiguous row c of Xᵀ):
 * <ul>
 *   <li>{@link #products}: C_rc = ⟨a_r, x_c⟩ for the block's rows r and every column c (C = A_blk X). SIMD over
 *       j, in panels of {@value #PANEL} entries of j (the panel of Xᵀ stays in L1; the block's rows are read as
 *       many concurrent streams) and tiles of 4 rows × {@code tile} columns ({@code tile} = 5 or 4; 20 or 16
 *       accumulators), so each vector of the four rows and of the {@code tile} columns is loaded once per tile;
 *       each accumulator is reduced across its lanes at the end of the row, then the n mod L tail is added in
 *       scalar arithmetic. Rows past the last multiple of four take one dot product at a time.</li>
 *   <li>{@link #addTransposed}: Gᵀ_cj += Σ_r S_rc·A_rj (Gᵀ = Xᵀ-shaped, wp × n: G += A_blkᵀ S). SIMD over j, in
 *       tiles of 4 vectors of j × {@code tile} columns of S held in registers while the block's rows stream
 *       past (each row's four vectors loaded once for the {@code tile} columns); the terms are added in row
 *       order, so the result depends only on the block, not on how blocks are scheduled.</li>
 * </ul>
 * {@code wp} must be a multiple of {@code tile} (the caller pads the factors with zero columns). fp64 only.
 * Loading this class needs {@code jdk.incubator.vector} (see {@link SensingKernels#VECTOR_API}).
 */
final class RankOneBlockKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();

    /** Doubles of j per panel of {@link #products}. */
    static final int PANEL = 128;

    private RankOneBlockKernels() {
    }

    /** L, the doubles per SIMD vector ({@link #products} needs rows·wp·L doubles of scratch). */
    static int lanes() {
        return L;
    }

    /**
     * The column tile for {@code w} columns: 5 when padding to a multiple of 5 wastes no more columns than padding
     * to a multiple of 4, else 4.
     */
    static int tile(int w) {
        return pad(w, 5) - w <= pad(w, 4) - w ? 5 : 4;
    }

    /** w rounded up to a multiple of {@link #tile}(w): the padded width of the factors. */
    static int paddedWidth(int w) {
        return pad(w, tile(w));
    }

    private static int pad(int w, int t) {
        return (w + t - 1) / t * t;
    }

    /**
     * gt[g0 + q·n + j] += Σ_{r &lt; rows} s[s0 + r·wp + q]·A_{i+r, j} for q &lt; wp, j &lt; n (wp × n, row-major from g0),
     * the rows added in order. Modifies gt.
     *
     * @param tile 5 or 4, dividing wp
     */
    static void addTransposed(double[] a, int i, int rows, int n, double[] s, int s0, int wp, int tile, double[] gt,
            int g0) {
        int a0 = i * n;
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            for (int q = 0; q < wp; q += tile) {
                if (tile == 5) {
                    axpy5x4(a, a0 + j, rows, n, s, s0 + q, wp, gt, g0 + q * n + j, n);
                } else {
                    axpy4x4(a, a0 + j, rows, n, s, s0 + q, wp, gt, g0 + q * n + j, n);
                }
            }
        }
        for (; j + L <= n; j += L) {
            for (int q = 0; q < wp; q++) {
                int g = g0 + q * n + j;
                DoubleVector e = DoubleVector.fromArray(D, gt, g);
                for (int r = 0; r < rows; r++) {
                    e = DoubleVector.fromArray(D, a, a0 + r * n + j).fma(DoubleVector.broadcast(D, s[s0 + r * wp + q]), e);
                }
                e.intoArray(gt, g);
            }
        }
        for (; j < n; j++) {
            for (int q = 0; q < wp; q++) {
                int g = g0 + q * n + j;
                double e = gt[g];
                for (int r = 0; r < rows; r++) {
                    e = Math.fma(a[a0 + r * n + j], s[s0 + r * wp + q], e);
                }
                gt[g] = e;
            }
        }
    }

    /**
     * c[c0 + r·wp + q] = ⟨A_{i+r}, column q of X⟩ for r &lt; rows, q &lt; wp, where A_{i+r} = a[(i + r)·n …] and column
     * q of X is xt[q·n …]. The j range is walked in panels of {@value #PANEL} (the panel of X, wp·{@value #PANEL}
     * doubles, stays in L1 while the block's rows pass); each dot product is accumulated lanewise in order of j
     * in part[p0 + (r·wp + q)·L …] (kept in registers within a panel), reduced across its lanes at the end, then the
     * n mod L tail is added. Modifies c[c0 … c0 + rows·wp) and part[p0 … p0 + rows·wp·L).
     *
     * @param tile 5 or 4, dividing wp
     */
    static void products(double[] a, int i, int rows, int n, double[] xt, int wp, int tile, double[] c, int c0,
            double[] part, int p0) {
        int nv = n / L * L;
        Arrays.fill(part, p0, p0 + rows * wp * L, 0.0);
        for (int jp = 0; jp < nv; jp += PANEL) {
            int je = Math.min(nv, jp + PANEL);
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                int b0 = (i + r) * n;
                for (int q = 0; q < wp; q += tile) {
                    if (tile == 5) {
                        panel4x5(a, b0, n, xt, q * n, jp, je, part, p0 + (r * wp + q) * L, wp * L);
                    } else {
                        panel4x4(a, b0, n, xt, q * n, jp, je, part, p0 + (r * wp + q) * L, wp * L);
                    }
                }
            }
            for (; r < rows; r++) {
                int b0 = (i + r) * n;
                for (int q = 0; q < wp; q++) {
                    int o = p0 + (r * wp + q) * L;
                    DoubleVector s = DoubleVector.fromArray(D, part, o);
                    for (int j = jp; j < je; j += L) {
                        s = DoubleVector.fromArray(D, a, b0 + j).fma(DoubleVector.fromArray(D, xt, q * n + j), s);
                    }
                    s.intoArray(part, o);
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int b0 = (i + r) * n;
            for (int q = 0; q < wp; q++) {
                double t = LaneSum.of(DoubleVector.fromArray(D, part, p0 + (r * wp + q) * L));
                for (int j = nv; j < n; j++) {
                    t += a[b0 + j] * xt[q * n + j];
                }
                c[c0 + r * wp + q] = t;
            }
        }
    }

    /**
     * Rows b0, b0 + n, b0 + 2n, b0 + 3n of a against the five columns xt[x0 + u·n …] (u &lt; 5) over j in [jp, je):
     * the partial sums part[o + t·rowStride + u·L …] (t &lt; 4) are loaded, advanced lanewise in order of j, and stored.
     * Modifies those twenty vectors of part.
     */
    private static void panel4x5(double[] a, int b0, int n, double[] xt, int x0, int jp, int je, double[] part, int o,
            int rowStride) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int x1 = x0 + n;
        int x2 = x1 + n;
        int x3 = x2 + n;
        int x4 = x3 + n;
        int o1 = o + rowStride;
        int o2 = o1 + rowStride;
        int o3 = o2 + rowStride;
        DoubleVector c00 = DoubleVector.fromArray(D, part, o), c01 = DoubleVector.fromArray(D, part, o + L),
                c02 = DoubleVector.fromArray(D, part, o + 2 * L), c03 = DoubleVector.fromArray(D, part, o + 3 * L),
                c04 = DoubleVector.fromArray(D, part, o + 4 * L);
        DoubleVector c10 = DoubleVector.fromArray(D, part, o1), c11 = DoubleVector.fromArray(D, part, o1 + L),
                c12 = DoubleVector.fromArray(D, part, o1 + 2 * L), c13 = DoubleVector.fromArray(D, part, o1 + 3 * L),
                c14 = DoubleVector.fromArray(D, part, o1 + 4 * L);
        DoubleVector c20 = DoubleVector.fromArray(D, part, o2), c21 = DoubleVector.fromArray(D, part, o2 + L),
                c22 = DoubleVector.fromArray(D, part, o2 + 2 * L), c23 = DoubleVector.fromArray(D, part, o2 + 3 * L),
                c24 = DoubleVector.fromArray(D, part, o2 + 4 * L);
        DoubleVector c30 = DoubleVector.fromArray(D, part, o3), c31 = DoubleVector.fromArray(D, part, o3 + L),
                c32 = DoubleVector.fromArray(D, part, o3 + 2 * L), c33 = DoubleVector.fromArray(D, part, o3 + 3 * L),
                c34 = DoubleVector.fromArray(D, part, o3 + 4 * L);
        for (int j = jp; j < je; j += L) {
            DoubleVector a0 = DoubleVector.fromArray(D, a, b0 + j);
            DoubleVector a1 = DoubleVector.fromArray(D, a, b1 + j);
            DoubleVector a2 = DoubleVector.fromArray(D, a, b2 + j);
            DoubleVector a3 = DoubleVector.fromArray(D, a, b3 + j);
            DoubleVector v = DoubleVector.fromArray(D, xt, x0 + j);
            c00 = a0.fma(v, c00);
            c10 = a1.fma(v, c10);
            c20 = a2.fma(v, c20);
            c30 = a3.fma(v, c30);
            v = DoubleVector.fromArray(D, xt, x1 + j);
            c01 = a0.fma(v, c01);
            c11 = a1.fma(v, c11);
            c21 = a2.fma(v, c21);
            c31 = a3.fma(v, c31);
            v = DoubleVector.fromArray(D, xt, x2 + j);
            c02 = a0.fma(v, c02);
            c12 = a1.fma(v, c12);
            c22 = a2.fma(v, c22);
            c32 = a3.fma(v, c32);
            v = DoubleVector.fromArray(D, xt, x3 + j);
            c03 = a0.fma(v, c03);
            c13 = a1.fma(v, c13);
            c23 = a2.fma(v, c23);
            c33 = a3.fma(v, c33);
            v = DoubleVector.fromArray(D, xt, x4 + j);
            c04 = a0.fma(v, c04);
            c14 = a1.fma(v, c14);
            c24 = a2.fma(v, c24);
            c34 = a3.fma(v, c34);
        }
        c00.intoArray(part, o);
        c01.intoArray(part, o + L);
        c02.intoArray(part, o + 2 * L);
        c03.intoArray(part, o + 3 * L);
        c04.intoArray(part, o + 4 * L);
        c10.intoArray(part, o1);
        c11.intoArray(part, o1 + L);
        c12.intoArray(part, o1 + 2 * L);
        c13.intoArray(part, o1 + 3 * L);
        c14.intoArray(part, o1 + 4 * L);
        c20.intoArray(part, o2);
        c21.intoArray(part, o2 + L);
        c22.intoArray(part, o2 + 2 * L);
        c23.intoArray(part, o2 + 3 * L);
        c24.intoArray(part, o2 + 4 * L);
        c30.intoArray(part, o3);
        c31.intoArray(part, o3 + L);
        c32.intoArray(part, o3 + 2 * L);
        c33.intoArray(part, o3 + 3 * L);
        c34.intoArray(part, o3 + 4 * L);
    }

    /** As {@link #panel4x5} for four columns (sixteen vectors of part). Modifies those vectors of part. */
    private static void panel4x4(double[] a, int b0, int n, double[] xt, int x0, int jp, int je, double[] part, int o,
            int rowStride) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        int x1 = x0 + n;
        int x2 = x1 + n;
        int x3 = x2 + n;
        int o1 = o + rowStride;
        int o2 = o1 + rowStride;
        int o3 = o2 + rowStride;
        DoubleVector c00 = DoubleVector.fromArray(D, part, o), c01 = DoubleVector.fromArray(D, part, o + L),
                c02 = DoubleVector.fromArray(D, part, o + 2 * L), c03 = DoubleVector.fromArray(D, part, o + 3 * L);
        DoubleVector c10 = DoubleVector.fromArray(D, part, o1), c11 = DoubleVector.fromArray(D, part, o1 + L),
                c12 = DoubleVector.fromArray(D, part, o1 + 2 * L), c13 = DoubleVector.fromArray(D, part, o1 + 3 * L);
        DoubleVector c20 = DoubleVector.fromArray(D, part, o2), c21 = DoubleVector.fromArray(D, part, o2 + L),
                c22 = DoubleVector.fromArray(D, part, o2 + 2 * L), c23 = DoubleVector.fromArray(D, part, o2 + 3 * L);
        DoubleVector c30 = DoubleVector.fromArray(D, part, o3), c31 = DoubleVector.fromArray(D, part, o3 + L),
                c32 = DoubleVector.fromArray(D, part, o3 + 2 * L), c33 = DoubleVector.fromArray(D, part, o3 + 3 * L);
        for (int j = jp; j < je; j += L) {
            DoubleVector a0 = DoubleVector.fromArray(D, a, b0 + j);
            DoubleVector a1 = DoubleVector.fromArray(D, a, b1 + j);
            DoubleVector a2 = DoubleVector.fromArray(D, a, b2 + j);
            DoubleVector a3 = DoubleVector.fromArray(D, a, b3 + j);
            DoubleVector v = DoubleVector.fromArray(D, xt, x0 + j);
            c00 = a0.fma(v, c00);
            c10 = a1.fma(v, c10);
            c20 = a2.fma(v, c20);
            c30 = a3.fma(v, c30);
            v = DoubleVector.fromArray(D, xt, x1 + j);
            c01 = a0.fma(v, c01);
            c11 = a1.fma(v, c11);
            c21 = a2.fma(v, c21);
            c31 = a3.fma(v, c31);
            v = DoubleVector.fromArray(D, xt, x2 + j);
            c02 = a0.fma(v, c02);
            c12 = a1.fma(v, c12);
            c22 = a2.fma(v, c22);
            c32 = a3.fma(v, c32);
            v = DoubleVector.fromArray(D, xt, x3 + j);
            c03 = a0.fma(v, c03);
            c13 = a1.fma(v, c13);
            c23 = a2.fma(v, c23);
            c33 = a3.fma(v, c33);
        }
        c00.intoArray(part, o);
        c01.intoArray(part, o + L);
        c02.intoArray(part, o + 2 * L);
        c03.intoArray(part, o + 3 * L);
        c10.intoArray(part, o1);
        c11.intoArray(part, o1 + L);
        c12.intoArray(part, o1 + 2 * L);
        c13.intoArray(part, o1 + 3 * L);
        c20.intoArray(part, o2);
        c21.intoArray(part, o2 + L);
        c22.intoArray(part, o2 + 2 * L);
        c23.intoArray(part, o2 + 3 * L);
        c30.intoArray(part, o3);
        c31.intoArray(part, o3 + L);
        c32.intoArray(part, o3 + 2 * L);
        c33.intoArray(part, o3 + 3 * L);
    }

    /**
     * Four vectors of j (from a0 in row 0 of the block) × five columns of s (from s0): gt[g + u·ldg + v·L …] +=
     * Σ_{r &lt; rows} s[s0 + r·wp + u]·a[a0 + r·n + v·L …] for u &lt; 5, v &lt; 4, rows in order. Modifies those twenty
     * vectors of gt.
     */
    private static void axpy5x4(double[] a, int a0, int rows, int n, double[] s, int s0, int wp, double[] gt, int g,
            int ldg) {
        int g1 = g + ldg;
        int g2 = g1 + ldg;
        int g3 = g2 + ldg;
        int g4 = g3 + ldg;
        DoubleVector e00 = DoubleVector.fromArray(D, gt, g), e01 = DoubleVector.fromArray(D, gt, g + L);
        DoubleVector e02 = DoubleVector.fromArray(D, gt, g + 2 * L), e03 = DoubleVector.fromArray(D, gt, g + 3 * L);
        DoubleVector e10 = DoubleVector.fromArray(D, gt, g1), e11 = DoubleVector.fromArray(D, gt, g1 + L);
        DoubleVector e12 = DoubleVector.fromArray(D, gt, g1 + 2 * L), e13 = DoubleVector.fromArray(D, gt, g1 + 3 * L);
        DoubleVector e20 = DoubleVector.fromArray(D, gt, g2), e21 = DoubleVector.fromArray(D, gt, g2 + L);
        DoubleVector e22 = DoubleVector.fromArray(D, gt, g2 + 2 * L), e23 = DoubleVector.fromArray(D, gt, g2 + 3 * L);
        DoubleVector e30 = DoubleVector.fromArray(D, gt, g3), e31 = DoubleVector.fromArray(D, gt, g3 + L);
        DoubleVector e32 = DoubleVector.fromArray(D, gt, g3 + 2 * L), e33 = DoubleVector.fromArray(D, gt, g3 + 3 * L);
        DoubleVector e40 = DoubleVector.fromArray(D, gt, g4), e41 = DoubleVector.fromArray(D, gt, g4 + L);
        DoubleVector e42 = DoubleVector.fromArray(D, gt, g4 + 2 * L), e43 = DoubleVector.fromArray(D, gt, g4 + 3 * L);
        for (int r = 0; r < rows; r++) {
            int ar = a0 + r * n;
            DoubleVector v0 = DoubleVector.fromArray(D, a, ar);
            DoubleVector v1 = DoubleVector.fromArray(D, a, ar + L);
            DoubleVector v2 = DoubleVector.fromArray(D, a, ar + 2 * L);
            DoubleVector v3 = DoubleVector.fromArray(D, a, ar + 3 * L);
            int sr = s0 + r * wp;
            DoubleVector x = DoubleVector.broadcast(D, s[sr]);
            e00 = v0.fma(x, e00);
            e01 = v1.fma(x, e01);
            e02 = v2.fma(x, e02);
            e03 = v3.fma(x, e03);
            x = DoubleVector.broadcast(D, s[sr + 1]);
            e10 = v0.fma(x, e10);
            e11 = v1.fma(x, e11);
            e12 = v2.fma(x, e12);
            e13 = v3.fma(x, e13);
            x = DoubleVector.broadcast(D, s[sr + 2]);
            e20 = v0.fma(x, e20);
            e21 = v1.fma(x, e21);
            e22 = v2.fma(x, e22);
            e23 = v3.fma(x, e23);
            x = DoubleVector.broadcast(D, s[sr + 3]);
            e30 = v0.fma(x, e30);
            e31 = v1.fma(x, e31);
            e32 = v2.fma(x, e32);
            e33 = v3.fma(x, e33);
            x = DoubleVector.broadcast(D, s[sr + 4]);
            e40 = v0.fma(x, e40);
            e41 = v1.fma(x, e41);
            e42 = v2.fma(x, e42);
            e43 = v3.fma(x, e43);
        }
        e00.intoArray(gt, g);
        e01.intoArray(gt, g + L);
        e02.intoArray(gt, g + 2 * L);
        e03.intoArray(gt, g + 3 * L);
        e10.intoArray(gt, g1);
        e11.intoArray(gt, g1 + L);
        e12.intoArray(gt, g1 + 2 * L);
        e13.intoArray(gt, g1 + 3 * L);
        e20.intoArray(gt, g2);
        e21.intoArray(gt, g2 + L);
        e22.intoArray(gt, g2 + 2 * L);
        e23.intoArray(gt, g2 + 3 * L);
        e30.intoArray(gt, g3);
        e31.intoArray(gt, g3 + L);
        e32.intoArray(gt, g3 + 2 * L);
        e33.intoArray(gt, g3 + 3 * L);
        e40.intoArray(gt, g4);
        e41.intoArray(gt, g4 + L);
        e42.intoArray(gt, g4 + 2 * L);
        e43.intoArray(gt, g4 + 3 * L);
    }

    /** As {@link #axpy5x4} for four columns of s (sixteen vectors of gt). Modifies those vectors of gt. */
    private static void axpy4x4(double[] a, int a0, int rows, int n, double[] s, int s0, int wp, double[] gt, int g,
            int ldg) {
        int g1 = g + ldg;
        int g2 = g1 + ldg;
        int g3 = g2 + ldg;
        DoubleVector e00 = DoubleVector.fromArray(D, gt, g), e01 = DoubleVector.fromArray(D, gt, g + L);
        DoubleVector e02 = DoubleVector.fromArray(D, gt, g + 2 * L), e03 = DoubleVector.fromArray(D, gt, g + 3 * L);
        DoubleVector e10 = DoubleVector.fromArray(D, gt, g1), e11 = DoubleVector.fromArray(D, gt, g1 + L);
        DoubleVector e12 = DoubleVector.fromArray(D, gt, g1 + 2 * L), e13 = DoubleVector.fromArray(D, gt, g1 + 3 * L);
        DoubleVector e20 = DoubleVector.fromArray(D, gt, g2), e21 = DoubleVector.fromArray(D, gt, g2 + L);
        DoubleVector e22 = DoubleVector.fromArray(D, gt, g2 + 2 * L), e23 = DoubleVector.fromArray(D, gt, g2 + 3 * L);
        DoubleVector e30 = DoubleVector.fromArray(D, gt, g3), e31 = DoubleVector.fromArray(D, gt, g3 + L);
        DoubleVector e32 = DoubleVector.fromArray(D, gt, g3 + 2 * L), e33 = DoubleVector.fromArray(D, gt, g3 + 3 * L);
        for (int r = 0; r < rows; r++) {
            int ar = a0 + r * n;
            DoubleVector v0 = DoubleVector.fromArray(D, a, ar);
            DoubleVector v1 = DoubleVector.fromArray(D, a, ar + L);
            DoubleVector v2 = DoubleVector.fromArray(D, a, ar + 2 * L);
            DoubleVector v3 = DoubleVector.fromArray(D, a, ar + 3 * L);
            int sr = s0 + r * wp;
            DoubleVector x = DoubleVector.broadcast(D, s[sr]);
            e00 = v0.fma(x, e00);
            e01 = v1.fma(x, e01);
            e02 = v2.fma(x, e02);
            e03 = v3.fma(x, e03);
            x = DoubleVector.broadcast(D, s[sr + 1]);
            e10 = v0.fma(x, e10);
            e11 = v1.fma(x, e11);
            e12 = v2.fma(x, e12);
            e13 = v3.fma(x, e13);
            x = DoubleVector.broadcast(D, s[sr + 2]);
            e20 = v0.fma(x, e20);
            e21 = v1.fma(x, e21);
            e22 = v2.fma(x, e22);
            e23 = v3.fma(x, e23);
            x = DoubleVector.broadcast(D, s[sr + 3]);
            e30 = v0.fma(x, e30);
            e31 = v1.fma(x, e31);
            e32 = v2.fma(x, e32);
            e33 = v3.fma(x, e33);
        }
        e00.intoArray(gt, g);
        e01.intoArray(gt, g + L);
        e02.intoArray(gt, g + 2 * L);
        e03.intoArray(gt, g + 3 * L);
        e10.intoArray(gt, g1);
        e11.intoArray(gt, g1 + L);
        e12.intoArray(gt, g1 + 2 * L);
        e13.intoArray(gt, g1 + 3 * L);
        e20.intoArray(gt, g2);
        e21.intoArray(gt, g2 + L);
        e22.intoArray(gt, g2 + 2 * L);
        e23.intoArray(gt, g2 + 3 * L);
        e30.intoArray(gt, g3);
        e31.intoArray(gt, g3 + L);
        e32.intoArray(gt, g3 + 2 * L);
        e33.intoArray(gt, g3 + 3 * L);
    }
}
