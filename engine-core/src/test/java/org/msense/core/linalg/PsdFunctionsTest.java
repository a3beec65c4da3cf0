package org.msense.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.core.linalg.LinalgTesting.EPS;
import static org.msense.core.linalg.LinalgTesting.distance;
import static org.msense.core.linalg.LinalgTesting.gaussian;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * sqrtPsd is checked through (S^{1/2})² = S within 4·n·ε·‖S‖_F: the eigen-decomposition has backward error
 * 2·n·ε·‖S‖_F (see SymmetricEigenTest), and forming V·diag(√λ)·Vᵀ and squaring it adds rounding of the same
 * order.
 */
class PsdFunctionsTest {

    private static void assertSquareRoot(double[] s, int n, double[] root) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(root[i * n + j], root[j * n + i], "not exactly symmetric at " + i + "," + j);
            }
        }
        double[] square = Matrices.multiply(root, n, n, root, n);
        double err = distance(square, s);
        assertTrue(err <= 4 * n * EPS * Matrices.frobeniusNorm(s), "‖R² − S‖_F = " + err);
        double[] lambda = SymmetricEigen.values(root, n);
        assertTrue(lambda[n - 1] >= -2 * n * EPS * Matrices.frobeniusNorm(root), "R not PSD: " + lambda[n - 1]);
    }

    @Test
    void squareRootOfAFullRankGramMatrix() {
        var rng = new SplittableRandom(41);
        int n = 30;
        double[] b = gaussian(rng, 40, n);
        double[] s = Matrices.multiplyTransA(b, 40, n, b, n);
        double[] copy = s.clone();
        double[] root = PsdFunctions.sqrtPsd(s, n);
        assertArrayEquals(copy, s, "input modified");
        assertSquareRoot(s, n, root);
    }

    @Test
    void squareRootOfARankDeficientGramMatrix() {
        var rng = new SplittableRandom(42);
        int n = 10;
        double[] b = gaussian(rng, n, 3);
        double[] s = Matrices.multiplyTransB(b, n, 3, b, n);
        assertSquareRoot(s, n, PsdFunctions.sqrtPsd(s, n));
    }

    @Test
    void squareRootOfDiagonalAndRankOneMatrices() {
        assertArrayEquals(Matrices.diag(new double[] {2, 3, 0}),
                PsdFunctions.sqrtPsd(Matrices.diag(new double[] {4, 9, 0}), 3));
        // [[1, 1], [1, 1]] has eigenvalues 2 and 0 (the latter possibly −ε after rounding, clamped): its root
        // is the matrix divided by √2.
        double h = 1 / Math.sqrt(2);
        assertArrayEquals(new double[] {h, h, h, h}, PsdFunctions.sqrtPsd(new double[] {1, 1, 1, 1}, 2), 4 * EPS);
        assertArrayEquals(new double[0], PsdFunctions.sqrtPsd(new double[0], 0));
    }

    @Test
    void indefiniteInputGetsTheRootOfItsPositivePart() {
        // diag(4, −1) rotated by 45°: the positive part is 4·qqᵀ, its root 2·qqᵀ.
        double h = 1 / Math.sqrt(2);
        double[] q = {h, h, -h, h}; // columns (h, −h) and (h, h)
        double[] s = LinalgTesting.compose(q, 2, new double[] {4, -1}, q, 2);
        double[] expected = LinalgTesting.compose(q, 2, new double[] {2, 0}, q, 2);
        assertArrayEquals(expected, PsdFunctions.sqrtPsd(s, 2), 8 * EPS);
    }

    @Test
    void spectralNormIsTheLargestSingularValue() {
        var rng = new SplittableRandom(43);
        double[] left = LinalgTesting.orthonormal(rng, 9, 3);
        double[] right = LinalgTesting.orthonormal(rng, 6, 3);
        double[] a = LinalgTesting.compose(left, 9, new double[] {5, 3, 1}, right, 6);
        assertEquals(5, PsdFunctions.spectralNorm(a, 9, 6), 2 * (3 + 6) * EPS * 5);
        assertEquals(5, PsdFunctions.spectralNorm(new double[] {3, 4}, 1, 2), 2 * EPS * 5);
        assertEquals(0, PsdFunctions.spectralNorm(new double[12], 3, 4));
        assertEquals(0, PsdFunctions.spectralNorm(new double[0], 0, 5));
        double[] g = gaussian(rng, 7, 7);
        double norm2 = PsdFunctions.spectralNorm(g, 7, 7);
        assertTrue(norm2 <= Matrices.frobeniusNorm(g) && norm2 >= Matrices.frobeniusNorm(g) / Math.sqrt(7));
    }

    @Test
    void rejectsMisshapenInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> PsdFunctions.sqrtPsd(new double[3], 2));
        assertTrue(e.getMessage().contains("PsdFunctions.sqrtPsd") && e.getMessage().contains("2×2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PsdFunctions.spectralNorm(new double[3], 2, 2));
        assertTrue(e.getMessage().contains("PsdFunctions.spectralNorm"), e.getMessage());
    }
}
