package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.msense.core.algorithm.BatchResult;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.BatchSpec;

/**
 * The split of a run's iteration loop into warm-up and steady steps ({@link BatchResult.StepTiming}): the two parts
 * count every step of the call once and their times add up to the loop's time. Only these identities are asserted,
 * never how long anything took.
 */
class StepTimingTest {

    private static BatchResult run(int iterations) {
        BatchSpec spec = Fixtures.batch(Fixtures.smallProblem(3), 4, Precision.FP64, iterations, iterations, 0.25, 1e-3);
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, spec.problem(), spec.model().precision());
            HostFactors init = HostFactors.drawInitial(spec.trajectories(), problem.n1(), problem.n2(),
                    spec.model().width(), spec.model().normalization());
            try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, init)) {
                return gd.run(RunObserver.none(), () -> false);
            }
        }
    }

    @Test
    void warmupAndSteadyStepsPartitionTheLoop() {
        BatchResult r = run(25);
        BatchResult.StepTiming t = r.timing();
        assertEquals(25, r.steps());
        assertEquals(BatchResult.StepTiming.WARMUP_STEPS, t.warmupSteps());
        assertEquals(25 - BatchResult.StepTiming.WARMUP_STEPS, t.steadySteps());
        assertTrue(t.warmupSeconds() > 0 && t.steadySeconds() > 0, t.toString());
        // two differences of the same nanosecond clock readings: equal to the loop's time up to rounding of doubles
        assertEquals(r.iterateSeconds(), t.warmupSeconds() + t.steadySeconds(), 1e-12 * Math.max(1, r.iterateSeconds()));
        assertEquals(1000.0 * t.steadySeconds() / t.steadySteps(), t.steadyMsPerIteration(), 0);
    }

    @Test
    void aRunNoLongerThanTheWarmupHasNoSteadySteps() {
        BatchResult r = run(6);
        BatchResult.StepTiming t = r.timing();
        assertEquals(6, t.warmupSteps());
        assertEquals(0, t.steadySteps());
        assertEquals(r.iterateSeconds(), t.warmupSeconds(), 1e-12 * Math.max(1, r.iterateSeconds()));
        assertTrue(Double.isNaN(t.steadyMsPerIteration()), "no steady steps: NaN, written as null");
    }
}
