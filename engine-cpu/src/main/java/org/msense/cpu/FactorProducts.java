package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.msense.core.backend.Transpose;

/**
 * The dense products around an operator that forms X = V Wᵀ and E = 𝒜*(res) (n1 × n2) itself — the
 * implicit Gaussian and the subsampled Hadamard operators:
 * <pre>
 *   X = V Wᵀ                 (blocked Vector API GEMM, rows of X split over the workers)
 *   ∇V = E W,  ∇W = Eᵀ V     (tall-skinny products that read every row of E once)
 * </pre>
 * Eᵀ V through a general GEMM would walk E by columns; {@link TallProducts#transposeTimes} streams its rows
 * instead. fp64 only.
 */
final class FactorProducts {
    private final ParallelLoops loops;
    private final TallProducts tall;

    FactorProducts(ParallelLoops loops) {
        this.loops = loops;
        this.tall = new TallProducts(loops);
    }

    /** x (length ≥ n1·n2, row-major n1 × n2) ← V Wᵀ. Modifies x only. */
    void compose(DMatrixRMaj v, DMatrixRMaj w, double[] x) {
        DMatrixRMaj out = DMatrixRMaj.wrap(v.numRows, w.numRows, x);
        DenseProducts.gemm(1.0, v, Transpose.NONE, w, Transpose.TRANSPOSE, 0.0, out, false, loops);
    }

    /**
     * gradV ← E W and gradW ← Eᵀ V with E given row-major n1 × n2 in {@code e}. Modifies gradV and gradW
     * only.
     */
    void gradients(double[] e, DMatrixRMaj v, DMatrixRMaj w, DMatrixRMaj gradV, DMatrixRMaj gradW) {
        DMatrixRMaj em = DMatrixRMaj.wrap(v.numRows, w.numRows, e);
        tall.times(em, w, gradV);
        tall.transposeTimes(em, v, gradW);
    }
}
