package org.msense.core.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The regime estimate against cases with known answers: an exact isometry (M = X*: no deviation, no angle), and a
 * rank-1 X* = e₁e₁ᵀ whose left singular vector M rotates by φ in the (e₁, e₂) plane, where sin θ(U_M, U*) = sin φ,
 * sin θ(V_M, V*) = 0 and ‖M − X*‖₂ = 2 sin(φ/2) in closed form. Tolerances: a few hundred ε (ε = 2⁻⁵²) times the
 * norms involved, the accuracy of EJML's SVD.
 */
class RegimeEstimateTest {
    private static final double EPS = 0x1p-52;

    @Test
    void anExactIsometryHasNoDeviationAndNoAngle() {
        GroundTruth t = GroundTruth.generate(new ProblemSpec(30, 20, 3, 4, 1, 10, OperatorKind.GAUSSIAN, 0, 7));
        RegimeEstimate e = RegimeEstimate.of(t.matrix(), t);
        assertTrue(e.measured());
        assertEquals(0, e.deviation(), 0);
        assertEquals(0, e.relativeDeviation(), 0);
        assertEquals(0, e.sinAngleLeft(), 500 * EPS / t.sigma()[2]);
        assertEquals(0, e.sinAngleRight(), 500 * EPS / t.sigma()[2]);
        assertEquals(t.sigma()[2], e.sigmaROfM(), 100 * EPS);
        assertEquals(4, e.singularValues().length, "σ_1 … σ_{r+1}(M)");
        assertEquals(0, e.singularValues()[3], 100 * EPS);
    }

    @ParameterizedTest(name = "φ = {0}")
    @ValueSource(doubles = {1e-3, 0.1, 0.5, 1.2})
    void aRotatedLeftVectorGivesItsAngle(double phi) {
        int n1 = 5;
        int n2 = 4;
        double[] x = new double[n1 * n2];
        x[0] = 1;
        GroundTruth t = GroundTruth.fromMatrix(x, n1, n2, 1);
        double[] m = new double[n1 * n2];
        m[0] = Math.cos(phi); // row 0, column 0
        m[n2] = Math.sin(phi); // row 1, column 0
        RegimeEstimate e = RegimeEstimate.of(m, t);
        assertEquals(Math.sin(phi), e.sinAngleLeft(), 100 * EPS);
        assertEquals(0, e.sinAngleRight(), 100 * EPS);
        assertEquals(2 * Math.sin(phi / 2), e.deviation(), 100 * EPS);
        assertEquals(2 * Math.sin(phi / 2), e.wedinBound(), 100 * EPS, "σ_1(M) = 1");
        assertTrue(e.sinAngleLeft() <= e.wedinBound(), "Wedin's theorem");
        assertEquals(1, e.leftSpace().length / n1);
        assertEquals(Math.abs(Math.cos(phi)), Math.abs(e.leftSpace()[0]), 100 * EPS);
    }

    @Test
    void wedinsBoundHoldsForRandomPerturbations() {
        GroundTruth t = GroundTruth.generate(new ProblemSpec(25, 18, 2, 2, 1, 10, OperatorKind.GAUSSIAN, 0, 11));
        for (double scale : new double[] {0.01, 0.05, 0.1, 0.2}) {
            double[] m = t.matrix().clone();
            double[] g = new double[m.length];
            new GaussianStream(3, StreamPurpose.NOISE, 0).fill(0, scale, g, 0, g.length);
            for (int i = 0; i < m.length; i++) {
                m[i] += g[i];
            }
            RegimeEstimate e = RegimeEstimate.of(m, t);
            assertTrue(e.sinAngleLeft() > 0 && e.sinAngleLeft() <= e.wedinBound(), scale + ": " + e.describe());
            assertTrue(e.sinAngleRight() > 0 && e.sinAngleRight() <= e.wedinBound(), scale + ": " + e.describe());
            assertEquals(e.deviation() / 0.5, e.relativeDeviation(), 1e-15, "σ_r = 1/κ = 0.5");
        }
    }

    @Test
    void aSkippedEstimateSaysWhyAndMeasuresNothing() {
        GroundTruth t = GroundTruth.generate(new ProblemSpec(6, 5, 1, 1, 1, 10, OperatorKind.GAUSSIAN, 0, 1));
        RegimeEstimate e = RegimeEstimate.skipped(t, "too large");
        assertFalse(e.measured());
        assertTrue(Double.isNaN(e.relativeDeviation()));
        assertTrue(e.describe().contains("too large"));
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> RegimeEstimate.of(new double[3], t));
        assertTrue(wrong.getMessage().contains("n1·n2"));
    }
}
