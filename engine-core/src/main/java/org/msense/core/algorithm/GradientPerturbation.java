package org.msense.core.algorithm;

import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;

/**
 * A term that {@link FactorizedGradientDescent} adds to its gradients at every step, after the operator's pass
 * ({@link org.msense.core.backend.SensingOperator#residualAndGradients}) and before the update:
 * <pre>
 *   G_b ← G_b + ΔG_b(V_b, W_b),   H_b ← H_b + ΔH_b(V_b, W_b)      (both from the old V_b, W_b)
 * </pre>
 * Without one (the usual case) the step is that of plain gradient descent, with no extra arithmetic. The loss and
 * the diagnostics do not see the term. {@link #matrices} gives Wind's bounded perturbation, ΔG = P W, ΔH = Pᵀ V.
 */
public interface GradientPerturbation {

    /**
     * Adds the term to the gradients of every trajectory.
     *
     * @param v     V, B×n1×k; not modified
     * @param w     W, B×n2×k; not modified
     * @param gradV G, B×n1×k; modified (the term is added)
     * @param gradW H, B×n2×k; modified (the term is added)
     */
    void addTo(MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW);

    /** Frees the engine memory this term holds. */
    void release();

    /**
     * ΔG_b = P_b W_b and ΔH_b = P_bᵀ V_b for fixed matrices P_b, uploaded once to the problem's engine (two GEMMs
     * per step). The caller releases it ({@link #release()}) after the runs that use it.
     *
     * @param perturbation P_b, one n1×n2 matrix per trajectory; not modified
     */
    static GradientPerturbation matrices(Engine engine, BoundedPerturbation perturbation, Precision precision) {
        return new MatrixGradientPerturbation(engine, perturbation, precision);
    }
}
