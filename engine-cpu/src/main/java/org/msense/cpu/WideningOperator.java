package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;

/**
 * An fp32 face on a CPU operator whose kernels compute in fp64 ({@code hadamard}, {@code rank-one},
 * {@code gaussian-implicit}), for fp32 operands only (fp64 factors use the fp64 operator itself). Every call widens
 * its fp32 operands (V, W, y, res) exactly to fp64 scratch, runs the fp64
 * operator, and rounds each output (res, ∇V, ∇W, E) to fp32 once:
 * <pre>
 *   res = fl32(𝒜(V Wᵀ) − y),   ∇V = fl32(𝒜*(res) W),   ∇W = fl32(𝒜*(res)ᵀ V)     (inner sums in fp64)
 * </pre>
 * as the completion operator does for fp32 factors (accumulated in fp64, rounded once per output). So an fp32 run
 * keeps its factors, measurements, residuals and gradients in fp32 and their products are as accurate as fp32 storage
 * allows; it is not faster than fp64 (the arithmetic is the fp64 kernel's, plus the conversions). The fp64 scratch
 * (B×n1×k, B×n2×k, B×m and y) is reallocated when the batch size changes and freed with the operator.
 */
final class WideningOperator extends SensingOperator {
    private final SensingOperator inner;
    private MatrixBatch v64;
    private MatrixBatch w64;
    private MatrixBatch y64;
    private MatrixBatch res64;
    private MatrixBatch gradV64;
    private MatrixBatch gradW64;

    /** @param inner the fp64 operator, on the same engine; released with this one */
    WideningOperator(CpuEngine engine, SensingOperator inner) {
        super(engine, inner.kind(), inner.n1(), inner.n2(), inner.measurements());
        if (inner.engine() != engine) {
            throw new IllegalArgumentException("WideningOperator: the fp64 operator belongs to another engine");
        }
        this.inner = inner;
    }

    @Override
    public long bytes() {
        return inner.bytes() + keptBytes();
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        requireFp32(v);
        widenFactors(v, w);
        widenY(y);
        inner.residual(v64, w64, y64, res64);
        round(res64, res);
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        requireFp32(v);
        widenFactors(v, w);
        res64 = fit(res64, res);
        widen(res, res64);
        inner.gradients(res64, v64, w64, gradV64, gradW64);
        round(gradV64, gradV);
        round(gradW64, gradW);
    }

    @Override
    protected void residualAndGradientsImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        requireFp32(v);
        // the fp64 gradients use the fp32-rounded residual, as the two separate calls do
        residualImpl(v, w, y, res);
        gradientsImpl(res, v, w, gradV, gradW);
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        requireFp32(res);
        res64 = fit(res64, res);
        widen(res, res64);
        return inner.adjointSquaredNorms(res64);
    }

    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch e) {
        requireFp32(res);
        MatrixBatch r = engine().allocate(Precision.FP64, res.count(), res.rows(), res.cols());
        MatrixBatch e64 = engine().allocate(Precision.FP64, e.count(), e.rows(), e.cols());
        try {
            widen(res, r);
            inner.adjoint(r, e64);
            round(e64, e);
        } finally {
            engine().release(r);
            engine().release(e64);
        }
    }

    @Override
    protected OperatorDescription describeImpl() {
        return inner.describe();
    }

    @Override
    protected void releaseImpl() {
        inner.release();
    }

    /** Fails with a clear message unless the batch is fp32. */
    private void requireFp32(MatrixBatch b) {
        if (b.precision() != Precision.FP32) {
            throw new BackendException("the " + kind().id() + " operator of the cpu backend was"
                    + " opened for fp32 factors (it holds no matrix whose storage precision could differ); got "
                    + b.precision() + " — leave out --operator-precision, or give --precision fp32");
        }
    }

    private void widenFactors(MatrixBatch v, MatrixBatch w) {
        if (v64 == null || v64.count() != v.count() || v64.cols() != v.cols()) {
            drop(v64);
            drop(w64);
            drop(gradV64);
            drop(gradW64);
            v64 = keep(engine().allocate(Precision.FP64, v.count(), v.rows(), v.cols()));
            w64 = keep(engine().allocate(Precision.FP64, w.count(), w.rows(), w.cols()));
            gradV64 = keep(engine().allocate(Precision.FP64, v.count(), v.rows(), v.cols()));
            gradW64 = keep(engine().allocate(Precision.FP64, w.count(), w.rows(), w.cols()));
        }
        widen(v, v64);
        widen(w, w64);
        res64 = fit(res64, v.count(), measurements());
    }

    private void widenY(MatrixBatch y) {
        y64 = fit(y64, y);
        widen(y, y64);
    }

    /** {@code have} when it is count×rows×1, else a new fp64 scratch batch of that shape (the old one freed). */
    private MatrixBatch fit(MatrixBatch have, int count, int rows) {
        if (have != null && have.count() == count && have.rows() == rows) {
            return have;
        }
        drop(have);
        return keep(engine().allocate(Precision.FP64, count, rows, 1));
    }

    private MatrixBatch fit(MatrixBatch have, MatrixBatch like) {
        return fit(have, like.count(), like.rows());
    }

    /** to ← from, fp32 to fp64 (exact). Modifies {@code to}. */
    private static void widen(MatrixBatch from, MatrixBatch to) {
        FMatrixRMaj[] f = ((CpuMatrixBatch) from).f;
        DMatrixRMaj[] d = ((CpuMatrixBatch) to).d;
        for (int b = 0; b < f.length; b++) {
            float[] src = f[b].data;
            double[] dst = d[b].data;
            for (int i = 0; i < src.length; i++) {
                dst[i] = src[i];
            }
        }
    }

    /** to ← fl32(from), rounded to nearest. Modifies {@code to}. */
    private static void round(MatrixBatch from, MatrixBatch to) {
        DMatrixRMaj[] d = ((CpuMatrixBatch) from).d;
        FMatrixRMaj[] f = ((CpuMatrixBatch) to).f;
        for (int b = 0; b < f.length; b++) {
            double[] src = d[b].data;
            float[] dst = f[b].data;
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (float) src[i];
            }
        }
    }
}
