package org.msense.core.linalg;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.DecompositionInterface;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The dense decompositions msense needs on the host (diagnostics, ground truth, the imbalance check), in fp64,
 * each delegating to EJML ({@link DecompositionFactory_DDRM}: Householder QR, symmetric tridiagonal QR
 * algorithm, Golub–Kahan bidiagonal SVD) and adding only what every caller would otherwise repeat: descending
 * order, the sign convention of the QR, EJML's success flag turned into an exception, and NaN results for
 * non-finite input, so that the diagnostics of a diverged trajectory are NaN rather than an error.
 *
 * <p>Matrices are EJML's row-major {@link DMatrixRMaj}; a row-major {@code double[]} is wrapped without a copy
 * by {@link DMatrixRMaj#wrap(int, int, double[])}. <b>No argument is modified</b>; every result is fresh.
 *
 * <p>Accuracy (all backward stable, u = 2⁻⁵³): eigenvalues and singular values are within a small multiple of
 * u·‖A‖₂ (times a low-degree polynomial in the dimension) of the exact ones: absolute, not relative accuracy.
 * That is why the singular values of a product VWᵀ are taken from the triangular factors of V and W
 * ({@link #triangularFactor}), not from the Gram matrices VᵀV, WᵀW (see docs/math.md).
 */
public final class Linalg {
    private Linalg() {
    }

    /**
     * An eigen-decomposition S = Q·diag(values)·Qᵀ.
     *
     * @param values  λ_0 ≥ λ_1 ≥ … ≥ λ_{n−1}
     * @param vectors Q, n×n orthogonal; column j is the unit eigenvector of λ_j
     */
    public record Eigen(double[] values, DMatrixRMaj vectors) {
    }

    /**
     * A thin singular value decomposition A = U·diag(values)·Vᵀ, p = min(rows, cols).
     *
     * @param values σ_0 ≥ … ≥ σ_{p−1} ≥ 0
     * @param u      U, rows×p with orthonormal columns
     * @param v      V, cols×p with orthonormal columns
     */
    public record Svd(double[] values, DMatrixRMaj u, DMatrixRMaj v) {
    }

    /**
     * A thin QR factorization A = Q·R with diag(R) ≥ 0.
     *
     * @param q Q, rows×cols with orthonormal columns
     * @param r R, cols×cols upper triangular with a non-negative diagonal
     */
    public record Qr(DMatrixRMaj q, DMatrixRMaj r) {
    }

    /**
     * The eigenvalues, descending, of the symmetric part (S + Sᵀ)/2 of a square S. All NaN if S has a
     * non-finite entry. Cost ≈ (4/3)n³ flops (tridiagonalization) plus O(n²) for the QR iteration.
     *
     * @param s S, n×n; not modified
     * @throws IllegalArgumentException if S is not square
     * @throws IllegalStateException    if EJML's iteration does not converge
     */
    public static double[] symmetricEigenvalues(DMatrixRMaj s) {
        return eigen("symmetricEigenvalues", s, false).values();
    }

    /**
     * Eigenvalues (descending) and orthonormal eigenvectors of the symmetric part (S + Sᵀ)/2 of a square S.
     * All NaN if S has a non-finite entry. Cost ≈ 9n³ flops.
     *
     * @param s S, n×n; not modified
     * @throws IllegalArgumentException if S is not square
     * @throws IllegalStateException    if EJML's iteration does not converge
     */
    public static Eigen symmetricEigen(DMatrixRMaj s) {
        return eigen("symmetricEigen", s, true);
    }

    /**
     * The singular values σ_0 ≥ … ≥ σ_{p−1} ≥ 0 of A, p = min(rows, cols), without singular vectors. All NaN if
     * A has a non-finite entry; an empty array if p = 0.
     *
     * @param a A, rows×cols; not modified
     * @throws IllegalStateException if EJML's iteration does not converge
     */
    public static double[] singularValues(DMatrixRMaj a) {
        int p = Math.min(a.numRows, a.numCols);
        if (p == 0) {
            return new double[0];
        }
        if (!allFinite(a)) {
            return nan(p);
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, false, false, true);
        decompose("singularValues", svd, a);
        double[] s = Arrays.copyOf(svd.getSingularValues(), p);
        Arrays.sort(s);
        reverse(s);
        return s;
    }

    /**
     * The spectral norm ‖A‖₂ = σ_max(A) of a row-major rows×cols array ({@link #singularValues}); NaN if A has a
     * non-finite entry, 0 for an empty A.
     *
     * @param a A, row-major; not modified
     */
    public static double spectralNorm(double[] a, int rows, int cols) {
        if (a.length != (long) rows * cols) {
            throw new IllegalArgumentException("spectralNorm: " + a.length + " values for a " + rows + "×" + cols + " matrix");
        }
        double[] s = singularValues(DMatrixRMaj.wrap(rows, cols, a));
        return s.length == 0 ? 0 : s[0];
    }

    /**
     * The thin SVD of A with σ descending and the columns of U and V in the same order. All NaN if A has a
     * non-finite entry.
     *
     * @param a A, rows×cols; not modified
     * @throws IllegalStateException if EJML's iteration does not converge
     */
    public static Svd svd(DMatrixRMaj a) {
        int p = Math.min(a.numRows, a.numCols);
        if (!allFinite(a)) {
            return new Svd(nan(p), filled(a.numRows, p, Double.NaN), filled(a.numCols, p, Double.NaN));
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, true, true, true);
        decompose("svd", svd, a);
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj v = svd.getV(null, false);
        DMatrixRMaj w = svd.getW(null);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        double[] values = new double[p];
        for (int i = 0; i < p; i++) {
            values[i] = w.get(i, i);
        }
        return new Svd(values, u, v);
    }

    /**
     * X = U diag(σ) Vᵀ (n1×n2, row-major) from U (n1×r), σ (r) and V (n2×r), row-major; the arguments are not
     * modified. Summed in the fixed order x_ij = Σ_q (u_iq σ_q) v_jq, q ascending, so every caller gets the same bits.
     */
    public static double[] compose(double[] u, double[] sigma, double[] v, int n1, int n2, int r) {
        double[] x = new double[Math.multiplyExact(n1, n2)];
        for (int i = 0; i < n1; i++) {
            for (int q = 0; q < r; q++) {
                double us = u[i * r + q] * sigma[q];
                if (us == 0) {
                    continue;
                }
                for (int j = 0; j < n2; j++) {
                    x[i * n2 + j] += us * v[j * r + q];
                }
            }
        }
        return x;
    }

    /**
     * The triangular factor R of a Householder QR factorization A = Q·R, for any shape: R is min(rows, cols)×cols
     * and upper trapezoidal (upper triangular when rows ≥ cols), with the orthonormal Q (rows×min(rows, cols))
     * not formed. The signs of the rows of R are EJML's (R is unique only up to them); RᵀR = AᵀA and, for any B
     * with the same number of columns, σ(A·Bᵀ) = σ(R_A·R_Bᵀ). Householder QR is column-wise backward stable: R is
     * the exact factor of A + δA with ‖δa_j‖ ≤ c·rows·cols·u·‖a_j‖ for every column j. A zero sub-column (rank
     * deficiency) is legal and gives a zero diagonal entry. Non-finite input gives non-finite entries.
     * Cost 2·rows·cols² − (2/3)·cols³ flops (rows ≥ cols).
     *
     * @param a A, rows×cols; not modified
     */
    public static DMatrixRMaj triangularFactor(DMatrixRMaj a) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(a.numRows, a.numCols);
        // EJML reports false when a sub-column is exactly zero; its reflector is then the identity and the
        // factorization is still exact, so the flag is not an error here.
        qr.decompose(qr.inputModified() ? a.copy() : a);
        return qr.getR(null, true);
    }

    /**
     * The thin QR factorization A = Q·R by Householder reflections, with the signs fixed so that diag(R) ≥ 0:
     * every row j of R with R_jj &lt; 0 is negated together with column j of Q, which leaves Q·R unchanged. For A
     * of full column rank this makes the factorization unique. ‖QᵀQ − I‖ and ‖A − Q·R‖/‖A‖ are a small multiple
     * of u, whatever the conditioning of A. Cost 4·rows·cols² − (4/3)·cols³ flops.
     *
     * @param a A, rows×cols with rows ≥ cols; not modified
     * @throws IllegalArgumentException if cols &gt; rows
     */
    public static Qr thinQr(DMatrixRMaj a) {
        int rows = a.numRows;
        int cols = a.numCols;
        if (cols > rows) {
            throw new IllegalArgumentException("thinQr: A is " + rows + "×" + cols + "; the thin QR needs rows ≥ cols");
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(rows, cols);
        qr.decompose(qr.inputModified() ? a.copy() : a); // a false flag only marks a zero sub-column, as above
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        for (int j = 0; j < cols; j++) {
            if (r.get(j, j) < 0) {
                for (int c = j; c < cols; c++) {
                    r.set(j, c, -r.get(j, c));
                }
                for (int i = 0; i < rows; i++) {
                    q.set(i, j, -q.get(i, j));
                }
            }
        }
        return new Qr(q, r);
    }

    private static Eigen eigen(String routine, DMatrixRMaj s, boolean vectors) {
        int n = s.numRows;
        if (s.numCols != n) {
            throw new IllegalArgumentException(routine + ": S is " + n + "×" + s.numCols + "; it must be square");
        }
        if (!allFinite(s)) {
            return new Eigen(nan(n), vectors ? filled(n, n, Double.NaN) : null);
        }
        DMatrixRMaj sym = new DMatrixRMaj(n, n);
        CommonOps_DDRM.add(0.5, s, 0.5, CommonOps_DDRM.transpose(s, null), sym);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, vectors, true);
        decompose(routine, eig, sym);
        Integer[] order = new Integer[n];
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            raw[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(order, (x, y) -> Double.compare(raw[y], raw[x]));
        double[] values = new double[n];
        DMatrixRMaj q = vectors ? new DMatrixRMaj(n, n) : null;
        for (int j = 0; j < n; j++) {
            values[j] = raw[order[j]];
            if (vectors) {
                DMatrixRMaj v = eig.getEigenVector(order[j]);
                for (int i = 0; i < n; i++) {
                    q.set(i, j, v.get(i));
                }
            }
        }
        return new Eigen(values, q);
    }

    /**
     * The inverse L⁻¹ of the Cholesky factor of a symmetric positive definite M = L·Lᵀ (L lower triangular with a
     * positive diagonal), or null when M has a non-finite entry or is not numerically positive definite. With it,
     * G·M⁻¹ = (G·L⁻ᵀ)·L⁻¹: two products with a triangular matrix apply the solve, and M⁻¹ is never formed.
     * L comes from EJML's Cholesky decomposition, L⁻¹ from forward substitution on it (EJML's
     * {@code TriangularSolver_DDRM.invertLower}); cost ≈ (2/3)k³ flops. Only the lower triangle of M is read.
     *
     * @param m M, k×k symmetric positive definite; not modified
     * @throws IllegalArgumentException if M is not square
     */
    public static DMatrixRMaj inverseCholeskyFactor(DMatrixRMaj m) {
        if (m.numRows != m.numCols) {
            throw new IllegalArgumentException("inverseCholeskyFactor: need a square matrix, got " + m.numRows + "×"
                    + m.numCols);
        }
        if (!allFinite(m)) {
            return null;
        }
        int k = m.numRows;
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(k, true);
        if (!chol.decompose(chol.inputModified() ? m.copy() : m)) {
            return null;
        }
        DMatrixRMaj l = chol.getT(null);
        for (int i = 0; i < k; i++) {
            double d = l.get(i, i);
            if (!(d > 0) || !Double.isFinite(d)) {
                return null;
            }
            for (int j = i + 1; j < k; j++) {
                l.set(i, j, 0);
            }
        }
        TriangularSolver_DDRM.invertLower(l.data, k);
        return allFinite(l) ? l : null;
    }

    /**
     * {@link #inverseCholeskyFactor(DMatrixRMaj)} on a row-major k×k array: L⁻¹ row-major, or null.
     *
     * @param m row-major k×k; not modified
     */
    public static double[] inverseCholeskyFactor(double[] m, int k) {
        if (m.length != k * k) {
            throw new IllegalArgumentException("inverseCholeskyFactor: " + m.length + " values for a " + k + "×" + k
                    + " matrix");
        }
        DMatrixRMaj l = inverseCholeskyFactor(DMatrixRMaj.wrap(k, k, m));
        return l == null ? null : l.data;
    }

    private static void decompose(String routine, DecompositionInterface<DMatrixRMaj> d, DMatrixRMaj a) {
        if (!d.decompose(d.inputModified() ? a.copy() : a)) {
            throw new IllegalStateException(routine + ": EJML's iteration did not converge on a " + a.numRows + "×"
                    + a.numCols + " matrix");
        }
    }

    private static boolean allFinite(DMatrixRMaj a) {
        int n = a.getNumElements();
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(a.data[i])) {
                return false;
            }
        }
        return true;
    }

    private static double[] nan(int n) {
        double[] x = new double[n];
        Arrays.fill(x, Double.NaN);
        return x;
    }

    private static DMatrixRMaj filled(int rows, int cols, double value) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        m.fill(value);
        return m;
    }

    private static void reverse(double[] x) {
        for (int i = 0, j = x.length - 1; i < j; i++, j--) {
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
}
