package org.msense.core.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.msense.core.linalg.Linalg;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.OperatorKind;

/**
 * The dense Gaussian operator: the stacked m × n1·n2 matrix (row i = vec(A_i)/√m, row-major vec) on the engine,
 * applied with the engine's own sensing primitives, so every backend runs it with its tuned pass:
 * <pre>
 *   X_b = V_b W_bᵀ                                   (batched GEMM, scratch X owned here)
 *   res_b = 𝒜(X_b) − y_b,  E_b = 𝒜*(res_b)            ({@link Engine#residualAndAdjoint}: one fused pass)
 *   gradV_b = E_b W_b,  gradW_b = E_bᵀ V_b            (two batched GEMMs, scratch E owned here)
 * </pre>
 * The scratch X and E (B×n1×n2 each, in the working precision) are allocated at the first call and again when the
 * batch size or precision changes. {@link #adjointSquaredNorms} reuses E when {@code res} is the buffer the last
 * {@link #residualAndGradients}/{@link #gradients} call read or wrote (and has not been written by the caller
 * since); otherwise it recomputes E.
 */
final class DenseSensingOperator extends SensingOperator {
    private final MatrixBatch matrix;
    private final boolean ownsMatrix;
    private MatrixBatch x;
    private MatrixBatch e;
    /** The residual buffer E was last computed from (null: E is stale). */
    private MatrixBatch adjointOf;

    /**
     * @param matrix     1×m×(n1·n2), the stacked operator
     * @param ownsMatrix whether {@link #release} frees {@code matrix}
     */
    DenseSensingOperator(Engine engine, MatrixBatch matrix, int n1, int n2, boolean ownsMatrix) {
        super(engine, OperatorKind.GAUSSIAN, n1, n2, matrix.rows());
        if (matrix.count() != 1 || matrix.cols() != (long) n1 * n2) {
            throw new IllegalArgumentException("dense operator: the matrix must be 1×m×" + (long) n1 * n2 + ", got "
                    + matrix.shape());
        }
        this.matrix = matrix;
        this.ownsMatrix = ownsMatrix;
    }

    /** The stacked matrix 1×m×(n1·n2) (owned by this operator unless it was made over a caller's buffer). */
    MatrixBatch matrix() {
        return matrix;
    }

    @Override
    public long bytes() {
        return (ownsMatrix ? matrix.bytes() : 0) + keptBytes();
    }

    private void scratchFor(int count, Precision p) {
        if (x != null && x.count() == count && x.precision() == p) {
            return;
        }
        drop(x);
        drop(e);
        x = null;
        e = null;
        adjointOf = null;
        x = keep(engine().allocate(p, count, n1(), n2()));
        e = keep(engine().allocate(p, count, n1(), n2()));
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        scratchFor(v.count(), v.precision());
        adjointOf = null;
        engine().gemm(1, v, Transpose.NONE, w, Transpose.TRANSPOSE, 0, x);
        engine().residual(matrix, x, y, res);
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        scratchFor(v.count(), v.precision());
        engine().adjoint(matrix, res, e);
        adjointOf = res;
        products(v, w, gradV, gradW);
    }

    @Override
    protected void residualAndGradientsImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        scratchFor(v.count(), v.precision());
        engine().gemm(1, v, Transpose.NONE, w, Transpose.TRANSPOSE, 0, x);
        engine().residualAndAdjoint(matrix, x, y, res, e);
        adjointOf = res;
        products(v, w, gradV, gradW);
    }

    /** Rows of the stand-in operator the warm-up runs on. */
    private static final int WARM_ROWS = 32;
    /** The shapes (backend, n1×n2, width, batch, precisions) warmed up in this JVM. */
    private static final Set<String> WARMED = ConcurrentHashMap.newKeySet();

    /**
     * Runs {@link #residualAndGradients} on a stand-in operator of {@value #WARM_ROWS} Gaussian rows (same n1·n2 and
     * storage precision as this one) with small Gaussian factors until its time stops falling ({@link KernelWarmUp}: at
     * most 300 calls or 1.5 s), once per shape (backend, n1×n2, width, batch, precisions) in a JVM, since compiled code
     * is kept for the JVM's life; everything it allocates is released again.
     */
    @Override
    protected int warmUpImpl(int batch, int width, Precision work) {
        Engine en = engine();
        String shape = en.backendId() + " " + n1() + "x" + n2() + " k=" + width + " B=" + batch + " " + matrix.precision()
                + "/" + work;
        if (!WARMED.add(shape)) {
            return 0; // compiled code is per JVM: this shape ran its warm-up already
        }
        int rows = Math.min(measurements(), WARM_ROWS);
        List<MatrixBatch> made = new ArrayList<>();
        DenseSensingOperator standIn = null;
        try {
            MatrixBatch slice = en.allocate(matrix.precision(), 1, rows, matrix.cols());
            made.add(slice);
            en.fillGaussian(new GaussianStream(0, StreamPurpose.SENSING, 1), 1.0 / Math.sqrt(rows), slice);
            standIn = new DenseSensingOperator(en, slice, n1(), n2(), false);
            MatrixBatch v = en.allocate(work, batch, n1(), width);
            MatrixBatch w = en.allocate(work, batch, n2(), width);
            MatrixBatch y = en.allocate(work, batch, rows, 1);
            MatrixBatch res = en.allocate(work, batch, rows, 1);
            MatrixBatch gradV = en.allocate(work, batch, n1(), width);
            MatrixBatch gradW = en.allocate(work, batch, n2(), width);
            made.addAll(List.of(v, w, y, res, gradV, gradW));
            en.fillGaussian(new GaussianStream(0, StreamPurpose.INIT_V, 1), 1e-2, v);
            en.fillGaussian(new GaussianStream(0, StreamPurpose.INIT_W, 1), 1e-2, w);
            en.fillGaussian(new GaussianStream(0, StreamPurpose.SENSING, 2), 1.0, y);
            DenseSensingOperator op = standIn;
            return KernelWarmUp.untilSteady(() -> {
                op.residualAndGradients(v, w, y, res, gradV, gradW);
                en.synchronize();
            }, 300, 1_500_000_000L);
        } finally {
            if (standIn != null) {
                standIn.release();
            }
            for (MatrixBatch b : made) {
                if (!b.isReleased()) {
                    en.release(b);
                }
            }
        }
    }

    private void products(MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        engine().gemm(1, e, Transpose.NONE, w, Transpose.NONE, 0, gradV);
        engine().gemm(1, e, Transpose.TRANSPOSE, v, Transpose.NONE, 0, gradW);
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        if (adjointOf != res) {
            scratchFor(res.count(), res.precision());
            engine().adjoint(matrix, res, e);
            adjointOf = res;
        }
        return engine().squaredNorms(e);
    }

    /** Forms X = U diag(σ) Vᵀ on the host ({@link Linalg#compose}), uploads it and applies the fused residual. */
    @Override
    protected void measureImpl(double[] left, double[] sigma, double[] right, int rank, MatrixBatch shift, MatrixBatch y) {
        MatrixBatch xStar = engine().allocate(y.precision(), 1, n1(), n2());
        try {
            engine().upload(Linalg.compose(left, sigma, right, n1(), n2(), rank), xStar);
            engine().residual(matrix, xStar, shift, y);
        } finally {
            engine().release(xStar);
        }
    }

    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch out) {
        engine().adjoint(matrix, res, out);
    }

    /** The matrix downloaded (fp32 storage widened). */
    @Override
    protected OperatorDescription describeImpl() {
        return OperatorDescription.ofDense(n1(), n2(), measurements(), engine().download(matrix));
    }

    @Override
    protected void releaseImpl() {
        x = null;
        e = null;
        adjointOf = null;
        if (ownsMatrix && !engine().isClosed() && !matrix.isReleased()) {
            engine().release(matrix);
        }
    }
}
