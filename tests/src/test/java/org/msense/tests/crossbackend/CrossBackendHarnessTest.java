package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.Precision;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The comparison used by the cross-backend tests, exercised where no GPU is needed. fp64: the CPU backend on
 * one thread against the CPU backend on three threads with the gaussian-implicit operator (bitwise the same
 * entries of 𝒜); the two passes sum the rows of 𝒜 in different groupings, so the runs differ by rounding only. fp32: the CPU fp32 run against the CPU fp64 run
 * (two fp32 CPU runs round identically, since the CPU accumulates in fp64), which measures the whole effect
 * of fp32 storage and fp32 GEMMs. After 300 iterations both pairs must agree within the tolerances of
 * {@link CudaCrossBackendTest}, and they must differ at all (else the harness would compare a run with
 * itself).
 */
class CrossBackendHarnessTest {

    private static Engine cpu(int threads) {
        return Backends.select("cpu", Backends.discover()).backend().open(EngineOptions.defaults().withThreads(threads));
    }

    /** The spec with the gaussian-implicit operator (the same entries as gaussian for the same seed). */
    private static BatchSpec implicit(BatchSpec s) {
        ProblemSpec p = s.problem();
        ProblemSpec q = new ProblemSpec(p.n1(), p.n2(), p.rank(), p.condition(), p.scale(), p.measurements(),
                OperatorKind.GAUSSIAN_IMPLICIT, p.noise(), p.seed(), p.symmetric());
        return new BatchSpec(q, s.model(), s.algorithm(), s.trajectories());
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
        boolean fp64 = precision == Precision.FP64;
        try (Engine e = cpu(3)) {
            // fp64: the same numbers as the gaussian-implicit operator, whose pass regenerates the rows in blocks and
            // groups the sums of E differently (the dense pass gives the same bits for any thread count). fp32: the
            // reference is the fp64 run, since two fp32 CPU runs round identically (fp64 accumulators).
            BatchSpec fp64Spec = CudaCrossBackendTest.spec(Precision.FP64);
            three = TrajectoryRun.run(e, fp64 ? implicit(fp64Spec) : fp64Spec);
        }
        TrajectoryRun.Difference d = fp64 ? TrajectoryRun.compare(one, three)
                : TrajectoryRun.compare(one, three, CudaCrossBackendTest.truthNorm(spec));
        double tolerance = fp64 ? CudaCrossBackendTest.FP64_TOLERANCE : CudaCrossBackendTest.FP32_TOLERANCE;
        System.out.println("CPU " + precision + ", 1 thread vs CPU fp64, 3 threads: " + d);
        assertTrue(d.worst() <= tolerance, d.toString());
        assertTrue(d.worstProduct() <= tolerance, d.toString());
        assertTrue(d.worstProduct() > 0, "the two runs are bit-identical, so the comparison proves nothing: " + d);
    }
}
