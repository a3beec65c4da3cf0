package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * {@code gaussian-implicit} is the {@code gaussian} operator of the same seed, regenerated instead of stored: 300
 * gradient steps on both give the same trajectory. The operator entries are bitwise equal (checked in engine-cpu);
 * the two differ only in the order of the sums of the sensing pass and of the factor products, so each step differs
 * by O(u) relative and the iterates, contracting towards X*, stay within 1e-12 relative of each other: the final
 * factors to 1e-12 in Frobenius norm and the relative error ‖VWᵀ − X*‖/‖X*‖ at every logged iteration to 1e-12
 * (absolute: it is already normalized by ‖X*‖). Batches of 1 and 5 trajectories (row-major and interleaved layouts
 * of the dense pass).
 */
class ImplicitGaussianTrajectoryTest {

    private record Outcome(List<DiagnosticRecord> records, HostFactors factors) {
    }

    private static Outcome run(OperatorKind kind, int batch) {
        ProblemSpec p = new ProblemSpec(20, 15, 2, 2.0, 1.0, 400, kind, 0.0, 11);
        double[] alphas = new double[batch];
        for (int b = 0; b < batch; b++) {
            alphas[b] = Math.pow(10, -3 - b);
        }
        BatchSpec spec = Fixtures.batch(p, 8, Precision.FP64, 300, 10, 0.25, alphas);
        List<DiagnosticRecord> records = new ArrayList<>();
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, p, Precision.FP64);
            HostFactors init = HostFactors.drawInitial(spec.trajectories(), 20, 15, 8, spec.model().normalization());
            try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, init)) {
                gd.run(new RunObserver() {
                    @Override
                    public void onRecords(List<DiagnosticRecord> r) {
                        records.addAll(r);
                    }
                }, () -> false);
                return new Outcome(records, gd.factors());
            }
        }
    }

    private static double relativeDistance(double[] a, double[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
            n += b[i] * b[i];
        }
        return Math.sqrt(d / n);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5})
    void equalsTheStoredGaussianOperatorOver300Steps(int batch) {
        Outcome dense = run(OperatorKind.GAUSSIAN, batch);
        Outcome implicit = run(OperatorKind.GAUSSIAN_IMPLICIT, batch);
        assertEquals(dense.records().size(), implicit.records().size());
        assertTrue(dense.records().size() >= 31 * batch, "records at every 10th iteration");
        for (int i = 0; i < dense.records().size(); i++) {
            DiagnosticRecord a = dense.records().get(i);
            DiagnosticRecord b = implicit.records().get(i);
            assertEquals(a.iteration(), b.iteration());
            assertEquals(a.relativeError(), b.relativeError(), 1e-12,
                    "trajectory " + a.trajectory() + " iteration " + a.iteration());
        }
        assertTrue(relativeDistance(implicit.factors().v(), dense.factors().v()) <= 1e-12, "final V");
        assertTrue(relativeDistance(implicit.factors().w(), dense.factors().w()) <= 1e-12, "final W");
        double lastOfFirst = dense.records().stream().filter(r -> r.trajectory() == 0 && r.iteration() == 300)
                .findFirst().orElseThrow().relativeError();
        assertTrue(lastOfFirst < 1e-3, "the compared trajectory converges (final error " + lastOfFirst + ")");
    }
}
