package org.msense.core.algorithm;

import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.Transpose;

/**
 * The gradient term of fixed matrices P_b held on the engine: G_b ← G_b + P_b W_b, H_b ← H_b + P_bᵀ V_b, two
 * batched GEMMs per step ({@link GradientPerturbation#matrices}).
 */
final class MatrixGradientPerturbation implements GradientPerturbation {
    private final Engine engine;
    private final MatrixBatch p;

    MatrixGradientPerturbation(Engine engine, BoundedPerturbation perturbation, Precision precision) {
        this.engine = engine;
        this.p = engine.allocate(precision, perturbation.count(), perturbation.n1(), perturbation.n2());
        try {
            engine.upload(perturbation.matrices(), p);
        } catch (RuntimeException ex) {
            engine.release(p);
            throw ex;
        }
    }

    @Override
    public void addTo(MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        engine.gemm(1, p, Transpose.NONE, w, Transpose.NONE, 1, gradV);
        engine.gemm(1, p, Transpose.TRANSPOSE, v, Transpose.NONE, 1, gradW);
    }

    @Override
    public void release() {
        if (!p.isReleased() && !engine.isClosed()) {
            engine.release(p);
        }
    }
}
