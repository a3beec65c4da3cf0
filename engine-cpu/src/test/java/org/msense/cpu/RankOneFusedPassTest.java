package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused row-block pass of {@link RankOneProducts} against the simple unfused products written out here
 * with plain loops: P = A V_b, Q = B W_b, res_i = ⟨P_i, Q_i⟩/√m − y_i, ∇V = Aᵀ diag(res) Q/√m, ∇W = Bᵀ diag(res) P/√m.
 *
 * <p>The shapes hit every edge of the pass: m below, at and just past the 4-row tile, the
 * {@value RankOneProducts#BLOCK_ROWS}-row block and the group size (several groups, the last one short); n below
 * the vector length, at and past the 4-vector tile of the gradient kernel, with a scalar tail; B·k a multiple of
 * the 5-column tile, of the 4-column tile, and neither (padded with zero columns). Both sides sum the same
 * products in different orders; with Gaussian data each sum of len terms is off by O(√len·u) relative to its
 * size (u = 2⁻⁵³ ≈ 1.1e-16, len ≤ 8,200 here), so the norm-wise relative differences are held to 1e-12.
 */
class RankOneFusedPassTest {

    private static DMatrixRMaj gaussian(int r, int c, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextGaussian();
        }
        return m;
    }

    /** One problem: A, B, the factors of B trajectories, y and the outputs. */
    private static final class Case {
        final int m;
        final int n1;
        final int n2;
        final int k;
        final DMatrixRMaj a;
        final DMatrixRMaj b;
        final DMatrixRMaj[] v;
        final DMatrixRMaj[] w;
        final double[][] y;

        Case(int m, int n1, int n2, int k, int batch, long seed) {
            Random rnd = new Random(seed);
            this.m = m;
            this.n1 = n1;
            this.n2 = n2;
            this.k = k;
            a = gaussian(m, n1, rnd);
            b = gaussian(m, n2, rnd);
            v = new DMatrixRMaj[batch];
            w = new DMatrixRMaj[batch];
            y = new double[batch][];
            for (int t = 0; t < batch; t++) {
                v[t] = gaussian(n1, k, rnd);
                w[t] = gaussian(n2, k, rnd);
                y[t] = gaussian(m, 1, rnd).data;
            }
        }

        DMatrixRMaj[] zeros(int rows) {
            DMatrixRMaj[] out = new DMatrixRMaj[v.length];
            for (int t = 0; t < out.length; t++) {
                out[t] = new DMatrixRMaj(rows, k);
            }
            return out;
        }

        /** The fused pass with the given number of threads: {res, ∇V, ∇W} flattened per trajectory. */
        double[][][] fused(int threads) {
            double[][] res = new double[v.length][m];
            DMatrixRMaj[] gv = zeros(n1);
            DMatrixRMaj[] gw = zeros(n2);
            try (ParallelLoops loops = new ParallelLoops(threads)) {
                new RankOneProducts(loops, a, b).residualAndGradients(v, w, y, res, gv, gw);
            }
            return pack(res, gv, gw);
        }

        /** The same step with the plain loops of the definition (trajectory by trajectory). */
        double[][][] simple() {
            int batch = v.length;
            double[][] res = new double[batch][m];
            DMatrixRMaj[] gv = zeros(n1);
            DMatrixRMaj[] gw = zeros(n2);
            double s = 1.0 / Math.sqrt(m);
            for (int t = 0; t < batch; t++) {
                double[][] p = new double[m][k];
                double[][] q = new double[m][k];
                for (int i = 0; i < m; i++) {
                    for (int c = 0; c < k; c++) {
                        for (int j = 0; j < n1; j++) {
                            p[i][c] += a.get(i, j) * v[t].get(j, c);
                        }
                        for (int j = 0; j < n2; j++) {
                            q[i][c] += b.get(i, j) * w[t].get(j, c);
                        }
                    }
                    double d = 0;
                    for (int c = 0; c < k; c++) {
                        d += p[i][c] * q[i][c];
                    }
                    res[t][i] = d * s - y[t][i];
                }
                for (int i = 0; i < m; i++) {
                    for (int c = 0; c < k; c++) {
                        for (int j = 0; j < n1; j++) {
                            gv[t].data[j * k + c] += a.get(i, j) * res[t][i] * s * q[i][c];
                        }
                        for (int j = 0; j < n2; j++) {
                            gw[t].data[j * k + c] += b.get(i, j) * res[t][i] * s * p[i][c];
                        }
                    }
                }
            }
            return pack(res, gv, gw);
        }

        private static double[][][] pack(double[][] res, DMatrixRMaj[] gv, DMatrixRMaj[] gw) {
            double[][][] out = new double[res.length][][];
            for (int t = 0; t < res.length; t++) {
                out[t] = new double[][] {res[t], gv[t].data, gw[t].data};
            }
            return out;
        }
    }

    private static double relative(double[] got, double[] want) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < want.length; i++) {
            d += (got[i] - want[i]) * (got[i] - want[i]);
            n += want[i] * want[i];
        }
        return Math.sqrt(d / n);
    }

    @ParameterizedTest(name = "m={0} n1={1} n2={2} k={3} B={4} threads={5}")
    @CsvSource({
        // rows: one row, under a 4-row tile, one tile, one block, block + 1, several blocks in one group
        "1, 9, 7, 2, 1, 2", "3, 33, 40, 5, 1, 2", "4, 8, 8, 1, 1, 1", "16, 71, 3, 10, 1, 2", "17, 32, 31, 4, 2, 2",
        "255, 40, 41, 3, 3, 3",
        // groups: two of 256 rows (the second one row), and 8200 rows: 31 groups of 272 rows, the last one 40 rows
        "257, 64, 65, 7, 1, 2", "8200, 37, 29, 5, 2, 2",
        // columns: B·k = 9 (padded to 10), 6 (padded to 8), 20, 1 (padded to 4)
        "100, 50, 60, 3, 3, 2", "100, 50, 60, 2, 3, 1", "100, 50, 60, 10, 2, 3", "100, 50, 60, 1, 1, 2"})
    void fusedPassMatchesTheSimpleProducts(int m, int n1, int n2, int k, int batch, int threads) {
        Case c = new Case(m, n1, n2, k, batch, 1000L * m + 10 * n1 + k);
        double[][][] got = c.fused(threads);
        double[][][] want = c.simple();
        String[] names = {"residual", "∇V", "∇W"};
        for (int t = 0; t < batch; t++) {
            for (int part = 0; part < 3; part++) {
                double rel = relative(got[t][part], want[t][part]);
                assertTrue(rel <= 1e-12, names[part] + " of trajectory " + t + ": relative difference " + rel);
            }
        }
    }

    /** Groups are fixed by m and summed in order, so the thread count does not change a single bit. */
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Case c = new Case(9000, 45, 38, 5, 2, 11);
        double[][][] one = c.fused(1);
        for (int threads : new int[] {2, 3, 7}) {
            double[][][] more = c.fused(threads);
            for (int t = 0; t < one.length; t++) {
                for (int part = 0; part < 3; part++) {
                    assertArrayEquals(one[t][part], more[t][part], 0.0, threads + " threads, trajectory " + t + ", part " + part);
                }
            }
        }
    }

    /** residualAndGradients equals residual followed by gradients, bit for bit. */
    @Test
    void fusedEqualsTheTwoSeparateCalls() {
        Case c = new Case(700, 33, 29, 4, 2, 5);
        double[][][] fused = c.fused(2);
        double[][] res = new double[2][c.m];
        DMatrixRMaj[] gv = c.zeros(c.n1);
        DMatrixRMaj[] gw = c.zeros(c.n2);
        try (ParallelLoops loops = new ParallelLoops(2)) {
            RankOneProducts op = new RankOneProducts(loops, c.a, c.b);
            op.residual(c.v, c.w, c.y, res);
            op.gradients(res, c.v, c.w, gv, gw);
        }
        for (int t = 0; t < 2; t++) {
            assertArrayEquals(fused[t][0], res[t], 0.0, "residual " + t);
            assertArrayEquals(fused[t][1], gv[t].data, 0.0, "∇V " + t);
            assertArrayEquals(fused[t][2], gw[t].data, 0.0, "∇W " + t);
        }
    }
}
