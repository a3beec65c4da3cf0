package org.msense.lab.reproduce;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.msense.core.problem.GroundTruth;

/**
 * The oracle error of noisy matrix sensing: the least-squares estimate that knows the tangent space
 * T = {U*Aᵀ + BV*ᵀ} of the rank-r manifold at X*, X̂ = X* + argmin_{Z ∈ T} ‖𝒜(Z) − ξ‖₂ (y = 𝒜(X*) + ξ), and its
 * error ‖X̂ − X*‖_F = ‖Z‖_F. No estimate that does not know T can be expected to do better than about this; the
 * early-stopped gradient descent is compared with it. T is spanned by {u_a e_jᵀ} (n2·r matrices) and
 * {(I − U*U*ᵀ)e_i v_bᵀ} (n1·r, r² of them redundant); the least-squares problem is solved with EJML's SVD-based
 * pseudo-inverse, which handles the redundancy.
 */
final class OracleTangentError {
    private OracleTangentError() {
    }

    /**
     * ‖argmin_{Z ∈ T} ‖𝒜(Z) − ξ‖₂‖_F.
     *
     * @param operator the stacked operator, m × n1·n2 row-major (row i = vec(A_i)/√m); not modified
     * @param m        measurements
     * @param noise    ξ = y − 𝒜(X*), length m; not modified
     * @param truth    X* with U*, V*; not modified
     */
    static double of(double[] operator, int m, double[] noise, GroundTruth truth) {
        int n1 = truth.n1();
        int n2 = truth.n2();
        int r = truth.rank();
        int n = n1 * n2;
        if (operator.length != (long) m * n || noise.length != m) {
            throw new IllegalArgumentException("the operator must be " + m + "×" + n + " and ξ of length " + m);
        }
        DMatrixRMaj basis = basis(truth);
        DMatrixRMaj phi = new DMatrixRMaj(m, basis.numCols);
        CommonOps_DDRM.mult(DMatrixRMaj.wrap(m, n, operator), basis, phi);
        DMatrixRMaj pinv = new DMatrixRMaj(basis.numCols, m);
        CommonOps_DDRM.pinv(phi, pinv);
        DMatrixRMaj theta = new DMatrixRMaj(basis.numCols, 1);
        CommonOps_DDRM.mult(pinv, DMatrixRMaj.wrap(m, 1, noise.clone()), theta);
        DMatrixRMaj z = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(basis, theta, z);
        return NormOps_DDRM.normF(z);
    }

    /** The spanning set of T as the columns of an (n1·n2) × (n1 + n2)·r matrix (row-major vec of each element). */
    static DMatrixRMaj basis(GroundTruth truth) {
        int n1 = truth.n1();
        int n2 = truth.n2();
        int r = truth.rank();
        double[] u = truth.left();
        double[] v = truth.right();
        DMatrixRMaj b = new DMatrixRMaj(n1 * n2, (n1 + n2) * r);
        int col = 0;
        for (int a = 0; a < r; a++) {
            for (int j = 0; j < n2; j++, col++) {
                for (int i = 0; i < n1; i++) {
                    b.set(i * n2 + j, col, u[i * r + a]); // u_a e_jᵀ
                }
            }
        }
        for (int bb = 0; bb < r; bb++) {
            for (int i0 = 0; i0 < n1; i0++, col++) {
                for (int i = 0; i < n1; i++) {
                    double p = (i == i0 ? 1 : 0); // ((I − U*U*ᵀ) e_{i0})_i
                    for (int a = 0; a < r; a++) {
                        p -= u[i * r + a] * u[i0 * r + a];
                    }
                    if (p != 0) {
                        for (int j = 0; j < n2; j++) {
                            b.set(i * n2 + j, col, p * v[j * r + bb]);
                        }
                    }
                }
            }
        }
        return b;
    }
}
