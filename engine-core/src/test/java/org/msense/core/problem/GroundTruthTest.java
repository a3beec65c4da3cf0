package org.msense.core.problem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.msense.core.linalg.Linalg;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The ground truth's defining properties (docs/math.md, "Ground truth"): U* is the Q factor of the QR of the
 * Gaussian G_U of stream TRUTH_LEFT with diag(R) &gt; 0 — equivalently, U* is orthonormal and U*ᵀG_U is upper
 * triangular with a positive diagonal, which determines U* uniquely for G_U of full rank — likewise V*, and
 * X* = U* diag(σ) V*ᵀ. Tolerances are c·(√n + r)·ε with c = 4 (ε = 2⁻⁵²), the backward-error level of
 * Householder QR, relative to the norm of what is compared.
 */
class GroundTruthTest {
    private static final double EPS = 0x1p-52;

    @ParameterizedTest(name = "{0}×{1}, r = {2}")
    @CsvSource({"20, 15, 2", "40, 40, 5", "7, 300, 7", "1, 1, 1"})
    void generatedFactorsAreTheSignFixedQOfTheirGaussians(int n1, int n2, int r) {
        ProblemSpec spec = new ProblemSpec(n1, n2, r, 10, 2, 10, OperatorKind.GAUSSIAN, 0, 42);
        GroundTruth t = GroundTruth.generate(spec);
        assertFactor(t.left(), n1, r, new GaussianStream(42, StreamPurpose.TRUTH_LEFT, 0));
        assertFactor(t.right(), n2, r, new GaussianStream(42, StreamPurpose.TRUTH_RIGHT, 0));
        assertArrayEquals(spec.singularValues(), t.sigma());
        DMatrixRMaj u = DMatrixRMaj.wrap(n1, r, t.left());
        DMatrixRMaj v = DMatrixRMaj.wrap(n2, r, t.right());
        DMatrixRMaj x = CommonOps_DDRM.multTransB(CommonOps_DDRM.mult(u, CommonOps_DDRM.diag(t.sigma()), null), v, null);
        assertArrayEquals(x.data, t.matrix(), 4 * r * EPS * t.sigma()[0]);
        assertArrayEquals(t.matrix(), GroundTruth.generate(spec).matrix(), 0, "deterministic");
    }

    /**
     * A symmetric problem: V* = U* (the factor of stream TRUTH_LEFT), X* exactly symmetric and equal to U*ΣU*ᵀ to
     * 4r·ε·σ₁, so positive semidefinite with eigenvalues σ; a non-square symmetric problem is refused.
     */
    @Test
    void symmetricProblemHasAPsdTruthWithVEqualU() {
        int n = 30;
        int r = 4;
        ProblemSpec spec = new ProblemSpec(n, n, r, 10, 2, 10, OperatorKind.GAUSSIAN, 0, 42, true);
        GroundTruth t = GroundTruth.generate(spec);
        assertFactor(t.left(), n, r, new GaussianStream(42, StreamPurpose.TRUTH_LEFT, 0));
        assertArrayEquals(t.left(), t.right(), 0, "V* = U*");
        double[] x = t.matrix();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(x[i * n + j], x[j * n + i], 0, "X* symmetric at " + i + "," + j);
            }
        }
        DMatrixRMaj u = DMatrixRMaj.wrap(n, r, t.left());
        DMatrixRMaj usut = CommonOps_DDRM.multTransB(CommonOps_DDRM.mult(u, CommonOps_DDRM.diag(t.sigma()), null), u, null);
        assertArrayEquals(usut.data, x, 4 * r * EPS * t.sigma()[0]);
        assertThrows(org.msense.core.spec.InvalidSpecException.class,
                () -> new ProblemSpec(n, n + 1, r, 10, 2, 10, OperatorKind.GAUSSIAN, 0, 42, true));
    }

    private static void assertFactor(double[] q, int n, int r, GaussianStream stream) {
        double[] g = new double[n * r];
        stream.fill(0, 1.0, g, 0, g.length);
        DMatrixRMaj qm = DMatrixRMaj.wrap(n, r, q);
        double tol = 4 * (Math.sqrt(n) + r) * EPS;
        DMatrixRMaj qtq = CommonOps_DDRM.multTransA(qm, qm, null);
        double orth = NormOps_DDRM.normF(CommonOps_DDRM.subtract(qtq, CommonOps_DDRM.identity(r), null));
        assertTrue(orth <= tol, "‖QᵀQ − I‖_F = " + orth);
        DMatrixRMaj gm = DMatrixRMaj.wrap(n, r, g);
        DMatrixRMaj qtg = CommonOps_DDRM.multTransA(qm, gm, null); // = R
        double gNorm = NormOps_DDRM.normF(gm);
        for (int i = 0; i < r; i++) {
            assertTrue(qtg.get(i, i) > 0, "R_" + i + i + " = " + qtg.get(i, i));
            for (int j = 0; j < i; j++) {
                assertEquals(0, qtg.get(i, j), tol * gNorm, "QᵀG below the diagonal at " + i + "," + j);
            }
        }
    }

    @Test
    void fromMatrixRecoversTheFactorsOfALowRankMatrix() {
        ProblemSpec spec = new ProblemSpec(30, 20, 3, 4, 1.5, 10, OperatorKind.GAUSSIAN, 0, 7);
        GroundTruth made = GroundTruth.generate(spec);
        double[] x = made.matrix().clone();
        double tol = 4 * 30 * EPS * made.sigma()[0];
        for (int rank : new int[] {0, 3}) { // the numerical rank, or a given one
            GroundTruth got = GroundTruth.fromMatrix(x, 30, 20, rank);
            assertArrayEquals(made.matrix(), x, 0, "input modified");
            assertEquals(3, got.rank());
            assertArrayEquals(made.sigma(), got.sigma(), tol);
            // the same left subspace (the cosines of the principal angles are 1), and U diag(σ) Vᵀ gives X* back
            double[] cos = Linalg.singularValues(CommonOps_DDRM.multTransA(DMatrixRMaj.wrap(30, 3, made.left()),
                    DMatrixRMaj.wrap(30, 3, got.left()), null));
            assertArrayEquals(new double[] {1, 1, 1}, cos, 1e-12);
            DMatrixRMaj u = DMatrixRMaj.wrap(30, 3, got.left());
            DMatrixRMaj v = DMatrixRMaj.wrap(20, 3, got.right());
            DMatrixRMaj back = CommonOps_DDRM.multTransB(CommonOps_DDRM.mult(u, CommonOps_DDRM.diag(got.sigma()), null),
                    v, null);
            assertArrayEquals(x, back.data, tol);
        }
        assertEquals(2, GroundTruth.fromMatrix(x, 30, 20, 2).sigma().length);
    }

    @Test
    void fromMatrixRejectsWhatHasNoFactors() {
        var e = assertThrows(IllegalArgumentException.class, () -> GroundTruth.fromMatrix(new double[6], 2, 3, 0));
        assertTrue(e.getMessage().contains("zero matrix"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GroundTruth.fromMatrix(new double[] {1, Double.NaN, 0, 1}, 2, 2, 0));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GroundTruth.fromMatrix(new double[] {1, 0, 0, 1}, 2, 2, 3));
        assertTrue(e.getMessage().contains("between 1 and min(n1, n2) = 2"), e.getMessage());
    }
}
