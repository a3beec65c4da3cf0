package org.msense.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.core.linalg.LinalgTesting.EPS;
import static org.msense.core.linalg.LinalgTesting.distance;
import static org.msense.core.linalg.LinalgTesting.gaussian;
import static org.msense.core.linalg.LinalgTesting.orthogonalityError;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Tolerances: Householder QR is backward stable; its errors grow with the length of the reflectors (a norm over
 * up to rows entries, ≈ √rows·ε) and with the number of reflectors applied (≈ cols·ε). The bounds below are
 * 2·(√rows + cols)·ε, relative to ‖A‖_F for the reconstruction; the observed errors are 0.02–0.55 of that for
 * shapes from 5×3 to 2000×50, while a wrong reflector, a missed sign fix or a lost column would exceed them by
 * many orders of magnitude.
 */
class HouseholderQrTest {

    /** The relative backward-error level 2·(√rows + cols)·ε. */
    private static double tolerance(int rows, int cols) {
        return 2 * (Math.sqrt(rows) + cols) * EPS;
    }

    /** Checks the defining properties of a thin QR with diag(R) ≥ 0. */
    private static void assertThinQr(double[] a, int rows, int cols, HouseholderQr.QrResult qr) {
        assertEquals(rows, qr.rows());
        assertEquals(cols, qr.cols());
        assertEquals(rows * cols, qr.q().length);
        assertEquals(cols * cols, qr.r().length);
        double[] r = qr.r();
        for (int i = 0; i < cols; i++) {
            assertTrue(r[i * cols + i] >= 0, "R_" + i + i + " = " + r[i * cols + i]);
            for (int j = 0; j < i; j++) {
                assertEquals(0.0, r[i * cols + j], "R below the diagonal at " + i + "," + j);
            }
        }
        double residual = distance(a, Matrices.multiply(qr.q(), rows, cols, r, cols));
        assertTrue(residual <= tolerance(rows, cols) * Matrices.frobeniusNorm(a),
                "‖A − QR‖_F = " + residual + " for ‖A‖_F = " + Matrices.frobeniusNorm(a));
        double orth = orthogonalityError(qr.q(), rows, cols);
        assertTrue(orth <= tolerance(rows, cols), "‖QᵀQ − I‖_F = " + orth);
    }

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"1, 1", "5, 3", "40, 40", "200, 30", "1000, 10", "300, 300"})
    void gaussianMatrices(int rows, int cols) {
        var rng = new SplittableRandom(100 + rows * 7L + cols);
        double[] a = gaussian(rng, rows, cols);
        double[] copy = a.clone();
        var qr = HouseholderQr.thin(a, rows, cols);
        assertArrayEquals(copy, a, "input modified");
        assertThinQr(a, rows, cols, qr);
    }

    @Test
    void recoversAKnownFactorizationIncludingSigns() {
        // A = Q0·R0 with Q0 orthonormal and R0 upper triangular with positive diagonal is the unique thin QR
        // with diag(R) > 0; without the sign fix half of the columns would come out negated.
        var rng = new SplittableRandom(7);
        int rows = 60;
        int cols = 12;
        double[] q0 = LinalgTesting.orthonormal(rng, rows, cols);
        double[] r0 = new double[cols * cols];
        for (int i = 0; i < cols; i++) {
            r0[i * cols + i] = 1 + rng.nextDouble();
            for (int j = i + 1; j < cols; j++) {
                r0[i * cols + j] = rng.nextDouble() - 0.5;
            }
        }
        double[] a = Matrices.multiply(q0, rows, cols, r0, cols);
        var qr = HouseholderQr.thin(a, rows, cols);
        assertThinQr(a, rows, cols, qr);
        // First-order perturbation theory of the QR factorization: with A + ΔA = Q·R, ‖Q − Q0‖_F and
        // ‖R − R0‖_F/‖A‖_2 are at most √2·κ₂(A)·‖ΔA‖_F/‖A‖_2 (rounded up to 2 for higher-order terms). ΔA
        // collects the rounding of forming A (≤ cols·ε·‖|Q0|·|R0|‖_F) and the backward error of the QR.
        double[] sigma = SingularValueDecomposition.values(r0, cols, cols);
        double norm2 = sigma[0];
        double kappa = sigma[0] / sigma[cols - 1];
        double[] absQ = q0.clone();
        double[] absR = r0.clone();
        for (int i = 0; i < absQ.length; i++) {
            absQ[i] = Math.abs(absQ[i]);
        }
        for (int i = 0; i < absR.length; i++) {
            absR[i] = Math.abs(absR[i]);
        }
        double backward = cols * EPS * Matrices.frobeniusNorm(Matrices.multiply(absQ, rows, cols, absR, cols))
                + tolerance(rows, cols) * Matrices.frobeniusNorm(a);
        double bound = 2 * kappa * backward / norm2;
        assertTrue(distance(q0, qr.q()) <= bound, "‖Q − Q0‖_F = " + distance(q0, qr.q()) + ", bound " + bound);
        assertTrue(distance(r0, qr.r()) <= bound * norm2,
                "‖R − R0‖_F = " + distance(r0, qr.r()) + ", bound " + bound * norm2);
    }

    @Test
    void negativeLeadingEntriesAreFlipped() {
        double[] a = {-3, 0, -4, 0, 0, -2}; // 3×2, columns (−3, −4, 0) and (0, 0, −2)
        var qr = HouseholderQr.thin(a, 3, 2);
        assertArrayEquals(new double[] {5, 0, 0, 2}, qr.r(), 4 * EPS);
        assertArrayEquals(new double[] {-0.6, 0, -0.8, 0, 0, -1}, qr.q(), 4 * EPS);
    }

    @Test
    void nearlyRankDeficientInputStillGivesOrthonormalQ() {
        var rng = new SplittableRandom(8);
        int rows = 80;
        int cols = 20;
        double[] a = gaussian(rng, rows, cols);
        // Column 5 = column 1 + 1e-12·noise, column 9 = 2·column 3 exactly.
        for (int i = 0; i < rows; i++) {
            a[i * cols + 5] = a[i * cols + 1] + 1e-12 * rng.nextGaussian();
            a[i * cols + 9] = 2 * a[i * cols + 3];
        }
        var qr = HouseholderQr.thin(a, rows, cols);
        assertThinQr(a, rows, cols, qr);
        double[] r = qr.r();
        double bound = tolerance(rows, cols) * Matrices.frobeniusNorm(a);
        assertTrue(r[9 * cols + 9] <= bound, "R_99 = " + r[9 * cols + 9]);
        // R_55 = ‖P⊥·a_5‖ = ‖P⊥·(a_5 − a_1)‖ with P⊥ the projector onto span(a_0 … a_4)⊥; the difference
        // a_5 − a_1 is formed exactly (Sterbenz), and P⊥ is built from the first five columns of Q.
        double[] d = new double[rows];
        for (int i = 0; i < rows; i++) {
            d[i] = a[i * cols + 5] - a[i * cols + 1];
        }
        double[] q = qr.q();
        for (int j = 0; j < 5; j++) {
            double dot = 0;
            for (int i = 0; i < rows; i++) {
                dot += q[i * cols + j] * d[i];
            }
            for (int i = 0; i < rows; i++) {
                d[i] -= dot * q[i * cols + j];
            }
        }
        double expected = Matrices.frobeniusNorm(d);
        assertEquals(expected, r[5 * cols + 5], bound, "R_55");
        assertTrue(expected > 10 * bound, "the construction must keep R_55 resolvable");
    }

    @Test
    void zeroColumnsAndZeroMatrix() {
        double[] a = new double[6 * 3];
        var qr = HouseholderQr.thin(a, 6, 3);
        assertArrayEquals(new double[9], qr.r());
        assertTrue(orthogonalityError(qr.q(), 6, 3) == 0, "Q of the zero matrix is [I; 0]");
        var rng = new SplittableRandom(9);
        double[] b = gaussian(rng, 10, 4);
        for (int i = 0; i < 10; i++) {
            b[i * 4 + 2] = 0;
        }
        assertThinQr(b, 10, 4, HouseholderQr.thin(b, 10, 4));
    }

    @Test
    void noColumns() {
        var qr = HouseholderQr.thin(new double[0], 4, 0);
        assertEquals(0, qr.q().length);
        assertEquals(0, qr.r().length);
    }

    @Test
    void rejectsWideOrMisshapenInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> HouseholderQr.thin(new double[6], 2, 3));
        assertTrue(e.getMessage().contains("HouseholderQr.thin") && e.getMessage().contains("2×3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HouseholderQr.thin(new double[5], 3, 2));
        assertTrue(e.getMessage().contains("HouseholderQr.thin") && e.getMessage().contains("3×2"), e.getMessage());
    }

    @Test
    void complementExtendsAnOrthonormalSet() {
        var rng = new SplittableRandom(10);
        int m = 30;
        int k = 7;
        double[] q = LinalgTesting.orthonormal(rng, m, k);
        double[][] given = new double[k][];
        for (int j = 0; j < k; j++) {
            given[j] = LinalgTesting.column(q, m, k, j);
        }
        double[][] extra = HouseholderQr.complement(given, k, m, m - k);
        double[] all = new double[m * m];
        for (int j = 0; j < m; j++) {
            double[] c = j < k ? given[j] : extra[j - k];
            for (int i = 0; i < m; i++) {
                all[i * m + j] = c[i];
            }
        }
        assertTrue(orthogonalityError(all, m, m) <= tolerance(m, m), "‖QᵀQ − I‖_F = " + orthogonalityError(all, m, m));
    }
}
