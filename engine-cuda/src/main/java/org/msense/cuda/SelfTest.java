package org.msense.cuda;

import java.util.Locale;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.Transpose;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;

/**
 * The checks a CUDA engine runs when it opens, through its own public operations:
 * <ol>
 *   <li>the device Gaussian generator equals {@link GaussianStream} bit for bit (fp64, 1001 elements, an
 *       odd count so that a half-used Philox block is covered);</li>
 *   <li>a batched fp64 GEMM through cuBLAS, for all four transpose combinations and with a broadcast
 *       operand, agrees with a host triple loop: |C_gpu − C_host| ≤ 2·γ_k·(|A|·|B|) elementwise, with
 *       γ_k = k·u/(1 − k·u), u = 2⁻⁵³, since each of the two computations is within γ_k·(|A||B|) of the
 *       exact product.</li>
 * </ol>
 * A failure throws {@link BackendException} (the engine then does not open); success returns one line
 * for the backend description.
 */
final class SelfTest {
    private SelfTest() {
    }

    static String run(Engine engine) {
        checkGenerator(engine);
        double worst = checkGemm(engine);
        return String.format(Locale.ROOT, "passed (Philox bit-identical; fp64 GEMM vs host: worst error %.2f of the γ_k bound)",
                worst);
    }

    private static void checkGenerator(Engine engine) {
        GaussianStream s = new GaussianStream(0x5EEDL, StreamPurpose.SENSING, 7);
        MatrixBatch z = engine.allocate(Precision.FP64, 1, 1, 1001);
        try {
            engine.fillGaussian(s, 1.0, z);
            double[] got = engine.download(z);
            for (int i = 0; i < got.length; i++) {
                double want = s.normal(i);
                if (Double.doubleToRawLongBits(got[i]) != Double.doubleToRawLongBits(want)) {
                    throw new BackendException("self-test failed: the device generator gave " + got[i] + " at index " + i
                            + " where the Java generator gives " + want + " (kernels built without -fmad=false?)");
                }
            }
        } finally {
            engine.release(z);
        }
    }

    /** Returns the worst ratio |error| / bound over all checks (≤ 1 when passing). */
    private static double checkGemm(Engine engine) {
        int m = 7;
        int k = 5;
        int n = 6;
        int count = 3;
        GaussianStream sa = new GaussianStream(11, StreamPurpose.INIT_V, 1);
        GaussianStream sb = new GaussianStream(11, StreamPurpose.INIT_W, 1);
        double[] a = new double[count * m * k];
        double[] b = new double[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = sa.normal(i);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = sb.normal(i);
        }
        double u = Precision.FP64.unitRoundoff();
        double gamma = k * u / (1 - k * u);
        double worst = 0;
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                MatrixBatch da = ta == Transpose.NONE ? engine.allocate(Precision.FP64, count, m, k)
                        : engine.allocate(Precision.FP64, count, k, m);
                MatrixBatch db = tb == Transpose.NONE ? engine.allocate(Precision.FP64, 1, k, n)
                        : engine.allocate(Precision.FP64, 1, n, k);
                MatrixBatch dc = engine.allocate(Precision.FP64, count, m, n);
                try {
                    double[] at = ta == Transpose.NONE ? a : transposeEach(a, count, m, k);
                    double[] bt = tb == Transpose.NONE ? b : transposeEach(b, 1, k, n);
                    engine.upload(at, da);
                    engine.upload(bt, db);
                    engine.gemm(1.0, da, ta, db, tb, 0.0, dc);
                    double[] got = engine.download(dc);
                    for (int q = 0; q < count; q++) {
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double sum = 0;
                                double abs = 0;
                                for (int l = 0; l < k; l++) {
                                    double p = a[q * m * k + i * k + l] * b[l * n + j];
                                    sum += p;
                                    abs += Math.abs(p);
                                }
                                double err = Math.abs(got[q * m * n + i * n + j] - sum);
                                double bound = 2 * gamma * abs;
                                if (!(err <= bound)) {
                                    throw new BackendException(String.format(Locale.ROOT,
                                            "self-test failed: cuBLAS fp64 GEMM (%s, %s) item %d (%d,%d) = %s, host %s;"
                                                    + " error %.3g exceeds the bound %.3g", ta, tb, q, i, j,
                                            got[q * m * n + i * n + j], sum, err, bound));
                                }
                                if (bound > 0) {
                                    worst = Math.max(worst, err / bound);
                                }
                            }
                        }
                    }
                } finally {
                    engine.release(da);
                    engine.release(db);
                    engine.release(dc);
                }
            }
        }
        return worst;
    }

    private static double[] transposeEach(double[] x, int count, int rows, int cols) {
        double[] t = new double[x.length];
        for (int q = 0; q < count; q++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    t[q * rows * cols + j * rows + i] = x[q * rows * cols + i * cols + j];
                }
            }
        }
        return t;
    }
}
