package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row-major → column-major mapping of the engine's GEMMs, checked without a GPU: each planned call is
 * executed by a reference column-major GEMM with exactly the BLAS semantics cuBLAS documents (including the
 * argument constraints lda ≥ rows of the stored A, …), on the engine's row-major buffers, and compared with
 * the row-major definition computed by a triple loop. Inputs are small integers, so every product is
 * exact and the comparison is exact.
 */
class GemmCallTest {

    /** BLAS column-major gemm over a batch, with cuBLAS's argument checks. */
    private static void columnMajorGemm(GemmCall g, double alpha, double[] a, double[] b, double beta, double[] c) {
        int aRowsStored = g.transA() ? g.k() : g.m();
        int bRowsStored = g.transB() ? g.n() : g.k();
        assertTrue(g.lda() >= Math.max(1, aRowsStored), "lda " + g.lda() + " < " + aRowsStored);
        assertTrue(g.ldb() >= Math.max(1, bRowsStored), "ldb " + g.ldb() + " < " + bRowsStored);
        assertTrue(g.ldc() >= Math.max(1, g.m()), "ldc " + g.ldc() + " < " + g.m());
        assertTrue(g.batch() >= 1 && g.m() >= 1 && g.n() >= 1 && g.k() >= 1);
        for (int q = 0; q < g.batch(); q++) {
            long oa = q * g.strideA();
            long ob = q * g.strideB();
            long oc = q * g.strideC();
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double s = 0;
                    for (int l = 0; l < g.k(); l++) {
                        double av = g.transA() ? a[(int) (oa + l + (long) i * g.lda())] : a[(int) (oa + i + (long) l * g.lda())];
                        double bv = g.transB() ? b[(int) (ob + j + (long) l * g.ldb())] : b[(int) (ob + l + (long) j * g.ldb())];
                        s += av * bv;
                    }
                    int ci = (int) (oc + i + (long) j * g.ldc());
                    c[ci] = alpha * s + (beta == 0 ? 0 : beta * c[ci]);
                }
            }
        }
    }

    private static double[] ints(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(-4, 5);
        }
        return x;
    }

    @Test
    void rowMajorProductsForEveryTransposeAndBroadcast() {
        SplittableRandom r = new SplittableRandom(1);
        int m = 5;
        int k = 3;
        int n = 4;
        int count = 3;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int aCount : new int[] {1, count}) {
                    for (int bCount : new int[] {1, count}) {
                        int ar = ta ? k : m;
                        int ac = ta ? m : k;
                        int br = tb ? n : k;
                        int bc = tb ? k : n;
                        double[] a = ints(r, aCount * ar * ac);
                        double[] b = ints(r, bCount * br * bc);
                        double[] c = ints(r, count * m * n);
                        double[] want = c.clone();
                        for (int q = 0; q < count; q++) {
                            int qa = aCount == 1 ? 0 : q;
                            int qb = bCount == 1 ? 0 : q;
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    double s = 0;
                                    for (int l = 0; l < k; l++) {
                                        double av = ta ? a[qa * ar * ac + l * ac + i] : a[qa * ar * ac + i * ac + l];
                                        double bv = tb ? b[qb * br * bc + j * bc + l] : b[qb * br * bc + l * bc + j];
                                        s += av * bv;
                                    }
                                    want[q * m * n + i * n + j] = 2 * s - 3 * c[q * m * n + i * n + j];
                                }
                            }
                        }
                        GemmCall g = GemmCall.rowMajor(ar, ac, aCount, ta, br, bc, bCount, tb, m, n, count);
                        assertTrue(g.firstIsRight());
                        double[] got = c.clone();
                        columnMajorGemm(g, 2, b, a, -3, got); // operands swapped: cuBLAS's A is the engine's B
                        for (int e = 0; e < got.length; e++) {
                            assertEquals(want[e], got[e], 0.0, "ta=" + ta + " tb=" + tb + " counts " + aCount + "," + bCount);
                        }
                    }
                }
            }
        }
    }

    @Test
    void forwardAndAdjointContractTheWholeBatchWithTheOperator() {
        SplittableRandom r = new SplittableRandom(2);
        int m = 7;
        int entries = 6;
        int batch = 3;
        double[] op = ints(r, m * entries); // row-major m×N: row i = vec(A_i)
        double[] x = ints(r, batch * entries);
        double[] res = new double[batch * m];
        columnMajorGemm(GemmCall.forward(m, entries, batch), 1, op, x, 0, res);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int j = 0; j < entries; j++) {
                    s += op[i * entries + j] * x[b * entries + j];
                }
                assertEquals(s, res[b * m + i], 0.0, "forward item " + b + " row " + i);
            }
        }
        double[] e = new double[batch * entries];
        java.util.Arrays.fill(e, Double.NaN); // β = 0 must ignore the old contents
        columnMajorGemm(GemmCall.adjoint(m, entries, batch), 1, op, res, 0, e);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < entries; j++) {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += op[i * entries + j] * res[b * m + i];
                }
                assertEquals(s, e[b * entries + j], 0.0, "adjoint item " + b + " entry " + j);
            }
        }
    }
}
