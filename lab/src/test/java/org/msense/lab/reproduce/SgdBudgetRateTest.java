package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msense.core.diagnostics.DiagnosticRecord;

/**
 * The rate that sgd-budget fits and checks against the population rate 1 − μσ_r: exact on a geometric error
 * sequence, blind to the plateaus before and after the window, and outside the checked window for a step scaled
 * by a wrong constant.
 */
class SgdBudgetRateTest {

    /** Errors 1 until {@code start}, then q^{t−start}, never below {@code floor}; logged every 2. */
    private static Trajectories run(double q, int start, double floor) {
        List<DiagnosticRecord> h = new ArrayList<>();
        for (int t = 0; t <= 200; t += 2) {
            double err = t < start ? 1 : Math.max(floor, Math.pow(q, t - start));
            h.add(new DiagnosticRecord(0, t, 0, err, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new double[] {1}));
        }
        return new Trajectories(List.of(h), null);
    }

    @Test
    void theFittedRateOfAGeometricSequenceIsItsRatio() {
        double population = 1 - SgdBudgetExperiment.MU * SgdBudgetExperiment.SIGMA_R;
        // the window [1e-4, 1e-2] lies inside the geometric part: the fit is exact up to rounding (1e-12 relative)
        assertEquals(population, SgdBudgetExperiment.rate(run(population, 40, 1e-6)), 1e-12);
    }

    @Test
    void aMisScaledStepLeavesTheCheckedWindow() {
        double mu = SgdBudgetExperiment.MU;
        double sigma = SgdBudgetExperiment.SIGMA_R;
        double population = 1 - mu * sigma;
        // E[𝒜_t*𝒜_t] = c·I makes the local rate 1 − cμσ_r: c = 0.8 and c = 1.2 must fall outside the window
        for (double c : new double[] {0.8, 1.2}) {
            double ratio = SgdBudgetExperiment.rate(run(1 - c * mu * sigma, 40, 1e-6)) / population;
            assertFalse(ratio >= SgdBudgetExperiment.RATE_LOW && ratio <= SgdBudgetExperiment.RATE_HIGH, "c = " + c);
        }
        double ratio = SgdBudgetExperiment.rate(run(population, 40, 1e-6)) / population;
        assertTrue(ratio >= SgdBudgetExperiment.RATE_LOW && ratio <= SgdBudgetExperiment.RATE_HIGH);
    }

    @Test
    void aRunThatNeverCrossesTheWindowHasNoRate() {
        assertTrue(Double.isNaN(SgdBudgetExperiment.rate(run(0.75, 40, 3e-2))), "stalled above 1e-2");
    }
}
