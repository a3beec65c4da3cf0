package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msense.core.algorithm.BatchResult;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.algorithm.TrajectoryResult;
import org.msense.core.algorithm.TrajectoryStatus;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.ProblemSpec;

/** The phenomena the theory predicts, on small problems (docs/math.md). */
class ConvergenceTest {

    private static BatchResult run(BatchSpec spec) {
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, spec.problem(), spec.model().precision());
            HostFactors init = HostFactors.drawInitial(spec.trajectories(), problem.n1(), problem.n2(), spec.model().width(),
                    spec.model().normalization());
            try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, init)) {
                return gd.run(RunObserver.none(), () -> false);
            }
        }
    }

    /** From α = 1e-3, every width — exact (k = r), mild (2r) and full (min(n1, n2)) — reaches error < 1e-2. */
    @ParameterizedTest
    @ValueSource(ints = {2, 4, 15})
    void convergesFromSmallInitializationForEveryWidth(int k) {
        ProblemSpec p = Fixtures.smallProblem(3);
        BatchResult r = run(Fixtures.batch(p, k, Precision.FP64, 400, 50, 0.25, 1e-3));
        TrajectoryResult t = r.trajectories().get(0);
        assertEquals(TrajectoryStatus.COMPLETED, t.status());
        assertTrue(t.last().relativeError() < 1e-2, "k=" + k + ": relative error " + t.last().relativeError());
    }

    /** Smaller initialization, smaller final error (the error floor is controlled by α, not by k). */
    @Test
    void errorFloorFallsAsAlphaFalls() {
        ProblemSpec p = Fixtures.smallProblem(3);
        BatchResult r = run(Fixtures.batch(p, 15, Precision.FP64, 400, 100, 0.25, 1e-1, 1e-2, 1e-3, 1e-4));
        double prev = Double.POSITIVE_INFINITY;
        for (TrajectoryResult t : r.trajectories()) {
            double e = t.last().relativeError();
            assertTrue(e < prev, "α=" + t.spec().alphaV() + ": error " + e + " is not below " + prev);
            prev = e;
        }
    }

    /**
     * Implicit low-rank bias: the top r singular values of VWᵀ reach σ(X*) while σ_{r+1} stays at the scale
     * of α (here ≤ 3α; the theory gives O(α) up to problem-dependent constants).
     */
    @Test
    void signalSingularValuesReachTheTruthWhileNuisanceStaysAtAlpha() {
        ProblemSpec p = Fixtures.smallProblem(3);
        double alpha = 1e-3;
        BatchResult r = run(Fixtures.batch(p, 15, Precision.FP64, 400, 50, 0.25, alpha));
        DiagnosticRecord d = r.trajectories().get(0).last();
        double[] sigmaStar = p.singularValues();
        for (int i = 1; i <= p.rank(); i++) {
            assertEquals(sigmaStar[i - 1], d.singularValue(i), 1e-2 * sigmaStar[i - 1], "σ_" + i);
        }
        double nuisance = d.singularValue(p.rank() + 1);
        assertTrue(nuisance <= 3 * alpha, "σ_{r+1} = " + nuisance + " is not at the scale of α = " + alpha);
        assertTrue(nuisance > 0, "σ_{r+1} should be resolved, got " + nuisance);
    }
}
