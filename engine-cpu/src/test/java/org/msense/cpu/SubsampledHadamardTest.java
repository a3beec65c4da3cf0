package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msense.core.rng.DistinctIndexSampler;
import org.msense.core.rng.RandomSigns;
import org.msense.core.rng.StreamPurpose;

/**
 * The subsampled Walsh–Hadamard operator against its dense matrix (row i = d ⊙ (row s_i of H_N)/√m,
 * truncated to n columns), its adjoint identity ⟨𝒜x, r⟩ = ⟨x, 𝒜*r⟩, and the isometry of the full
 * operator (m = N: 𝒜*𝒜 = I on the first n entries).
 *
 * <p>Tolerances: each output is a signed sum of n or N terms built by log2 N additions, so errors are at
 * most log2(N)·u·Σ|terms|; with Gaussian data Σ|terms| ≤ √N·‖x‖₂, and the tests allow 4× that bound.
 */
class SubsampledHadamardTest {
    private static final double U = Math.ulp(1.0) / 2;

    private static double[] gaussian(int n, Random r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void forwardAndAdjointMatchTheDenseMatrix() {
        int n1 = 5;
        int n2 = 7;
        int n = n1 * n2;
        int bigN = 64;
        int m = 20;
        long seed = 42;
        double[] d = RandomSigns.signs(seed, StreamPurpose.HADAMARD_SIGNS, bigN);
        int[] s = DistinctIndexSampler.sample(seed, StreamPurpose.HADAMARD_ROWS, bigN, m);
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = ((Integer.bitCount(s[i] & j) & 1) == 0 ? 1 : -1) * d[j] / Math.sqrt(m);
            }
        }
        Random rnd = new Random(3);
        double[][] x = {gaussian(n, rnd), gaussian(n, rnd), gaussian(n, rnd)};
        double[][] y = {gaussian(m, rnd), gaussian(m, rnd), gaussian(m, rnd)};
        double[][] res = new double[3][m];
        double[][] e = new double[3][n];
        try (ParallelLoops loops = new ParallelLoops(2)) {
            SubsampledHadamard op = new SubsampledHadamard(loops, n, d, s);
            assertEquals(bigN, op.length());
            op.forward(x, y, res);
            op.adjoint(y, e);
        }
        double tol = 4 * 6 * U * Math.sqrt(bigN);
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < m; i++) {
                double v = -y[b][i];
                for (int j = 0; j < n; j++) {
                    v += a[i][j] * x[b][j];
                }
                assertEquals(v, res[b][i], tol * (norm(x[b]) + Math.abs(y[b][i])), "residual " + i);
            }
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int i = 0; i < m; i++) {
                    v += a[i][j] * y[b][i];
                }
                assertEquals(v, e[b][j], tol * norm(y[b]), "adjoint entry " + j);
            }
        }
    }

    @Test
    void adjointIdentityHoldsPastTheBlocking() {
        int n = 300 * 70;
        Random rnd = new Random(9);
        double[] d = RandomSigns.signs(7, StreamPurpose.HADAMARD_SIGNS, 1 << 15);
        int[] s = DistinctIndexSampler.sample(7, StreamPurpose.HADAMARD_ROWS, 1 << 15, 5000);
        double[][] x = {gaussian(n, rnd)};
        double[][] r = {gaussian(s.length, rnd)};
        double[][] ax = new double[1][s.length];
        double[][] ar = new double[1][n];
        try (ParallelLoops loops = new ParallelLoops(2)) {
            SubsampledHadamard op = new SubsampledHadamard(loops, n, d, s);
            op.forward(x, null, ax);
            op.adjoint(r, ar);
        }
        double lhs = 0;
        for (int i = 0; i < s.length; i++) {
            lhs += ax[0][i] * r[0][i];
        }
        double rhs = 0;
        for (int j = 0; j < n; j++) {
            rhs += x[0][j] * ar[0][j];
        }
        double scale = norm(x[0]) * norm(r[0]) * Math.sqrt((double) (1 << 15) / s.length);
        assertEquals(lhs, rhs, 4 * 15 * U * Math.sqrt(1 << 15) * scale, "⟨𝒜x, r⟩ = ⟨x, 𝒜*r⟩");
    }

    @Test
    void keepingEveryRowGivesAnIsometry() {
        int n = 40 * 25;
        int bigN = 1024;
        int[] all = new int[bigN];
        for (int i = 0; i < bigN; i++) {
            all[i] = i;
        }
        double[] d = RandomSigns.signs(1, StreamPurpose.HADAMARD_SIGNS, bigN);
        double[][] x = {gaussian(n, new Random(4))};
        double[][] ax = new double[1][bigN];
        double[][] back = new double[1][n];
        try (ParallelLoops loops = new ParallelLoops(1)) {
            SubsampledHadamard op = new SubsampledHadamard(loops, n, d, all);
            op.forward(x, null, ax);
            op.adjoint(ax, back);
        }
        double nx = norm(x[0]);
        assertEquals(nx, norm(ax[0]), 4 * 10 * U * Math.sqrt(bigN) * nx, "‖𝒜x‖ = ‖x‖ with m = N");
        for (int j = 0; j < n; j++) {
            assertEquals(x[0][j], back[0][j], 8 * 10 * U * Math.sqrt(bigN) * nx, "𝒜*𝒜x = x at " + j);
        }
    }

    @Test
    void rejectsRowsThatAreNotAscending() {
        try (ParallelLoops loops = new ParallelLoops(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SubsampledHadamard(loops, 6, new double[] {1, 1, 1, 1, 1, 1, 1, 1}, new int[] {3, 3}));
            assertTrue(e.getMessage().contains("ascending"), e.getMessage());
        }
    }
}
