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
 *   <li>the device Gaussian generator equals {@link GaussianStream} bit for bit, in fp64 and in fp32 (the fp64
 *       value rounded once), 1001 elements, an odd count so that a half-used Philox block is covered;</li>
 *   <li>a batched GEMM through cuBLAS, fp64 and fp32, for all four transpose combinations and with a broadcast
 *       operand, agrees with a host triple loop in fp64 on the same (rounded) inputs:
 *       |C_gpu − C_host| ≤ 2·γ_k·(|A|·|B|) + u·|C_host| elementwise, with γ_k = k·u/(1 − k·u), u the unit roundoff
 *       of the precision (2⁻⁵³; 2⁻²⁴, or 2⁻¹¹ where TF32 is allowed), since the device product is within
 *       γ_k·(|A||B|) of the exact one and rounds once to the precision;</li>
 *   <li>the fused residual-and-adjoint pass ({@link Engine#residualAndAdjoint}), fp64, B = 2, against the host:
 *       residuals within 2·γ_N(u)·(|y| + Σ|a||x|), adjoints within 2·γ_m(u)·Σ|a||res| plus the residual
 *       difference carried through |𝒜|.</li>
 * </ol>
 * A failure throws {@link BackendException} (the engine then does not open); success returns one line
 * for the backend description.
 */
final class SelfTest {
    private SelfTest() {
    }

    /**
     * Runs the checks.
     *
     * @param tf32 whether the engine's fp32 GEMMs may use TF32 (their bound then uses u = 2⁻¹¹)
     */
    static String run(Engine engine, boolean tf32) {
        checkGenerator(engine, Precision.FP64);
        checkGenerator(engine, Precision.FP32);
        double worst64 = checkGemm(engine, Precision.FP64, Precision.FP64.unitRoundoff());
        double worst32 = checkGemm(engine, Precision.FP32, tf32 ? 0x1p-11 : Precision.FP32.unitRoundoff());
        double worstFused = checkResidualAndAdjoint(engine);
        return String.format(Locale.ROOT, "passed (Philox bit-identical in fp64 and fp32; GEMM vs host, worst error of the"
                + " γ_k bound: fp64 %.2f, fp32 %.2f; residual and adjoint (%s) vs host: %.2f)", worst64, worst32,
                engine.properties().getOrDefault("fused pass", "?").startsWith("on") ? "fused pass" : "two GEMMs", worstFused);
    }

    private static void checkGenerator(Engine engine, Precision p) {
        GaussianStream s = new GaussianStream(0x5EEDL, StreamPurpose.SENSING, 7);
        MatrixBatch z = engine.allocate(p, 1, 1, 1001);
        try {
            engine.fillGaussian(s, 1.0, z);
            double[] got = engine.download(z);
            for (int i = 0; i < got.length; i++) {
                double want = p == Precision.FP64 ? s.normal(i) : (float) s.normal(i);
                if (Double.doubleToRawLongBits(got[i]) != Double.doubleToRawLongBits(want)) {
                    throw new BackendException("self-test failed: the device generator (" + p + ") gave " + got[i] + " at index " + i
                            + " where the Java generator gives " + want + " (kernels built without -fmad=false?)");
                }
            }
        } finally {
            engine.release(z);
        }
    }

    /** Returns the worst ratio |error| / bound over all checks (≤ 1 when passing); u is the unit roundoff to allow. */
    private static double checkGemm(Engine engine, Precision precision, double u) {
        int m = 7;
        int k = 5;
        int n = 6;
        int count = 3;
        GaussianStream sa = new GaussianStream(11, StreamPurpose.INIT_V, 1);
        GaussianStream sb = new GaussianStream(11, StreamPurpose.INIT_W, 1);
        double[] a = new double[count * m * k];
        double[] b = new double[k * n];
        boolean fp32 = precision == Precision.FP32;
        for (int i = 0; i < a.length; i++) {
            a[i] = fp32 ? (float) sa.normal(i) : sa.normal(i);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = fp32 ? (float) sb.normal(i) : sb.normal(i);
        }
        double gamma = k * u / (1 - k * u);
        double worst = 0;
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                MatrixBatch da = ta == Transpose.NONE ? engine.allocate(precision, count, m, k)
                        : engine.allocate(precision, count, k, m);
                MatrixBatch db = tb == Transpose.NONE ? engine.allocate(precision, 1, k, n)
                        : engine.allocate(precision, 1, n, k);
                MatrixBatch dc = engine.allocate(precision, count, m, n);
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
                                double bound = 2 * gamma * abs + u * Math.abs(sum);
                                if (!(err <= bound)) {
                                    throw new BackendException(String.format(Locale.ROOT,
                                            "self-test failed: cuBLAS %s GEMM (%s, %s) item %d (%d,%d) = %s, host %s;"
                                                    + " error %.3g exceeds the bound %.3g", precision, ta, tb, q, i, j,
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

    /** The fused pass (or the two GEMMs) on a small fp64 problem against the host; returns the worst error / bound. */
    private static double checkResidualAndAdjoint(Engine engine) {
        int m = 37;
        int n1 = 5;
        int n2 = 4;
        int entries = n1 * n2;
        int count = 2;
        GaussianStream so = new GaussianStream(13, StreamPurpose.SENSING, 2);
        GaussianStream sx = new GaussianStream(13, StreamPurpose.INIT_V, 2);
        double[] op = new double[m * entries];
        double[] x = new double[count * entries];
        double[] y = new double[count * m];
        so.fill(0, 1.0, op, 0, op.length);
        sx.fill(0, 1.0, x, 0, x.length);
        sx.fill(x.length, 1.0, y, 0, y.length);
        MatrixBatch dop = engine.allocate(Precision.FP64, 1, m, entries);
        MatrixBatch dx = engine.allocate(Precision.FP64, count, n1, n2);
        MatrixBatch dy = engine.allocate(Precision.FP64, count, m, 1);
        MatrixBatch dr = engine.allocate(Precision.FP64, count, m, 1);
        MatrixBatch de = engine.allocate(Precision.FP64, count, n1, n2);
        try {
            engine.upload(op, dop);
            engine.upload(x, dx);
            engine.upload(y, dy);
            engine.residualAndAdjoint(dop, dx, dy, dr, de);
            double[] res = engine.download(dr);
            double[] e = engine.download(de);
            double u = Precision.FP64.unitRoundoff();
            double worst = 0;
            double[] hostRes = new double[count * m];
            for (int b = 0; b < count; b++) {
                for (int i = 0; i < m; i++) {
                    double s = -y[b * m + i];
                    double abs = Math.abs(y[b * m + i]);
                    for (int j = 0; j < entries; j++) {
                        s += op[i * entries + j] * x[b * entries + j];
                        abs += Math.abs(op[i * entries + j] * x[b * entries + j]);
                    }
                    hostRes[b * m + i] = s;
                    worst = Math.max(worst, within("residual", b, i, res[b * m + i], s, 2 * gamma(entries + 1, u) * abs));
                }
                for (int j = 0; j < entries; j++) {
                    double s = 0;
                    double abs = 0;
                    double carried = 0;
                    for (int i = 0; i < m; i++) {
                        double a = op[i * entries + j];
                        s += a * hostRes[b * m + i];
                        abs += Math.abs(a * hostRes[b * m + i]);
                        carried += Math.abs(a) * Math.abs(res[b * m + i] - hostRes[b * m + i]);
                    }
                    double bound = 2 * gamma(m, u) * abs + carried * (1 + 2 * gamma(m, u));
                    worst = Math.max(worst, within("adjoint", b, j, e[b * entries + j], s, bound));
                }
            }
            return worst;
        } finally {
            for (MatrixBatch mb : new MatrixBatch[] {dop, dx, dy, dr, de}) {
                engine.release(mb);
            }
        }
    }

    private static double gamma(int k, double u) {
        return k * u / (1 - k * u);
    }

    /** error / bound of one value, or a BackendException when the error exceeds the bound (or is NaN). */
    private static double within(String what, int b, int i, double got, double want, double bound) {
        double err = Math.abs(got - want);
        if (!(err <= bound)) {
            throw new BackendException(String.format(Locale.ROOT, "self-test failed: the %s of trajectory %d at %d is %s,"
                    + " host %s; error %.3g exceeds the bound %.3g (MSENSE_CUDA_FUSED=0 selects the two-GEMM pass)", what, b,
                    i, got, want, err, bound));
        }
        return bound > 0 ? err / bound : 0;
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
