package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.tests.crossbackend.OperatorComparison.assertClose;
import static org.msense.tests.crossbackend.OperatorComparison.relative;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.Engine;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.tests.crossbackend.OperatorComparison.Side;

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
class CudaDenseOperatorsTest extends CpuAndCudaEngines {
    static final double FP64_PRIMITIVE = 1e-13;
    static final double FP32_VS_FP64 = CudaCrossBackendTest.FP32_TOLERANCE;

    static final int N1 = 20;
    static final int N2 = 15;
    static final int K = 4;
    static final int M = 400;
    static final int BATCH = 3;

    private static Side side(Engine e, OperatorKind kind, Precision p, int batch) {
        return Side.open(e, kind, p, batch, N1, N2, K, M);
    }

    /**
     * Residual and gradients, fused and separate, and ‖𝒜*(res)‖², on both engines, for a batch of {@value #BATCH}
     * trajectories and for a single one; the device results of a repeated call are the same bits (no atomics).
     */
    private void compareOperations(OperatorKind kind, Precision p, double tolerance) {
        for (int batch : new int[] {BATCH, 1}) {
            Side g = side(gpu, kind, p, batch);
            Side c = side(cpu, kind, Precision.FP64, batch);
            String at = kind.id() + " " + p + " B=" + batch;
            OperatorComparison.assertOneStepAgrees(c, g, at, tolerance);
            // the separate calls left the fused call's bits (asserted); a repeated fused call gives them again
            double[] fusedRes = gpu.download(g.res());
            double[] fusedV = gpu.download(g.gradV());
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
            Side g = Side.open(gpu, kind, Precision.FP64, 2, 63, 41, K, 600);
            Side c = Side.open(cpu, kind, Precision.FP64, 2, 63, 41, K, 600);
            c.residualAndGradients();
            g.residualAndGradients();
            String at = kind.id() + " 63×41, m = 600, B=2";
            assertClose(at + " residual", cpu.download(c.res()), gpu.download(g.res()), 1e-12);
            assertClose(at + " 𝒜*(res)W", cpu.download(c.gradV()), gpu.download(g.gradV()), 1e-12);
            assertClose(at + " 𝒜*(res)ᵀV", cpu.download(c.gradW()), gpu.download(g.gradW()), 1e-12);
        }
    }

    /** y = 𝒜(U diag(σ) Vᵀ) − shift and the dense adjoint 𝒜*(r) (used by diagnostics and reports) on both engines. */
    @Test
    void measureAndDenseAdjointAgreeWithTheCpu() {
        for (OperatorKind kind : new OperatorKind[] {OperatorKind.HADAMARD, OperatorKind.GAUSSIAN_IMPLICIT}) {
            OperatorComparison.assertMeasureAndAdjointAgree(cpu, gpu, kind, N1, N2, M, FP64_PRIMITIVE);
        }
    }

    /**
     * The CUDA implicit operator's fused step gives the CUDA dense operator's bits (same entries, same plan, same
     * summation order), in both precisions, where the engine runs the dense operator's fused pass.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void implicitStepEqualsTheStoredGaussianStepBitForBit(Precision p) {
        Side dense = side(gpu, OperatorKind.GAUSSIAN, p, BATCH);
        Side implicit = side(gpu, OperatorKind.GAUSSIAN_IMPLICIT, p, BATCH);
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
            OperatorComparison.assertFactorsOfAnotherPrecisionAreRefused(gpu, kind, N1, N2, K);
        }
    }

    static BatchSpec spec(OperatorKind kind) {
        return OperatorComparison.trajectorySpec(kind, N1, N2, K, M);
    }

    @Test
    void hadamardTrajectoriesAgreeWithTheCpu() {
        OperatorComparison.assertTrajectoriesAgree(cpu, gpu, spec(OperatorKind.HADAMARD));
    }

    @Test
    void implicitGaussianTrajectoriesAgreeWithTheCpu() {
        OperatorComparison.assertTrajectoriesAgree(cpu, gpu, spec(OperatorKind.GAUSSIAN_IMPLICIT));
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
        assertTrue(OperatorComparison.finalErrors(dense)[0] < 0.1, "the compared trajectories converge");
    }

    /** {@code msense run --backend cuda --operator hadamard|gaussian-implicit} runs (it used to be refused) and says so. */
    @Test
    void theCliRunsBothOperatorsOnTheGpu() throws Exception {
        OperatorComparison.assertCliRunsOnTheGpu("hadamard", "gaussian-implicit");
    }
}
