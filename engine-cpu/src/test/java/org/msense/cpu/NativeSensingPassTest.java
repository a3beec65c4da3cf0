package org.msense.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;

/**
 * The native pass ({@link NativeSensingPass}) against the Java pass it replaces for one trajectory. Both sum in the
 * same order (blocks of eight rows; two 8-lane accumulators per row summed in lane order, then the leftover columns;
 * the adjoint's rows in row order with fused multiply-adds), so where the Java pass runs 8-lane (512-bit) vectors the
 * two give the same bits; with narrower Java vectors they differ by rounding only (held to 1e-12 relative, as the fused
 * pass is against EJML in {@link FusedPassTest}). The AVX2 and AVX-512 code of the library give the same bits. (The
 * engine uses it for one trajectory and an fp64 operator.)
 */
class NativeSensingPassTest {
    /** Shapes that hit every edge: rows not a multiple of 8, columns not a multiple of 32, 16 or 8, one row, one column. */
    private static final int[][] SHAPES = {{61, 1000}, {8, 37}, {13, 8}, {1, 5}, {17, 1}, {40, 96}, {23, 259}};

    private static void assumeAvailable() {
        Assumptions.assumeTrue(NativeSensingPass.available(), "no native pass here: " + NativeSensingPass.status());
    }

    private static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /** max_i |p_i − q_i| / ‖q‖ */
    private static double relative(double[] p, double[] q) {
        double d = 0;
        double r = 0;
        for (int i = 0; i < p.length; i++) {
            d = Math.max(d, Math.abs(p[i] - q[i]));
            r += q[i] * q[i];
        }
        return d / Math.sqrt(r);
    }

    private static void assertSame(double[] want, double[] got, String what) {
        if (VectorSensingPass.L == 8) {
            assertArrayEquals(want, got, 0.0, what + " (8-lane Java vectors: the same bits)");
        } else {
            assertTrue(relative(got, want) <= 1e-12, what + " differs by " + relative(got, want));
        }
    }

    @Test
    void onLinuxX86WithAvx2AndFmaTheLibraryLoads() throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        Path cpuinfo = Path.of("/proc/cpuinfo");
        Assumptions.assumeTrue(os.startsWith("linux") && arch.equals("amd64") && Files.isReadable(cpuinfo),
                "not Linux x86-64: " + os + "/" + arch);
        String flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
        Assumptions.assumeTrue(flags.contains(" avx2") && flags.contains(" fma"), "this processor has no AVX2 and FMA");
        Assumptions.assumeTrue(Boolean.parseBoolean(System.getProperty(NativeSensingPass.PROPERTY, "true")),
                "turned off with -D" + NativeSensingPass.PROPERTY + "=false");
        // a library that fails to load here would silently cost a third of the pass: say why
        assertTrue(NativeSensingPass.available(), NativeSensingPass.status());
        assertTrue(NativeSensingPass.level() == (flags.contains(" avx512f") && flags.contains(" avx512vl") ? 2 : 1),
                "level " + NativeSensingPass.level() + " for flags " + flags);
    }

    @Test
    void givesTheResultOfTheJavaPassOnEveryInstructionSet() {
        assumeAvailable();
        Random rnd = new Random(17);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            double[] a = gaussian(rnd, m * n);
            double[] x = gaussian(rnd, n);
            double[] y = gaussian(rnd, m);
            // rows split in two calls at an 8-row boundary where there are enough (a chunk boundary of the engine)
            int split = m >= 16 ? 8 : m;
            double[] wantRes = new double[m];
            double[] wantFirst = new double[n];
            double[] wantRest = new double[n];
            VectorSensingPass.rowMajor(a, n, 0, split, new double[][] {x}, new double[][] {y}, new double[][] {wantRes}, wantFirst);
            VectorSensingPass.rowMajor(a, n, split, m, new double[][] {x}, new double[][] {y}, new double[][] {wantRes}, wantRest);
            double[] first = null;
            for (int level = 1; level <= NativeSensingPass.level(); level++) {
                double[] res = new double[m];
                double[] acc = new double[n];
                double[] acc2 = new double[n];
                NativeSensingPass.rowMajor(level, a, n, 0, split, x, y, res, acc);
                NativeSensingPass.rowMajor(level, a, n, split, m, x, y, res, acc2);
                String what = m + "×" + n + ", level " + level;
                assertSame(wantRes, res, what + ": residual");
                assertSame(wantFirst, acc, what + ": adjoint of the first rows");
                assertSame(wantRest, acc2, what + ": adjoint of the other rows");
                double[] bits = new double[m + 2 * n];
                System.arraycopy(res, 0, bits, 0, m);
                System.arraycopy(acc, 0, bits, m, n);
                System.arraycopy(acc2, 0, bits, m + n, n);
                if (first == null) {
                    first = bits;
                } else {
                    assertArrayEquals(first, bits, 0.0, what + ": AVX2 and AVX-512 must give the same bits");
                }
            }
        }
    }

    @Test
    void theEngineGivesTheSameResultWithTheNativeAndTheJavaPass() {
        assumeAvailable();
        int m = 203;
        int n1 = 9;
        int n2 = 7;
        Random rnd = new Random(3);
        double[] a = gaussian(rnd, m * n1 * n2);
        double[] x = gaussian(rnd, n1 * n2);
        double[] y = gaussian(rnd, m);
        double[][] out = new double[2][];
        for (int v = 0; v < 2; v++) {
            try (CpuEngine engine = (CpuEngine) new CpuBackend().open(EngineOptions.defaults().withThreads(2))) {
                engine.useJavaPass(v == 1);
                assertTrue(engine.properties().get("sensing pass").contains(v == 0 ? "native C" : "Vector API"),
                        engine.properties().get("sensing pass"));
                MatrixBatch op = engine.allocate(Precision.FP64, 1, m, n1 * n2);
                MatrixBatch xb = engine.allocate(Precision.FP64, 1, n1, n2);
                MatrixBatch yb = engine.allocate(Precision.FP64, 1, m, 1);
                MatrixBatch res = engine.allocate(Precision.FP64, 1, m, 1);
                MatrixBatch e = engine.allocate(Precision.FP64, 1, n1, n2);
                engine.upload(a, op);
                engine.upload(x, xb);
                engine.upload(y, yb);
                engine.residualAndAdjoint(op, xb, yb, res, e);
                double[] r = engine.download(res);
                double[] g = engine.download(e);
                out[v] = new double[m + n1 * n2];
                System.arraycopy(r, 0, out[v], 0, m);
                System.arraycopy(g, 0, out[v], m, g.length);
            }
        }
        assertSame(out[1], out[0], "engine: native against Java");
    }

    @Test
    void boundsTheCCodeDoesNotCheckAreRefusedInJava() {
        assumeAvailable();
        double[] a = new double[40];
        double[] x = new double[10];
        double[] y = new double[4];
        double[] res = new double[4];
        double[] acc = new double[10];
        assertThrows(IllegalArgumentException.class, () -> NativeSensingPass.rowMajor(a, 10, 0, 5, x, y, res, acc));
        assertThrows(IllegalArgumentException.class, () -> NativeSensingPass.rowMajor(a, 10, 0, 4, new double[9], y, res, acc));
        assertThrows(IllegalArgumentException.class, () -> NativeSensingPass.rowMajor(a, 10, 2, 1, x, y, res, acc));
        assertThrows(IllegalStateException.class,
                () -> NativeSensingPass.rowMajor(NativeSensingPass.level() + 1, a, 10, 0, 4, x, y, res, acc));
    }
}
