package org.msense.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the facade adds to EJML, and the properties its callers rely on: order, the QR's sign convention, the
 * shapes of the factors, untouched arguments, NaN for non-finite input. Tolerances are backward-error levels,
 * c·(dimension)·ε relative to the norm of the input (ε = 2⁻⁵²), with c = 4: Householder QR, the symmetric QR
 * algorithm and the bidiagonal SVD are normwise backward stable with errors that grow at most like a low-degree
 * polynomial of the dimension and in practice like its square root; a wrong order, a missed sign flip or a lost
 * column exceeds them by many orders of magnitude.
 */
class LinalgTest {
    private static final double EPS = 0x1p-52;

    @ParameterizedTest(name = "n = {0}")
    @CsvSource({"1", "2", "7", "60"})
    void symmetricEigenDecomposesDescending(int n) {
        var rng = new SplittableRandom(n);
        DMatrixRMaj g = gaussian(rng, n, n);
        DMatrixRMaj s = CommonOps_DDRM.add(g, CommonOps_DDRM.transpose(g, null), null);
        Linalg.Eigen e = leavesInput(s, Linalg::symmetricEigen);
        assertDescending(e.values());
        double tol = 4 * n * EPS * NormOps_DDRM.normF(s);
        // S·Q = Q·Λ and QᵀQ = I
        DMatrixRMaj lambda = CommonOps_DDRM.diag(e.values());
        DMatrixRMaj residual = CommonOps_DDRM.subtract(CommonOps_DDRM.mult(s, e.vectors(), null),
                CommonOps_DDRM.mult(e.vectors(), lambda, null), null);
        assertTrue(NormOps_DDRM.normF(residual) <= tol, "‖SQ − QΛ‖_F = " + NormOps_DDRM.normF(residual));
        assertTrue(orthogonalityError(e.vectors()) <= 4 * n * EPS, "‖QᵀQ − I‖_F = " + orthogonalityError(e.vectors()));
        assertArrayEquals(e.values(), Linalg.symmetricEigenvalues(s), tol, "values alone");
    }

    @Test
    void knownSpectrumOfAGramMatrixWithRepeatedAndZeroEigenvalues() {
        var rng = new SplittableRandom(3);
        int n = 8;
        DMatrixRMaj q = Linalg.thinQr(gaussian(rng, n, n)).q();
        double[] lambda = {5, 3, 3, 1, 1e-9, 0, 0, 0};
        DMatrixRMaj s = CommonOps_DDRM.multTransB(CommonOps_DDRM.mult(q, CommonOps_DDRM.diag(lambda), null), q, null);
        double[] got = Linalg.symmetricEigenvalues(s);
        assertArrayEquals(lambda, got, 4 * n * EPS * NormOps_DDRM.normF(s));
    }

    @Test
    void eigenOfTheSymmetricPart() {
        DMatrixRMaj s = new DMatrixRMaj(new double[][] {{2, 1}, {3, 2}}); // symmetric part [[2, 2], [2, 2]]
        assertArrayEquals(new double[] {4, 0}, Linalg.symmetricEigenvalues(s), 8 * EPS);
        Linalg.Eigen e = Linalg.symmetricEigen(s);
        assertEquals(1, Math.abs(e.vectors().get(0, 0) + e.vectors().get(1, 0)) / Math.sqrt(2), 8 * EPS);
    }

    @Test
    void nonFiniteInputGivesNaN() {
        DMatrixRMaj s = new DMatrixRMaj(new double[][] {{1, Double.NaN}, {0, 1}});
        for (double x : Linalg.symmetricEigenvalues(s)) {
            assertTrue(Double.isNaN(x));
        }
        Linalg.Eigen e = Linalg.symmetricEigen(new DMatrixRMaj(new double[][] {{Double.POSITIVE_INFINITY}}));
        assertTrue(Double.isNaN(e.values()[0]) && Double.isNaN(e.vectors().get(0, 0)));
        for (double x : Linalg.singularValues(new DMatrixRMaj(new double[][] {{1, 2, Double.NaN}}))) {
            assertTrue(Double.isNaN(x));
        }
        Linalg.Svd svd = Linalg.svd(new DMatrixRMaj(new double[][] {{1, Double.NEGATIVE_INFINITY}}));
        assertTrue(Double.isNaN(svd.values()[0]) && Double.isNaN(svd.u().get(0, 0)) && Double.isNaN(svd.v().get(1, 0)));
        assertThrows(IllegalArgumentException.class, () -> Linalg.symmetricEigen(new DMatrixRMaj(2, 3)));
    }

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"1, 1", "9, 4", "4, 9", "40, 40"})
    void svdIsThinDescendingAndReconstructs(int rows, int cols) {
        var rng = new SplittableRandom(100 + rows * 7L + cols);
        DMatrixRMaj a = gaussian(rng, rows, cols);
        Linalg.Svd svd = leavesInput(a, Linalg::svd);
        int p = Math.min(rows, cols);
        assertEquals(p, svd.values().length);
        assertEquals(rows, svd.u().numRows);
        assertEquals(p, svd.u().numCols);
        assertEquals(cols, svd.v().numRows);
        assertEquals(p, svd.v().numCols);
        assertDescending(svd.values());
        int m = Math.max(rows, cols);
        double tol = 4 * m * EPS;
        DMatrixRMaj usv = CommonOps_DDRM.multTransB(CommonOps_DDRM.mult(svd.u(), CommonOps_DDRM.diag(svd.values()), null),
                svd.v(), null);
        double residual = NormOps_DDRM.normF(CommonOps_DDRM.subtract(a, usv, null));
        assertTrue(residual <= tol * NormOps_DDRM.normF(a), "‖A − UΣVᵀ‖_F = " + residual);
        assertTrue(orthogonalityError(svd.u()) <= tol, "U not orthonormal");
        assertTrue(orthogonalityError(svd.v()) <= tol, "V not orthonormal");
        assertArrayEquals(svd.values(), Linalg.singularValues(a), tol * svd.values()[0], "values alone");
    }

    @Test
    void singularValuesOfAKnownLowRankMatrix() {
        var rng = new SplittableRandom(5);
        DMatrixRMaj u = Linalg.thinQr(gaussian(rng, 30, 3)).q();
        DMatrixRMaj v = Linalg.thinQr(gaussian(rng, 20, 3)).q();
        double[] sigma = {4, 2, 0.5};
        DMatrixRMaj a = CommonOps_DDRM.multTransB(CommonOps_DDRM.mult(u, CommonOps_DDRM.diag(sigma), null), v, null);
        double[] got = Linalg.singularValues(a);
        assertEquals(20, got.length);
        double tol = 4 * 30 * EPS * sigma[0];
        assertArrayEquals(sigma, java.util.Arrays.copyOf(got, 3), tol);
        for (int i = 3; i < got.length; i++) {
            assertTrue(got[i] >= 0 && got[i] <= tol, "σ_" + i + " = " + got[i]);
        }
        assertEquals(0, Linalg.singularValues(new DMatrixRMaj(0, 4)).length);
    }

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"1, 1", "5, 3", "40, 40", "200, 30", "300, 300"})
    void thinQrIsOrthonormalTriangularWithNonNegativeDiagonal(int rows, int cols) {
        var rng = new SplittableRandom(200 + rows * 7L + cols);
        DMatrixRMaj a = gaussian(rng, rows, cols);
        Linalg.Qr qr = leavesInput(a, Linalg::thinQr);
        assertThinQr(a, qr);
    }

    @Test
    void thinQrRecoversAKnownFactorizationIncludingSigns() {
        // A = Q0·R0 with Q0 orthonormal and R0 upper triangular with positive diagonal is the unique thin QR with
        // diag(R) > 0; without the sign fix about half of the columns would come out negated. R0 is well
        // conditioned (κ < 10), so Q and R are within a small multiple of the backward error of Q0, R0.
        var rng = new SplittableRandom(7);
        int rows = 60;
        int cols = 12;
        DMatrixRMaj q0 = Linalg.thinQr(gaussian(rng, rows, cols)).q();
        DMatrixRMaj r0 = new DMatrixRMaj(cols, cols);
        for (int i = 0; i < cols; i++) {
            r0.set(i, i, 1 + rng.nextDouble());
            for (int j = i + 1; j < cols; j++) {
                r0.set(i, j, 0.1 * (rng.nextDouble() - 0.5));
            }
        }
        DMatrixRMaj a = CommonOps_DDRM.mult(q0, r0, null);
        Linalg.Qr qr = Linalg.thinQr(a);
        assertThinQr(a, qr);
        double tol = 100 * (Math.sqrt(rows) + cols) * EPS;
        assertTrue(distance(q0, qr.q()) <= tol, "‖Q − Q0‖_F = " + distance(q0, qr.q()));
        assertTrue(distance(r0, qr.r()) <= tol * NormOps_DDRM.normF(r0), "‖R − R0‖_F = " + distance(r0, qr.r()));
    }

    @Test
    void negativeLeadingEntriesAreFlipped() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{-3, 0}, {-4, 0}, {0, -2}});
        Linalg.Qr qr = Linalg.thinQr(a);
        assertArrayEquals(new double[] {5, 0, 0, 2}, qr.r().data, 4 * EPS);
        assertArrayEquals(new double[] {-0.6, 0, -0.8, 0, 0, -1}, qr.q().data, 4 * EPS);
        assertThrows(IllegalArgumentException.class, () -> Linalg.thinQr(new DMatrixRMaj(2, 3)));
    }

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"20, 6", "6, 6", "4, 9", "1, 3"})
    void triangularFactorHasTheGramOfItsMatrix(int rows, int cols) {
        var rng = new SplittableRandom(300 + rows * 7L + cols);
        DMatrixRMaj a = gaussian(rng, rows, cols);
        DMatrixRMaj r = leavesInput(a, Linalg::triangularFactor);
        assertEquals(Math.min(rows, cols), r.numRows);
        assertEquals(cols, r.numCols);
        for (int i = 0; i < r.numRows; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(0.0, r.get(i, j), "R below the diagonal at " + i + "," + j);
            }
        }
        // RᵀR = AᵀA: then A = Q·R with Q = A·R⁻¹ orthonormal on the range
        DMatrixRMaj gramA = CommonOps_DDRM.multTransA(a, a, null);
        DMatrixRMaj gramR = CommonOps_DDRM.multTransA(r, r, null);
        double tol = 4 * (rows + cols) * EPS * NormOps_DDRM.normF(gramA);
        assertTrue(distance(gramA, gramR) <= tol, "‖RᵀR − AᵀA‖_F = " + distance(gramA, gramR));
    }

    @Test
    void triangularFactorOfRankDeficientInput() {
        // a zero column and a repeated one: EJML flags the zero sub-column, the factor is still exact
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{1.5, 0, 1.5}, {0, 0, 0}, {2, 0, 2}});
        DMatrixRMaj r = Linalg.triangularFactor(a);
        DMatrixRMaj gramA = CommonOps_DDRM.multTransA(a, a, null);
        assertTrue(distance(gramA, CommonOps_DDRM.multTransA(r, r, null)) <= 16 * EPS * NormOps_DDRM.normF(gramA));
        assertEquals(2.5, Math.abs(r.get(0, 0)), 4 * EPS);
        assertEquals(0, r.get(1, 1), 0);
        assertEquals(0, r.get(2, 2), 4 * EPS);
    }

    /**
     * L⁻¹ of M = GᵀG + λI: lower triangular, L⁻¹·M·L⁻ᵀ = I to a few units of roundoff times κ(M), and G·M⁻¹
     * applied as (G·L⁻ᵀ)·L⁻¹ agrees with EJML's solve; null for a matrix that is not positive definite or not finite.
     */
    @Test
    void inverseCholeskyFactorAppliesTheSolve() {
        SplittableRandom rng = new SplittableRandom(7);
        int k = 6;
        DMatrixRMaj g = gaussian(rng, 20, k);
        DMatrixRMaj m = CommonOps_DDRM.multTransA(g, g, null);
        for (int i = 0; i < k; i++) {
            m.add(i, i, 1e-3);
        }
        DMatrixRMaj before = m.copy();
        DMatrixRMaj inv = Linalg.inverseCholeskyFactor(m);
        assertEquals(0, distance(before, m), "M is not modified");
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                assertEquals(0, inv.get(i, j), "upper triangle (" + i + "," + j + ")");
            }
        }
        DMatrixRMaj identity = CommonOps_DDRM.multTransB(CommonOps_DDRM.mult(inv, m, null), inv, null);
        double cond = Linalg.symmetricEigenvalues(m)[0] / Linalg.symmetricEigenvalues(m)[k - 1];
        assertTrue(distance(identity, CommonOps_DDRM.identity(k)) <= 16 * k * EPS * cond,
                "‖L⁻¹ M L⁻ᵀ − I‖_F = " + distance(identity, CommonOps_DDRM.identity(k)) + ", κ(M) = " + cond);
        DMatrixRMaj rhs = gaussian(rng, 9, k);
        DMatrixRMaj applied = CommonOps_DDRM.mult(CommonOps_DDRM.multTransB(rhs, inv, null), inv, null);
        DMatrixRMaj solved = new DMatrixRMaj(k, 9);
        assertTrue(CommonOps_DDRM.solve(m, CommonOps_DDRM.transpose(rhs, null), solved));
        DMatrixRMaj expected = CommonOps_DDRM.transpose(solved, null);
        assertTrue(distance(applied, expected) <= 16 * k * EPS * cond * NormOps_DDRM.normF(expected),
                "‖G L⁻ᵀL⁻¹ − G M⁻¹‖_F = " + distance(applied, expected));
        assertArrayEquals(inv.data, Linalg.inverseCholeskyFactor(m.data.clone(), k), 0, "array form");

        DMatrixRMaj indefinite = CommonOps_DDRM.diag(1, -1, 2);
        assertEquals(null, Linalg.inverseCholeskyFactor(indefinite));
        DMatrixRMaj singular = CommonOps_DDRM.diag(1, 0, 2);
        assertEquals(null, Linalg.inverseCholeskyFactor(singular));
        DMatrixRMaj nan = CommonOps_DDRM.diag(1, Double.NaN, 2);
        assertEquals(null, Linalg.inverseCholeskyFactor(nan));
        assertThrows(IllegalArgumentException.class, () -> Linalg.inverseCholeskyFactor(new DMatrixRMaj(2, 3)));
    }

    private static void assertThinQr(DMatrixRMaj a, Linalg.Qr qr) {
        int rows = a.numRows;
        int cols = a.numCols;
        assertEquals(rows, qr.q().numRows);
        assertEquals(cols, qr.q().numCols);
        assertEquals(cols, qr.r().numRows);
        assertEquals(cols, qr.r().numCols);
        for (int i = 0; i < cols; i++) {
            assertTrue(qr.r().get(i, i) >= 0, "R_" + i + i + " = " + qr.r().get(i, i));
            for (int j = 0; j < i; j++) {
                assertEquals(0.0, qr.r().get(i, j), "R below the diagonal at " + i + "," + j);
            }
        }
        double tol = 4 * (Math.sqrt(rows) + cols) * EPS;
        double residual = distance(a, CommonOps_DDRM.mult(qr.q(), qr.r(), null));
        assertTrue(residual <= tol * NormOps_DDRM.normF(a), "‖A − QR‖_F = " + residual);
        assertTrue(orthogonalityError(qr.q()) <= tol, "‖QᵀQ − I‖_F = " + orthogonalityError(qr.q()));
    }

    private static void assertDescending(double[] x) {
        for (int i = 1; i < x.length; i++) {
            assertTrue(x[i - 1] >= x[i], "not descending at " + i + ": " + x[i - 1] + ", " + x[i]);
        }
    }

    private static double orthogonalityError(DMatrixRMaj q) {
        DMatrixRMaj qtq = CommonOps_DDRM.multTransA(q, q, null);
        return distance(qtq, CommonOps_DDRM.identity(q.numCols));
    }

    private static double distance(DMatrixRMaj a, DMatrixRMaj b) {
        return NormOps_DDRM.normF(CommonOps_DDRM.subtract(a, b, null));
    }

    /** {@code op(a)}, checking that {@code op} leaves {@code a} as it was. */
    private static <T> T leavesInput(DMatrixRMaj a, Function<DMatrixRMaj, T> op) {
        DMatrixRMaj copy = a.copy();
        T result = op.apply(a);
        assertArrayEquals(copy.data, a.data, "input modified");
        return result;
    }

    private static DMatrixRMaj gaussian(SplittableRandom rng, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return m;
    }
}
