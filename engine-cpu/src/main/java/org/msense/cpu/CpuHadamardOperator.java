package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;

/**
 * The {@code hadamard} operator on the CPU backend: 𝒜(Z)_i = √(N/m)·(H D vec(Z))_{s_i} ({@link SubsampledHadamard}),
 * applied to factored matrices:
 * <pre>
 *   X_b = V_b W_bᵀ;  res_b = 𝒜(X_b) − y_b                      (one FWHT of length N per trajectory)
 *   E_b = 𝒜*(res_b);  ∇V_b = E_b W_b,  ∇W_b = E_bᵀ V_b          (one FWHT, then {@link FactorProducts})
 * </pre>
 * Scratch: X and E (B × n1·n2 each) and the transform vectors (B × N), reused between calls. fp64 only.
 */
final class CpuHadamardOperator extends SensingOperator {
    private final SubsampledHadamard kernel;
    private final FactorProducts products;
    private final int[] rows;
    private final double[] signs;
    private double[][] x = new double[0][];
    private double[][] e = new double[0][];

    CpuHadamardOperator(CpuEngine engine, ParallelLoops loops, int n1, int n2, int[] rows, double[] signs) {
        super(engine, OperatorKind.HADAMARD, n1, n2, rows.length);
        this.kernel = new SubsampledHadamard(loops, n1 * n2, signs, rows);
        this.products = new FactorProducts(loops);
        this.rows = rows;
        this.signs = signs;
    }

    /** s_1 … s_m (ascending), not to be modified. */
    int[] rows() {
        return rows;
    }

    /** d_0 … d_{n1·n2 − 1}, not to be modified. */
    double[] signs() {
        return signs;
    }

    @Override
    public long bytes() {
        long n = (long) n1() * n2();
        return 8L * n + 4L * rows.length + (long) x.length * (16L * n + 8L * kernel.length());
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        CpuOperators.requireFp64(this, v);
        int batch = v.count();
        x = CpuOperators.scratch(x, batch, n1() * n2());
        DMatrixRMaj[] vs = CpuOperators.items(v);
        DMatrixRMaj[] ws = CpuOperators.items(w);
        for (int b = 0; b < batch; b++) {
            products.compose(vs[b], ws[b], x[b]);
        }
        kernel.forward(x, CpuOperators.vectors(y, batch), CpuOperators.vectors(res, batch));
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        CpuOperators.requireFp64(this, v);
        int batch = v.count();
        e = CpuOperators.scratch(e, batch, n1() * n2());
        kernel.adjoint(CpuOperators.vectors(res, batch), e);
        DMatrixRMaj[] vs = CpuOperators.items(v);
        DMatrixRMaj[] ws = CpuOperators.items(w);
        DMatrixRMaj[] gv = CpuOperators.items(gradV);
        DMatrixRMaj[] gw = CpuOperators.items(gradW);
        for (int b = 0; b < batch; b++) {
            products.gradients(e[b], vs[b], ws[b], gv[b], gw[b]);
        }
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        CpuOperators.requireFp64(this, res);
        int batch = res.count();
        e = CpuOperators.scratch(e, batch, n1() * n2());
        kernel.adjoint(CpuOperators.vectors(res, batch), e);
        return CpuOperators.squaredNorms(e, batch, n1() * n2());
    }

    @Override
    protected OperatorDescription describeImpl() {
        return OperatorDescription.ofHadamard(n1(), n2(), rows.clone(), signs.clone());
    }

    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch out) {
        CpuOperators.requireFp64(this, res);
        kernel.adjoint(CpuOperators.vectors(res, res.count()), CpuOperators.vectors(out, res.count()));
    }
}
