package org.msense.lab.reproduce;

import org.ejml.data.DMatrixRMaj;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.linalg.Linalg;
import org.msense.core.problem.GroundTruth;
import org.msense.core.problem.SensingProblem;

/**
 * The two error scales a noisy problem is compared with: ‖𝒜*ξ‖₂ (the spectral norm of the adjoint of the noise
 * ξ = y − 𝒜(X*), which sets Wind's bound) and the oracle tangent-space least-squares error
 * ({@link OracleTangentError}). ξ and 𝒜*ξ are computed with the problem's operator; its dense matrix is read back for the oracle.
 *
 * @param adjointSpectral ‖𝒜*ξ‖₂
 * @param oracle          ‖argmin_{Z ∈ T} ‖𝒜(Z) − ξ‖‖_F (absolute, not relative to ‖X*‖_F)
 */
record NoiseScales(double adjointSpectral, double oracle) {

    /** Measures both on the problem's engine; the problem is not modified (temporary buffers are freed). */
    static NoiseScales measure(Engine engine, SensingProblem problem) {
        int m = problem.measurements();
        SensingOperator operator = problem.operator();
        GroundTruth truth = problem.truth();
        Precision precision = problem.observations().precision();
        MatrixBatch res = engine.allocate(precision, 1, m, 1);
        MatrixBatch back = null;
        try {
            // res = 𝒜(X*) − y = −ξ
            operator.measure(truth.left(), truth.sigma(), truth.right(), truth.rank(), problem.observations(), res);
            back = engine.allocate(precision, 1, problem.n1(), problem.n2());
            operator.adjoint(res, back);
            double adjoint = Linalg.singularValues(DMatrixRMaj.wrap(problem.n1(), problem.n2(), engine.download(back)))[0];
            double[] xi = engine.download(res);
            for (int i = 0; i < m; i++) {
                xi[i] = -xi[i];
            }
            double oracle = OracleTangentError.of(denseOperator(operator), m, xi, truth);
            return new NoiseScales(adjoint, oracle);
        } finally {
            engine.release(res);
            if (back != null) {
                engine.release(back);
            }
        }
    }

    /** The stacked m × n1·n2 matrix of a dense operator (the oracle needs it explicitly). */
    private static double[] denseOperator(SensingOperator operator) {
        double[] dense = operator.describe().dense();
        if (dense == null) {
            throw new IllegalArgumentException("the noise oracle needs a dense operator; the " + operator.kind().id()
                    + " operator has no dense form here");
        }
        return dense;
    }
}
