package org.msense.lab.reproduce;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.msense.core.linalg.Linalg;
import org.msense.core.problem.GroundTruth;

/**
 * How far 𝒜 is from an isometry on the tangent space T = {U*Aᵀ + BV*ᵀ} of the rank-r manifold at X*: the smallest
 * eigenvalue λ_T = min_{Z ∈ T, ‖Z‖_F = 1} ‖𝒜(Z)‖² of 𝒜*𝒜 restricted to T. It sets the local rate of gradient descent
 * near X*: the error in T contracts by about 1 − μσ_r·λ_T per step (for 𝒜 = I, λ_T = 1 and the rate is the population
 * rate 1 − μσ_r). Computed on the host in fp64: an orthonormal basis Q of T (the left singular vectors of the spanning
 * set of {@link OracleTangentError#basis}, whose rank is dim T = r(n1 + n2 − r)), then λ_T = σ_min(𝒜Q)².
 */
final class TangentIsometry {
    private TangentIsometry() {
    }

    /**
     * λ_min of 𝒜*𝒜 restricted to T.
     *
     * @param operator the stacked operator, m × n1·n2 row-major (row i = vec(A_i)/√m); not modified
     * @param m        measurements
     * @param truth    X* with U*, V*; not modified
     * @throws IllegalArgumentException when the operator has the wrong size
     * @throws IllegalStateException    when an SVD does not converge (Linalg)
     */
    static double smallest(double[] operator, int m, GroundTruth truth) {
        int n = truth.n1() * truth.n2();
        if (operator.length != (long) m * n) {
            throw new IllegalArgumentException("the operator must be " + m + "×" + n + " (m × n1·n2), got " + operator.length
                    + " entries");
        }
        DMatrixRMaj q = orthonormalBasis(truth);
        DMatrixRMaj phi = new DMatrixRMaj(m, q.numCols);
        CommonOps_DDRM.mult(DMatrixRMaj.wrap(m, n, operator), q, phi);
        if (m < q.numCols) {
            return 0; // 𝒜 has a null space inside T
        }
        double[] s = Linalg.singularValues(phi); // descending
        double smallest = s[s.length - 1];
        return smallest * smallest;
    }

    /** An orthonormal basis of T, (n1·n2) × r(n1 + n2 − r), columns the row-major vec of its elements. */
    static DMatrixRMaj orthonormalBasis(GroundTruth truth) {
        int r = truth.rank();
        int dim = r * (truth.n1() + truth.n2() - r);
        DMatrixRMaj b = OracleTangentError.basis(truth);
        DMatrixRMaj u = Linalg.svd(b).u(); // columns in descending order of σ; the first dim T span T
        DMatrixRMaj q = new DMatrixRMaj(b.numRows, dim);
        CommonOps_DDRM.extract(u, 0, b.numRows, 0, dim, q, 0, 0);
        return q;
    }
}
