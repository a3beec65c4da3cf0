package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The blocked, vectorized FWHT against the definition (H_N)_{jk} = (−1)^{popcount(j AND k)} applied as a
 * plain O(N²) product, and against the textbook radix-2 recursion for lengths past the blocking threshold
 * (both passes, several strips and rows).
 *
 * <p>Tolerances. Every output of the transform is a sum of N terms ±x_k formed by log2 N rounded additions,
 * so |error| ≤ log2(N)·u·Σ|x_k| ≤ log2(N)·u·√N·‖x‖₂ (u = 2⁻⁵³); the tests hold the max error to
 * 4·log2(N)·u·√N·‖x‖₂ — loose by a factor 4 for the fp rounding of the reference itself, and still tight
 * enough that a single wrong sign (an error of 2|x_k| ≈ ‖x‖₂/√N·2) fails it.
 */
class WalshHadamardTest {
    private static final double U = Math.ulp(1.0) / 2;

    private static double[] gaussian(int n, long seed) {
        Random r = new Random(seed);
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

    private static double tolerance(int n, double[] x) {
        int p = Integer.numberOfTrailingZeros(n);
        return 4 * Math.max(1, p) * U * Math.sqrt(n) * norm(x);
    }

    /** H_N x by the definition, O(N²), in a fixed order. */
    private static double[] dense(double[] x, int n) {
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += (Integer.bitCount(j & k) & 1) == 0 ? x[k] : -x[k];
            }
            out[j] = s;
        }
        return out;
    }

    /** H_N x by the radix-2 recursion H_{2n} = [[H_n, H_n], [H_n, −H_n]]. */
    private static double[] recursive(double[] x, int off, int n) {
        if (n == 1) {
            return new double[] {x[off]};
        }
        double[] lo = recursive(x, off, n / 2);
        double[] hi = recursive(x, off + n / 2, n / 2);
        double[] out = new double[n];
        for (int j = 0; j < n / 2; j++) {
            out[j] = lo[j] + hi[j];
            out[j + n / 2] = lo[j] - hi[j];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 16, 32, 64, 128, 512, 1024})
    void matchesTheDefinition(int n) {
        try (ParallelLoops loops = new ParallelLoops(2)) {
            double[] x = gaussian(n, 11 + n);
            double[] expected = dense(x, n);
            double[][] batch = {x.clone(), gaussian(n, 5)};
            new WalshHadamard(loops).transform(batch, n, 1.0);
            double tol = tolerance(n, x);
            for (int j = 0; j < n; j++) {
                assertEquals(expected[j], batch[0][j], tol, "entry " + j + " of H_" + n + " x");
            }
        }
    }

    /** Lengths past one row (2¹², 2¹³, 2¹⁶, 2¹⁷ = 32 rows of 4096: both radix-4 and a final radix-2 sweep). */
    @ParameterizedTest
    @ValueSource(ints = {1 << 12, 1 << 13, 1 << 14, 1 << 16, 1 << 17})
    void matchesTheRecursionPastTheBlocking(int n) {
        try (ParallelLoops loops = new ParallelLoops(2)) {
            double[][] batch = {gaussian(n, 1), gaussian(n, 2), gaussian(n, 3)};
            double[][] expected = new double[3][];
            for (int b = 0; b < 3; b++) {
                expected[b] = recursive(batch[b], 0, n);
            }
            double[] x0 = batch[0].clone();
            new WalshHadamard(loops).transform(batch, n, 1.0);
            double tol = tolerance(n, x0) * 2;
            for (int b = 0; b < 3; b++) {
                double worst = 0;
                for (int j = 0; j < n; j++) {
                    worst = Math.max(worst, Math.abs(expected[b][j] - batch[b][j]));
                }
                assertTrue(worst <= tol, "max error " + worst + " > " + tol + " for N = " + n + ", vector " + b);
            }
        }
    }

    /** (H/√N)(H/√N) x = x, and ‖Hx/√N‖ = ‖x‖, to the rounding of 2·log2 N additions. */
    @ParameterizedTest
    @ValueSource(ints = {64, 4096, 1 << 15, 1 << 18})
    void orthonormalTransformIsAnInvolutionAndAnIsometry(int n) {
        try (ParallelLoops loops = new ParallelLoops(2)) {
            double[] x = gaussian(n, 7);
            double[][] batch = {x.clone()};
            WalshHadamard h = new WalshHadamard(loops);
            h.orthonormal(batch, n);
            double nx = norm(x);
            double p = Integer.numberOfTrailingZeros(n);
            assertEquals(nx, norm(batch[0]), 4 * p * U * Math.sqrt(n) * nx, "‖Hx‖ = ‖x‖");
            h.orthonormal(batch, n);
            double worst = 0;
            for (int j = 0; j < n; j++) {
                worst = Math.max(worst, Math.abs(batch[0][j] - x[j]));
            }
            double tol = 8 * p * U * nx;
            assertTrue(worst <= tol, "max |HHx − x| = " + worst + " > " + tol);
        }
    }

    /** The arithmetic of each element is fixed: one thread and two threads give the same bits. */
    @Test
    void resultDoesNotDependOnTheThreads() {
        int n = 1 << 16;
        double[][] one = {gaussian(n, 3), gaussian(n, 4)};
        double[][] two = {one[0].clone(), one[1].clone()};
        try (ParallelLoops l1 = new ParallelLoops(1); ParallelLoops l2 = new ParallelLoops(2)) {
            new WalshHadamard(l1).transform(one, n, 0.5);
            new WalshHadamard(l2).transform(two, n, 0.5);
        }
        assertArrayEquals(one[0], two[0]);
        assertArrayEquals(one[1], two[1]);
    }

    @Test
    void rejectsALengthThatIsNotAPowerOfTwo() {
        try (ParallelLoops loops = new ParallelLoops(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new WalshHadamard(loops).transform(new double[][] {new double[12]}, 12, 1.0));
            assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        }
    }
}
