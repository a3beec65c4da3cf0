package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;

/**
 * The fused sensing pass against the unfused EJML reference (forward product, then transposed product),
 * for shapes that hit every edge of the blocking: m not a multiple of the 4-row block or of the worker
 * split, N = n1·n2 not a multiple of the vector length, single-worker problems, and B ∈ {1, 3, 4, 8, 12}
 * (row-major layout for B &lt; 4; interleaved with groups of 8 and 4 lanes from B = 4).
 *
 * <p>Tolerances. In fp64 both paths compute the same dot products of length N and sums of length m in a
 * different order; with Gaussian data the differences are O(√N·u₆₄) relative (γ_N = Nu/(1−Nu) ≤ 1.4e-13
 * for N ≤ 1200 in the worst case), far inside the 1e-12 relative the fused pass is held to. An fp32-stored
 * operator is widened exactly, so against its own fp64 reference the same 1e-12 holds; against the fp64
 * operator each entry differs by at most u₃₂|a| (u₃₂ = 2⁻²⁴), so |Δres_i| ≤ u₃₂·Σ_j|a_ij||x_j| + rounding,
 * which is what the last test bounds componentwise.
 */
class FusedPassTest {
    private static final double U32 = Math.ulp(1.0f) / 2;
    private static final double U64 = Math.ulp(1.0) / 2;

    static Stream<Arguments> shapes() {
        int[][] dims = {{257, 7, 9}, {131, 5, 5}, {600, 40, 30}, {6, 3, 1}, {129, 1, 8}};
        int[] batches = {1, 3, 4, 8, 12};
        Stream.Builder<Arguments> s = Stream.builder();
        for (int[] d : dims) {
            for (int b : batches) {
                s.add(Arguments.of(d[0], d[1], d[2], b));
            }
        }
        return s.build();
    }

    private record Result(double[] res, double[] e) {
    }

    /** Runs residualAndAdjoint with the chosen pass; the operator in opPrecision, everything else in fp64. */
    private static Result run(double[] a, double[] x, double[] y, int m, int n1, int n2, int batch,
            Precision opPrecision, String pass) {
        return run(a, x, y, m, n1, n2, batch, opPrecision, pass, 2);
    }

    private static Result run(double[] a, double[] x, double[] y, int m, int n1, int n2, int batch,
            Precision opPrecision, String pass, int threads) {
        try (CpuEngine engine = (CpuEngine) new CpuBackend().open(EngineOptions.defaults().withThreads(threads))) {
            engine.useFusedPass(!pass.equals("unfused"));
            engine.useScalarPass(pass.equals("scalar"));
            MatrixBatch op = engine.allocate(opPrecision, 1, m, n1 * n2);
            MatrixBatch xb = engine.allocate(Precision.FP64, batch, n1, n2);
            MatrixBatch yb = engine.allocate(Precision.FP64, batch, m, 1);
            MatrixBatch res = engine.allocate(Precision.FP64, batch, m, 1);
            MatrixBatch e = engine.allocate(Precision.FP64, batch, n1, n2);
            engine.upload(a, op);
            engine.upload(x, xb);
            engine.upload(y, yb);
            if (pass.equals("two calls")) {
                engine.residual(op, xb, yb, res);
                engine.adjoint(op, res, e);
            } else {
                engine.residualAndAdjoint(op, xb, yb, res, e);
            }
            return new Result(engine.download(res), engine.download(e));
        }
    }

    private static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /** max over trajectories of ‖p_b − q_b‖ / ‖q_b‖ (blocks of length len). */
    private static double relative(double[] p, double[] q, int len) {
        double worst = 0;
        for (int b = 0; b < p.length / len; b++) {
            double d = 0;
            double r = 0;
            for (int i = b * len; i < (b + 1) * len; i++) {
                d += (p[i] - q[i]) * (p[i] - q[i]);
                r += q[i] * q[i];
            }
            worst = Math.max(worst, Math.sqrt(d / r));
        }
        return worst;
    }

    @ParameterizedTest(name = "m={0} n1={1} n2={2} B={3}")
    @MethodSource("shapes")
    void fusedFp64MatchesTheUnfusedReferenceTo1e12(int m, int n1, int n2, int batch) {
        Assumptions.assumeTrue(SensingKernels.VECTOR_API, "the Vector API module is not in the boot layer");
        assertMatchesUnfusedTo1e12("fused", new Random(1000L * m + 10L * n1 + batch), m, n1, n2, batch);
    }

    @ParameterizedTest(name = "m={0} n1={1} n2={2} B={3}")
    @MethodSource("shapes")
    void scalarFusedPassMatchesTheUnfusedReferenceTo1e12(int m, int n1, int n2, int batch) {
        assertMatchesUnfusedTo1e12("scalar", new Random(7000L * m + 10L * n1 + batch), m, n1, n2, batch);
    }

    /** The given fp64 pass against the unfused reference on a random problem: residuals and adjoint to 1e-12. */
    private static void assertMatchesUnfusedTo1e12(String pass, Random rnd, int m, int n1, int n2, int batch) {
        int n = n1 * n2;
        double[] a = gaussian(rnd, m * n);
        double[] x = gaussian(rnd, batch * n);
        double[] y = gaussian(rnd, batch * m);
        Result ref = run(a, x, y, m, n1, n2, batch, Precision.FP64, "unfused");
        Result fused = run(a, x, y, m, n1, n2, batch, Precision.FP64, pass);
        assertTrue(relative(fused.res, ref.res, m) <= 1e-12, "residual differs by " + relative(fused.res, ref.res, m));
        assertTrue(relative(fused.e, ref.e, n) <= 1e-12, "adjoint differs by " + relative(fused.e, ref.e, n));
    }

    @ParameterizedTest(name = "m={0} n1={1} n2={2} B={3}")
    @MethodSource("shapes")
    void fp32StoredOperatorMatchesItsWidenedReferenceTo1e12(int m, int n1, int n2, int batch) {
        Random rnd = new Random(31L * m + 10L * n1 + batch);
        int n = n1 * n2;
        double[] a = gaussian(rnd, m * n);
        double[] x = gaussian(rnd, batch * n);
        double[] y = gaussian(rnd, batch * m);
        Result ref = run(a, x, y, m, n1, n2, batch, Precision.FP32, "two calls");
        for (String pass : new String[] {"fused", "scalar"}) {
            Result fused = run(a, x, y, m, n1, n2, batch, Precision.FP32, pass);
            assertTrue(relative(fused.res, ref.res, m) <= 1e-12, pass + ": residual differs by " + relative(fused.res, ref.res, m));
            assertTrue(relative(fused.e, ref.e, n) <= 1e-12, pass + ": adjoint differs by " + relative(fused.e, ref.e, n));
        }
    }

    /**
     * The rows are split into chunks fixed by m and B alone, each with its own accumulator, summed in chunk order: one,
     * two and three threads (the chunks taken in a different order by different threads) give the same bits, for both
     * layouts, the scalar pass and an fp32-stored operator.
     */
    @ParameterizedTest
    @MethodSource("threadInvariantCases")
    void fusedPassGivesTheSameBitsForAnyThreadCount(int batch, Precision opPrecision, String pass) {
        int m = 2003;
        int n1 = 7;
        int n2 = 9;
        assertTrue(SensingKernels.chunkRows(m, batch) < m, "the case must split the rows into several chunks");
        Random rnd = new Random(17);
        double[] a = gaussian(rnd, m * n1 * n2);
        double[] x = gaussian(rnd, batch * n1 * n2);
        double[] y = gaussian(rnd, batch * m);
        Result one = run(a, x, y, m, n1, n2, batch, opPrecision, pass, 1);
        for (int threads : new int[] {2, 3}) {
            for (int repeat = 0; repeat < 3; repeat++) {
                Result more = run(a, x, y, m, n1, n2, batch, opPrecision, pass, threads);
                assertArrayEquals(one.res(), more.res(), 0.0, threads + " threads: residual");
                assertArrayEquals(one.e(), more.e(), 0.0, threads + " threads: adjoint");
            }
        }
    }

    static Stream<Arguments> threadInvariantCases() {
        return Stream.of(Arguments.of(1, Precision.FP64, "fused"), Arguments.of(3, Precision.FP64, "fused"),
                Arguments.of(8, Precision.FP64, "fused"), Arguments.of(1, Precision.FP32, "fused"),
                Arguments.of(8, Precision.FP32, "fused"), Arguments.of(2, Precision.FP64, "scalar"));
    }

    @Test
    void fp32StorageChangesTheResidualByAtMostU32TimesTheAbsoluteProduct() {
        int m = 333;
        int n1 = 12;
        int n2 = 11;
        int n = n1 * n2;
        int batch = 8;
        Random rnd = new Random(42);
        double[] a = gaussian(rnd, m * n);
        double[] x = gaussian(rnd, batch * n);
        double[] y = gaussian(rnd, batch * m);
        Result r64 = run(a, x, y, m, n1, n2, batch, Precision.FP64, "fused");
        Result r32 = run(a, x, y, m, n1, n2, batch, Precision.FP32, "fused");
        double gamma = (n + 1) * U64 / (1 - (n + 1) * U64);
        double worstRatio = 0;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) {
                double abs = Math.abs(y[b * m + i]);
                for (int j = 0; j < n; j++) {
                    abs += Math.abs(a[i * n + j] * x[b * n + j]);
                }
                // storage error u32·Σ|a||x| (each widened entry is within u32|a| of a), plus fp64 rounding of
                // both evaluations
                double bound = U32 * abs + 2 * gamma * abs * (1 + U32);
                double diff = Math.abs(r32.res[b * m + i] - r64.res[b * m + i]);
                assertTrue(diff <= bound, "res[" + b + "," + i + "] differs by " + diff + " > " + bound);
                worstRatio = Math.max(worstRatio, diff / (U32 * abs));
            }
        }
        // the storage error is real: the bound is not vacuous (fp32 storage does change the result)
        assertTrue(worstRatio > 1e-3, "fp32 storage made no visible difference (ratio " + worstRatio + ")");
        assertEquals(m * batch, r32.res.length);
    }

    /**
     * The Vector API products against EJML for every transpose pair, tile edges (sizes not multiples of 4 rows
     * or 2 vectors) and β ∈ {0, 0.5}: |Δc| ≤ 2γ_{k+2}·(|α|·|op(A)||op(B)| + |β c|) componentwise, the bound
     * of two different summation orders; the same product with its rows split over three workers is identical.
     */
    @Test
    void vectorProductsMatchEjmlWithinTheRoundingBound() {
        ParallelLoops loops3 = new ParallelLoops(3);
        Assumptions.assumeTrue(SensingKernels.VECTOR_API, "the Vector API module is not in the boot layer");
        Random rnd = new Random(5);
        int[][] shapes = {{100, 100, 100}, {37, 23, 29}, {5, 3, 9}, {1, 7, 1}, {64, 8, 30}, {30, 12, 21}};
        for (int[] s : shapes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            for (boolean at : new boolean[] {false, true}) {
                for (boolean bt : new boolean[] {false, true}) {
                    for (double beta : new double[] {0, 0.5}) {
                        org.ejml.data.DMatrixRMaj a = at ? matrix(rnd, k, m) : matrix(rnd, m, k);
                        org.ejml.data.DMatrixRMaj b = bt ? matrix(rnd, n, k) : matrix(rnd, k, n);
                        org.ejml.data.DMatrixRMaj c0 = matrix(rnd, m, n);
                        if (beta == 0) {
                            java.util.Arrays.fill(c0.data, Double.NaN);
                        }
                        org.ejml.data.DMatrixRMaj want = c0.copy();
                        org.ejml.data.DMatrixRMaj got = c0.copy();
                        org.msense.core.backend.Transpose ta = at ? org.msense.core.backend.Transpose.TRANSPOSE
                                : org.msense.core.backend.Transpose.NONE;
                        org.msense.core.backend.Transpose tb = bt ? org.msense.core.backend.Transpose.TRANSPOSE
                                : org.msense.core.backend.Transpose.NONE;
                        DenseProducts.gemm(-0.75, a, ta, b, tb, beta, want, true);
                        DenseProducts.gemm(-0.75, a, ta, b, tb, beta, got, false);
                        org.ejml.data.DMatrixRMaj split = c0.copy();
                        DenseProducts.gemm(-0.75, a, ta, b, tb, beta, split, false, loops3);
                        double gamma = (k + 2) * U64 / (1 - (k + 2) * U64);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double abs = 0;
                                for (int p = 0; p < k; p++) {
                                    abs += Math.abs((at ? a.get(p, i) : a.get(i, p)) * (bt ? b.get(j, p) : b.get(p, j)));
                                }
                                double old = beta == 0 ? 0 : Math.abs(beta * c0.get(i, j));
                                double bound = 2 * gamma * (0.75 * abs + old);
                                String where = m + "×" + k + "×" + n + " at=" + at + " bt=" + bt + " β=" + beta + " (" + i + "," + j + ")";
                                assertEquals(want.get(i, j), got.get(i, j), bound, where);
                                assertEquals(got.get(i, j), split.get(i, j), 0, "rows split over 3 workers: " + where);
                            }
                        }
                    }
                }
            }
        }
    }

    private static org.ejml.data.DMatrixRMaj matrix(Random rnd, int rows, int cols) {
        org.ejml.data.DMatrixRMaj x = new org.ejml.data.DMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextGaussian();
        }
        return x;
    }
}
