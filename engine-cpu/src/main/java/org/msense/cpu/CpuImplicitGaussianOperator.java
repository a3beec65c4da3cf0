package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;

/**
 * The {@code gaussian-implicit} operator on the CPU backend: the numbers of the dense {@code gaussian} operator of
 * the same seed, regenerated on every pass ({@link ImplicitGaussian}), never stored:
 * <pre>
 *   X_b = V_b W_bᵀ
 *   res_b = 𝒜(X_b) − y_b and E_b = 𝒜*(res_b)     (one generation of 𝒜 for both, all B trajectories)
 *   ∇V_b = E_b W_b,  ∇W_b = E_bᵀ V_b              ({@link FactorProducts})
 * </pre>
 * {@link #residualAndGradients} (the gradient step) costs one generation; {@link #residual} and {@link #gradients}
 * called separately cost one each. {@link #adjointSquaredNorms} reuses E when {@code res} is the buffer the last
 * gradient computation read or wrote (and the caller has not written it since), as the dense operator does;
 * otherwise it generates 𝒜 once more. Scratch X and E: B × n1·n2 each. fp64 only.
 */
final class CpuImplicitGaussianOperator extends SensingOperator {
    private final ImplicitGaussian kernel;
    private final FactorProducts products;
    private final long seed;
    private double[][] x = new double[0][];
    private double[][] e = new double[0][];
    private MatrixBatch adjointOf;

    CpuImplicitGaussianOperator(CpuEngine engine, ParallelLoops loops, int n1, int n2, int m, long seed) {
        super(engine, OperatorKind.GAUSSIAN_IMPLICIT, n1, n2, m);
        this.kernel = new ImplicitGaussian(loops, seed, m, n1 * n2);
        this.products = new FactorProducts(loops);
        this.seed = seed;
    }

    /** The problem seed the rows are generated from. */
    long seed() {
        return seed;
    }

    /** Row i of 𝒜 (length n1·n2, including its 1/√m) into dst[off …). Modifies that range of dst. */
    void row(int i, double[] dst, int off) {
        kernel.row(i, dst, off);
    }

    @Override
    public long bytes() {
        return (long) x.length * 16L * n1() * n2();
    }

    private double[][] compose(MatrixBatch v, MatrixBatch w) {
        int batch = v.count();
        x = CpuOperators.scratch(x, batch, n1() * n2());
        DMatrixRMaj[] vs = CpuOperators.items(v);
        DMatrixRMaj[] ws = CpuOperators.items(w);
        for (int b = 0; b < batch; b++) {
            products.compose(vs[b], ws[b], x[b]);
        }
        return x;
    }

    private void gradientsFromE(MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        DMatrixRMaj[] vs = CpuOperators.items(v);
        DMatrixRMaj[] ws = CpuOperators.items(w);
        DMatrixRMaj[] gv = CpuOperators.items(gradV);
        DMatrixRMaj[] gw = CpuOperators.items(gradW);
        for (int b = 0; b < v.count(); b++) {
            products.gradients(e[b], vs[b], ws[b], gv[b], gw[b]);
        }
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        CpuOperators.requireFp64(this, v);
        adjointOf = null;
        kernel.forward(compose(v, w), CpuOperators.vectors(y, v.count()), CpuOperators.vectors(res, v.count()));
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        CpuOperators.requireFp64(this, v);
        e = CpuOperators.scratch(e, v.count(), n1() * n2());
        kernel.adjoint(CpuOperators.vectors(res, v.count()), e);
        adjointOf = res;
        gradientsFromE(v, w, gradV, gradW);
    }

    @Override
    protected void residualAndGradientsImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        CpuOperators.requireFp64(this, v);
        int batch = v.count();
        e = CpuOperators.scratch(e, batch, n1() * n2());
        kernel.residualAndAdjoint(compose(v, w), CpuOperators.vectors(y, batch), CpuOperators.vectors(res, batch), e);
        adjointOf = res;
        gradientsFromE(v, w, gradV, gradW);
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        CpuOperators.requireFp64(this, res);
        if (adjointOf != res || e.length != res.count()) {
            e = CpuOperators.scratch(e, res.count(), n1() * n2());
            kernel.adjoint(CpuOperators.vectors(res, res.count()), e);
            adjointOf = res;
        }
        return CpuOperators.squaredNorms(e, res.count(), n1() * n2());
    }

    /** The dense matrix of the same numbers (the {@code gaussian} operator of the seed), generated row by row. */
    @Override
    protected OperatorDescription describeImpl() {
        long size = (long) measurements() * n1() * n2();
        if (size > Integer.MAX_VALUE - 8) {
            throw new BackendException("the gaussian-implicit operator is m·n1·n2 = " + size + " numbers, more than one"
                    + " array can hold; it cannot be written out densely (export a smaller problem)");
        }
        int n = n1() * n2();
        double[] dense = new double[(int) size];
        for (int i = 0; i < measurements(); i++) {
            kernel.row(i, dense, i * n);
        }
        return OperatorDescription.ofDense(n1(), n2(), measurements(), dense);
    }

    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch out) {
        CpuOperators.requireFp64(this, res);
        kernel.adjoint(CpuOperators.vectors(res, res.count()), CpuOperators.vectors(out, res.count()));
    }

    @Override
    protected void releaseImpl() {
        x = new double[0][];
        e = new double[0][];
        adjointOf = null;
    }
}
