package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rank-one operator's factored residual and gradients against its dense matrix: row i of 𝒜 is
 * vec(a_i b_iᵀ)/√m, so res = 𝒜 vec(V Wᵀ) − y, E = 𝒜*(res) (n1 × n2), ∇V = E W, ∇W = Eᵀ V, all with EJML.
 * The two paths sum the same products in different orders: with Gaussian data the differences are
 * O(√(n1·n2)·u) relative to the norms; the tests hold 1e-12 relative to ‖res‖ and ‖∇‖.
 */
class RankOneProductsTest {

    private static DMatrixRMaj gaussian(int r, int c, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextGaussian();
        }
        return m;
    }

    @ParameterizedTest
    @CsvSource({"200, 9, 7, 3, 1", "333, 12, 16, 5, 3", "50, 4, 30, 2, 4", "9, 3, 2, 1, 2"})
    void matchesTheDenseOperator(int m, int n1, int n2, int k, int batch) {
        Random rnd = new Random(m * 31 + n1);
        DMatrixRMaj[] v = new DMatrixRMaj[batch];
        DMatrixRMaj[] w = new DMatrixRMaj[batch];
        double[][] y = new double[batch][];
        for (int b = 0; b < batch; b++) {
            v[b] = gaussian(n1, k, rnd);
            w[b] = gaussian(n2, k, rnd);
            y[b] = gaussian(m, 1, rnd).data;
        }
        double[][] res = new double[batch][m];
        DMatrixRMaj[] gv = new DMatrixRMaj[batch];
        DMatrixRMaj[] gw = new DMatrixRMaj[batch];
        for (int b = 0; b < batch; b++) {
            gv[b] = new DMatrixRMaj(n1, k);
            gw[b] = new DMatrixRMaj(n2, k);
        }
        DMatrixRMaj a;
        DMatrixRMaj bm;
        try (ParallelLoops loops = new ParallelLoops(2)) {
            RankOneProducts op = RankOneProducts.generate(loops, 77, m, n1, n2);
            a = op.left();
            bm = op.right();
            op.residual(v, w, y, res);
            op.gradients(res, v, w, gv, gw);
        }
        DMatrixRMaj dense = new DMatrixRMaj(m, n1 * n2);
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < n1; r++) {
                for (int c = 0; c < n2; c++) {
                    dense.data[i * n1 * n2 + r * n2 + c] = a.get(i, r) * bm.get(i, c) / Math.sqrt(m);
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            DMatrixRMaj x = new DMatrixRMaj(n1, n2);
            CommonOps_DDRM.multTransB(v[b], w[b], x);
            DMatrixRMaj xv = DMatrixRMaj.wrap(n1 * n2, 1, x.data);
            DMatrixRMaj r = new DMatrixRMaj(m, 1);
            CommonOps_DDRM.mult(dense, xv, r);
            for (int i = 0; i < m; i++) {
                r.data[i] -= y[b][i];
            }
            double rn = CommonOps_DDRM.elementMaxAbs(r) * Math.sqrt(m);
            for (int i = 0; i < m; i++) {
                assertEquals(r.data[i], res[b][i], 1e-12 * rn, "residual " + i + " of trajectory " + b);
            }
            DMatrixRMaj e = new DMatrixRMaj(n1 * n2, 1);
            CommonOps_DDRM.multTransA(dense, r, e);
            e.reshape(n1, n2);
            DMatrixRMaj ev = new DMatrixRMaj(n1, k);
            CommonOps_DDRM.mult(e, w[b], ev);
            DMatrixRMaj ew = new DMatrixRMaj(n2, k);
            CommonOps_DDRM.multTransA(e, v[b], ew);
            double sv = CommonOps_DDRM.elementMaxAbs(ev) * Math.sqrt(ev.data.length);
            double sw = CommonOps_DDRM.elementMaxAbs(ew) * Math.sqrt(ew.data.length);
            for (int j = 0; j < ev.data.length; j++) {
                assertEquals(ev.data[j], gv[b].data[j], 1e-12 * sv, "∇V entry " + j);
            }
            for (int j = 0; j < ew.data.length; j++) {
                assertEquals(ew.data[j], gw[b].data[j], 1e-12 * sw, "∇W entry " + j);
            }
        }
    }

    /** The gradients must follow the factors they are given, not the ones the last residual used. */
    @Test
    void gradientsRecomputeTheProductsForNewFactors() {
        Random rnd = new Random(5);
        int m = 120;
        DMatrixRMaj[] v = {gaussian(6, 2, rnd)};
        DMatrixRMaj[] w = {gaussian(8, 2, rnd)};
        DMatrixRMaj[] v2 = {gaussian(6, 2, rnd)};
        double[][] y = {gaussian(m, 1, rnd).data};
        double[][] res = new double[1][m];
        DMatrixRMaj[] g1 = {new DMatrixRMaj(6, 2)};
        DMatrixRMaj[] h1 = {new DMatrixRMaj(8, 2)};
        DMatrixRMaj[] g2 = {new DMatrixRMaj(6, 2)};
        DMatrixRMaj[] h2 = {new DMatrixRMaj(8, 2)};
        try (ParallelLoops loops = new ParallelLoops(1)) {
            RankOneProducts op = RankOneProducts.generate(loops, 3, m, 6, 8);
            op.residual(v, w, y, res);
            op.gradients(res, v2, w, g1, h1);
            RankOneProducts fresh = RankOneProducts.generate(loops, 3, m, 6, 8);
            fresh.gradients(res, v2, w, g2, h2);
        }
        for (int j = 0; j < 12; j++) {
            assertEquals(g2[0].data[j], g1[0].data[j], 0.0);
        }
        for (int j = 0; j < 16; j++) {
            assertEquals(h2[0].data[j], h1[0].data[j], 0.0);
        }
    }

    @Test
    void rejectsFactorsOfTheWrongShape() {
        try (ParallelLoops loops = new ParallelLoops(1)) {
            RankOneProducts op = RankOneProducts.generate(loops, 3, 10, 6, 8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.residual(
                    new DMatrixRMaj[] {new DMatrixRMaj(5, 2)}, new DMatrixRMaj[] {new DMatrixRMaj(8, 2)}, null,
                    new double[1][10]));
            assertEquals(true, e.getMessage().contains("n1×k = 6×2"), e.getMessage());
        }
    }
}
