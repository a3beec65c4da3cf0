package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;

/**
 * The fp32 face of the fp64-only CPU operators ({@link WideningOperator}): on inputs that are exact in fp32 its
 * outputs are the fp64 operator's outputs rounded to fp32 once, bit for bit, since widening is exact and the fp64
 * kernels are deterministic:
 * <pre>
 *   res32 = fl32(res64),  gradV32 = fl32(𝒜*(fl32(res64)) W),  gradW32 = fl32(𝒜*(fl32(res64))ᵀ V),  E32 = fl32(𝒜*(res32))
 * </pre>
 * (the gradients of the fp32 operator use the rounded residual; the reference gets the same rounded residual). fp64
 * factors given to an operator opened in fp32 are refused with a message that says what to do.
 */
class WideningOperatorTest {
    private static final int N1 = 12;
    private static final int N2 = 10;
    private static final int K = 3;
    private static final int M = 70;
    private static final int B = 2;

    private static MatrixBatch put(Engine e, double[] data, int count, int rows, int cols, Precision p) {
        MatrixBatch b = e.allocate(p, count, rows, cols);
        e.upload(data, b);
        return b;
    }

    /** Gaussian numbers rounded to fp32 (exact in both precisions). */
    private static double[] gaussian(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    private static double[] rounded(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (float) a[i];
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(value = OperatorKind.class, names = {"HADAMARD", "RANK_ONE", "GAUSSIAN_IMPLICIT"})
    void fp32OutputsAreTheFp64OutputsRoundedOnce(OperatorKind kind) {
        Random rnd = new Random(17);
        double[] v = gaussian(rnd, B * N1 * K);
        double[] w = gaussian(rnd, B * N2 * K);
        double[] y = gaussian(rnd, M);
        OperatorDescription d = OperatorDescription.generated(kind, N1, N2, M, 23);
        try (CpuEngine e = (CpuEngine) new CpuBackend().open(EngineOptions.defaults().withThreads(2))) {
            SensingOperator op64 = e.openOperator(d, Precision.FP64);
            SensingOperator op32 = e.openOperator(d, Precision.FP32);
            assertTrue(op32 instanceof WideningOperator, "fp32 is served by the widening operator");
            // fp32
            MatrixBatch v32 = put(e, v, B, N1, K, Precision.FP32);
            MatrixBatch w32 = put(e, w, B, N2, K, Precision.FP32);
            MatrixBatch y32 = put(e, y, 1, M, 1, Precision.FP32);
            MatrixBatch res32 = e.allocate(Precision.FP32, B, M, 1);
            MatrixBatch gv32 = e.allocate(Precision.FP32, B, N1, K);
            MatrixBatch gw32 = e.allocate(Precision.FP32, B, N2, K);
            op32.residualAndGradients(v32, w32, y32, res32, gv32, gw32);
            double[] norms32 = op32.adjointSquaredNorms(res32);
            MatrixBatch e32 = e.allocate(Precision.FP32, B, N1, N2);
            op32.adjoint(res32, e32);
            // fp64 reference: the residual, rounded; then the gradients of the rounded residual, rounded
            MatrixBatch v64 = put(e, v, B, N1, K, Precision.FP64);
            MatrixBatch w64 = put(e, w, B, N2, K, Precision.FP64);
            MatrixBatch y64 = put(e, y, 1, M, 1, Precision.FP64);
            MatrixBatch res64 = e.allocate(Precision.FP64, B, M, 1);
            op64.residual(v64, w64, y64, res64);
            double[] resRounded = rounded(e.download(res64));
            MatrixBatch resIn = put(e, resRounded, B, M, 1, Precision.FP64);
            MatrixBatch gv64 = e.allocate(Precision.FP64, B, N1, K);
            MatrixBatch gw64 = e.allocate(Precision.FP64, B, N2, K);
            op64.gradients(resIn, v64, w64, gv64, gw64);
            double[] norms64 = op64.adjointSquaredNorms(resIn);
            MatrixBatch e64 = e.allocate(Precision.FP64, B, N1, N2);
            op64.adjoint(resIn, e64);

            assertExactly(resRounded, e.download(res32), "residual");
            assertExactly(rounded(e.download(gv64)), e.download(gv32), "gradV");
            assertExactly(rounded(e.download(gw64)), e.download(gw32), "gradW");
            assertExactly(rounded(e.download(e64)), e.download(e32), "dense adjoint");
            assertExactly(norms64, norms32, "‖𝒜*(res)‖² (fp64 sums of the widened residual)");
            assertTrue(e.download(res32)[0] != 0, "a non-trivial residual");

            // fp64 factors on the fp32 face: refused, with what to do
            MatrixBatch res = e.allocate(Precision.FP64, B, M, 1);
            BackendException ex = assertThrows(BackendException.class, () -> op32.residual(v64, w64, y64, res));
            assertTrue(ex.getMessage().contains("opened for fp32 factors") && ex.getMessage().contains("--operator-precision"),
                    ex.getMessage());
            assertEquals(op64.describe().kind(), op32.describe().kind());
            op32.release();
            op64.release();
        }
    }

    private static void assertExactly(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 0, what + " element " + i);
        }
    }
}
