package org.msense.core.linalg;

import java.util.Arrays;

/**
 * Eigen-decomposition S = V·diag(λ)·Vᵀ of a real symmetric matrix by the cyclic Jacobi method.
 *
 * <p>Algorithm: the input is first symmetrized, A = (S + Sᵀ)/2. Each sweep visits every pair p &lt; q once, in
 * the round-robin (tournament) ordering: n−1 rounds of ⌊n/2⌋ disjoint pairs. Unless |a_pq| ≤ ε·‖A‖_F
 * (ε = 2⁻⁵²), the pair gets the plane rotation J(p, q, θ), A ← JᵀAJ, that annihilates a_pq, with the smaller of
 * the two admissible angles (|θ| ≤ π/4) computed without cancellation as t = tan θ = sign(ζ)/(|ζ| + √(1 + ζ²)),
 * ζ = (a_qq − a_pp)/(2a_pq); the new diagonal entries are set to a_pp − t·a_pq and a_qq + t·a_pq and a_pq to
 * 0. The rotations of a round act on disjoint planes, so they commute and are applied together: first to the
 * affected rows (unit stride), then to the affected columns row by row. They are accumulated into V ← V·J. A
 * sweep without rotations ends the iteration; then every off-diagonal entry is at most ε·‖A‖_F, so
 * off(A) = (Σ_{p≠q} a_pq²)^{1/2} ≤ n·ε·‖A‖_F. Jacobi converges quadratically once off(A) is below the
 * eigenvalue gaps; for n up to a few hundred this takes about 8–12 sweeps, and the iteration is capped at
 * {@value #MAX_SWEEPS} sweeps as a safeguard. Because the threshold is relative to ‖A‖_F, rank-deficient and
 * zero matrices need no special case (the zero matrix has threshold 0 and no entry above it). The rounding
 * asymmetry of A is removed at the start of every sweep, and the columns of V are rescaled to unit length at
 * the end.
 *
 * <p>Accuracy: Jacobi is backward stable, so every computed eigenvalue is within c·n·ε·‖S‖_F of a true one
 * (Weyl's bound with the stopping criterion above and the rounding of the rotations; observed residuals
 * ‖SV − VΛ‖_F ≈ 0.2–0.4·n·ε·‖S‖_F) and ‖VᵀV − I‖_F ≲ c·n·ε (observed 1–2·n·ε for n ≤ 300). Eigenvalues
 * much smaller than ‖S‖_F are thus resolved to that absolute level, not to relative accuracy; eigenvectors of
 * close eigenvalues are determined only up to the usual gap condition ‖Δv‖ ≲ n·ε·‖S‖_F / gap.
 *
 * <p>Cost: a rotation costs 6n flops on the rows and 6n on the columns of A, plus 6n on V when vectors are
 * wanted: about 6n³ flops per sweep for {@link #values} and 9n³ for {@link #of}, with O(n²) memory. For n = 200
 * that is some 7·10⁸ flops for {@link #of}, about 0.1–0.2 s.
 *
 * <p>Non-finite input (NaN or ±∞) yields all-NaN eigenvalues (and vectors) instead of an exception, so
 * diagnostics of a diverged run stay NaN.
 */
public final class SymmetricEigen {
    /** Safeguard on the number of sweeps; quadratic convergence reaches the stopping test far earlier. */
    static final int MAX_SWEEPS = 100;
    private static final double EPS = 0x1p-52;

    private SymmetricEigen() {
    }

    /**
     * The eigen-decomposition S = V·diag(values)·Vᵀ.
     *
     * @param values  λ_0 ≥ λ_1 ≥ … ≥ λ_{n−1}
     * @param vectors V, n×n row-major and orthogonal; column j is the unit eigenvector of λ_j
     * @param n       order of S
     */
    public record EigenResult(double[] values, double[] vectors, int n) {
        /** Column j of V (the eigenvector of λ_j), as a fresh array of length n. */
        public double[] vector(int j) {
            if (j < 0 || j >= n) {
                throw new IndexOutOfBoundsException("EigenResult.vector: index " + j + " outside 0 … " + (n - 1));
            }
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = vectors[i * n + j];
            }
            return v;
        }
    }

    /**
     * Eigenvalues (descending) and orthonormal eigenvectors of the symmetric part (S + Sᵀ)/2 of S.
     *
     * @param s S, n×n row-major; not modified
     * @param n order of S
     * @throws IllegalArgumentException if the array length is not n²
     */
    public static EigenResult of(double[] s, int n) {
        Matrices.requireShape("SymmetricEigen.of", "S", s, n, n);
        double[] a = symmetrized(s, n);
        if (a == null) {
            double[] nan = new double[n * n];
            Arrays.fill(nan, Double.NaN);
            double[] values = new double[n];
            Arrays.fill(values, Double.NaN);
            return new EigenResult(values, nan, n);
        }
        // vt holds Vᵀ: row j of vt is column j of V, so the rotations V ← V·J update two rows.
        double[] vt = Matrices.identity(n);
        jacobi(a, n, vt);
        normalizeRows(vt, n);
        Integer[] order = descendingOrder(a, n);
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            int src = order[j];
            values[j] = a[src * n + src];
            for (int i = 0; i < n; i++) {
                vectors[i * n + j] = vt[src * n + i];
            }
        }
        return new EigenResult(values, vectors, n);
    }

    /**
     * Eigenvalues only, descending, of the symmetric part (S + Sᵀ)/2 of S: the same iteration as
     * {@link #of} (hence bitwise the same eigenvalues) without accumulating V, about two thirds of the work.
     *
     * @param s S, n×n row-major; not modified
     * @param n order of S
     * @throws IllegalArgumentException if the array length is not n²
     */
    public static double[] values(double[] s, int n) {
        Matrices.requireShape("SymmetricEigen.values", "S", s, n, n);
        double[] a = symmetrized(s, n);
        double[] values = new double[n];
        if (a == null) {
            Arrays.fill(values, Double.NaN);
            return values;
        }
        jacobi(a, n, null);
        Integer[] order = descendingOrder(a, n);
        for (int j = 0; j < n; j++) {
            values[j] = a[order[j] * n + order[j]];
        }
        return values;
    }

    /** (S + Sᵀ)/2 as a fresh array, or null if S has a non-finite entry. */
    private static double[] symmetrized(double[] s, int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0.5 * s[i * n + j] + 0.5 * s[j * n + i];
                if (!Double.isFinite(v)) {
                    return null;
                }
                a[i * n + j] = v;
            }
        }
        return a;
    }

    /**
     * Diagonalizes the symmetric A in place by cyclic Jacobi in the round-robin ordering; if vt is not null,
     * its rows (the columns of V) receive the same rotations. Only the upper triangle decides the rotations.
     */
    private static void jacobi(double[] a, int n, double[] vt) {
        if (n < 2) {
            return;
        }
        double threshold = EPS * Matrices.frobeniusNorm(a);
        int slots = n + (n & 1);
        int half = slots / 2;
        int[] ring = new int[slots];
        for (int i = 0; i < slots; i++) {
            ring[i] = i;
        }
        int[] ps = new int[half];
        int[] qs = new int[half];
        double[] cs = new double[half];
        double[] ss = new double[half];
        double[] newPp = new double[half];
        double[] newQq = new double[half];
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            if (sweep > 0) {
                resymmetrize(a, n);
            }
            boolean rotatedInSweep = false;
            for (int round = 0; round < slots - 1; round++) {
                int active = 0;
                for (int k = 0; k < half; k++) {
                    int p = Math.min(ring[k], ring[slots - 1 - k]);
                    int q = Math.max(ring[k], ring[slots - 1 - k]);
                    if (q >= n) {
                        continue; // bye
                    }
                    double apq = a[p * n + q];
                    if (!(Math.abs(apq) > threshold)) {
                        continue;
                    }
                    double app = a[p * n + p];
                    double aqq = a[q * n + q];
                    double zeta = (aqq - app) / (2 * apq);
                    double t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t);
                    ps[active] = p;
                    qs[active] = q;
                    cs[active] = c;
                    ss[active] = t * c;
                    // The new diagonal from the 2×2 problem, more accurate than the rotated entries.
                    newPp[active] = app - t * apq;
                    newQq[active] = aqq + t * apq;
                    active++;
                }
                if (active > 0) {
                    rotatedInSweep = true;
                    rotateRound(a, n, vt, ps, qs, cs, ss, active);
                    for (int k = 0; k < active; k++) {
                        int p = ps[k];
                        int q = qs[k];
                        a[p * n + p] = newPp[k];
                        a[q * n + q] = newQq[k];
                        a[p * n + q] = 0;
                        a[q * n + p] = 0;
                    }
                }
                int last = ring[slots - 1];
                System.arraycopy(ring, 1, ring, 2, slots - 2);
                ring[1] = last;
            }
            if (!rotatedInSweep) {
                return;
            }
        }
    }

    /**
     * A ← JᵀAJ and Vᵀ ← JᵀVᵀ for the product J of the given disjoint rotations (columns p_k, q_k mixed as
     * x_p ← c·x_p − s·x_q, x_q ← s·x_p + c·x_q). Because the planes are disjoint the rotations commute, so
     * this equals applying them one after another. Rows are rotated first (unit stride); the column rotation then
     * runs row by row, each row touching only its own cache lines.
     */
    private static void rotateRound(double[] a, int n, double[] vt, int[] ps, int[] qs, double[] cs, double[] ss,
            int active) {
        for (int r = 0; r < active; r++) {
            rotateRows(a, ps[r] * n, qs[r] * n, cs[r], ss[r], n);
        }
        for (int i = 0; i < n; i++) {
            int row = i * n;
            for (int r = 0; r < active; r++) {
                int ip = row + ps[r];
                int iq = row + qs[r];
                double c = cs[r];
                double s = ss[r];
                double xp = a[ip];
                double xq = a[iq];
                a[ip] = c * xp - s * xq;
                a[iq] = s * xp + c * xq;
            }
        }
        if (vt != null) {
            for (int r = 0; r < active; r++) {
                rotateRows(vt, ps[r] * n, qs[r] * n, cs[r], ss[r], n);
            }
        }
    }

    private static void rotateRows(double[] x, int p0, int q0, double c, double s, int n) {
        for (int k = 0; k < n; k++) {
            double xp = x[p0 + k];
            double xq = x[q0 + k];
            x[p0 + k] = c * xp - s * xq;
            x[q0 + k] = s * xp + c * xq;
        }
    }

    /**
     * Rescales every row of vt (column of V) to unit norm, removing the drift in length that the rounding of
     * thousands of rotations accumulates (about n·ε), which would otherwise dominate ‖VᵀV − I‖.
     */
    static void normalizeRows(double[] vt, int n) {
        for (int i = 0; i < n; i++) {
            double norm = Matrices.norm2(vt, i * n, (i + 1) * n);
            if (norm > 0) {
                double inv = 1 / norm;
                for (int k = i * n; k < (i + 1) * n; k++) {
                    vt[k] *= inv;
                }
            }
        }
    }

    /** a_ij, a_ji ← (a_ij + a_ji)/2, removing the rounding asymmetry a round of rotations leaves behind. */
    private static void resymmetrize(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = 0.5 * (a[i * n + j] + a[j * n + i]);
                a[i * n + j] = v;
                a[j * n + i] = v;
            }
        }
    }

    /** Indices of the diagonal of a sorted by value, descending (ties keep index order). */
    private static Integer[] descendingOrder(double[] a, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(a[y * n + y], a[x * n + x]));
        return order;
    }
}
