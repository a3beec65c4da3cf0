package org.msense.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.core.linalg.LinalgTesting.EPS;
import static org.msense.core.linalg.LinalgTesting.distance;
import static org.msense.core.linalg.LinalgTesting.gaussian;
import static org.msense.core.linalg.LinalgTesting.orthogonalityError;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tolerances follow the backward-error statement of the Javadoc: residual ‖SV − VΛ‖_F and eigenvalue errors
 * within 2·n·ε·‖S‖_F, orthogonality ‖VᵀV − I‖_F within 4·n·ε (observed: up to 0.4·n·ε·‖S‖_F and 1.9·n·ε
 * for n ≤ 300).
 */
class SymmetricEigenTest {

    private static double[] symmetricGaussian(SplittableRandom rng, int n) {
        double[] g = gaussian(rng, n, n);
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = g[i * n + j] + g[j * n + i];
            }
        }
        return s;
    }

    /** Residual, orthogonality and ordering of a decomposition of the symmetric s. */
    private static void assertDecomposition(double[] s, int n, SymmetricEigen.EigenResult e) {
        assertEquals(n, e.n());
        double[] v = e.vectors();
        double[] lambda = e.values();
        for (int j = 1; j < n; j++) {
            assertTrue(lambda[j - 1] >= lambda[j], "not descending at " + j);
        }
        double normS = Matrices.frobeniusNorm(s);
        double[] sv = Matrices.multiply(s, n, n, v, n);
        double[] vl = Matrices.multiply(v, n, n, Matrices.diag(lambda), n);
        double residual = distance(sv, vl);
        assertTrue(residual <= 2 * n * EPS * normS, "‖SV − VΛ‖_F = " + residual + ", ‖S‖_F = " + normS);
        double orth = orthogonalityError(v, n, n);
        assertTrue(orth <= 4 * n * EPS, "‖VᵀV − I‖_F = " + orth);
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 2, 3, 10, 57, 200})
    void randomSymmetricMatrices(int n) {
        var rng = new SplittableRandom(500 + n);
        double[] s = symmetricGaussian(rng, n);
        double[] copy = s.clone();
        var e = SymmetricEigen.of(s, n);
        assertArrayEquals(copy, s, "input modified");
        assertDecomposition(s, n, e);
        // values() runs the same rotations without the vectors: identical eigenvalues.
        assertArrayEquals(e.values(), SymmetricEigen.values(s, n));
        // The trace is invariant: by Hoffman–Wielandt Σ|λ̂_i − λ_i| ≤ √n·‖E‖_F for the backward error E.
        double sum = 0;
        for (double l : e.values()) {
            sum += l;
        }
        assertEquals(Matrices.trace(s, n), sum, 2 * n * EPS * Matrices.frobeniusNorm(s) * Math.sqrt(n));
    }

    @Test
    void knownSpectrumWithRepeatedEigenvalues() {
        var rng = new SplittableRandom(21);
        int n = 12;
        double[] lambda = {5, 5, 5, 2, 1e-3, 1e-3, 0, 0, -1, -1, -1, -4};
        double[] q = LinalgTesting.orthonormal(rng, n, n);
        double[] s = LinalgTesting.compose(q, n, lambda, q, n);
        var e = SymmetricEigen.of(s, n);
        assertDecomposition(s, n, e);
        assertArrayEquals(lambda, e.values(), 2 * n * EPS * Matrices.frobeniusNorm(s));
        // The eigenspace of 5 is the span of the first three columns of q: compare the projectors.
        double[] qa = new double[n * 3];
        double[] va = new double[n * 3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                qa[i * 3 + j] = q[i * n + j];
                va[i * 3 + j] = e.vectors()[i * n + j];
            }
        }
        double[] pq = Matrices.multiplyTransB(qa, n, 3, qa, n);
        double[] pv = Matrices.multiplyTransB(va, n, 3, va, n);
        // The gap to the rest of the spectrum is 3, so the subspace error is ≲ backward error / gap.
        double gap = 3;
        assertTrue(distance(pq, pv) <= 2 * n * EPS * Matrices.frobeniusNorm(s) / gap,
                "eigenspace of 5 off by " + distance(pq, pv));
    }

    @Test
    void twoByTwoClosedForm() {
        double a = 2.5;
        double b = -1.25;
        double c = 0.75;
        var e = SymmetricEigen.of(new double[] {a, b, b, c}, 2);
        double mean = (a + c) / 2;
        double radius = Math.hypot((a - c) / 2, b);
        double normS = Math.sqrt(a * a + 2 * b * b + c * c);
        assertEquals(mean + radius, e.values()[0], 4 * EPS * normS);
        assertEquals(mean - radius, e.values()[1], 4 * EPS * normS);
        // Eigenvector of λ: (b, λ − a) normalized, up to sign.
        for (int j = 0; j < 2; j++) {
            double l = e.values()[j];
            double norm = Math.hypot(b, l - a);
            double[] expected = {b / norm, (l - a) / norm};
            double[] got = e.vector(j);
            double sign = Math.signum(got[0] * expected[0] + got[1] * expected[1]);
            assertEquals(expected[0], sign * got[0], 8 * EPS);
            assertEquals(expected[1], sign * got[1], 8 * EPS);
        }
    }

    @Test
    void diagonalInputIsSortedWithoutRotations() {
        double[] s = Matrices.diag(new double[] {0.5, -3, 7, 0, 2});
        var e = SymmetricEigen.of(s, 5);
        assertArrayEquals(new double[] {7, 2, 0.5, 0, -3}, e.values());
        int[] source = {2, 4, 0, 3, 1};
        for (int j = 0; j < 5; j++) {
            double[] expected = new double[5];
            expected[source[j]] = 1;
            assertArrayEquals(expected, e.vector(j), "vector " + j);
        }
    }

    @Test
    void zeroMatrix() {
        var e = SymmetricEigen.of(new double[16], 4);
        assertArrayEquals(new double[4], e.values());
        assertArrayEquals(Matrices.identity(4), e.vectors());
        assertArrayEquals(new double[0], SymmetricEigen.values(new double[0], 0));
    }

    @Test
    void rankDeficientGramMatrix() {
        var rng = new SplittableRandom(22);
        int n = 10;
        int r = 3;
        double[] b = gaussian(rng, n, r);
        double[] g = Matrices.multiplyTransB(b, n, r, b, n); // B·Bᵀ, rank 3, PSD
        var e = SymmetricEigen.of(g, n);
        assertDecomposition(g, n, e);
        double tol = 2 * n * EPS * Matrices.frobeniusNorm(g);
        // The nonzero eigenvalues are the eigenvalues of BᵀB (3×3); the rest vanish to the backward error.
        double[] small = SymmetricEigen.values(Matrices.multiplyTransA(b, n, r, b, r), r);
        for (int j = 0; j < n; j++) {
            if (j < r) {
                assertTrue(e.values()[j] > tol, "λ_" + j + " = " + e.values()[j]);
                assertEquals(small[j], e.values()[j], tol, "λ_" + j);
            } else {
                assertTrue(Math.abs(e.values()[j]) <= tol, "λ_" + j + " = " + e.values()[j]);
            }
        }
    }

    @Test
    void symmetrizesNonsymmetricInput() {
        var rng = new SplittableRandom(23);
        int n = 8;
        double[] s = gaussian(rng, n, n);
        double[] sym = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sym[i * n + j] = 0.5 * s[i * n + j] + 0.5 * s[j * n + i];
            }
        }
        assertArrayEquals(SymmetricEigen.values(sym, n), SymmetricEigen.values(s, n));
        assertDecomposition(sym, n, SymmetricEigen.of(s, n));
    }

    @Test
    void extremeScalesNeitherOverflowNorUnderflow() {
        var rng = new SplittableRandom(24);
        int n = 9;
        double[] s = symmetricGaussian(rng, n);
        double[] reference = SymmetricEigen.values(s, n);
        double tol = 2 * n * EPS * Matrices.frobeniusNorm(s);
        for (double scale : new double[] {0x1p-1000, 0x1p+1000}) {
            double[] scaled = SymmetricEigen.values(Matrices.scale(s, scale), n);
            for (int j = 0; j < n; j++) {
                assertEquals(reference[j], scaled[j] / scale, tol, "scale " + scale + ", λ_" + j);
            }
        }
    }

    @Test
    void nonFiniteInputGivesNaN() {
        double[] s = {1, 2, 2, Double.NaN};
        var e = SymmetricEigen.of(s, 2);
        assertTrue(Double.isNaN(e.values()[0]) && Double.isNaN(e.values()[1]));
        assertTrue(Double.isNaN(e.vectors()[0]));
        assertTrue(Double.isNaN(SymmetricEigen.values(new double[] {Double.POSITIVE_INFINITY}, 1)[0]));
    }

    @Test
    void rejectsMisshapenInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[5], 2));
        assertTrue(e.getMessage().contains("SymmetricEigen.of") && e.getMessage().contains("2×2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.values(new double[5], 2));
        assertThrows(IndexOutOfBoundsException.class, () -> SymmetricEigen.of(new double[4], 2).vector(2));
    }
}
