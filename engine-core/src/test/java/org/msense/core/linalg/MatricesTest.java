package org.msense.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.core.linalg.LinalgTesting.EPS;
import static org.msense.core.linalg.LinalgTesting.gaussian;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MatricesTest {

    @Test
    void multiplyMatchesTheDefinitionWithinTheComponentwiseBound() {
        var rng = new SplittableRandom(11);
        int n = 7;
        int k = 13;
        int m = 5;
        double[] a = gaussian(rng, n, k);
        double[] b = gaussian(rng, k, m);
        double[] c = Matrices.multiply(a, n, k, b, m);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                // Reference summed in reverse order; both are within γ_k·(|A||B|)_ij of the exact value.
                double ref = 0;
                double abs = 0;
                for (int q = k - 1; q >= 0; q--) {
                    ref += a[i * k + q] * b[q * m + j];
                    abs += Math.abs(a[i * k + q] * b[q * m + j]);
                }
                assertEquals(ref, c[i * m + j], 2 * k * EPS * abs, "entry " + i + "," + j);
            }
        }
    }

    @Test
    void smallProductIsExact() {
        double[] a = {1, 2, 3, 4, 5, 6}; // 2×3
        double[] b = {7, 8, 9, 10, 11, 12}; // 3×2
        assertArrayEquals(new double[] {58, 64, 139, 154}, Matrices.multiply(a, 2, 3, b, 2));
        assertArrayEquals(new double[] {58, 64, 139, 154},
                Matrices.multiplyTransB(a, 2, 3, Matrices.transpose(b, 3, 2), 2));
        assertArrayEquals(new double[] {58, 64, 139, 154},
                Matrices.multiplyTransA(Matrices.transpose(a, 2, 3), 3, 2, b, 2));
    }

    @Test
    void transposedProductsAccumulateInTheSameOrderAsMultiply() {
        // Each entry is summed over k in increasing order in all three routines, so the results agree bitwise.
        var rng = new SplittableRandom(12);
        double[] a = gaussian(rng, 9, 6);
        double[] b = gaussian(rng, 9, 4);
        assertArrayEquals(Matrices.multiply(Matrices.transpose(a, 9, 6), 6, 9, b, 4),
                Matrices.multiplyTransA(a, 9, 6, b, 4));
        double[] c = gaussian(rng, 5, 6);
        assertArrayEquals(Matrices.multiply(a, 9, 6, Matrices.transpose(c, 5, 6), 5),
                Matrices.multiplyTransB(a, 9, 6, c, 5));
    }

    @Test
    void transposeMovesEveryEntry() {
        double[] a = {1, 2, 3, 4, 5, 6}; // 2×3
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, Matrices.transpose(a, 2, 3));
        var rng = new SplittableRandom(13);
        double[] g = gaussian(rng, 4, 7);
        assertArrayEquals(g, Matrices.transpose(Matrices.transpose(g, 4, 7), 7, 4));
    }

    @Test
    void identityDiagAndTrace() {
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Matrices.identity(3));
        assertArrayEquals(new double[] {2, 0, 0, -3}, Matrices.diag(new double[] {2, -3}));
        assertEquals(0, Matrices.identity(0).length);
        assertEquals(7.5, Matrices.trace(new double[] {1, 9, 9, 6.5}, 2));
    }

    @Test
    void traceOfProductEqualsTraceOfTheFormedProduct() {
        var rng = new SplittableRandom(14);
        int n = 17;
        double[] a = gaussian(rng, n, n);
        double[] b = gaussian(rng, n, n);
        double direct = Matrices.trace(Matrices.multiply(a, n, n, b, n), n);
        double bound = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                bound += Math.abs(a[i * n + j] * b[j * n + i]);
            }
        }
        // Both are sums of the same n² products in different orders: each within n²·ε·Σ|a_ij b_ji| of exact.
        assertEquals(direct, Matrices.traceOfProduct(a, b, n), 2 * n * n * EPS * bound);
        assertEquals(1 * 5 + 2 * 7 + 3 * 6 + 4 * 8,
                Matrices.traceOfProduct(new double[] {1, 2, 3, 4}, new double[] {5, 6, 7, 8}, 2));
    }

    @Test
    void frobeniusNormIsAccurateAcrossTheExponentRange() {
        assertEquals(5, Matrices.frobeniusNorm(new double[] {3, 4}));
        assertEquals(0, Matrices.frobeniusNorm(new double[0]));
        assertEquals(0, Matrices.frobeniusNorm(new double[] {0, -0.0}));
        for (double scale : new double[] {0x1p-1060, 0x1p-700, 0x1p+700, 0x1p+1000}) {
            double norm = Matrices.frobeniusNorm(new double[] {3 * scale, 4 * scale});
            assertEquals(5 * scale, norm, 2 * Math.ulp(5 * scale), "scale " + scale);
        }
        assertTrue(Double.isNaN(Matrices.frobeniusNorm(new double[] {1, Double.NaN})));
        assertEquals(Double.POSITIVE_INFINITY, Matrices.frobeniusNorm(new double[] {1, Double.NEGATIVE_INFINITY}));
    }

    @Test
    void elementwiseOperations() {
        double[] a = {1, -2, 3.5};
        double[] b = {0.5, 2, 3.5};
        assertArrayEquals(new double[] {0.5, -4, 0}, Matrices.subtract(a, b));
        assertArrayEquals(new double[] {-2, 4, -7}, Matrices.scale(a, -2));
        assertEquals(4, Matrices.maxAbsDifference(a, b));
        assertEquals(0, Matrices.maxAbsDifference(new double[0], new double[0]));
        assertTrue(Double.isNaN(Matrices.maxAbsDifference(new double[] {Double.NaN, 1}, new double[] {0, 5})));
    }

    @Test
    void inputsAreNotModified() {
        var rng = new SplittableRandom(15);
        double[] a = gaussian(rng, 4, 4);
        double[] b = gaussian(rng, 4, 4);
        double[] a0 = a.clone();
        double[] b0 = b.clone();
        Matrices.multiply(a, 4, 4, b, 4);
        Matrices.multiplyTransA(a, 4, 4, b, 4);
        Matrices.multiplyTransB(a, 4, 4, b, 4);
        Matrices.transpose(a, 4, 4);
        Matrices.traceOfProduct(a, b, 4);
        Matrices.subtract(a, b);
        Matrices.scale(a, 3);
        assertArrayEquals(a0, a);
        assertArrayEquals(b0, b);
    }

    @Test
    void mismatchedShapesNameTheRoutineAndShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Matrices.multiply(new double[6], 2, 3, new double[6], 3));
        assertTrue(e.getMessage().contains("multiply") && e.getMessage().contains("3×3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Matrices.multiplyTransA(new double[6], 2, 3, new double[6], 2));
        assertTrue(e.getMessage().contains("multiplyTransA") && e.getMessage().contains("2×2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Matrices.multiplyTransB(new double[6], 2, 3, new double[4], 2));
        assertTrue(e.getMessage().contains("multiplyTransB") && e.getMessage().contains("2×3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Matrices.trace(new double[5], 2));
        assertTrue(e.getMessage().contains("trace") && e.getMessage().contains("2×2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Matrices.subtract(new double[2], new double[3]));
        assertTrue(e.getMessage().contains("subtract"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Matrices.transpose(new double[4], -2, -2));
        assertThrows(IllegalArgumentException.class, () -> Matrices.identity(-1));
    }
}
