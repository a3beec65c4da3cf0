package org.msense.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.core.linalg.LinalgTesting.EPS;
import static org.msense.core.linalg.LinalgTesting.compose;
import static org.msense.core.linalg.LinalgTesting.distance;
import static org.msense.core.linalg.LinalgTesting.gaussian;
import static org.msense.core.linalg.LinalgTesting.orthonormal;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tolerances, with m = max(rows, cols), p = min(rows, cols): reconstruction ‖A − UΣVᵀ‖_F ≤ 2·(√m + p)·ε·‖A‖_F
 * (backward error of the QR plus the Jacobi rotations; observed ≤ 0.5 of it), orthonormality
 * max|(UᵀU − I)_ij| ≤ 4·√m·ε per pair (the Jacobi stopping test is √p·ε per pair; observed ≤ 1.6·√m·ε), and
 * singular values within 2·(√m + p)·ε·‖A‖_F absolutely (Weyl), or relatively for well-scaled input as stated
 * in the class Javadoc.
 */
class SingularValueDecompositionTest {

    private static double tolerance(int rows, int cols) {
        return 2 * (Math.sqrt(Math.max(rows, cols)) + Math.min(rows, cols)) * EPS;
    }

    private static double maxOrthogonalityError(double[] q, int rows, int cols) {
        double[] g = Matrices.multiplyTransA(q, rows, cols, q, cols);
        return Matrices.maxAbsDifference(g, Matrices.identity(cols));
    }

    /** Shapes, ordering, reconstruction and orthonormality of an SVD of a. */
    private static void assertSvd(double[] a, int rows, int cols, SingularValueDecomposition.SvdResult svd) {
        int p = Math.min(rows, cols);
        assertEquals(rows, svd.rows());
        assertEquals(cols, svd.cols());
        assertEquals(p, svd.values().length);
        assertEquals(rows * p, svd.u().length);
        assertEquals(cols * p, svd.v().length);
        double[] s = svd.values();
        for (int i = 0; i < p; i++) {
            assertTrue(s[i] >= 0, "σ_" + i + " = " + s[i]);
            if (i > 0) {
                assertTrue(s[i - 1] >= s[i], "not descending at " + i);
            }
        }
        double residual = distance(a, compose(svd.u(), rows, s, svd.v(), cols));
        double normA = Matrices.frobeniusNorm(a);
        assertTrue(residual <= tolerance(rows, cols) * normA, "‖A − UΣVᵀ‖_F = " + residual + ", ‖A‖_F = " + normA);
        double perPair = 4 * Math.sqrt(Math.max(rows, cols)) * EPS;
        assertTrue(maxOrthogonalityError(svd.u(), rows, p) <= perPair,
                "U: max|UᵀU − I| = " + maxOrthogonalityError(svd.u(), rows, p));
        assertTrue(maxOrthogonalityError(svd.v(), cols, p) <= perPair,
                "V: max|VᵀV − I| = " + maxOrthogonalityError(svd.v(), cols, p));
    }

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"1, 1", "1, 6", "6, 1", "7, 5", "5, 7", "40, 40", "120, 45", "45, 120", "200, 200"})
    void gaussianMatrices(int rows, int cols) {
        var rng = new SplittableRandom(rows * 1000L + cols);
        double[] a = gaussian(rng, rows, cols);
        double[] copy = a.clone();
        var svd = SingularValueDecomposition.of(a, rows, cols);
        assertArrayEquals(copy, a, "input modified");
        assertSvd(a, rows, cols, svd);
        // values() performs the same rotations without accumulating them.
        assertArrayEquals(svd.values(), SingularValueDecomposition.values(a, rows, cols));
    }

    @Test
    void knownSingularValuesToAbsoluteAccuracy() {
        // Generic singular vectors: only the absolute (normwise) guarantee applies.
        var rng = new SplittableRandom(31);
        int rows = 50;
        int cols = 20;
        double[] s = geometric(cols, 1e-12);
        double[] a = compose(orthonormal(rng, rows, cols), rows, s, orthonormal(rng, cols, cols), cols);
        var svd = SingularValueDecomposition.of(a, rows, cols);
        assertSvd(a, rows, cols, svd);
        assertArrayEquals(s, svd.values(), tolerance(rows, cols) * s[0]);
    }

    @Test
    void smallSingularValuesOfWellScaledColumnsToRelativeAccuracy() {
        // A = U·diag(s)·Vᵀ with s from 1 to 1e-12 and V a product of plane rotations whose angle between
        // coordinates j < k is s_k/(2 s_j): then |s_k·V_jk| ≲ s_j, column j of A has size ≈ s_j, and
        // A = B·D with D the column norms and B well conditioned. One-sided Jacobi must then deliver every σ
        // to relative accuracy ≈ (√m + p)·ε·κ(B), however small.
        var rng = new SplittableRandom(32);
        int rows = 15;
        int cols = 10;
        double[] s = geometric(cols, 1e-12);
        double[] v = Matrices.identity(cols);
        for (int j = 0; j < cols; j++) {
            for (int k = j + 1; k < cols; k++) {
                double theta = 0.5 * s[k] / s[j];
                double c = Math.cos(theta);
                double sn = Math.sin(theta);
                for (int i = 0; i < cols; i++) {
                    double xj = v[i * cols + j];
                    double xk = v[i * cols + k];
                    v[i * cols + j] = c * xj - sn * xk;
                    v[i * cols + k] = sn * xj + c * xk;
                }
            }
        }
        double[] a = compose(orthonormal(rng, rows, cols), rows, s, v, cols);
        double[] b = a.clone();
        for (int j = 0; j < cols; j++) {
            double norm = Matrices.frobeniusNorm(LinalgTesting.column(a, rows, cols, j));
            for (int i = 0; i < rows; i++) {
                b[i * cols + j] /= norm;
            }
        }
        double[] sigmaB = SingularValueDecomposition.values(b, rows, cols);
        double kappaB = sigmaB[0] / sigmaB[cols - 1];
        double relative = 4 * tolerance(rows, cols) * kappaB;
        // κ(A) = 1e12 but κ(B) is small, so the promised relative accuracy is far better than 1e-10.
        assertTrue(relative <= 1e-10, "construction not well-scaled: κ(B) = " + kappaB);

        double[] sigma = SingularValueDecomposition.values(a, rows, cols);
        for (int i = 0; i < cols; i++) {
            assertEquals(s[i], sigma[i], relative * s[i], "σ_" + i);
        }
        assertSvd(a, rows, cols, SingularValueDecomposition.of(a, rows, cols));

        // The test discriminates: singular values from the eigenvalues of AᵀA (accurate only to ε·‖A‖²) miss
        // the smallest one by orders of magnitude more than the tolerance.
        double[] gram = SymmetricEigen.values(Matrices.multiplyTransA(a, rows, cols, a, cols), cols);
        double viaGram = Math.sqrt(Math.max(0, gram[cols - 1]));
        assertTrue(Math.abs(viaGram - s[cols - 1]) > 1e3 * relative * s[cols - 1],
                "σ_min via the Gram matrix: " + viaGram + " vs " + s[cols - 1]);
    }

    @Test
    void rankDeficientMatrix() {
        var rng = new SplittableRandom(33);
        int rows = 30;
        int cols = 20;
        int rank = 4;
        double[] b = gaussian(rng, rows, rank);
        double[] c = gaussian(rng, cols, rank);
        double[] a = Matrices.multiplyTransB(b, rows, rank, c, cols);
        var svd = SingularValueDecomposition.of(a, rows, cols);
        assertSvd(a, rows, cols, svd);
        // σ(B·Cᵀ) = σ(R_B·R_Cᵀ) for the QR factors B = Q_B R_B, C = Q_C R_C.
        double[] core = Matrices.multiplyTransB(HouseholderQr.thin(b, rows, rank).r(), rank, rank,
                HouseholderQr.thin(c, cols, rank).r(), rank);
        double[] expected = SingularValueDecomposition.values(core, rank, rank);
        double tol = tolerance(rows, cols) * Matrices.frobeniusNorm(a);
        for (int i = 0; i < cols; i++) {
            if (i < rank) {
                assertEquals(expected[i], svd.values()[i], tol, "σ_" + i);
                assertTrue(svd.values()[i] > tol, "σ_" + i + " = " + svd.values()[i]);
            } else {
                assertTrue(svd.values()[i] <= tol, "σ_" + i + " = " + svd.values()[i]);
            }
        }
    }

    @Test
    void largeLowRankMatrixWithKnownFactors() {
        var rng = new SplittableRandom(34);
        int rows = 600;
        int cols = 400;
        double[] s = {10, 4, 2.5, 1, 0.1};
        double[] left = orthonormal(rng, rows, s.length);
        double[] right = orthonormal(rng, cols, s.length);
        double[] a = compose(left, rows, s, right, cols);
        var svd = SingularValueDecomposition.of(a, rows, cols);
        assertSvd(a, rows, cols, svd);
        double tol = tolerance(rows, cols) * s[0];
        for (int i = 0; i < cols; i++) {
            assertEquals(i < s.length ? s[i] : 0, svd.values()[i], tol, "σ_" + i);
        }
        // Leading singular vectors match the factors up to sign; by Wedin's theorem their errors are at most
        // about √2·(backward error)/gap, and the smallest gap (to the zero singular values) is 0.1.
        double gapTol = 2 * tol / 0.1;
        for (int j = 0; j < s.length; j++) {
            assertParallel(LinalgTesting.column(left, rows, s.length, j),
                    LinalgTesting.column(svd.u(), rows, cols, j), gapTol);
            assertParallel(LinalgTesting.column(right, cols, s.length, j),
                    LinalgTesting.column(svd.v(), cols, cols, j), gapTol);
        }
    }

    @Test
    void transposeSwapsTheFactors() {
        var rng = new SplittableRandom(35);
        int rows = 23;
        int cols = 9;
        double[] a = gaussian(rng, rows, cols);
        var tall = SingularValueDecomposition.of(a, rows, cols);
        var wide = SingularValueDecomposition.of(Matrices.transpose(a, rows, cols), cols, rows);
        assertSvd(Matrices.transpose(a, rows, cols), cols, rows, wide);
        double tol = tolerance(rows, cols) * Matrices.frobeniusNorm(a);
        assertArrayEquals(tall.values(), wide.values(), tol);
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 1; i < cols; i++) {
            gap = Math.min(gap, tall.values()[i - 1] - tall.values()[i]);
        }
        for (int j = 0; j < cols; j++) {
            assertParallel(LinalgTesting.column(tall.u(), rows, cols, j),
                    LinalgTesting.column(wide.v(), rows, cols, j), 2 * tol / gap);
            assertParallel(LinalgTesting.column(tall.v(), cols, cols, j),
                    LinalgTesting.column(wide.u(), cols, cols, j), 2 * tol / gap);
        }
    }

    @Test
    void singleRowAndSingleColumn() {
        double[] a = {3, 0, -4};
        var row = SingularValueDecomposition.of(a, 1, 3);
        assertEquals(5, row.values()[0], 2 * EPS * 5);
        assertEquals(1, Math.abs(row.u()[0]), 2 * EPS);
        double sign = row.u()[0];
        assertArrayEquals(new double[] {0.6 * sign, 0, -0.8 * sign}, row.v(), 2 * EPS);
        var col = SingularValueDecomposition.of(a, 3, 1);
        assertEquals(5, col.values()[0], 2 * EPS * 5);
        assertArrayEquals(new double[] {0.6 * col.v()[0], 0, -0.8 * col.v()[0]}, col.u(), 2 * EPS);
    }

    @Test
    void zeroMatrixHasOrthonormalSingularVectors() {
        var svd = SingularValueDecomposition.of(new double[8 * 5], 8, 5);
        assertArrayEquals(new double[5], svd.values());
        assertSvd(new double[8 * 5], 8, 5, svd);
        var empty = SingularValueDecomposition.of(new double[0], 0, 4);
        assertEquals(0, empty.values().length);
        assertEquals(0, empty.v().length);
    }

    @Test
    void powerOfTwoScalingIsExact() {
        // The input is rescaled by a power of two before the iteration, so the whole computation, and hence
        // every singular value, scales exactly — far beyond the range where squares would overflow.
        var rng = new SplittableRandom(36);
        double[] a = gaussian(rng, 12, 8);
        double[] reference = SingularValueDecomposition.values(a, 12, 8);
        for (int e : new int[] {-600, 600}) {
            double[] scaled = SingularValueDecomposition.values(Matrices.scale(a, Math.scalb(1.0, e)), 12, 8);
            for (int i = 0; i < 8; i++) {
                assertEquals(Math.scalb(reference[i], e), scaled[i], "σ_" + i + " at 2^" + e);
            }
        }
    }

    @Test
    void resultDoesNotDependOnTheNumberOfThreads() throws Exception {
        var rng = new SplittableRandom(37);
        int rows = 300;
        int cols = 200;
        double[] a = gaussian(rng, rows, cols);
        SingularValueDecomposition.SvdResult one;
        SingularValueDecomposition.SvdResult three;
        ForkJoinPool single = new ForkJoinPool(1);
        ForkJoinPool several = new ForkJoinPool(3);
        try {
            one = single.submit(() -> SingularValueDecomposition.of(a, rows, cols)).get();
            three = several.submit(() -> SingularValueDecomposition.of(a, rows, cols)).get();
        } finally {
            single.shutdown();
            several.shutdown();
        }
        assertArrayEquals(one.values(), three.values());
        assertArrayEquals(one.u(), three.u());
        assertArrayEquals(one.v(), three.v());
    }

    @Test
    void nonFiniteInputGivesNaN() {
        var svd = SingularValueDecomposition.of(new double[] {1, Double.NaN, 0, 2}, 2, 2);
        assertTrue(Double.isNaN(svd.values()[0]) && Double.isNaN(svd.u()[0]) && Double.isNaN(svd.v()[3]));
        assertTrue(Double.isNaN(SingularValueDecomposition.values(new double[] {Double.NEGATIVE_INFINITY}, 1, 1)[0]));
    }

    @Test
    void rejectsMisshapenInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> SingularValueDecomposition.of(new double[7], 2, 4));
        assertTrue(e.getMessage().contains("SingularValueDecomposition.of") && e.getMessage().contains("2×4"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SingularValueDecomposition.values(new double[7], 4, 2));
        assertTrue(e.getMessage().contains("SingularValueDecomposition.values") && e.getMessage().contains("4×2"),
                e.getMessage());
    }

    /** n values from 1 down to smallest, geometrically spaced. */
    private static double[] geometric(int n, double smallest) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.pow(smallest, (double) i / (n - 1));
        }
        return s;
    }

    /** x and y are unit vectors equal up to sign within tol. */
    private static void assertParallel(double[] x, double[] y, double tol) {
        double dot = 0;
        for (int i = 0; i < x.length; i++) {
            dot += x[i] * y[i];
        }
        double sign = Math.signum(dot);
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            double e = x[i] - sign * y[i];
            d += e * e;
        }
        assertTrue(Math.sqrt(d) <= tol, "vectors differ by " + Math.sqrt(d) + " (tolerance " + tol + ")");
    }
}
