package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tile sweep with small tiles (several row and column blocks, unequal block sizes) against a plain host sum, and
 * bit-identical for 1, 2 and 3 threads; the residual it computes is the same number as the row-order formula.
 */
class CompletionTileSweepTest {
    private static final int N1 = 41;
    private static final int N2 = 33;
    private static final int M = 420;
    private static final int TILE = 7;

    /** res, gradV, gradW from the sweep with the given thread count; also checks the given-residual variant. */
    private static double[][] sweep(int threads, int K, int[] rowStart, int[] column, double[] v, double[] w, double[] y,
            double s) {
        try (ParallelLoops loops = new ParallelLoops(threads)) {
            CompletionTileSweep t = new CompletionTileSweep(loops, N1, N2, rowStart, column, TILE);
            assertTrue(t.blocks() > 3, "several blocks: " + t.blocks());
            double[] res = new double[M];
            double[] gv = new double[N1 * K];
            double[] gw = new double[N2 * K];
            t.run(v, w, y, res, gv, gw, K, s, true);
            double[] gv2 = new double[N1 * K];
            double[] gw2 = new double[N2 * K];
            t.run(v, w, null, res.clone(), gv2, gw2, K, s, false);
            assertArrayEquals(gv, gv2, 0, "gradV from the given residual");
            assertArrayEquals(gw, gw2, 0, "gradW from the given residual");
            return new double[][] {res, gv, gw};
        }
    }

    /** k = 10 takes the unrolled tile, other k the general one. */
    @ParameterizedTest
    @ValueSource(ints = {3, 6, 10})
    void matchesHostSumsAndIsThreadIndependent(int K) {
        Random rnd = new Random(17);
        TreeSet<Integer> picked = new TreeSet<>();
        while (picked.size() < M) {
            picked.add(rnd.nextInt(N1 * N2));
        }
        int[] rowStart = new int[N1 + 1];
        int[] column = new int[M];
        int[] row = new int[M];
        int i = 0;
        for (int at : picked) {
            row[i] = at / N2;
            column[i] = at % N2;
            rowStart[row[i] + 1]++;
            i++;
        }
        for (int j = 0; j < N1; j++) {
            rowStart[j + 1] += rowStart[j];
        }
        double[] v = new double[N1 * K];
        double[] w = new double[N2 * K];
        double[] y = new double[M];
        for (int q = 0; q < v.length; q++) {
            v[q] = rnd.nextGaussian();
        }
        for (int q = 0; q < w.length; q++) {
            w[q] = rnd.nextGaussian();
        }
        for (int q = 0; q < M; q++) {
            y[q] = rnd.nextGaussian();
        }
        double s = Math.sqrt((double) N1 * N2 / M);
        double u = 0x1p-53;
        double[][] one = sweep(1, K, rowStart, column, v, w, y, s);
        for (int threads = 2; threads <= 3; threads++) {
            double[][] more = sweep(threads, K, rowStart, column, v, w, y, s);
            for (int o = 0; o < 3; o++) {
                assertArrayEquals(one[o], more[o], 0, "bit-identical for 1 and " + threads + " threads, output " + o);
            }
        }
        double[] gv = new double[N1 * K];
        double[] gvMag = new double[N1 * K];
        double[] gw = new double[N2 * K];
        double[] gwMag = new double[N2 * K];
        for (int e = 0; e < M; e++) {
            double dot = 0;
            for (int q = 0; q < K; q++) {
                dot += v[row[e] * K + q] * w[column[e] * K + q];
            }
            double r = s * dot - y[e];
            double mag = 0;
            for (int q = 0; q < K; q++) {
                mag += Math.abs(v[row[e] * K + q] * w[column[e] * K + q]);
            }
            // error of a K-term dot product, scaled, minus y: γ_{K+2}(s·Σ|v||w| + |y|), for each of the two sums
            assertEquals(r, one[0][e], 2 * (K + 2) * u * (s * mag + Math.abs(y[e])), "res " + e);
            // the residual-pass formula: the same bits
            assertEquals(s * CompletionTileSweep.dot(v, row[e] * K, w, column[e] * K, K) - y[e], one[0][e], 0,
                    "res " + e + " as the residual pass computes it");
            for (int q = 0; q < K; q++) {
                gv[row[e] * K + q] += s * r * w[column[e] * K + q];
                gvMag[row[e] * K + q] += Math.abs(s * r * w[column[e] * K + q]);
                gw[column[e] * K + q] += s * r * v[row[e] * K + q];
                gwMag[column[e] * K + q] += Math.abs(s * r * v[row[e] * K + q]);
            }
        }
        // both sums have at most N terms and one more rounding for s: γ_{N+3} of the sum of magnitudes, twice
        for (int o = 0; o < gv.length; o++) {
            assertEquals(gv[o], one[1][o], 2 * (N2 + 3) * u * gvMag[o] + 1e-300, "gradV " + o);
        }
        for (int o = 0; o < gw.length; o++) {
            assertEquals(gw[o], one[2][o], 2 * (N1 + 3) * u * gwMag[o] + 1e-300, "gradW " + o);
        }
    }
}
