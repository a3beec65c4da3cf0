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
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * The {@code completion} and {@code rank-one} operators of the CUDA engine against those of the CPU engine: every
 * operation from identical inputs (each engine draws or generates the operator itself from one seed: the completion
 * entries on the host by the core's sampler, the rank-one a_i, b_i from the Philox streams, on the device for CUDA),
 * and whole batched GD trajectories of 300 iterations. Skipped, with the probe's reason, without a GPU (the host
 * emulation runs it: {@link CudaStructuredOperatorsEmulationTest}).
 *
 * <p><b>Tolerances (fp64, u = 2⁻⁵³).</b> Each output of an operation is a sum of at most L terms (L ≤ m = 400 here:
 * the entries of a row or column for completion; the inner dimensions n1, n2, m of the rank-one products), which the
 * two engines add in different orders (cuBLAS blocking, the CPU's tiles), so each differs from the exact sum by at most
 * γ_L(u)·Σ|terms| ≈ 4.4e-14·Σ|terms|. With random inputs the sum of magnitudes is within a small factor of the
 * result's norm, so the norm-wise relative difference of the two engines is bounded by {@value #FP64_PRIMITIVE}
 * (2·γ_400 ≈ 8.9e-14, rounded up). Rank-one chains two products (the residual from P = AV and Q = BW, then the
 * gradient GEMMs over m), so its bound is the sum of the chain's: {@value #FP64_RANK_ONE} (four γ_400 steps, each
 * on both engines, ≈ 3.6e-13, rounded up). Completion in fp32 accumulates in fp64 on both engines in the same order
 * and rounds once, so the results may differ by one unit in the last place of fp32 at most: 2⁻²³ norm-wise.
 *
 * <p>Trajectories: the batch of {@link CudaCrossBackendTest} (3 trajectories, α = 10⁻³, 10⁻², 10⁻¹, μ = 0.25, 300
 * iterations of GD) on each operator, every logged diagnostic and the final V_bW_bᵀ within
 * {@link CudaCrossBackendTest#FP64_TOLERANCE} = 1e-9 relative (the argument there applies unchanged: the runs differ
 * by rounding only, γ-sized per step).
 */
class CudaStructuredOperatorsTest {
    static final double FP64_PRIMITIVE = 1e-13;
    static final double FP64_RANK_ONE = 4e-13;
    static final double FP32_COMPLETION = 0x1p-23;

    static final int N1 = 20;
    static final int N2 = 15;
    static final int K = 4;
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

    static int measurements(OperatorKind kind) {
        return kind == OperatorKind.COMPLETION ? 240 : 400;
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
        System.out.println(String.format(Locale.ROOT, "%s: CPU vs CUDA relative difference %.3g (bound %.3g)", what, r,
                tolerance));
        assertTrue(r <= tolerance, what + ": relative difference " + r + " > " + tolerance);
    }

    /** One operator and its inputs on one engine. */
    private record Side(Engine engine, SensingOperator op, MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        static Side open(Engine e, OperatorKind kind, Precision p, int batch) {
            int m = measurements(kind);
            SensingOperator op = e.openOperator(OperatorDescription.generated(kind, N1, N2, m, 77), p);
            return new Side(e, op, put(e, p, batch, N1, K, random(1, batch * N1 * K)),
                    put(e, p, batch, N2, K, random(2, batch * N2 * K)), put(e, p, batch, m, 1, random(3, batch * m)),
                    e.allocate(p, batch, m, 1), e.allocate(p, batch, N1, K), e.allocate(p, batch, N2, K));
        }

        void residualAndGradients() {
            op.residualAndGradients(v, w, y, res, gradV, gradW);
        }
    }

    /**
     * Residual and gradients, fused and separate, and ‖𝒜*(res)‖², on both engines, for a batch of {@value #BATCH}
     * trajectories and for a single one (rank-one stacks a batch, and uses a single trajectory's factors directly).
     */
    private void compareOperations(OperatorKind kind, Precision p, Precision cpuPrecision, double tolerance) {
        for (int batch : new int[] {BATCH, 1}) {
            compareOperations(kind, p, cpuPrecision, tolerance, batch);
        }
    }

    private void compareOperations(OperatorKind kind, Precision p, Precision cpuPrecision, double tolerance, int batch) {
        Side g = Side.open(gpu, kind, p, batch);
        Side c = Side.open(cpu, kind, cpuPrecision, batch);
        c.residualAndGradients();
        g.residualAndGradients();
        String at = kind.id() + " " + p + " B=" + batch;
        close(at + " residual", cpu.download(c.res()), gpu.download(g.res()), tolerance);
        close(at + " 𝒜*(res)W", cpu.download(c.gradV()), gpu.download(g.gradV()), tolerance);
        close(at + " 𝒜*(res)ᵀV", cpu.download(c.gradW()), gpu.download(g.gradW()), tolerance);
        // the separate calls give the fused call's numbers, and a second call the same bits (no atomics)
        double[] fusedRes = gpu.download(g.res());
        double[] fusedV = gpu.download(g.gradV());
        double[] fusedW = gpu.download(g.gradW());
        g.op().residual(g.v(), g.w(), g.y(), g.res());
        g.op().gradients(g.res(), g.v(), g.w(), g.gradV(), g.gradW());
        assertArrayEquals(fusedRes, gpu.download(g.res()), 0.0, at + ": residual alone");
        assertArrayEquals(fusedV, gpu.download(g.gradV()), 0.0, at + ": gradients alone (V)");
        assertArrayEquals(fusedW, gpu.download(g.gradW()), 0.0, at + ": gradients alone (W)");
        close(at + " ‖𝒜*(res)‖²", c.op().adjointSquaredNorms(c.res()), g.op().adjointSquaredNorms(g.res()), tolerance);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void completionOperationsAgreeWithTheCpu(Precision p) {
        compareOperations(OperatorKind.COMPLETION, p, p, p == Precision.FP64 ? FP64_PRIMITIVE : FP32_COMPLETION);
    }

    @Test
    void rankOneOperationsAgreeWithTheCpu() {
        compareOperations(OperatorKind.RANK_ONE, Precision.FP64, Precision.FP64, FP64_RANK_ONE);
    }

    /**
     * Rank-one in fp32 (the CPU backend computes rank-one in fp64 only): against the CPU's fp64 results from the same
     * inputs. a_i, b_i, V, W, y are rounded to fp32 (relative u₃₂ = 2⁻²⁴ each) and cuBLAS accumulates in fp32, so each
     * product carries γ_L(u₃₂) with L ≤ 400 (≈ 2.4e-5); four chained products and the input rounding: 10·γ_400(u₃₂).
     */
    @Test
    void rankOneFp32AgreesWithTheCpuInFp64() {
        double u = Precision.FP32.unitRoundoff();
        compareOperations(OperatorKind.RANK_ONE, Precision.FP32, Precision.FP64, 10 * 400 * u / (1 - 400 * u));
    }

    /** y = 𝒜(U diag(σ) Vᵀ) − shift and the dense adjoint 𝒜*(r) (used by diagnostics and reports) on both engines. */
    @Test
    void measureAndDenseAdjointAgreeWithTheCpu() {
        for (OperatorKind kind : new OperatorKind[] {OperatorKind.COMPLETION, OperatorKind.RANK_ONE}) {
            int m = measurements(kind);
            double[] u = random(4, N1 * 2);
            double[] v = random(5, N2 * 2);
            double[] sigma = {1.0, 0.5};
            double[] shift = random(6, m);
            double[] res = random(7, 2 * m);
            double[][] y = new double[2][];
            double[][] e = new double[2][];
            Engine[] engines = {cpu, gpu};
            for (int s = 0; s < 2; s++) {
                Engine en = engines[s];
                SensingOperator op = en.openOperator(OperatorDescription.generated(kind, N1, N2, m, 91), Precision.FP64);
                MatrixBatch out = en.allocate(Precision.FP64, 1, m, 1);
                op.measure(u, sigma, v, 2, put(en, Precision.FP64, 1, m, 1, shift), out);
                y[s] = en.download(out);
                MatrixBatch dense = en.allocate(Precision.FP64, 2, N1, N2);
                op.adjoint(put(en, Precision.FP64, 2, m, 1, res), dense);
                e[s] = en.download(dense);
            }
            double tolerance = kind == OperatorKind.COMPLETION ? FP64_PRIMITIVE : FP64_RANK_ONE;
            close(kind.id() + " measure", y[0], y[1], tolerance);
            close(kind.id() + " dense adjoint", e[0], e[1], tolerance);
        }
    }

    /** The operator is described back as the data it was generated from (the same a_i, b_i as the CPU's). */
    @Test
    void rankOneDescribesTheSameVectorsAsTheCpu() {
        OperatorDescription d = OperatorDescription.generated(OperatorKind.RANK_ONE, N1, N2, 40, 5);
        OperatorDescription fromGpu = gpu.openOperator(d, Precision.FP64).describe();
        OperatorDescription fromCpu = cpu.openOperator(d, Precision.FP64).describe();
        assertArrayEquals(fromCpu.left(), fromGpu.left(), 0.0, "a_i: both generate them from one Philox stream");
        assertArrayEquals(fromCpu.right(), fromGpu.right(), 0.0, "b_i");
    }

    @Test
    void rankOneRefusesFactorsOfAnotherPrecision() {
        SensingOperator op = gpu.openOperator(OperatorDescription.generated(OperatorKind.RANK_ONE, N1, N2, 40, 5),
                Precision.FP32);
        BackendException e = assertThrows(BackendException.class, () -> op.residual(
                gpu.allocate(Precision.FP64, 1, N1, K), gpu.allocate(Precision.FP64, 1, N2, K),
                gpu.allocate(Precision.FP64, 1, 40, 1), gpu.allocate(Precision.FP64, 1, 40, 1)));
        assertTrue(e.getMessage().contains("fp32") && e.getMessage().contains("--precision"), e.getMessage());
    }

    /** A rank-one operator whose B cannot be allocated (2·10¹⁰ numbers) fails and leaves nothing allocated behind. */
    @Test
    void aRankOneOperatorThatDoesNotFitFreesWhatItAllocated() {
        long before = gpu.liveBytes();
        RuntimeException e = assertThrows(RuntimeException.class, () -> gpu.openOperator(
                OperatorDescription.generated(OperatorKind.RANK_ONE, 10, 100_000, 200_000, 5), Precision.FP64));
        System.out.println("rank-one too large: " + e.getMessage());
        assertEquals(before, gpu.liveBytes(), "A (16 MB) must be freed when B cannot be allocated");
    }

    static BatchSpec spec(OperatorKind kind) {
        ProblemSpec p = new ProblemSpec(N1, N2, 2, 1.0, 1.0, measurements(kind), kind, 0.0, 3);
        List<TrajectorySpec> ts = new ArrayList<>();
        for (double a : new double[] {1e-3, 1e-2, 1e-1}) {
            ts.add(new TrajectorySpec(p.seed(), a, a, 0.25));
        }
        return new BatchSpec(p, new ModelSpec(K, InitNormalization.PER_WIDTH, Precision.FP64), new AlgorithmSpec(300, 25, 0, 0),
                ts);
    }

    private void trajectoriesAgree(OperatorKind kind) {
        BatchSpec spec = spec(kind);
        TrajectoryRun onGpu = TrajectoryRun.run(gpu, spec);
        TrajectoryRun onCpu = TrajectoryRun.run(cpu, spec);
        TrajectoryRun.Difference d = TrajectoryRun.compare(onCpu, onGpu);
        DiagnosticsTail last = DiagnosticsTail.of(onCpu);
        System.out.println("CPU vs CUDA, " + kind.id() + ", fp64, 300 iterations: " + d + "; final relative errors " + last);
        assertTrue(last.converged(), kind.id() + ": the test problem must be one GD solves (final errors " + last + ")");
        assertTrue(d.worst() <= CudaCrossBackendTest.FP64_TOLERANCE, d.toString());
        assertTrue(d.worstProduct() <= CudaCrossBackendTest.FP64_TOLERANCE, d.toString());
    }

    /** The final relative errors of a run's trajectories. */
    private record DiagnosticsTail(double[] errors) {
        static DiagnosticsTail of(TrajectoryRun run) {
            int batch = (int) run.records().stream().mapToInt(r -> r.trajectory()).distinct().count();
            double[] e = new double[batch];
            for (var r : run.records()) {
                e[r.trajectory()] = r.relativeError();
            }
            return new DiagnosticsTail(e);
        }

        boolean converged() {
            for (double x : errors) {
                if (!(x < 0.1)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return java.util.Arrays.toString(errors);
        }
    }

    @Test
    void completionTrajectoriesAgreeWithTheCpu() {
        trajectoriesAgree(OperatorKind.COMPLETION);
    }

    @Test
    void rankOneTrajectoriesAgreeWithTheCpu() {
        trajectoriesAgree(OperatorKind.RANK_ONE);
    }

    /** {@code msense run --backend cuda --operator completion|rank-one} runs (it used to be refused) and says so. */
    @Test
    void theCliRunsBothOperatorsOnTheGpu() throws Exception {
        Path out = Files.createTempDirectory("msense-cuda-structured");
        try {
            for (String kind : new String[] {"completion", "rank-one"}) {
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
