package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.msense.core.problem.GroundTruth;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The oracle tangent-space error against closed forms. With 𝒜 = I (m = n1n2, the identity operator) the
 * least-squares solution in T is the orthogonal projection P_T(ξ) = P_Uξ + ξP_V − P_UξP_V, computed here
 * independently of the spanning set. With ξ ∈ T the error is ‖ξ‖_F exactly, and with ξ ⊥ T it is 0. Tolerance:
 * 1e-12 relative, far above the rounding of a pseudo-inverse of a well-conditioned system.
 */
class OracleTangentErrorTest {

    private static double[] identity(int n) {
        double[] op = new double[n * n];
        for (int i = 0; i < n; i++) {
            op[i * n + i] = 1;
        }
        return op;
    }

    @Test
    void withTheIdentityOperatorTheOracleIsTheProjectionOntoTheTangentSpace() {
        GroundTruth t = GroundTruth.generate(new ProblemSpec(7, 5, 2, 1, 1, 10, OperatorKind.GAUSSIAN, 0, 3));
        int n1 = 7;
        int n2 = 5;
        int r = 2;
        double[] xi = new double[n1 * n2];
        new GaussianStream(9, StreamPurpose.NOISE, 0).fill(0, 1, xi, 0, xi.length);
        double[] pu = new double[n1 * n1];
        double[] pv = new double[n2 * n2];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n1; j++) {
                for (int a = 0; a < r; a++) {
                    pu[i * n1 + j] += t.left()[i * r + a] * t.left()[j * r + a];
                }
            }
        }
        for (int i = 0; i < n2; i++) {
            for (int j = 0; j < n2; j++) {
                for (int a = 0; a < r; a++) {
                    pv[i * n2 + j] += t.right()[i * r + a] * t.right()[j * r + a];
                }
            }
        }
        // (I − P_U) ξ (I − P_V) is the part outside T; the projection is ξ minus it
        double sq = 0;
        double total = 0;
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                double outside = 0;
                for (int a = 0; a < n1; a++) {
                    for (int b = 0; b < n2; b++) {
                        double left = (i == a ? 1 : 0) - pu[i * n1 + a];
                        double right = (b == j ? 1 : 0) - pv[b * n2 + j];
                        outside += left * xi[a * n2 + b] * right;
                    }
                }
                double inside = xi[i * n2 + j] - outside;
                sq += inside * inside;
                total += xi[i * n2 + j] * xi[i * n2 + j];
            }
        }
        double expected = Math.sqrt(sq);
        assertEquals(expected, OracleTangentError.of(identity(n1 * n2), n1 * n2, xi, t), 1e-12 * Math.sqrt(total));
        // ξ = X* lies in T: all of it is recovered
        assertEquals(Math.sqrt(2), OracleTangentError.of(identity(n1 * n2), n1 * n2, t.matrix(), t), 1e-12);
    }
}
