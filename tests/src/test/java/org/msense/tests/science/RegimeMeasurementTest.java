package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.problem.RegimeEstimate;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * {@link RegimeEstimate#measure} on the CPU engine: M = 𝒜*𝒜(X*) formed by the engine equals M formed on the host from
 * the downloaded operator by explicit sums (M = Σ_i ⟨A_i, X*⟩A_i with A_i the rows of the stacked operator), and
 * δ̂ follows the Gaussian prediction ‖X*‖_F(√n1 + √n2)/(σ_r√m) (the spectral norm of an n1×n2 matrix of iid
 * N(0, ‖X*‖_F²/m) entries) to within 30%, so that δ̂ falls as √m grows. Tolerance of the first comparison: the two
 * sums differ only in their order, |error| ≤ 2m·n1n2·ε·max|A|²‖X*‖_F (a loose worst case of fp64 summation).
 */
class RegimeMeasurementTest {
    private static final double EPS = 0x1p-52;

    @Test
    void theEngineFormsTheSameAdjointAsTheHostAndDeltaFollowsTheGaussianScale() {
        try (Engine engine = Fixtures.cpu()) {
            double previous = Double.POSITIVE_INFINITY;
            for (int m : new int[] {200, 800, 3200}) {
                ProblemSpec spec = new ProblemSpec(24, 18, 2, 2, 1, m, OperatorKind.GAUSSIAN, 0.5, 5);
                SensingProblem p = SensingProblem.generate(engine, spec, Precision.FP64);
                RegimeEstimate measured = RegimeEstimate.measure(p);
                double[] op = p.operator().describe().dense();
                double[] x = p.truth().matrix();
                int n = x.length;
                double[] hostM = new double[n];
                double maxA = 0;
                for (int i = 0; i < m; i++) {
                    double inner = 0;
                    for (int j = 0; j < n; j++) {
                        inner += op[i * n + j] * x[j];
                        maxA = Math.max(maxA, Math.abs(op[i * n + j]));
                    }
                    for (int j = 0; j < n; j++) {
                        hostM[j] += inner * op[i * n + j];
                    }
                }
                RegimeEstimate host = RegimeEstimate.of(hostM, p.truth());
                double fro = p.truth().frobeniusNorm();
                double tol = 2.0 * m * n * EPS * maxA * maxA * fro;
                assertEquals(host.deviation(), measured.deviation(), tol + 1e-12, "m = " + m);
                assertEquals(host.sinAngleLeft(), measured.sinAngleLeft(), 1e-9, "m = " + m);
                assertEquals(host.sinAngleRight(), measured.sinAngleRight(), 1e-9, "m = " + m);
                double sigmaR = spec.singularValues()[1];
                double predicted = fro * (Math.sqrt(24) + Math.sqrt(18)) / (sigmaR * Math.sqrt(m));
                assertEquals(predicted, measured.relativeDeviation(), 0.3 * predicted, "m = " + m + ": " + measured.describe());
                assertTrue(measured.relativeDeviation() < previous, "δ̂ falls as m grows");
                assertTrue(measured.sinAngleLeft() <= measured.wedinBound() && measured.sinAngleRight() <= measured.wedinBound(),
                        measured.describe());
                previous = measured.relativeDeviation();
            }
        }
    }
}
