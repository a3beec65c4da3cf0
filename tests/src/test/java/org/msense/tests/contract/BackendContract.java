package org.msense.tests.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.Engine;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.SensingOperator;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.Transpose;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.OperatorKind;

/**
 * The contract every backend's {@link Engine} honours, checked against plain fp64 host loops
 * ({@link HostReference}) with tolerances derived from the precision: a k-term dot product computed in
 * precision u differs from the exact one by at most γ_k·Σ|x_i y_i| (γ_k = ku/(1−ku)), plus the rounding of
 * inputs to the precision (u per input entry) when the data is fp32. A backend's test is a one-line
 * subclass that says how to open its engine.
 */
public abstract class BackendContract {
    protected Engine engine;

    /** Opens a fresh engine of the backend under test. */
    protected abstract Engine open();

    @BeforeEach
    void openEngine() {
        engine = open();
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) { // null when open() was skipped (backend unavailable here)
            engine.close();
        }
    }

    private static double[] random(SplittableRandom rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextGaussian();
        }
        return x;
    }

    /** The values as the precision stores them. */
    private static double[] rounded(double[] x, Precision p) {
        double[] y = x.clone();
        if (p == Precision.FP32) {
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) y[i];
            }
        }
        return y;
    }

    private MatrixBatch put(Precision p, int count, int rows, int cols, double[] values) {
        MatrixBatch m = engine.allocate(p, count, rows, cols);
        engine.upload(values, m);
        return m;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void uploadDownloadRoundTripsThroughThePrecision(Precision p) {
        double[] x = random(new SplittableRandom(1), 3 * 4 * 5);
        MatrixBatch m = put(p, 3, 4, 5, x);
        assertArrayEquals(rounded(x, p), engine.download(m), 0.0);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void fillGaussianMatchesTheJavaStreamExactly(Precision p) {
        GaussianStream s = new GaussianStream(0x5eed_0000_0001L, StreamPurpose.SENSING, 7);
        MatrixBatch m = engine.allocate(p, 2, 37, 29);
        engine.fillGaussian(s, 0.125, m);
        double[] got = engine.download(m);
        double[] want = new double[got.length];
        s.fill(0, 0.125, want, 0, want.length);
        assertArrayEquals(rounded(want, p), got, 0.0, "every backend must produce the same normals");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void gemmMatchesHostForAllTransposesAndBroadcast(Precision p) {
        SplittableRandom rnd = new SplittableRandom(2);
        int count = 3;
        int m = 7;
        int k = 5;
        int n = 4;
        double u = p.unitRoundoff();
        for (Transpose ta : Transpose.values()) {
            for (Transpose tb : Transpose.values()) {
                for (int aCount : new int[] {1, count}) {
                    boolean at = ta == Transpose.TRANSPOSE;
                    boolean bt = tb == Transpose.TRANSPOSE;
                    int ar = at ? k : m;
                    int ac = at ? m : k;
                    int br = bt ? n : k;
                    int bc = bt ? k : n;
                    double[] a = rounded(random(rnd, aCount * ar * ac), p);
                    double[] b = rounded(random(rnd, count * br * bc), p);
                    double[] c0 = rounded(random(rnd, count * m * n), p);
                    double alpha = -0.75;
                    double beta = 0.5;
                    MatrixBatch ga = put(p, aCount, ar, ac, a);
                    MatrixBatch gb = put(p, count, br, bc, b);
                    MatrixBatch gc = put(p, count, m, n, c0);
                    engine.gemm(alpha, ga, ta, gb, tb, beta, gc);
                    double[] got = engine.download(gc);
                    for (int it = 0; it < count; it++) {
                        double[] abs = new double[m * n];
                        double[] ref = HostReference.gemm(HostReference.item(a, aCount, it, ar * ac), ar, ac, at,
                                HostReference.item(b, count, it, br * bc), br, bc, bt, abs);
                        for (int e = 0; e < m * n; e++) {
                            double want = alpha * ref[e] + beta * c0[it * m * n + e];
                            double bound = HostReference.gamma(k + 2, u)
                                    * (Math.abs(alpha) * abs[e] + Math.abs(beta * c0[it * m * n + e])) + u * Math.abs(want);
                            assertEquals(want, got[it * m * n + e], bound, "gemm " + ta + "," + tb + " a count " + aCount);
                        }
                    }
                    engine.release(ga);
                    engine.release(gb);
                    engine.release(gc);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void gemmWithBetaZeroIgnoresTheOldOutputEvenNaN(Precision p) {
        MatrixBatch a = put(p, 1, 2, 2, new double[] {1, 2, 3, 4});
        MatrixBatch b = put(p, 1, 2, 2, new double[] {1, 0, 0, 1});
        MatrixBatch c = put(p, 1, 2, 2, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
        engine.gemm(1, a, Transpose.NONE, b, Transpose.NONE, 0, c);
        assertArrayEquals(new double[] {1, 2, 3, 4}, engine.download(c), 0.0);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void scaleAddUsesOneCoefficientPerItem(Precision p) {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] x = rounded(random(rnd, 3 * 4 * 2), p);
        double[] y = rounded(random(rnd, 3 * 4 * 2), p);
        double[] alpha = {0.5, 0, -2};
        MatrixBatch gx = put(p, 3, 4, 2, x);
        MatrixBatch gy = put(p, 3, 4, 2, y);
        engine.scaleAdd(alpha, gx, gy);
        double[] got = engine.download(gy);
        for (int i = 0; i < got.length; i++) {
            double want = y[i] + alpha[i / 8] * x[i];
            assertEquals(want, got[i], 2 * p.unitRoundoff() * (Math.abs(y[i]) + Math.abs(alpha[i / 8] * x[i])));
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void normsAndDistancesMatchHost(Precision p) {
        SplittableRandom rnd = new SplittableRandom(4);
        double[] x = rounded(random(rnd, 2 * 30 * 20), p);
        double[] r = rounded(random(rnd, 30 * 20), p);
        MatrixBatch gx = put(p, 2, 30, 20, x);
        MatrixBatch gr = put(p, 1, 30, 20, r);
        double[] norms = engine.squaredNorms(gx);
        double[] dist = engine.squaredDistances(gx, gr);
        int n = 600;
        for (int b = 0; b < 2; b++) {
            double sn = 0;
            double sd = 0;
            for (int i = 0; i < n; i++) {
                double v = x[b * n + i];
                sn += v * v;
                sd += (v - r[i]) * (v - r[i]);
            }
            // accumulation is fp64 on every backend; fp32 differences are exact in fp64
            assertEquals(sn, norms[b], HostReference.gamma(n, Precision.FP64.unitRoundoff()) * sn * 4);
            assertEquals(sd, dist[b], HostReference.gamma(n, Precision.FP32.unitRoundoff()) * sd);
        }
    }

    /** A small sensing problem: op (m×N), x (B×n1×n2), y (1 or B × m). */
    private record Sensing(double[] op, double[] x, double[] y, int m, int n1, int n2, int batch) {
    }

    private static Sensing sensing(SplittableRandom rnd, Precision p, int m, int n1, int n2, int batch, int yCount) {
        double[] op = rounded(random(rnd, m * n1 * n2), p);
        for (int i = 0; i < op.length; i++) {
            op[i] = rounded(new double[] {op[i] / Math.sqrt(m)}, p)[0];
        }
        return new Sensing(op, rounded(random(rnd, batch * n1 * n2), p), rounded(random(rnd, yCount * m), p), m, n1, n2, batch);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void residualAndAdjointMatchHost(Precision p) {
        int m = 300;
        int n1 = 6;
        int n2 = 5;
        int batch = 3;
        int nn = n1 * n2;
        double u = p.unitRoundoff();
        for (int yCount : new int[] {1, batch}) {
            Sensing s = sensing(new SplittableRandom(5 + yCount), p, m, n1, n2, batch, yCount);
            MatrixBatch op = put(p, 1, m, nn, s.op());
            MatrixBatch x = put(p, batch, n1, n2, s.x());
            MatrixBatch y = put(p, yCount, m, 1, s.y());
            MatrixBatch res = engine.allocate(p, batch, m, 1);
            MatrixBatch e = engine.allocate(p, batch, n1, n2);
            engine.residual(op, x, y, res);
            engine.adjoint(op, res, e);
            double[] gotRes = engine.download(res);
            double[] gotE = engine.download(e);
            for (int b = 0; b < batch; b++) {
                double[] wantRes = new double[m];
                for (int i = 0; i < m; i++) {
                    double dot = 0;
                    double abs = 0;
                    for (int j = 0; j < nn; j++) {
                        dot += s.op()[i * nn + j] * s.x()[b * nn + j];
                        abs += Math.abs(s.op()[i * nn + j] * s.x()[b * nn + j]);
                    }
                    double yi = s.y()[(yCount == 1 ? 0 : b) * m + i];
                    wantRes[i] = dot - yi;
                    assertEquals(wantRes[i], gotRes[b * m + i], HostReference.gamma(nn + 2, u) * (abs + Math.abs(yi)) + u * Math.abs(wantRes[i]),
                            "residual item " + b + " row " + i);
                }
                // adjoint of the backend's own residual, so only the adjoint's rounding is measured
                for (int j = 0; j < nn; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int i = 0; i < m; i++) {
                        sum += s.op()[i * nn + j] * gotRes[b * m + i];
                        abs += Math.abs(s.op()[i * nn + j] * gotRes[b * m + i]);
                    }
                    assertEquals(sum, gotE[b * nn + j], HostReference.gamma(m + 1, u) * abs + u * Math.abs(sum),
                            "adjoint item " + b + " entry " + j);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void fusedResidualAndAdjointEqualsTheTwoCallsToRounding(Precision p) {
        int m = 500;
        int n1 = 7;
        int n2 = 4;
        int batch = 4;
        int nn = n1 * n2;
        Sensing s = sensing(new SplittableRandom(11), p, m, n1, n2, batch, 1);
        MatrixBatch op = put(p, 1, m, nn, s.op());
        MatrixBatch x = put(p, batch, n1, n2, s.x());
        MatrixBatch y = put(p, 1, m, 1, s.y());
        MatrixBatch res1 = engine.allocate(p, batch, m, 1);
        MatrixBatch e1 = engine.allocate(p, batch, n1, n2);
        MatrixBatch res2 = engine.allocate(p, batch, m, 1);
        MatrixBatch e2 = engine.allocate(p, batch, n1, n2);
        engine.residual(op, x, y, res1);
        engine.adjoint(op, res1, e1);
        engine.residualAndAdjoint(op, x, y, res2, e2);
        double u = p.unitRoundoff();
        double[] r1 = engine.download(res1);
        double[] r2 = engine.download(res2);
        double scaleR = 0;
        for (double v : r1) {
            scaleR = Math.max(scaleR, Math.abs(v));
        }
        for (int i = 0; i < r1.length; i++) {
            assertEquals(r1[i], r2[i], 2 * HostReference.gamma(nn + 2, u) * (scaleR + 10));
        }
        double[] a = engine.download(e1);
        double[] b = engine.download(e2);
        double scaleE = 0;
        for (double v : a) {
            scaleE = Math.max(scaleE, Math.abs(v));
        }
        // Σ_i |op_ij res_i| ≤ √m · max|res| · ‖op_:j‖ ≈ √m · max|res| for columns of norm ≈ 1
        double absBound = Math.sqrt(m) * scaleR * 1.5;
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 2 * HostReference.gamma(m + nn + 2, u) * absBound * Math.sqrt(nn), "E entry " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void adjointIdentityHoldsForTheGeneratedGaussianOperator(Precision p) {
        // ⟨𝒜(Z), v⟩ = ⟨Z, 𝒜*(v)⟩ for the operator generated on the engine
        int m = 400;
        int n1 = 9;
        int n2 = 8;
        int nn = n1 * n2;
        MatrixBatch op = engine.allocate(p, 1, m, nn);
        engine.fillGaussian(new GaussianStream(42, StreamPurpose.SENSING, 0), 1 / Math.sqrt(m), op);
        SplittableRandom rnd = new SplittableRandom(12);
        double[] z = rounded(random(rnd, nn), p);
        double[] v = rounded(random(rnd, m), p);
        MatrixBatch gz = put(p, 1, n1, n2, z);
        MatrixBatch zeros = put(p, 1, m, 1, new double[m]);
        MatrixBatch az = engine.allocate(p, 1, m, 1);
        engine.residual(op, gz, zeros, az);
        MatrixBatch gv = put(p, 1, m, 1, v);
        MatrixBatch adj = engine.allocate(p, 1, n1, n2);
        engine.adjoint(op, gv, adj);
        double[] a1 = engine.download(az);
        double[] a2 = engine.download(adj);
        double lhs = 0;
        double absL = 0;
        for (int i = 0; i < m; i++) {
            lhs += a1[i] * v[i];
            absL += Math.abs(a1[i] * v[i]);
        }
        double rhs = 0;
        double absR = 0;
        for (int j = 0; j < nn; j++) {
            rhs += z[j] * a2[j];
            absR += Math.abs(z[j] * a2[j]);
        }
        double u = p.unitRoundoff();
        // each side carries the rounding of its own contraction: γ_{nn}·|𝒜||z|·|v| and γ_m·|z|·|𝒜||v|
        double[] opHost = engine.download(op);
        double cross = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < nn; j++) {
                cross += Math.abs(opHost[i * nn + j] * z[j] * v[i]);
            }
        }
        double tol = HostReference.gamma(nn + m + 2, u) * cross * 2 + u * (absL + absR);
        assertEquals(lhs, rhs, tol);
        assertTrue(Math.abs(lhs) > 10 * tol, "the identity must be checked on a non-trivial value");
    }

    @Test
    void shapeErrorsNameTheOperationAndTheShapes() {
        MatrixBatch a = engine.allocate(Precision.FP64, 2, 3, 4);
        MatrixBatch b = engine.allocate(Precision.FP64, 2, 5, 6);
        MatrixBatch c = engine.allocate(Precision.FP64, 2, 3, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.gemm(1, a, Transpose.NONE, b, Transpose.NONE, 0, c));
        assertTrue(e.getMessage().startsWith("gemm:") && e.getMessage().contains("3×4") && e.getMessage().contains("5×6"),
                e.getMessage());
        MatrixBatch f = engine.allocate(Precision.FP32, 2, 3, 4);
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> engine.copy(a, f));
        assertTrue(e2.getMessage().contains("fp64") && e2.getMessage().contains("fp32"), e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> engine.gemm(1, c, Transpose.NONE, c, Transpose.TRANSPOSE, 0, c));
        assertTrue(e3.getMessage().contains("also an input"), e3.getMessage());
    }

    /**
     * The kernel warm-up of the dense Gaussian operator runs (at least one call), frees everything it allocated, and
     * changes no result: the residual and gradients after it are bitwise those before it. Other kinds do nothing.
     */
    @Test
    void kernelWarmUpLeavesNothingBehindAndChangesNoResult() {
        int n1 = 7, n2 = 5, k = 3, m = 70, batch = 2; // a shape no other test warms up (once per shape per JVM)
        SensingOperator op = engine.openOperator(OperatorDescription.generated(OperatorKind.GAUSSIAN, n1, n2, m, 7),
                Precision.FP64);
        MatrixBatch v = engine.allocate(Precision.FP64, batch, n1, k);
        MatrixBatch w = engine.allocate(Precision.FP64, batch, n2, k);
        MatrixBatch y = engine.allocate(Precision.FP64, 1, m, 1);
        MatrixBatch res = engine.allocate(Precision.FP64, batch, m, 1);
        MatrixBatch gv = engine.allocate(Precision.FP64, batch, n1, k);
        MatrixBatch gw = engine.allocate(Precision.FP64, batch, n2, k);
        engine.fillGaussian(new GaussianStream(3, StreamPurpose.INIT_V, 0), 0.5, v);
        engine.fillGaussian(new GaussianStream(3, StreamPurpose.INIT_W, 0), 0.5, w);
        engine.fillGaussian(new GaussianStream(3, StreamPurpose.SENSING, 5), 1.0, y);
        op.residualAndGradients(v, w, y, res, gv, gw);
        double[][] before = {engine.download(res), engine.download(gv), engine.download(gw)};
        long live = engine.liveBytes();
        int calls = op.warmUp(batch, k, Precision.FP64);
        assertTrue(calls >= 1, "the dense operator's warm-up made " + calls + " calls");
        assertEquals(live, engine.liveBytes(), "the warm-up's buffers are released");
        op.residualAndGradients(v, w, y, res, gv, gw);
        assertArrayEquals(before[0], engine.download(res), 0.0, "residual");
        assertArrayEquals(before[1], engine.download(gv), 0.0, "∇V");
        assertArrayEquals(before[2], engine.download(gw), 0.0, "∇W");
        assertEquals(0, op.warmUp(batch, k, Precision.FP64), "a shape is warmed up once per JVM");
        if (engine.supportsOperator(OperatorKind.RANK_ONE)) {
            SensingOperator other = engine.openOperator(OperatorDescription.generated(OperatorKind.RANK_ONE, n1, n2, m, 7),
                    Precision.FP64);
            assertEquals(0, other.warmUp(batch, k, Precision.FP64), "kinds other than the dense operator do nothing");
        }
    }

    @Test
    void buffersOfAnotherEngineAreRefused() {
        try (Engine other = open()) {
            MatrixBatch foreign = other.allocate(Precision.FP64, 1, 2, 2);
            MatrixBatch mine = engine.allocate(Precision.FP64, 1, 2, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.copy(foreign, mine));
            assertTrue(e.getMessage().contains("another engine"), e.getMessage());
        }
    }

    @Test
    void closeReleasesEverythingAndTheEngineRefusesWorkAfterwards() {
        MatrixBatch a = engine.allocate(Precision.FP64, 2, 10, 10);
        engine.allocate(Precision.FP32, 1, 5, 5);
        assertEquals(2 * 100 * 8 + 25 * 4, engine.liveBytes());
        engine.close();
        assertEquals(0, engine.liveBytes());
        assertTrue(a.isReleased());
        assertThrows(IllegalStateException.class, () -> engine.allocate(Precision.FP64, 1, 1, 1));
        engine.close(); // twice is fine
    }

    @Test
    void releasedBuffersCannotBeUsed() {
        MatrixBatch a = engine.allocate(Precision.FP64, 1, 2, 2);
        engine.release(a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.download(a));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }
}
