package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * X = V Wᵀ, ∇V = E W and ∇W = Eᵀ V against EJML. Sums of length k, n2 and n1 in another order: with
 * Gaussian data the difference is O(√len·u) relative to √len·max|entry|; held to 1e-13·len^1.5.
 */
class FactorProductsTest {

    private static DMatrixRMaj gaussian(int r, int c, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextGaussian();
        }
        return m;
    }

    @ParameterizedTest
    @CsvSource({"33, 17, 5", "64, 64, 20", "7, 300, 3", "129, 2, 1"})
    void matchEjml(int n1, int n2, int k) {
        Random rnd = new Random(n1 * 7 + n2);
        DMatrixRMaj v = gaussian(n1, k, rnd);
        DMatrixRMaj w = gaussian(n2, k, rnd);
        DMatrixRMaj e = gaussian(n1, n2, rnd);
        double[] x = new double[n1 * n2];
        DMatrixRMaj gv = new DMatrixRMaj(n1, k);
        DMatrixRMaj gw = new DMatrixRMaj(n2, k);
        try (ParallelLoops loops = new ParallelLoops(2)) {
            FactorProducts p = new FactorProducts(loops);
            p.compose(v, w, x);
            p.gradients(e.data, v, w, gv, gw);
        }
        DMatrixRMaj x0 = new DMatrixRMaj(n1, n2);
        CommonOps_DDRM.multTransB(v, w, x0);
        DMatrixRMaj gv0 = new DMatrixRMaj(n1, k);
        CommonOps_DDRM.mult(e, w, gv0);
        DMatrixRMaj gw0 = new DMatrixRMaj(n2, k);
        CommonOps_DDRM.multTransA(e, v, gw0);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x0.data[i], x[i], 1e-13 * k * Math.sqrt(k), "X entry " + i);
        }
        for (int i = 0; i < gv0.data.length; i++) {
            assertEquals(gv0.data[i], gv.data[i], 1e-13 * n2 * Math.sqrt(n2), "∇V entry " + i);
        }
        for (int i = 0; i < gw0.data.length; i++) {
            assertEquals(gw0.data[i], gw.data[i], 1e-13 * n1 * Math.sqrt(n1), "∇W entry " + i);
        }
    }
}
