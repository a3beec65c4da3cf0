package org.msense.tests.science;

import java.util.ArrayList;
import java.util.List;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.Precision;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/** Small problems that run in seconds on the CPU, shared by the science checks. */
final class Fixtures {
    private Fixtures() {
    }

    static Engine cpu() {
        return Backends.select("cpu", Backends.discover()).backend().open(EngineOptions.defaults().withThreads(2));
    }

    /** A 20×15 rank-2 problem with m = 400 measurements (well above r(n1+n2) = 70). */
    static ProblemSpec smallProblem(long seed) {
        return new ProblemSpec(20, 15, 2, 1.0, 1.0, 400, OperatorKind.GAUSSIAN, 0.0, seed);
    }

    static BatchSpec batch(ProblemSpec p, int width, Precision precision, int iterations, int logEvery, double mu,
            double... alphas) {
        List<TrajectorySpec> ts = new ArrayList<>();
        for (double a : alphas) {
            ts.add(new TrajectorySpec(p.seed(), a, a, mu));
        }
        return new BatchSpec(p, new ModelSpec(width, InitNormalization.PER_WIDTH, precision),
                new AlgorithmSpec(iterations, logEvery, 0, 0), ts);
    }
}
