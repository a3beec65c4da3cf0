package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.cli.Main;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * The {@code hadamard} and {@code gaussian-implicit} operators of the CUDA engine against those of the CPU engine
 * (each engine builds the operator itself from one seed: the hadamard rows and signs are drawn on the host by the
 * core, the implicit Gaussian rows are generated from the Philox stream on each device), and the CUDA
 * {@code gaussian-implicit} against the CUDA {@code gaussian} of the same seed. Skipped, with the probe's reason,
 * without a GPU (the host emulation runs it: {@link CudaDenseOperatorsEmulationTest}).
 *
 * <p><b>Tolerances (fp64, u = 2⁻⁵³).</b> hadamard: the FWHT of length N = 512 is log2 N = 9 butterfly stages, each
 * orthogonal up to a factor √2 and rounding each element once, so each engine's transform is within 9u‖·‖ of the
 * exact one norm-wise; the other steps are products with inner dimension ≤ n1 = 20 (γ_20 ≈ 2.2e-15). The CPU and the
 * GPU order the stages and the GEMMs differently; their norm-wise relative difference is bounded by
 * {@value #FP64_PRIMITIVE} with two orders of magnitude to spare. gaussian-implicit: the sensing sums run over
 * n = 300 columns and m = 400 rows in different orders on the two engines, γ_400 ≈ 4.4e-14 each, so the same bound
 * (2·γ_400 ≈ 8.9e-14, rounded up) holds. fp32 on the device against the CPU's fp64 (the CPU computes both in fp64 only):
 * the inputs are rounded to fp32 (u₃₂ = 2⁻²⁴) and the sums carry γ_L(u₃₂) with L ≤ 400, hence
 * {@link #FP32_VS_FP64} = 10·γ_400(u₃₂) ≈ 2.4e-4 (a wrong kernel gives differences of order one).
 *
 * <p>Trajectories: the batch of {@link CudaCrossBackendTest} (3 trajectories, α = 10⁻³, 10⁻², 10⁻¹, μ = 0.25, 300
 * iterations of GD, fp64) on each operator, every logged diagnostic and the final V_bW_bᵀ within
 * {@link CudaCrossBackendTest#FP64_TOLERANCE} = 1e-9 relative. CUDA gaussian-implicit against CUDA gaussian: the
 * generated entries are the stored ones bit for bit and the kernel is the dense operator's fused pass with the same
 * plan, so one residual-and-gradient step gives the same bits; over 300 iterations the relative error at every logged
 * iteration and the final V_bW_bᵀ agree to 1e-12 (the runs differ at most in how y was measured: the dense operator
 * forms 𝒜(X*) with a GEMM, the implicit one with its pass, an O(u) difference that contracts with the iterates).
 */
class CudaDenseOperatorsTest {
    static final double FP64_PRIMITIVE = 1e-13;
    static final double FP32_VS_FP64 = CudaCrossBackendTest.FP32_TOLERANCE;

    static final int N1 = 20;
    static final int N2 = 15;
    static final int K = 4;
    static final int M = 400;
    static final int BATCH = 3;

    private Engine gpu;
    private Engine cpu;

    @BeforeEach
    void open() {
        gpu = CudaSupport.openOrSkip();
        cpu = Backends.select("cpu", Backends.discover()).backend().open(EngineOptions.defaults().withThreads(2));
    }

    @AfterEach
    void close() {
        if (gpu != null) {
            CudaSupport.assertRanOnGpu(gpu);
            gpu.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    private static double[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    private static MatrixBatch put(Engine e, Precision p, int count, int rows, int cols, double[] values) {
        MatrixBatch m = e.allocate(p, count, rows, cols);
        e.upload(values, m);
        return m;
    }

    /** ‖a − b‖_F / ‖a‖_F. */
    static double relative(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            assertTrue(Double.isFinite(b[i]), "non-finite value at " + i);
            d += (a[i] - b[i]) * (a[i] - b[i]);
            n += a[i] * a[i];
        }
        return Math.sqrt(d / n);
    }

    private static void close(String what, double[] expected, double[] actual, double tolerance) {
        double r = relative(expected, actual);
        System.out.println(String.format(Locale.ROOT, "%s: relative difference %.3g (bound %.3g)", what, r, tolerance));
        assertTrue(r <= tolerance, what + ": relative difference " + r + " > " + tolerance);
    }

    /** One operator and its inputs on one engine. */
    private record Side(Engine engine, SensingOperator op, MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        static Side open(Engine e, OperatorKind kind, Precision p, int batch) {
            return open(e, kind, p, batch, N1, N2, M);
        }

        static Side open(Engine e, OperatorKind kind, Precision p, int batch, int n1, int n2, int m) {
            SensingOperator op = e.openOperator(OperatorDescription.generated(kind, n1, n2, m, 77), p);
            return new Side(e, op, put(e, p, batch, n1, K, random(1, batch * n1 * K)),
                    put(e, p, batch, n2, K, random(2, batch * n2 * K)), put(e, p, batch, m, 1, random(3, batch * m)),
                    e.allocate(p, batch, m, 1), e.allocate(p, batch, n1, K), e.allocate(p, batch, n2, K));
        }

        void residualAndGradients() {
            op.residualAndGradients(v, w, y, res, gradV, gradW);
        }
    }

    /**
     * Residual and gradients, fused and separate, and ‖𝒜*(res)‖², on both engines, for a batch of {@value #BATCH}
     * trajectories and for a single one; the device results of a repeated call are the same bits (no atomics).
     */
    private void compareOperations(OperatorKind kind, Precision p, double tolerance) {
        for (int batch : new int[] {BATCH, 1}) {
            Side g = Side.open(gpu, kind, p, batch);
            Side c = Side.open(cpu, kind, Precision.FP64, batch);
            c.residualAndGradients();
            g.residualAndGradients();
            String at = kind.id() + " " + p + " B=" + batch + " CPU vs CUDA";
            close(at + " residual", cpu.download(c.res()), gpu.download(g.res()), tolerance);
            close(at + " 𝒜*(res)W", cpu.download(c.gradV()), gpu.download(g.gradV()), tolerance);
            close(at + " 𝒜*(res)ᵀV", cpu.download(c.gradW()), gpu.download(g.gradW()), tolerance);
            double[] fusedRes = gpu.download(g.res());
            double[] fusedV = gpu.download(g.gradV());
            double[] fusedW = gpu.download(g.gradW());
            close(at + " ‖𝒜*(res)‖²", c.op().adjointSquaredNorms(c.res()), g.op().adjointSquaredNorms(g.res()), tolerance);
            // the separate calls: the same bits where they run the same kernels, rounding otherwise
            g.op().residual(g.v(), g.w(), g.y(), g.res());
            assertArrayEquals(fusedRes, gpu.download(g.res()), 0.0, at + ": residual alone");
            g.op().gradients(g.res(), g.v(), g.w(), g.gradV(), g.gradW());
            assertArrayEquals(fusedV, gpu.download(g.gradV()), 0.0, at + ": gradients alone (V)");
            assertArrayEquals(fusedW, gpu.download(g.gradW()), 0.0, at + ": gradients alone (W)");
            g.residualAndGradients();
            assertArrayEquals(fusedRes, gpu.download(g.res()), 0.0, at + ": repeated residual");
            assertArrayEquals(fusedV, gpu.download(g.gradV()), 0.0, at + ": repeated gradient (V)");
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void hadamardOperationsAgreeWithTheCpu(Precision p) {
        compareOperations(OperatorKind.HADAMARD, p, p == Precision.FP64 ? FP64_PRIMITIVE : FP32_VS_FP64);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void implicitGaussianOperationsAgreeWithTheCpu(Precision p) {
        compareOperations(OperatorKind.GAUSSIAN_IMPLICIT, p, p == Precision.FP64 ? FP64_PRIMITIVE : FP32_VS_FP64);
    }

    /**
     * A larger, odd-sized problem: n1·n2 = 63·41 = 2583 (odd: the generated rows start at odd stream positions, whose
     * Philox pairs straddle two rows), padded to N = 4096, so the FWHT runs its high-stride launch (above
     * {@code Kernels.FWHT_SEGMENT} = 2048) too; m = 600, B = 2, fp64. Bound: log2 N = 12 stages and sums over
     * n = 2583 terms, 2·γ_2583 ≈ 5.7e-13 for the implicit operator, rounded up to 1e-12.
     */
    @Test
    void largerOddSizedOperationsAgreeWithTheCpu() {
        for (OperatorKind kind : new OperatorKind[] {OperatorKind.HADAMARD, OperatorKind.GAUSSIAN_IMPLICIT}) {
            Side g = Side.open(gpu, kind, Precision.FP64, 2, 63, 41, 600);
            Side c = Side.open(cpu, kind, Precision.FP64, 2, 63, 41, 600);
            c.residualAndGradients();
            g.residualAndGradients();
            String at = kind.id() + " 63×41, m = 600, B=2 CPU vs CUDA";
            close(at + " residual", cpu.download(c.res()), gpu.download(g.res()), 1e-12);
            close(at + " 𝒜*(res)W", cpu.download(c.gradV()), gpu.download(g.gradV()), 1e-12);
            close(at + " 𝒜*(res)ᵀV", cpu.download(c.gradW()), gpu.download(g.gradW()), 1e-12);
        }
    }

    /** y = 𝒜(U diag(σ) Vᵀ) − shift and the dense adjoint 𝒜*(r) (used by diagnostics and reports) on both engines. */
    @Test
    void measureAndDenseAdjointAgreeWithTheCpu() {
        for (OperatorKind kind : new OperatorKind[] {OperatorKind.HADAMARD, OperatorKind.GAUSSIAN_IMPLICIT}) {
            double[] u = random(4, N1 * 2);
            double[] v = random(5, N2 * 2);
            double[] sigma = {1.0, 0.5};
            double[] shift = random(6, M);
            double[] res = random(7, 2 * M);
            double[][] y = new double[2][];
            double[][] e = new double[2][];
            Engine[] engines = {cpu, gpu};
            for (int s = 0; s < 2; s++) {
                Engine en = engines[s];
                SensingOperator op = en.openOperator(OperatorDescription.generated(kind, N1, N2, M, 91), Precision.FP64);
                MatrixBatch out = en.allocate(Precision.FP64, 1, M, 1);
                op.measure(u, sigma, v, 2, put(en, Precision.FP64, 1, M, 1, shift), out);
                y[s] = en.download(out);
                MatrixBatch dense = en.allocate(Precision.FP64, 2, N1, N2);
                op.adjoint(put(en, Precision.FP64, 2, M, 1, res), dense);
                e[s] = en.download(dense);
            }
            close(kind.id() + " measure CPU vs CUDA", y[0], y[1], FP64_PRIMITIVE);
            close(kind.id() + " dense adjoint CPU vs CUDA", e[0], e[1], FP64_PRIMITIVE);
        }
    }

    /**
     * The CUDA implicit operator's fused step gives the CUDA dense operator's bits (same entries, same plan, same
     * summation order), in both precisions, where the engine runs the dense operator's fused pass.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void implicitStepEqualsTheStoredGaussianStepBitForBit(Precision p) {
        Side dense = Side.open(gpu, OperatorKind.GAUSSIAN, p, BATCH);
        Side implicit = Side.open(gpu, OperatorKind.GAUSSIAN_IMPLICIT, p, BATCH);
        long before = CudaSupport.fusedPasses(gpu);
        dense.residualAndGradients();
        implicit.residualAndGradients();
        if (CudaSupport.fusedPasses(gpu) == before) {
            System.out.println("the dense operator did not run the fused pass here: bitwise check skipped");
            return;
        }
        assertArrayEquals(gpu.download(dense.res()), gpu.download(implicit.res()), 0.0, p + " residual");
        assertArrayEquals(gpu.download(dense.gradV()), gpu.download(implicit.gradV()), 0.0, p + " 𝒜*(res)W");
        assertArrayEquals(gpu.download(dense.gradW()), gpu.download(implicit.gradW()), 0.0, p + " 𝒜*(res)ᵀV");
    }

    /** The implicit operator is described as the dense matrix of the same numbers, as on the CPU. */
    @Test
    void describedAsTheCpuDescribesThem() {
        for (OperatorKind kind : new OperatorKind[] {OperatorKind.HADAMARD, OperatorKind.GAUSSIAN_IMPLICIT}) {
            OperatorDescription d = OperatorDescription.generated(kind, N1, N2, 40, 5);
            OperatorDescription fromGpu = gpu.openOperator(d, Precision.FP64).describe();
            OperatorDescription fromCpu = cpu.openOperator(d, Precision.FP64).describe();
            if (kind == OperatorKind.HADAMARD) {
                assertArrayEquals(fromCpu.rows(), fromGpu.rows(), kind.id() + " rows");
                assertArrayEquals(fromCpu.signs(), fromGpu.signs(), 0.0, kind.id() + " signs");
            } else {
                assertArrayEquals(fromCpu.dense(), fromGpu.dense(), 0.0, kind.id() + ": one Philox stream");
            }
        }
    }

    @Test
    void factorsOfAnotherPrecisionAreRefused() {
        for (OperatorKind kind : new OperatorKind[] {OperatorKind.HADAMARD, OperatorKind.GAUSSIAN_IMPLICIT}) {
            SensingOperator op = gpu.openOperator(OperatorDescription.generated(kind, N1, N2, 40, 5), Precision.FP32);
            BackendException e = assertThrows(BackendException.class, () -> op.residual(
                    gpu.allocate(Precision.FP64, 1, N1, K), gpu.allocate(Precision.FP64, 1, N2, K),
                    gpu.allocate(Precision.FP64, 1, 40, 1), gpu.allocate(Precision.FP64, 1, 40, 1)));
            assertTrue(e.getMessage().contains("fp32") && e.getMessage().contains("--precision"), e.getMessage());
        }
    }

    static BatchSpec spec(OperatorKind kind) {
        ProblemSpec p = new ProblemSpec(N1, N2, 2, 1.0, 1.0, M, kind, 0.0, 3);
        List<TrajectorySpec> ts = new ArrayList<>();
        for (double a : new double[] {1e-3, 1e-2, 1e-1}) {
            ts.add(new TrajectorySpec(p.seed(), a, a, 0.25));
        }
        return new BatchSpec(p, new ModelSpec(K, InitNormalization.PER_WIDTH, Precision.FP64), new AlgorithmSpec(300, 25, 0, 0),
                ts);
    }

    /** The final relative error of every trajectory of a run. */
    private static double[] finalErrors(TrajectoryRun run) {
        int batch = (int) run.records().stream().mapToInt(DiagnosticRecord::trajectory).distinct().count();
        double[] e = new double[batch];
        for (DiagnosticRecord r : run.records()) {
            e[r.trajectory()] = r.relativeError();
        }
        return e;
    }

    private void trajectoriesAgreeWithTheCpu(OperatorKind kind) {
        BatchSpec spec = spec(kind);
        TrajectoryRun onGpu = TrajectoryRun.run(gpu, spec);
        TrajectoryRun onCpu = TrajectoryRun.run(cpu, spec);
        TrajectoryRun.Difference d = TrajectoryRun.compare(onCpu, onGpu);
        double[] last = finalErrors(onCpu);
        System.out.println("CPU vs CUDA, " + kind.id() + ", fp64, 300 iterations: " + d + "; final relative errors "
                + java.util.Arrays.toString(last));
        for (double x : last) {
            assertTrue(x < 0.1, kind.id() + ": the test problem must be one GD solves (final errors "
                    + java.util.Arrays.toString(last) + ")");
        }
        assertTrue(d.worst() <= CudaCrossBackendTest.FP64_TOLERANCE, d.toString());
        assertTrue(d.worstProduct() <= CudaCrossBackendTest.FP64_TOLERANCE, d.toString());
    }

    @Test
    void hadamardTrajectoriesAgreeWithTheCpu() {
        trajectoriesAgreeWithTheCpu(OperatorKind.HADAMARD);
    }

    @Test
    void implicitGaussianTrajectoriesAgreeWithTheCpu() {
        trajectoriesAgreeWithTheCpu(OperatorKind.GAUSSIAN_IMPLICIT);
    }

    /** CUDA gaussian-implicit against CUDA gaussian of the same seed, 300 iterations: 1e-12 (see the class comment). */
    @Test
    void implicitGaussianEqualsTheStoredGaussianOnTheGpu() {
        TrajectoryRun dense = TrajectoryRun.run(gpu, spec(OperatorKind.GAUSSIAN));
        TrajectoryRun implicit = TrajectoryRun.run(gpu, spec(OperatorKind.GAUSSIAN_IMPLICIT));
        assertEquals(dense.records().size(), implicit.records().size());
        double worst = 0;
        for (int i = 0; i < dense.records().size(); i++) {
            DiagnosticRecord a = dense.records().get(i);
            DiagnosticRecord b = implicit.records().get(i);
            assertEquals(a.trajectory(), b.trajectory());
            assertEquals(a.iteration(), b.iteration());
            worst = Math.max(worst, Math.abs(a.relativeError() - b.relativeError()));
            assertEquals(a.relativeError(), b.relativeError(), 1e-12,
                    "trajectory " + a.trajectory() + " iteration " + a.iteration());
        }
        double product = 0;
        for (int b = 0; b < dense.products().size(); b++) {
            product = Math.max(product, relative(dense.products().get(b), implicit.products().get(b)));
        }
        System.out.println(String.format(Locale.ROOT, "CUDA gaussian vs gaussian-implicit, 300 iterations: relative error"
                + " differs by ≤ %.3g, final V_bW_bᵀ by ≤ %.3g relative", worst, product));
        assertTrue(product <= 1e-12, "final V_bW_bᵀ differ by " + product);
        assertTrue(finalErrors(dense)[0] < 0.1, "the compared trajectories converge");
    }

    /** {@code msense run --backend cuda --operator hadamard|gaussian-implicit} runs (it used to be refused) and says so. */
    @Test
    void theCliRunsBothOperatorsOnTheGpu() throws Exception {
        Path out = Files.createTempDirectory("msense-cuda-dense");
        try {
            for (String kind : new String[] {"hadamard", "gaussian-implicit"}) {
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                ByteArrayOutputStream e = new ByteArrayOutputStream();
                int status;
                try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
                        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
                    status = new Main().execute(List.of("run", "--backend", "cuda", "--operator", kind, "--n1", "12", "--n2",
                            "10", "--measurements", "80", "--iterations", "20", "--out", out.resolve(kind).toString()), po, pe);
                }
                String text = o.toString(StandardCharsets.UTF_8) + e.toString(StandardCharsets.UTF_8);
                assertEquals(0, status, kind + ": " + text);
                assertTrue(text.contains("msense run: cuda backend"), text);
                String summary = Files.readString(out.resolve(kind).resolve("summary.json"));
                assertTrue(summary.contains("\"cuda\"") && summary.contains(kind), summary);
            }
        } finally {
            try (var files = Files.walk(out)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
