package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * With row i = vec(A_i)/√m and N(0, 1) entries, E[𝒜*𝒜] = I: the Gram matrix 𝒜ᵀ𝒜 (N×N) of one realization
 * has diagonal entries of mean 1 and variance 2/m and off-diagonal entries of mean 0 and variance 1/m.
 */
class SensingOperatorStatisticsTest {

    @Test
    void adjointTimesOperatorIsTheIdentityInExpectation() {
        int m = 20000;
        int n1 = 6;
        int n2 = 5;
        int nn = n1 * n2;
        ProblemSpec spec = new ProblemSpec(n1, n2, 1, 1, 1, m, OperatorKind.GAUSSIAN, 0, 2024);
        try (Engine engine = Fixtures.cpu()) {
            double[] op = engine.download(SensingProblem.generate(engine, spec, Precision.FP64).denseOperator());
            double diagSum = 0;
            for (int p = 0; p < nn; p++) {
                for (int q = 0; q < nn; q++) {
                    double g = 0;
                    for (int i = 0; i < m; i++) {
                        g += op[i * nn + p] * op[i * nn + q];
                    }
                    double sd = Math.sqrt((p == q ? 2.0 : 1.0) / m);
                    // 900 entries: 6 standard deviations bounds them all with probability > 1 − 10⁻⁶
                    assertEquals(p == q ? 1.0 : 0.0, g, 6 * sd, "(𝒜ᵀ𝒜)[" + p + "," + q + "]");
                    if (p == q) {
                        diagSum += g;
                    }
                }
            }
            double meanDiag = diagSum / nn;
            assertEquals(1.0, meanDiag, 5 * Math.sqrt(2.0 / ((double) m * nn)), "mean of the diagonal");
            assertTrue(Math.abs(meanDiag - 1) > 0, "a sampled Gram matrix is never exactly the identity");
        }
    }
}
