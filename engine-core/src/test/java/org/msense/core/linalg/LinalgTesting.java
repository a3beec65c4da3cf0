package org.msense.core.linalg;

import java.util.SplittableRandom;

/** Shared construction and measurement helpers for the linear-algebra tests. */
final class LinalgTesting {
    /** Machine epsilon of fp64, 2⁻⁵². */
    static final double EPS = 0x1p-52;

    private LinalgTesting() {
    }

    /** rows×cols with independent standard normal entries. */
    static double[] gaussian(SplittableRandom rng, int rows, int cols) {
        double[] a = new double[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }

    /** rows×cols with orthonormal columns (the Q factor of a Gaussian matrix). */
    static double[] orthonormal(SplittableRandom rng, int rows, int cols) {
        return HouseholderQr.thin(gaussian(rng, rows, cols), rows, cols).q();
    }

    /** ‖QᵀQ − I‖_F for Q with the given shape. */
    static double orthogonalityError(double[] q, int rows, int cols) {
        return Matrices.frobeniusNorm(
                Matrices.subtract(Matrices.multiplyTransA(q, rows, cols, q, cols), Matrices.identity(cols)));
    }

    /** L·diag(s)·Rᵀ for L (lRows×k), R (rRows×k). */
    static double[] compose(double[] left, int lRows, double[] s, double[] right, int rRows) {
        int k = s.length;
        double[] ls = new double[lRows * k];
        for (int i = 0; i < lRows; i++) {
            for (int j = 0; j < k; j++) {
                ls[i * k + j] = left[i * k + j] * s[j];
            }
        }
        return Matrices.multiplyTransB(ls, lRows, k, right, rRows);
    }

    /** ‖A − B‖_F. */
    static double distance(double[] a, double[] b) {
        return Matrices.frobeniusNorm(Matrices.subtract(a, b));
    }

    /** Column j of a row-major matrix with the given number of columns. */
    static double[] column(double[] a, int rows, int cols, int j) {
        double[] c = new double[rows];
        for (int i = 0; i < rows; i++) {
            c[i] = a[i * cols + j];
        }
        return c;
    }
}
