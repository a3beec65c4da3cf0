package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;

/**
 * The regenerated Gaussian operator against the dense one: the rows are bitwise the entries the dense
 * operator stores (same stream, same scale), and residual/adjoint agree with the EJML products on the
 * dense matrix. Both compute the same length-n dot products and length-m sums in different orders, so
 * with Gaussian data they differ by O(√n·u) relative (γ_n ≤ 1e-13 for n ≤ 600); the tests hold 1e-12.
 */
class ImplicitGaussianTest {

    private static double[] gaussian(int n, Random r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @CsvSource({"257, 7, 9, 1", "131, 5, 5, 3", "600, 30, 20, 4", "6, 3, 1, 2", "1000, 4, 4, 5"})
    void equalsTheStoredGaussianOperator(int m, int n1, int n2, int batch) {
        int n = n1 * n2;
        long seed = 20261205L;
        DMatrixRMaj dense = new DMatrixRMaj(m, n);
        new GaussianStream(seed, StreamPurpose.SENSING, 0).fill(0, 1.0 / Math.sqrt(m), dense.data, 0, m * n);
        Random rnd = new Random(m + n);
        DMatrixRMaj[] x = new DMatrixRMaj[batch];
        DMatrixRMaj[] y = new DMatrixRMaj[batch];
        DMatrixRMaj[] res = new DMatrixRMaj[batch];
        DMatrixRMaj[] e = new DMatrixRMaj[batch];
        double[][] xs = new double[batch][];
        double[][] ys = new double[batch][];
        for (int b = 0; b < batch; b++) {
            xs[b] = gaussian(n, rnd);
            ys[b] = gaussian(m, rnd);
            x[b] = DMatrixRMaj.wrap(n1, n2, xs[b]);
            y[b] = DMatrixRMaj.wrap(m, 1, ys[b]);
            res[b] = new DMatrixRMaj(m, 1);
            e[b] = new DMatrixRMaj(n1, n2);
        }
        SensingKernels.residual(dense, x, y, res);
        SensingKernels.adjoint(dense, res, e);
        double[][] gotRes = new double[batch][m];
        double[][] gotE = new double[batch][n];
        double[][] fwd = new double[batch][m];
        double[][] adj = new double[batch][n];
        try (ParallelLoops loops = new ParallelLoops(2)) {
            ImplicitGaussian op = new ImplicitGaussian(loops, seed, m, n);
            double[] row = new double[n];
            for (int i = 0; i < m; i += Math.max(1, m / 7)) {
                op.row(i, row, 0);
                assertArrayEquals(java.util.Arrays.copyOfRange(dense.data, i * n, i * n + n), row, 0.0, "row " + i + " bitwise");
            }
            op.residualAndAdjoint(xs, ys, gotRes, gotE);
            op.forward(xs, ys, fwd);
            op.adjoint(gotRes, adj);
        }
        for (int b = 0; b < batch; b++) {
            double rn = Math.sqrt(dot(res[b].data, res[b].data));
            double en = Math.sqrt(dot(e[b].data, e[b].data));
            for (int i = 0; i < m; i++) {
                assertEquals(res[b].data[i], gotRes[b][i], 1e-12 * rn, "fused residual " + i);
                assertEquals(res[b].data[i], fwd[b][i], 1e-12 * rn, "forward " + i);
            }
            for (int j = 0; j < n; j++) {
                assertEquals(e[b].data[j], gotE[b][j], 1e-12 * en, "fused adjoint " + j);
                assertEquals(e[b].data[j], adj[b][j], 1e-12 * en, "adjoint " + j);
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
