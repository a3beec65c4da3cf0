package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tall-skinny products against EJML for shapes with m not a multiple of the 4-row block or of the worker
 * split and n not a multiple of the vector length. Both sum the same n (or m) products in different
 * orders; with Gaussian data the difference is O(√len·u) relative to √len·max|entry|, held to 1e-13·len.
 */
class TallProductsTest {

    private static DMatrixRMaj gaussian(int r, int c, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextGaussian();
        }
        return m;
    }

    @ParameterizedTest
    @CsvSource({"1001, 37, 10", "8, 5, 1", "3, 9, 4", "4099, 64, 20", "130, 1, 3"})
    void matchEjml(int m, int n, int w) {
        Random rnd = new Random(m + n + w);
        DMatrixRMaj a = gaussian(m, n, rnd);
        DMatrixRMaj x = gaussian(n, w, rnd);
        DMatrixRMaj s = gaussian(m, w, rnd);
        DMatrixRMaj c = new DMatrixRMaj(1, 1);
        DMatrixRMaj g = new DMatrixRMaj(1, 1);
        try (ParallelLoops loops = new ParallelLoops(2)) {
            TallProducts t = new TallProducts(loops);
            t.times(a, x, c);
            t.transposeTimes(a, s, g);
        }
        DMatrixRMaj c0 = new DMatrixRMaj(m, w);
        CommonOps_DDRM.mult(a, x, c0);
        DMatrixRMaj g0 = new DMatrixRMaj(n, w);
        CommonOps_DDRM.multTransA(a, s, g0);
        for (int i = 0; i < c0.data.length; i++) {
            assertEquals(c0.data[i], c.data[i], 1e-13 * n * Math.sqrt(n), "A X entry " + i);
        }
        for (int i = 0; i < g0.data.length; i++) {
            assertEquals(g0.data[i], g.data[i], 1e-13 * m * Math.sqrt(m), "Aᵀ S entry " + i);
        }
    }
}
