package org.msense.core.linalg;

/**
 * Small spectral helpers for symmetric positive semidefinite (PSD) matrices and norms, used by the
 * diagnostics. Inputs are dense row-major and never modified; results are fresh.
 */
public final class PsdFunctions {
    private PsdFunctions() {
    }

    /**
     * The symmetric PSD square root S^{1/2} = V·diag(√max(λ_i, 0))·Vᵀ of a symmetric PSD matrix, from the
     * eigen-decomposition of {@link SymmetricEigen#of} (which symmetrizes S first). Eigenvalues that rounding
     * has made slightly negative are clamped to 0, so the result is always PSD; its square reproduces S to
     * about n·ε·‖S‖_F when S is PSD. Eigenvalues of S below ≈ n·ε·‖S‖_F are resolved only to that absolute
     * level, so their square roots carry an error of up to its square root. The result is exactly symmetric.
     * A truly indefinite S gets the square root of its positive part.
     *
     * <p>Cost: one {@link SymmetricEigen#of} plus 2n³ flops.
     *
     * @param s S, n×n row-major
     * @param n order of S
     * @return S^{1/2}, n×n
     * @throws IllegalArgumentException if the array length is not n²
     */
    public static double[] sqrtPsd(double[] s, int n) {
        Matrices.requireShape("PsdFunctions.sqrtPsd", "S", s, n, n);
        SymmetricEigen.EigenResult eig = SymmetricEigen.of(s, n);
        double[] v = eig.vectors();
        double[] scaled = new double[n * n];
        for (int j = 0; j < n; j++) {
            double root = Math.sqrt(Math.max(0, eig.values()[j])); // NaN stays NaN
            for (int i = 0; i < n; i++) {
                scaled[i * n + j] = v[i * n + j] * root;
            }
        }
        double[] r = Matrices.multiplyTransB(scaled, n, n, v, n);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double m = 0.5 * (r[i * n + j] + r[j * n + i]);
                r[i * n + j] = m;
                r[j * n + i] = m;
            }
        }
        return r;
    }

    /**
     * The spectral norm ‖A‖_2 = σ_max(A), the largest singular value from
     * {@link SingularValueDecomposition#values} (relative accuracy of a few ε·√p for any A, since σ_max is
     * the best-conditioned singular value). 0 for an empty matrix; NaN if A has a non-finite entry.
     *
     * <p>Cost: that of {@link SingularValueDecomposition#values}; intended for the small matrices of the
     * diagnostics.
     *
     * @param a    A, rows×cols row-major
     * @param rows rows of A
     * @param cols columns of A
     * @throws IllegalArgumentException if the array length does not match rows×cols
     */
    public static double spectralNorm(double[] a, int rows, int cols) {
        Matrices.requireShape("PsdFunctions.spectralNorm", "A", a, rows, cols);
        if (rows == 0 || cols == 0) {
            return 0;
        }
        return SingularValueDecomposition.values(a, rows, cols)[0];
    }
}
