package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The checks of the operators experiment pass measurements made by the predicted law (floor C·α^{p_M}, nuisance
 * α^{p_M}, the same C for every operator) and fail measurements made by a wrong one.
 */
class OperatorsChecksTest {
    private static final double[] ALPHAS = OperatorsExperiment.ALPHAS;

    /** Floors c·α^p at the experiment's α. */
    private static double[] law(double c, double p) {
        double[] f = new double[ALPHAS.length];
        for (int b = 0; b < f.length; b++) {
            f[b] = c * Math.pow(ALPHAS[b], p);
        }
        return f;
    }

    @Test
    void linearPictureExponentIsTwoForTheIdentityAndFallsWithTheNuisanceGain() {
        // 𝒜 = I: M = X*, σ_{r+1}(M) = 0, the nuisance keeps its O(α²) size
        assertEquals(2, OperatorsExperiment.linearExponent(0.3, 1, 0), 1e-15);
        // σ_{r+1}(M) = σ_r(M): the nuisance grows like the signal, the floor does not fall
        assertEquals(0, OperatorsExperiment.linearExponent(0.3, 1.1, 1.1), 1e-15);
        // 2(1 − ln 1.21/ln 1.33) with ln 1.21 = 0.190620359609, ln 1.33 = 0.285178942234 (tables)
        assertEquals(2 * (1 - 0.190620359609 / 0.285178942234), OperatorsExperiment.linearExponent(0.3, 1.1, 0.7), 1e-9);
        assertEquals(Math.pow(1.3, 20), OperatorsExperiment.linearGrowth(0.3, 1, 10), 1e-9 * Math.pow(1.3, 20));
    }

    @Test
    void exponentCheckPassesTheLawAndFailsAnExponentIndependentOfTheOperator() {
        double[][] predicted = {{0.72, 0.58}, {0.49, 0.77}, {0.81, 0.92}};
        double[][] fitted = new double[3][2];
        for (int c = 0; c < 3; c++) {
            for (int s = 0; s < 2; s++) {
                fitted[c][s] = AlphaExperiment.floorExponent(ALPHAS, law(2, predicted[c][s] + 0.05), 1e-14);
            }
        }
        assertTrue(OperatorsExperiment.exponentCheck(fitted, predicted).pass());
        // every operator falling as α^0.7 whatever its M (an exponent set by the set-up), where the p_M spread wider
        // than ±0.25 around it (0.35 … 1.1)
        double[][] flat = {{0.7, 0.7}, {0.7, 0.7}, {0.7, 0.7}};
        double[][] spread = {{0.72, 0.58}, {0.35, 0.77}, {0.81, 1.1}};
        assertFalse(OperatorsExperiment.exponentCheck(flat, spread).pass());
        // a floor that does not fall (a wrong adjoint): exponent 0
        double[][] stuck = {{0.72, 0.58}, {0, 0}, {0.81, 0.92}};
        assertFalse(OperatorsExperiment.exponentCheck(stuck, predicted).pass());
        // a failed fit is never hidden
        double[][] nan = {{0.72, Double.NaN}, {0.49, 0.77}, {0.81, 0.92}};
        assertFalse(OperatorsExperiment.exponentCheck(nan, predicted).pass());
    }

    @Test
    void floorCheckComparesThePrefactorAndFailsAMisnormalizedOperator() {
        OperatorsExperiment.Plan plan = OperatorsExperiment.Plan.of(true);
        double[][] deltaHat = {{0.79, 0.78}, {0.68, 0.73}, {1.0, 1.06}, {0.66, 0.67}};
        double[][] prefactorGap = new double[4][2];
        double[] gaussian = law(2.5, 0.7);
        for (int s = 0; s < 2; s++) {
            prefactorGap[1][s] = OperatorsExperiment.largestLogRatio(law(2.0, 0.7), gaussian);
            prefactorGap[2][s] = 5; // not compared: δ̂ differs
            prefactorGap[3][s] = OperatorsExperiment.largestLogRatio(law(2.9, 0.7), gaussian);
        }
        assertEquals(Math.log10(2.9 / 2.5), prefactorGap[3][0], 1e-12);
        assertTrue(OperatorsExperiment.floorCheck(plan, deltaHat, prefactorGap).pass(), "completion at m is not compared");
        // a floor 300 times above the law at every α (e.g. an operator whose E[𝒜*𝒜] is not I, so that its effective step
        // differs and its floor is set by the iteration budget)
        prefactorGap[1][0] = OperatorsExperiment.largestLogRatio(law(2.0 * 300, 0.7), gaussian);
        assertFalse(OperatorsExperiment.floorCheck(plan, deltaHat, prefactorGap).pass());
        prefactorGap[1][0] = Double.NaN;
        assertFalse(OperatorsExperiment.floorCheck(plan, deltaHat, prefactorGap).pass());
    }

    @Test
    void nuisanceCheckFailsNuisanceGrowingLikeTheSignalOrNotAtAll() {
        double[][] predicted = {{0.72, 0.58}, {0.49, 0.77}};
        double[][] measured = {{0.66, 0.5}, {0.41, 0.69}};
        assertTrue(OperatorsExperiment.nuisanceCheck(measured, predicted).pass());
        // grown at the signal's rate: σ_{r+1} ≈ σ_r at every α, exponent 0
        assertFalse(OperatorsExperiment.nuisanceCheck(new double[][] {{0, 0}, {0, 0}}, predicted).pass());
        // never grown: σ_{r+1} = O(α²) at the end
        assertFalse(OperatorsExperiment.nuisanceCheck(new double[][] {{2, 2}, {2, 2}}, predicted).pass());
    }
}
