package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.msense.core.problem.GroundTruth;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * λ_T, the smallest eigenvalue of 𝒜*𝒜 on the tangent space T at X*, against operators built from the projection
 * P_T(Z) = P_U Z + Z P_V − P_U Z P_V, formed here independently of the spanning set: 𝒜 = P_T + c(I − P_T) gives exactly
 * 1 (a basis leaking outside T would see c² = 0.25), 𝒜 = c·P_T + (I − P_T) gives c², and 𝒜 = I − P_T gives 0. Tolerance
 * 1e-12: the rounding of SVDs of well-conditioned matrices of this size.
 */
class TangentIsometryTest {
    private static final int N1 = 6;
    private static final int N2 = 5;
    private static final int R = 2;
    private static final GroundTruth TRUTH = GroundTruth.generate(new ProblemSpec(N1, N2, R, 1, 1, 10, OperatorKind.GAUSSIAN, 0, 7));

    /** a·P_T + b·(I − P_T) as an (n1n2) × (n1n2) row-major operator (m = n1n2 rows). */
    private static double[] operator(double a, double b) {
        int n = N1 * N2;
        double[] u = TRUTH.left();
        double[] v = TRUTH.right();
        double[] op = new double[n * n];
        for (int col = 0; col < n; col++) {
            double[] z = new double[n];
            z[col] = 1;
            double[] pz = new double[n];
            // P_U Z + Z P_V − P_U Z P_V, Z = e_col
            double[] puz = new double[n];
            for (int i = 0; i < N1; i++) {
                for (int j = 0; j < N2; j++) {
                    double s = 0;
                    for (int k = 0; k < N1; k++) {
                        double p = 0;
                        for (int c = 0; c < R; c++) {
                            p += u[i * R + c] * u[k * R + c];
                        }
                        s += p * z[k * N2 + j];
                    }
                    puz[i * N2 + j] = s;
                }
            }
            for (int i = 0; i < N1; i++) {
                for (int j = 0; j < N2; j++) {
                    double zp = 0;
                    double puzp = 0;
                    for (int k = 0; k < N2; k++) {
                        double p = 0;
                        for (int c = 0; c < R; c++) {
                            p += v[k * R + c] * v[j * R + c];
                        }
                        zp += z[i * N2 + k] * p;
                        puzp += puz[i * N2 + k] * p;
                    }
                    pz[i * N2 + j] = puz[i * N2 + j] + zp - puzp;
                }
            }
            for (int row = 0; row < n; row++) {
                op[row * n + col] = a * pz[row] + b * (z[row] - pz[row]);
            }
        }
        return op;
    }

    @Test
    void anIsometryOnTheTangentSpaceGivesOneWhateverItDoesOutside() {
        assertEquals(1, TangentIsometry.smallest(operator(1, 0.5), N1 * N2, TRUTH), 1e-12);
    }

    @Test
    void aContractionOnTheTangentSpaceGivesItsSquare() {
        assertEquals(0.09, TangentIsometry.smallest(operator(0.3, 1), N1 * N2, TRUTH), 1e-12);
        assertEquals(0, TangentIsometry.smallest(operator(0, 1), N1 * N2, TRUTH), 1e-12);
    }

    @Test
    void theBasisHasTheDimensionOfTheTangentSpace() {
        assertEquals(R * (N1 + N2 - R), TangentIsometry.orthonormalBasis(TRUTH).numCols);
    }
}
