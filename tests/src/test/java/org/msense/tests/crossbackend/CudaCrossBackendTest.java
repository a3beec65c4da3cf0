package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.Precision;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.Method;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * Whole trajectories on the CPU and on the GPU from one seed, each backend generating its own 𝒜 (no data
 * is shared), compared record by record after 300 iterations of batched GD (3 trajectories, α = 10⁻³,
 * 10⁻², 10⁻¹; 20×15 rank-2 X*, m = 400, k = 4, μ = 0.25).
 *
 * <p><b>fp64:</b> every diagnostic of every logged record and V_bW_bᵀ agree to a relative difference of
 * {@value #FP64_TOLERANCE}. Both backends generate the same 𝒜 bit for bit, so the runs differ by rounding
 * in the contractions only (u = 2⁻⁵³ ≈ 1.1e-16 per operation, inner dimensions ≤ 400, so ≤ γ_400 ≈ 4.4e-14
 * per step). Measured between two CPU runs that round differently ({@link CrossBackendHarnessTest}): worst
 * diagnostic 1.3e-12 (‖Δ‖_2, a cancellation of size α² = 10⁻⁶), V_bW_bᵀ 2.0e-16; the tolerance leaves three
 * orders of magnitude for cuBLAS's different blocking and FMAs.
 *
 * <p><b>fp32:</b> the CPU accumulates the sensing dot products in fp64 and rounds once, cuBLAS accumulates
 * in fp32, so one step's contractions differ by up to γ_L(u₃₂) in their natural units, with
 * L = max(m, n1·n2) = 400 and u₃₂ = 2⁻²⁴: γ_400 ≈ 2.4e-5. In the final, linearly convergent phase a
 * per-step perturbation accumulates to at most 1/(1 − ρ) = 1/(μσ_r²) = 4 times itself (μ = 0.25, σ_r = 1),
 * and both runs carry their own rounding, hence {@code FP32_TOLERANCE = 10·γ_400(u₃₂) ≈ 2.4e-4}. Each
 * diagnostic is compared in its natural units ({@link TrajectoryRun#compare(TrajectoryRun, TrajectoryRun,
 * double)}: a quantity that is itself a cancellation, like the imbalance VᵀV − WᵀW ~ α², is measured
 * against the size of its operands, not against itself), V_bW_bᵀ relative to its norm. For scale: the
 * whole effect of fp32 on the CPU (CPU fp32 against CPU fp64, measured by the harness test) is 3.6e-7, so
 * the bound is not loose enough to hide a wrong kernel (which gives differences of order one).
 *
 * <p>Skipped, with the probe's reason, where no usable GPU is present. The GPU run must have launched
 * kernels and called cuBLAS.
 */
class CudaCrossBackendTest {
    static final double FP64_TOLERANCE = 1e-9;
    static final double FP32_TOLERANCE = 10 * gamma(400, Precision.FP32.unitRoundoff());

    static double gamma(int n, double u) {
        return n * u / (1 - n * u);
    }

    static BatchSpec spec(Precision precision) {
        ProblemSpec p = new ProblemSpec(20, 15, 2, 1.0, 1.0, 400, OperatorKind.GAUSSIAN, 0.0, 3);
        List<TrajectorySpec> ts = new ArrayList<>();
        for (double a : new double[] {1e-3, 1e-2, 1e-1}) {
            ts.add(new TrajectorySpec(p.seed(), a, a, 0.25));
        }
        return new BatchSpec(p, new ModelSpec(4, InitNormalization.PER_WIDTH, precision), new AlgorithmSpec(300, 25, 0, 0), ts);
    }

    static double truthNorm(BatchSpec spec) {
        double s = 0;
        for (double v : spec.problem().singularValues()) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void trajectoriesAgreeWithTheCpu(Precision precision) {
        BatchSpec spec = spec(precision);
        TrajectoryRun gpu = onGpu(spec);
        TrajectoryRun cpu = onCpu(spec);
        if (precision == Precision.FP64) {
            TrajectoryRun.Difference d = TrajectoryRun.compare(cpu, gpu);
            System.out.println("CPU vs CUDA, fp64: " + d);
            assertTrue(d.worst() <= FP64_TOLERANCE, d.toString());
            assertTrue(d.worstProduct() <= FP64_TOLERANCE, d.toString());
        } else {
            TrajectoryRun.Difference d = TrajectoryRun.compare(cpu, gpu, truthNorm(spec));
            System.out.println("CPU vs CUDA, fp32 (bound " + FP32_TOLERANCE + "): " + d);
            assertTrue(d.worst() <= FP32_TOLERANCE, d.toString());
            assertTrue(d.worstProduct() <= FP32_TOLERANCE, d.toString());
        }
    }

    /**
     * ScaledGD(λ) and APGD (the preconditioned paths: Gram matrices by GEMM, host Cholesky, uploaded L⁻¹, and for
     * APGD a second pass over 𝒜 per step), 60 iterations of the same batch with λ = 10⁻², fp64: the same
     * tolerance as GD. The preconditioner is factored on the host from each backend's own Gram matrices, so the
     * runs differ by rounding only.
     */
    @Test
    void preconditionedTrajectoriesAgreeWithTheCpu() {
        for (Method method : new Method[] {Method.SCALED_GD, Method.APGD}) {
            BatchSpec gd = spec(Precision.FP64);
            List<TrajectorySpec> ts = new ArrayList<>();
            for (TrajectorySpec t : gd.trajectories()) {
                ts.add(new TrajectorySpec(t.initSeed(), t.alphaV(), t.alphaW(), t.stepSize(), 1e-2));
            }
            BatchSpec spec = new BatchSpec(gd.problem(), gd.model(), new AlgorithmSpec(60, 10, 0, 0, method), ts);
            TrajectoryRun gpu = onGpu(spec);
            TrajectoryRun cpu = onCpu(spec);
            TrajectoryRun.Difference d = TrajectoryRun.compare(cpu, gpu);
            System.out.println("CPU vs CUDA, " + method.id() + ", fp64: " + d);
            assertTrue(d.worst() <= FP64_TOLERANCE, method.id() + ": " + d);
            assertTrue(d.worstProduct() <= FP64_TOLERANCE, method.id() + ": " + d);
        }
    }

    /** The batch on the CUDA backend (skipping the test where there is none), checked to have run on the GPU. */
    private static TrajectoryRun onGpu(BatchSpec spec) {
        try (Engine engine = CudaSupport.openOrSkip()) {
            TrajectoryRun run = TrajectoryRun.run(engine, spec);
            CudaSupport.assertRanOnGpu(engine);
            CudaSupport.assertFusedPassRanWhereOn(engine);
            return run;
        }
    }

    /** The batch on the CPU backend. */
    private static TrajectoryRun onCpu(BatchSpec spec) {
        try (Engine engine = Backends.select("cpu", Backends.discover()).backend().open(EngineOptions.defaults())) {
            return TrajectoryRun.run(engine, spec);
        }
    }

}
