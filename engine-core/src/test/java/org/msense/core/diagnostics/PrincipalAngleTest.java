package org.msense.core.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alignment diagnostic the phases experiment relies on: sin of the largest principal angle between span(U*)
 * and the top-r left singular subspace of V, checked on factors built with a known angle. V = Q·diag(3, 2, 10⁻³)·Rᵀ
 * with orthonormal Q = [cos θ·e1 + sin θ·e3, e2, e4] and a rotation R, so its top-2 left singular subspace is
 * span(q1, q2), whose principal angles to span(e1, e2) are θ and 0, while the small third direction (e4, outside
 * span(U*)) must not count.
 */
class PrincipalAngleTest {
    private static final int N = 4;
    private static final int K = 3;
    private static final int R = 2;

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 1e-3, 1e-6, 1.2})
    void largestPrincipalSineOfAKnownAngle(double theta) {
        double[] q = new double[N * K];
        q[0 * K + 0] = Math.cos(theta);
        q[2 * K + 0] = Math.sin(theta);
        q[1 * K + 1] = 1;
        q[3 * K + 2] = 1;
        double[] sigma = {3, 2, 1e-3};
        double[] rotation = rotation(0.7, 0.4, 1.1);
        double[] qs = new double[N * K];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < K; j++) {
                qs[i * K + j] = q[i * K + j] * sigma[j];
            }
        }
        double[] v = CommonOps_DDRM.multTransB(m(N, K, qs), m(K, K, rotation), null).data; // Q Σ Rᵀ
        // W exactly in span(V*) = span(e1, e2): its angle is 0
        double[] w = new double[N * K];
        w[0 * K + 0] = 1.5;
        w[1 * K + 1] = 0.5;
        w[0 * K + 2] = 0.25;
        double[] uStar = new double[N * R];
        uStar[0 * R + 0] = 1;
        uStar[1 * R + 1] = 1;
        ProbeReadout p = readout(v, w, uStar, uStar);
        DiagnosticsCalculator calc = new DiagnosticsCalculator(new double[] {1, 1}, Math.sqrt(2), K);
        DiagnosticRecord d = calc.compute(0, 0, 0, p);
        // the formula avoids cancellation, so small angles keep their relative accuracy
        assertEquals(Math.sin(theta), d.sinAngleLeft(), 1e-10 * Math.sin(theta) + 1e-15);
        assertEquals(0, d.sinAngleRight(), 1e-15);
    }

    private static ProbeReadout readout(double[] v, double[] w, double[] uStar, double[] vStar) {
        return Readouts.of(m(N, K, v), m(N, K, w), m(N, R, uStar), m(N, R, vStar));
    }

    private static DMatrixRMaj m(int rows, int cols, double[] data) {
        return DMatrixRMaj.wrap(rows, cols, data);
    }

    /** A 3×3 rotation, the product of rotations about the three axes. */
    private static double[] rotation(double a, double b, double c) {
        double[] x = {1, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a)};
        double[] y = {Math.cos(b), 0, Math.sin(b), 0, 1, 0, -Math.sin(b), 0, Math.cos(b)};
        double[] z = {Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c), 0, 0, 0, 1};
        return CommonOps_DDRM.mult(CommonOps_DDRM.mult(m(3, 3, x), m(3, 3, y), null), m(3, 3, z), null).data;
    }
}
