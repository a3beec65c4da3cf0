package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.msense.tests.crossbackend.OperatorComparison.random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.tests.crossbackend.OperatorComparison.Side;

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
class CudaStructuredOperatorsTest extends CpuAndCudaEngines {
    static final double FP64_PRIMITIVE = 1e-13;
    static final double FP64_RANK_ONE = 4e-13;
    static final double FP32_COMPLETION = 0x1p-23;

    static final int N1 = 20;
    static final int N2 = 15;
    static final int K = 4;
    static final int BATCH = 3;

    static int measurements(OperatorKind kind) {
        return kind == OperatorKind.COMPLETION ? 240 : 400;
    }


    /**
     * Residual and gradients, fused and separate, and ‖𝒜*(res)‖², on both engines, for a batch of {@value #BATCH}
     * trajectories and for a single one (rank-one stacks a batch, and uses a single trajectory's factors directly).
     */
    private void compareOperations(OperatorKind kind, Precision p, Precision cpuPrecision, double tolerance) {
        for (int batch : new int[] {BATCH, 1}) {
            int m = measurements(kind);
            OperatorComparison.assertOneStepAgrees(Side.open(cpu, kind, cpuPrecision, batch, N1, N2, K, m),
                    Side.open(gpu, kind, p, batch, N1, N2, K, m), kind.id() + " " + p + " B=" + batch, tolerance);
        }
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
            double tolerance = kind == OperatorKind.COMPLETION ? FP64_PRIMITIVE : FP64_RANK_ONE;
            OperatorComparison.assertMeasureAndAdjointAgree(cpu, gpu, kind, N1, N2, measurements(kind), tolerance);
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
        OperatorComparison.assertFactorsOfAnotherPrecisionAreRefused(gpu, OperatorKind.RANK_ONE, N1, N2, K);
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
        return OperatorComparison.trajectorySpec(kind, N1, N2, K, measurements(kind));
    }

    @Test
    void completionTrajectoriesAgreeWithTheCpu() {
        OperatorComparison.assertTrajectoriesAgree(cpu, gpu, spec(OperatorKind.COMPLETION));
    }

    @Test
    void rankOneTrajectoriesAgreeWithTheCpu() {
        OperatorComparison.assertTrajectoriesAgree(cpu, gpu, spec(OperatorKind.RANK_ONE));
    }

    /** {@code msense run --backend cuda --operator completion|rank-one} runs (it used to be refused) and says so. */
    @Test
    void theCliRunsBothOperatorsOnTheGpu() throws Exception {
        OperatorComparison.assertCliRunsOnTheGpu("completion", "rank-one");
    }
}
