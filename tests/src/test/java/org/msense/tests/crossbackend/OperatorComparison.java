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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.msense.cli.Main;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Engine;
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
 * What the CUDA operator test classes ({@link CudaDenseOperatorsTest}, {@link CudaStructuredOperatorsTest}) share:
 * an operator with random inputs on one engine ({@link Side}), the norm-wise comparison of two results, the check of
 * one residual-and-gradient pass on both engines, whole trajectories on both engines, the refusal of factors of
 * another precision, and {@code msense run --backend cuda} for given operators.
 */
final class OperatorComparison {
    private OperatorComparison() {
    }

    /** n standard Gaussian numbers from a fixed seed. */
    static double[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    /** A new count×rows×cols batch on {@code e} holding {@code values}. */
    static MatrixBatch put(Engine e, Precision p, int count, int rows, int cols, double[] values) {
        MatrixBatch m = e.allocate(p, count, rows, cols);
        e.upload(values, m);
        return m;
    }

    /** ‖a − b‖_F / ‖a‖_F (every value of b must be finite). */
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

    /** Asserts ‖expected − actual‖_F / ‖expected‖_F ≤ tolerance (CPU result first), and prints the difference. */
    static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
        double r = relative(expected, actual);
        System.out.println(String.format(Locale.ROOT, "%s: CPU vs CUDA relative difference %.3g (bound %.3g)", what, r,
                tolerance));
        assertTrue(r <= tolerance, what + ": relative difference " + r + " > " + tolerance);
    }

    /** One operator and its inputs on one engine: V, W, y random from fixed seeds, res and the gradients to fill. */
    record Side(Engine engine, SensingOperator op, MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        /** The operator generated from seed 77 (n1×n2, m rows) and a batch of inputs of width k. */
        static Side open(Engine e, OperatorKind kind, Precision p, int batch, int n1, int n2, int k, int m) {
            SensingOperator op = e.openOperator(OperatorDescription.generated(kind, n1, n2, m, 77), p);
            return new Side(e, op, put(e, p, batch, n1, k, random(1, batch * n1 * k)),
                    put(e, p, batch, n2, k, random(2, batch * n2 * k)), put(e, p, batch, m, 1, random(3, batch * m)),
                    e.allocate(p, batch, m, 1), e.allocate(p, batch, n1, k), e.allocate(p, batch, n2, k));
        }

        void residualAndGradients() {
            op.residualAndGradients(v, w, y, res, gradV, gradW);
        }
    }

    /**
     * The fused residual and gradients on both sides, within {@code tolerance}; on the GPU the separate calls
     * (residual, then gradients) give the fused call's bits; ‖𝒜*(res)‖² of both within {@code tolerance}. Modifies
     * the outputs of both sides.
     */
    static void assertOneStepAgrees(Side c, Side g, String at, double tolerance) {
        Engine cpu = c.engine();
        Engine gpu = g.engine();
        c.residualAndGradients();
        g.residualAndGradients();
        assertClose(at + " residual", cpu.download(c.res()), gpu.download(g.res()), tolerance);
        assertClose(at + " 𝒜*(res)W", cpu.download(c.gradV()), gpu.download(g.gradV()), tolerance);
        assertClose(at + " 𝒜*(res)ᵀV", cpu.download(c.gradW()), gpu.download(g.gradW()), tolerance);
        double[] fusedRes = gpu.download(g.res());
        double[] fusedV = gpu.download(g.gradV());
        double[] fusedW = gpu.download(g.gradW());
        g.op().residual(g.v(), g.w(), g.y(), g.res());
        assertArrayEquals(fusedRes, gpu.download(g.res()), 0.0, at + ": residual alone");
        g.op().gradients(g.res(), g.v(), g.w(), g.gradV(), g.gradW());
        assertArrayEquals(fusedV, gpu.download(g.gradV()), 0.0, at + ": gradients alone (V)");
        assertArrayEquals(fusedW, gpu.download(g.gradW()), 0.0, at + ": gradients alone (W)");
        assertClose(at + " ‖𝒜*(res)‖²", c.op().adjointSquaredNorms(c.res()), g.op().adjointSquaredNorms(g.res()), tolerance);
    }

    /**
     * y = 𝒜(U diag(σ) Vᵀ) − shift (U n1×2, V n2×2 random, σ = (1, 0.5)) and the dense adjoint 𝒜*(r) of two random
     * residuals, for the fp64 operator generated from seed 91 on each engine, agree within {@code tolerance}.
     */
    static void assertMeasureAndAdjointAgree(Engine cpu, Engine gpu, OperatorKind kind, int n1, int n2, int m,
            double tolerance) {
        double[] u = random(4, n1 * 2);
        double[] v = random(5, n2 * 2);
        double[] sigma = {1.0, 0.5};
        double[] shift = random(6, m);
        double[] res = random(7, 2 * m);
        double[][] y = new double[2][];
        double[][] e = new double[2][];
        Engine[] engines = {cpu, gpu};
        for (int s = 0; s < 2; s++) {
            Engine en = engines[s];
            SensingOperator op = en.openOperator(OperatorDescription.generated(kind, n1, n2, m, 91), Precision.FP64);
            MatrixBatch out = en.allocate(Precision.FP64, 1, m, 1);
            op.measure(u, sigma, v, 2, put(en, Precision.FP64, 1, m, 1, shift), out);
            y[s] = en.download(out);
            MatrixBatch dense = en.allocate(Precision.FP64, 2, n1, n2);
            op.adjoint(put(en, Precision.FP64, 2, m, 1, res), dense);
            e[s] = en.download(dense);
        }
        assertClose(kind.id() + " measure", y[0], y[1], tolerance);
        assertClose(kind.id() + " dense adjoint", e[0], e[1], tolerance);
    }

    /**
     * The trajectory batch of the operator tests: a rank-2, well-conditioned n1×n2 problem of m measurements of
     * {@code kind} (seed 3, no noise), width k, fp64, 3 trajectories (α = 10⁻³, 10⁻², 10⁻¹, μ = 0.25), 300
     * iterations of GD logged every 25.
     */
    static BatchSpec trajectorySpec(OperatorKind kind, int n1, int n2, int k, int m) {
        ProblemSpec p = new ProblemSpec(n1, n2, 2, 1.0, 1.0, m, kind, 0.0, 3);
        List<TrajectorySpec> ts = new ArrayList<>();
        for (double a : new double[] {1e-3, 1e-2, 1e-1}) {
            ts.add(new TrajectorySpec(p.seed(), a, a, 0.25));
        }
        return new BatchSpec(p, new ModelSpec(k, InitNormalization.PER_WIDTH, Precision.FP64), new AlgorithmSpec(300, 25, 0, 0),
                ts);
    }

    /** The final relative error of every trajectory of a run. */
    static double[] finalErrors(TrajectoryRun run) {
        int batch = (int) run.records().stream().mapToInt(DiagnosticRecord::trajectory).distinct().count();
        double[] e = new double[batch];
        for (DiagnosticRecord r : run.records()) {
            e[r.trajectory()] = r.relativeError();
        }
        return e;
    }

    /**
     * The batch {@code spec} (fp64) on both engines: the CPU's trajectories must converge (final relative error
     * &lt; 0.1, or the test proves nothing) and every logged diagnostic and the final V_bW_bᵀ agree within
     * {@link CudaCrossBackendTest#FP64_TOLERANCE}.
     */
    static void assertTrajectoriesAgree(Engine cpu, Engine gpu, BatchSpec spec) {
        String kind = spec.problem().operator().id();
        TrajectoryRun onGpu = TrajectoryRun.run(gpu, spec);
        TrajectoryRun onCpu = TrajectoryRun.run(cpu, spec);
        TrajectoryRun.Difference d = TrajectoryRun.compare(onCpu, onGpu);
        double[] last = finalErrors(onCpu);
        System.out.println("CPU vs CUDA, " + kind + ", fp64, " + spec.algorithm().iterations() + " iterations: " + d
                + "; final relative errors " + Arrays.toString(last));
        for (double x : last) {
            assertTrue(x < 0.1, kind + ": the test problem must be one GD solves (final errors " + Arrays.toString(last)
                    + ")");
        }
        assertTrue(d.worst() <= CudaCrossBackendTest.FP64_TOLERANCE, d.toString());
        assertTrue(d.worstProduct() <= CudaCrossBackendTest.FP64_TOLERANCE, d.toString());
    }

    /** An fp32 operator on the GPU refuses fp64 factors with a message naming fp32 and {@code --precision}. */
    static void assertFactorsOfAnotherPrecisionAreRefused(Engine gpu, OperatorKind kind, int n1, int n2, int k) {
        SensingOperator op = gpu.openOperator(OperatorDescription.generated(kind, n1, n2, 40, 5), Precision.FP32);
        BackendException e = assertThrows(BackendException.class, () -> op.residual(
                gpu.allocate(Precision.FP64, 1, n1, k), gpu.allocate(Precision.FP64, 1, n2, k),
                gpu.allocate(Precision.FP64, 1, 40, 1), gpu.allocate(Precision.FP64, 1, 40, 1)));
        assertTrue(e.getMessage().contains("fp32") && e.getMessage().contains("--precision"), e.getMessage());
    }

    /**
     * {@code msense run --backend cuda --operator KIND} on a 12×10 problem for each kind: exit status 0, the run says
     * it used the cuda backend, and summary.json names cuda and the operator. The output directory is deleted after.
     */
    static void assertCliRunsOnTheGpu(String... kinds) throws Exception {
        Path out = Files.createTempDirectory("msense-cuda-operators");
        try {
            for (String kind : kinds) {
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
