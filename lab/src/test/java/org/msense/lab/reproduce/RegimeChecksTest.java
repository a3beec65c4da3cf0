package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msense.core.diagnostics.DiagnosticRecord;

/**
 * The checks of the regime-aware experiments fail on a wrong dynamics or a wrong regime: each is fed synthetic
 * measurements made by a known law (the predicted one, and a wrong one) and must pass the first and fail the second.
 */
class RegimeChecksTest {

    /** Records of a run whose σ_r(VWᵀ) grows as α²(1 + μσ)^{2t} (the linear growth phase), logged every {@code every}. */
    private static List<DiagnosticRecord> growth(double alpha, double mu, double sigma, int every, int steps) {
        List<DiagnosticRecord> h = new ArrayList<>();
        for (int t = 0; t <= steps; t += every) {
            double s = alpha * alpha * Math.pow(1 + mu * sigma, 2.0 * t);
            h.add(new DiagnosticRecord(0, t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new double[] {Math.min(s, 1)}));
        }
        return h;
    }

    private static double worstSlopeGap(double sigmaOfRun, double sigmaPredicted) {
        double[] time = new double[AlphaExperiment.ALPHAS.length];
        for (int b = 0; b < time.length; b++) {
            time[b] = AlphaExperiment.timeToFit(growth(AlphaExperiment.ALPHAS[b], 0.25, sigmaOfRun, 2, 400), 1, 0.5);
        }
        return Math.abs(AlphaExperiment.timeSlope(AlphaExperiment.ALPHAS, time)
                / AlphaExperiment.predictedSlope(0.25, sigmaPredicted) - 1);
    }

    @Test
    void timeToFitFollowsTheGrowthRateOfTheAdjointAndAWrongRateFails() {
        // exact geometric growth: the interpolated crossing recovers ln10/ln(1 + μσ) per decade to rounding
        assertEquals(0, worstSlopeGap(1.3, 1.3), 1e-9);
        assertTrue(AlphaExperiment.timeToFitCheck(worstSlopeGap(1.3, 1.3)).pass());
        // growth driven by σ_r(X*) = 1 while 𝒜*𝒜(X*) has σ_r = 1.3 (δ̂ = 0.3): the check must fail
        assertFalse(AlphaExperiment.timeToFitCheck(worstSlopeGap(1.0, 1.3)).pass());
        assertTrue(Double.isNaN(AlphaExperiment.timeToFit(growth(1e-6, 0.25, 1, 2, 10), 1, 0.5)), "never fitted: NaN");
    }

    @Test
    void theExponentMustRiseAsTheDeviationShrinks() {
        double[] deltaHat = {0.72, 0.48, 0.30};
        double[][] rising = {{0.6, 0.55}, {1.1, 1.05}, {1.5, 1.45}};
        assertTrue(AlphaExperiment.exponentChecks(deltaHat, rising, 1.4).stream().allMatch(Check::pass));
        // an exponent set by the set-up, the same at every δ̂ (the old suite's 0.55–0.69)
        double[][] flat = {{0.6, 0.6}, {0.6, 0.6}, {0.6, 0.6}};
        List<Check> c = AlphaExperiment.exponentChecks(deltaHat, flat, 1.4);
        assertFalse(c.get(0).pass(), "no rise");
        assertFalse(c.get(1).pass(), "near-isometric exponent below 1.4");
        // falling with the regime, and one seed faster than α² (a floor made by rounding)
        double[][] wrong = {{1.5, 1.5}, {1.1, 1.1}, {1.45, 2.6}};
        c = AlphaExperiment.exponentChecks(deltaHat, wrong, 1.4);
        assertFalse(c.get(0).pass());
        assertFalse(c.get(2).pass());
    }

    @Test
    void floorExponentIgnoresLargeAlphaAndRoundingLevelFloors() {
        double[] alphas = AlphaExperiment.ALPHAS;
        double[] floor = new double[alphas.length];
        for (int b = 0; b < alphas.length; b++) {
            floor[b] = Math.max(3 * Math.pow(alphas[b], 1.5), 1e-12);
        }
        floor[0] = 0.9; // α = 0.1: not small, not fitted
        assertEquals(1.5, AlphaExperiment.floorExponent(alphas, floor, 1e-12 * 1.0001), 1e-12);
    }

    @Test
    void alignmentIsMeasuredToTheGivenSpaceAndTheCheckRejectsAlignmentToTheTruth() {
        // V (4×3) whose top-1 left space is e₁ (σ = 5 against 1 and 0.5); U_M = e₁ rotated by φ = 0.3 towards e₂
        double[] v = {5, 0, 0, 0, 1, 0, 0, 0, 0.5, 0, 0, 0};
        double[] rotated = {Math.cos(0.3), Math.sin(0.3), 0, 0};
        double[] e1 = {1, 0, 0, 0};
        assertEquals(0, FactorSpaces.sinAngle(v, 0, 4, 3, e1, 1), 1e-15);
        assertEquals(Math.sin(0.3), FactorSpaces.sinAngle(v, 0, 4, 3, rotated, 1), 1e-14);
        // a run aligned with U* instead of the top space of 𝒜*𝒜(X*) is off by sin θ(U_M, U*) and fails
        assertFalse(PhasesExperiment.alignmentCheck(FactorSpaces.sinAngle(v, 0, 4, 3, rotated, 1)).pass());
        assertTrue(PhasesExperiment.alignmentCheck(FactorSpaces.sinAngle(v, 0, 4, 3, e1, 1)).pass());
    }

    @Test
    void theStoppingTimeIsTheNoiselessRunsEndOfRefinement() {
        List<DiagnosticRecord> h = new ArrayList<>();
        double[] errors = {1, 0.5, 1e-2, 3e-6, 1.5e-6, 1e-6};
        for (int t = 0; t < errors.length; t++) {
            h.add(new DiagnosticRecord(0, 5 * t, 0, errors[t], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new double[] {1}));
        }
        assertEquals(20, NoiseExperiment.stoppingTime(h, 1e-6), "first record within 2× the floor");
        assertEquals(-1, NoiseExperiment.stoppingTime(h.subList(0, 3), 1e-6));
    }

    /**
     * Wind's K against the two phases computed by hand: growth ln(σ_r/α²)/(2 ln(1 + μσ_r(M))) plus the local phase
     * ln(σ_r/‖𝒜*ξ‖₂)/(−ln(1 − μσ_rλ_T)), rounded up (values from an independent evaluation of the formula). No local rate
     * (λ_T = 0) gives −1; noise above σ_r leaves only the growth phase.
     */
    @Test
    void windsStoppingTimeIsGrowthPlusLocalPhase() {
        // 101.034 + 134.672 = 235.706
        assertEquals(236, NoiseExperiment.windStoppingTime(1e-8, 0.25, 1, 0.8, 0.2, 1e-3));
        // 167.289 + 127.139 = 294.427
        assertEquals(295, NoiseExperiment.windStoppingTime(1e-3, 0.1, 0.5, 0.4, 0.5, 2e-2));
        assertEquals(-1, NoiseExperiment.windStoppingTime(1e-8, 0.25, 1, 0.8, 0, 1e-3));
        assertEquals(102, NoiseExperiment.windStoppingTime(1e-8, 0.25, 1, 0.8, 0.2, 2));
    }
}
