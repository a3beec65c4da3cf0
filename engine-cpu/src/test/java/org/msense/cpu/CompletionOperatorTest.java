package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;

/**
 * The CPU completion operator against a dense host reference built from its entries (row i of 𝒜 has the single
 * nonzero s = √(n1·n2/m) at column j_i·n2 + l_i): residual, both gradients, ‖𝒜*(res)‖² and the dense adjoint, for a
 * batch of two trajectories; bit-identical results for one and two threads.
 */
class CompletionOperatorTest {
    private static final int N1 = 37;
    private static final int N2 = 29;
    private static final int K = 5;
    private static final int M = 300;
    private static final int B = 2;

    private static CpuEngine engine(int threads) {
        return (CpuEngine) new CpuBackend().open(EngineOptions.defaults().withThreads(threads));
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextGaussian();
        }
        return a;
    }

    private static MatrixBatch put(Engine e, double[] data, int count, int rows, int cols, Precision p) {
        MatrixBatch b = e.allocate(p, count, rows, cols);
        e.upload(data, b);
        return b;
    }

    /** res, gradV, gradW, ‖𝒜*res‖² of every item, computed by the operator on a fresh engine with the given threads. */
    private static double[][] apply(int threads, Precision p, double[] v, double[] w, double[] y) {
        try (CpuEngine e = engine(threads)) {
            SensingOperator op = e.openOperator(OperatorDescription.generated(OperatorKind.COMPLETION, N1, N2, M, 11), p);
            MatrixBatch vb = put(e, v, B, N1, K, p);
            MatrixBatch wb = put(e, w, B, N2, K, p);
            MatrixBatch yb = put(e, y, 1, M, 1, p);
            MatrixBatch res = e.allocate(p, B, M, 1);
            MatrixBatch gv = e.allocate(p, B, N1, K);
            MatrixBatch gw = e.allocate(p, B, N2, K);
            op.residualAndGradients(vb, wb, yb, res, gv, gw);
            double[] norms = op.adjointSquaredNorms(res);
            MatrixBatch dense = e.allocate(p, B, N1, N2);
            op.adjoint(res, dense);
            // the unfused calls agree with the fused one
            MatrixBatch res2 = e.allocate(p, B, M, 1);
            MatrixBatch gv2 = e.allocate(p, B, N1, K);
            MatrixBatch gw2 = e.allocate(p, B, N2, K);
            op.residual(vb, wb, yb, res2);
            op.gradients(res2, vb, wb, gv2, gw2);
            assertArrayEquals(e.download(res), e.download(res2), 0);
            assertArrayEquals(e.download(gv), e.download(gv2), 0);
            assertArrayEquals(e.download(gw), e.download(gw2), 0);
            int[] entries = op.description().entries();
            double[] ent = new double[entries.length];
            for (int i = 0; i < ent.length; i++) {
                ent[i] = entries[i];
            }
            return new double[][] {e.download(res), e.download(gv), e.download(gw), norms, e.download(dense), ent};
        }
    }

    @Test
    void matchesTheDenseReferenceAndIsThreadIndependent() {
        Random rnd = new Random(5);
        double[] v = gaussian(rnd, B * N1 * K);
        double[] w = gaussian(rnd, B * N2 * K);
        double[] y = gaussian(rnd, M);
        double[][] one = apply(1, Precision.FP64, v, w, y);
        double[][] two = apply(2, Precision.FP64, v, w, y);
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], 0, "bit-identical for 1 and 2 threads, output " + i);
        }
        double[] entries = one[5];
        assertEquals(M, entries.length);
        double s = Math.sqrt((double) N1 * N2 / M);
        double u = 0x1p-53;
        for (int b = 0; b < B; b++) {
            // host reference: X = V Wᵀ, res_i = s X[j_i, l_i] − y_i, E = Σ s res_i e_j e_lᵀ, gradV = E W, gradW = Eᵀ V
            double[] e = new double[N1 * N2];
            double resSq = 0;
            for (int i = 0; i < M; i++) {
                int at = (int) entries[i];
                int j = at / N2;
                int l = at % N2;
                double x = 0;
                double mag = 0;
                for (int q = 0; q < K; q++) {
                    x += v[b * N1 * K + j * K + q] * w[b * N2 * K + l * K + q];
                    mag += Math.abs(v[b * N1 * K + j * K + q] * w[b * N2 * K + l * K + q]);
                }
                double r = s * x - y[i];
                // error of a K-term dot product, scaled, minus y: γ_{K+2}(s·Σ|v||w| + |y|)
                double tol = (K + 2) * u * 1.01 * (s * mag + Math.abs(y[i]));
                assertEquals(r, one[0][b * M + i], 2 * tol, "res " + i);
                e[at] = s * r;
                resSq += r * r;
            }
            assertEquals(s * s * resSq, one[3][b], 1e-12 * s * s * resSq, "‖𝒜*res‖²");
            for (int at = 0; at < N1 * N2; at++) {
                assertEquals(e[at], one[4][b * N1 * N2 + at], 1e-12 * Math.abs(e[at]), "dense adjoint");
            }
            for (int j = 0; j < N1; j++) {
                for (int q = 0; q < K; q++) {
                    double g = 0;
                    double mag = 0;
                    for (int l = 0; l < N2; l++) {
                        g += e[j * N2 + l] * w[b * N2 * K + l * K + q];
                        mag += Math.abs(e[j * N2 + l] * w[b * N2 * K + l * K + q]);
                    }
                    assertEquals(g, one[1][b * N1 * K + j * K + q], 4 * (N2 + K + 4) * u * mag + 1e-300, "gradV");
                }
            }
            for (int l = 0; l < N2; l++) {
                for (int q = 0; q < K; q++) {
                    double g = 0;
                    double mag = 0;
                    for (int j = 0; j < N1; j++) {
                        g += e[j * N2 + l] * v[b * N1 * K + j * K + q];
                        mag += Math.abs(e[j * N2 + l] * v[b * N1 * K + j * K + q]);
                    }
                    assertEquals(g, one[2][b * N2 * K + l * K + q], 4 * (N1 + K + 4) * u * mag + 1e-300, "gradW");
                }
            }
        }
    }

    @Test
    void fp32AgreesWithFp64ToItsPrecision() {
        Random rnd = new Random(9);
        double[] v = gaussian(rnd, B * N1 * K);
        double[] w = gaussian(rnd, B * N2 * K);
        double[] y = gaussian(rnd, M);
        for (double[] a : new double[][] {v, w, y}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) a[i];
            }
        }
        double[][] d = apply(2, Precision.FP64, v, w, y);
        double[][] f = apply(2, Precision.FP32, v, w, y);
        for (int out = 0; out < 3; out++) {
            double scale = 0;
            for (double x : d[out]) {
                scale = Math.max(scale, Math.abs(x));
            }
            for (int i = 0; i < d[out].length; i++) {
                // inputs exact in fp32, fp64 accumulation, rounded to fp32 once or twice
                assertEquals(d[out][i], f[out][i], 4 * 0x1p-24 * scale, "output " + out + " element " + i);
            }
        }
    }

    @Test
    void entriesAreDistinctAndTheCudaStyleRefusalNamesTheKind() {
        try (CpuEngine e = engine(1)) {
            assertTrue(e.supportsOperator(OperatorKind.COMPLETION));
            BackendException ex = assertThrows(BackendException.class, () -> e.openOperator(
                    OperatorDescription.generated(OperatorKind.RANK_ONE, 4, 4, 8, 1), Precision.FP64));
            assertTrue(ex.getMessage().contains("'rank-one'") && ex.getMessage().contains("completion"), ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> OperatorDescription.ofEntries(3, 3, new int[] {4, 4}));
        }
    }
}
