package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;

/**
 * The {@code rank-one} operator on the CPU backend: 𝒜(Z)_i = a_iᵀ Z b_i/√m with A (m × n1) and B (m × n2) held on
 * the host, applied to the factors through {@link RankOneProducts} (one fused pass over A and B per gradient step,
 * {@link #residualAndGradients}; nothing of size n1 × n2).
 *
 * <p>{@link #adjointSquaredNorms}: ‖𝒜*(r)‖²_F = ‖Aᵀ diag(r) B‖²_F/m has no factored form; it is formed in
 * column blocks of B (O(m·n1·n2) flops, n1 × {@value #BLOCK} scratch) when m·n1·n2 ≤ {@value #NORM_BUDGET}, and
 * reported as NaN (not available) above that, where it would cost more than many gradient steps.
 */
final class CpuRankOneOperator extends SensingOperator {
    /** Largest m·n1·n2 for which ‖𝒜*(r)‖ is computed (about 1 s on two cores). */
    static final long NORM_BUDGET = 1L << 32;
    private static final int BLOCK = 64;
    private final RankOneProducts kernel;
    private final TallProducts tall;

    CpuRankOneOperator(CpuEngine engine, ParallelLoops loops, int n1, int n2, RankOneProducts kernel) {
        super(engine, OperatorKind.RANK_ONE, n1, n2, kernel.measurements());
        if (kernel.left().numCols != n1 || kernel.right().numCols != n2) {
            throw new IllegalArgumentException("rank-one: a_i of length " + kernel.left().numCols + " and b_i of length "
                    + kernel.right().numCols + " for " + n1 + "×" + n2 + " matrices");
        }
        this.kernel = kernel;
        this.tall = new TallProducts(loops);
    }

    /** A (m × n1), the a_i as rows; not to be modified. */
    DMatrixRMaj left() {
        return kernel.left();
    }

    /** B (m × n2), the b_i as rows; not to be modified. */
    DMatrixRMaj right() {
        return kernel.right();
    }

    @Override
    public long bytes() {
        return 8L * measurements() * (n1() + n2());
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        CpuOperators.requireFp64(this, v);
        kernel.residual(CpuOperators.items(v), CpuOperators.items(w), CpuOperators.vectors(y, v.count()),
                CpuOperators.vectors(res, v.count()));
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        CpuOperators.requireFp64(this, v);
        kernel.gradients(CpuOperators.vectors(res, v.count()), CpuOperators.items(v), CpuOperators.items(w),
                CpuOperators.items(gradV), CpuOperators.items(gradW));
    }

    @Override
    protected void residualAndGradientsImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        CpuOperators.requireFp64(this, v);
        kernel.residualAndGradients(CpuOperators.items(v), CpuOperators.items(w), CpuOperators.vectors(y, v.count()),
                CpuOperators.vectors(res, v.count()), CpuOperators.items(gradV), CpuOperators.items(gradW));
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        CpuOperators.requireFp64(this, res);
        int batch = res.count();
        double[] out = new double[batch];
        if ((double) measurements() * n1() * n2() > NORM_BUDGET) {
            java.util.Arrays.fill(out, Double.NaN);
            return out;
        }
        double[][] r = CpuOperators.vectors(res, batch);
        DMatrixRMaj a = left();
        DMatrixRMaj bm = right();
        int m = measurements();
        int n2 = n2();
        DMatrixRMaj s = new DMatrixRMaj(m, 1);
        DMatrixRMaj block = new DMatrixRMaj(1, 1);
        double scale = 1.0 / m;
        for (int b = 0; b < batch; b++) {
            double sum = 0;
            for (int c0 = 0; c0 < n2; c0 += BLOCK) {
                int width = Math.min(BLOCK, n2 - c0);
                s.reshape(m, width);
                for (int i = 0; i < m; i++) {
                    for (int c = 0; c < width; c++) {
                        s.data[i * width + c] = r[b][i] * bm.data[i * n2 + c0 + c];
                    }
                }
                tall.transposeTimes(a, s, block);
                for (double value : block.data) {
                    sum += value * value;
                }
            }
            out[b] = sum * scale;
        }
        return out;
    }

    @Override
    protected OperatorDescription describeImpl() {
        return OperatorDescription.ofRankOne(n1(), n2(), measurements(), left().data.clone(), right().data.clone());
    }

    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch out) {
        CpuOperators.requireFp64(this, res);
        int batch = res.count();
        double[][] r = CpuOperators.vectors(res, batch);
        DMatrixRMaj[] e = CpuOperators.items(out);
        int m = measurements();
        DMatrixRMaj s = new DMatrixRMaj(m, n2());
        double invSqrtM = 1.0 / Math.sqrt(m);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < n2(); c++) {
                    s.data[i * n2() + c] = r[b][i] * invSqrtM * right().data[i * n2() + c];
                }
            }
            tall.transposeTimes(left(), s, e[b]);
        }
    }
}
