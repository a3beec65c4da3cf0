package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.Precision;
import org.msense.core.spec.BatchSpec;

/**
 * The comparison used by the cross-backend tests, exercised where no GPU is needed. fp64: the CPU backend on
 * one thread against the CPU backend on three threads; their fused sensing passes sum the rows of 𝒜 in
 * different groupings, so the runs differ by rounding only. fp32: the CPU fp32 run against the CPU fp64 run
 * (two fp32 CPU runs round identically, since the CPU accumulates in fp64), which measures the whole effect
 * of fp32 storage and fp32 GEMMs. After 300 iterations both pairs must agree within the tolerances of
 * {@link CudaCrossBackendTest}, and they must differ at all (else the harness would compare a run with
 * itself).
 */
class CrossBackendHarnessTest {

    private static Engine cpu(int threads) {
        return Backends.select("cpu", Backends.discover()).backend().open(EngineOptions.defaults().withThreads(threads));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void twoCpuRunsThatRoundDifferentlyAgreeWithinTheCrossBackendTolerance(Precision precision) {
        BatchSpec spec = CudaCrossBackendTest.spec(precision);
        TrajectoryRun one;
        TrajectoryRun three;
        try (Engine e = cpu(1)) {
            one = TrajectoryRun.run(e, spec);
        }
        try (Engine e = cpu(3)) {
            // fp32: the reference is the fp64 run, since two fp32 CPU runs round identically (fp64 accumulators).
            three = TrajectoryRun.run(e, CudaCrossBackendTest.spec(Precision.FP64));
        }
        boolean fp64 = precision == Precision.FP64;
        TrajectoryRun.Difference d = fp64 ? TrajectoryRun.compare(one, three)
                : TrajectoryRun.compare(one, three, CudaCrossBackendTest.truthNorm(spec));
        double tolerance = fp64 ? CudaCrossBackendTest.FP64_TOLERANCE : CudaCrossBackendTest.FP32_TOLERANCE;
        System.out.println("CPU " + precision + ", 1 thread vs CPU fp64, 3 threads: " + d);
        assertTrue(d.worst() <= tolerance, d.toString());
        assertTrue(d.worstProduct() <= tolerance, d.toString());
        assertTrue(d.worstProduct() > 0, "the two runs are bit-identical, so the comparison proves nothing: " + d);
    }
}
