package org.msense.cuda;

import jcuda.driver.CUdeviceptr;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.backend.Transpose;
import org.msense.core.linalg.Linalg;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.OperatorKind;

/**
 * The {@code gaussian-implicit} operator on the CUDA engine: the numbers of the dense {@code gaussian} operator of
 * the same seed, A[i][j] = g(i·n + j)/√m with g the stream {@link StreamPurpose#SENSING} (substream 0), n = n1·n2,
 * regenerated on the device on every pass and never stored:
 * <pre>
 *   X_b = V_b W_bᵀ                                       (batched GEMM, n1×n2 scratch)
 *   res_b = 𝒜(X_b) − y_b,  E_b = 𝒜*(res_b)                (msense_implicit_residual_adjoint: one cooperative kernel,
 *                                                         one generation of 𝒜 for all B trajectories)
 *   ∇V_b = E_b W_b,  ∇W_b = E_bᵀ V_b                      (two batched GEMMs)
 * </pre>
 * The kernel is the dense operator's fused pass ({@link FusedPassPlan}, same plan, same summation order) with the
 * tile of each wave generated from the Philox stream instead of read, so its results equal the dense operator's fused
 * pass bit for bit: fixed-order fp64 partial sums, no floating-point atomics. {@link #gradients} alone runs
 * {@code msense_implicit_adjoint} (the pass's adjoint step on given residuals, one more generation). It is the only
 * implementation of this operator on CUDA, so it runs whatever MSENSE_CUDA_FUSED says; where the device cannot run
 * the pass (no cooperative launch, or n too wide for shared memory) the operator refuses with a message.
 *
 * <p>Device memory: scratch X and E (B × n each), the pass's partial sums (blocks × wave × B doubles), for fp32 the
 * fp64 accumulator of E (B × n doubles) and the grid barrier — O(B·n), nothing of size m × n. {@link #measure} forms
 * X* on the host like the dense operator, so that y is measured with the same bits too.
 */
final class CudaImplicitGaussianOperator extends SensingOperator {
    private final CudaEngine engine;
    private final Kernels kernels;
    private final Precision precision;
    private final long seed;
    private final Kernels.Stream stream;
    private MatrixBatch x;
    private MatrixBatch e;
    private MatrixBatch partial;
    private MatrixBatch accumulator;
    private final MatrixBatch barrier;
    /** The residual buffer E was last computed from (null: E is stale). */
    private MatrixBatch adjointOf;

    CudaImplicitGaussianOperator(CudaEngine engine, Kernels kernels, int n1, int n2, int m, long seed,
            Precision precision) {
        super(engine, OperatorKind.GAUSSIAN_IMPLICIT, n1, n2, m);
        this.engine = engine;
        this.kernels = kernels;
        this.precision = precision;
        this.seed = seed;
        this.stream = new Kernels.Stream(seed, StreamPurpose.SENSING.id(), 0, 1.0 / Math.sqrt(m));
        plan(1); // refuse at once where the device cannot run the pass
        this.barrier = keep(engine.allocate(Precision.FP64, 1, 1, 1));
        engine.upload(new double[1], barrier); // two zero 32-bit words: the count and the generation
    }

    @Override
    public long bytes() {
        return keptBytes();
    }



    /** The fused pass's plan for {@code count} trajectories, or a refusal that says why there is none. */
    private FusedPassPlan plan(int count) {
        long n = (long) n1() * n2();
        FusedPassPlan plan = engine.fusedPlan(precision, measurements(), n, count);
        if (plan == null || plan.partialDoubles() > Integer.MAX_VALUE || (long) count * n > Integer.MAX_VALUE) {
            throw new BackendException("the gaussian-implicit operator of the cuda backend needs the fused pass (a"
                    + " cooperative launch that keeps a row chunk of n1·n2 = " + n + " columns and " + count
                    + " trajectories in shared memory), which " + engine.device() + " cannot run for this shape; use"
                    + " --operator gaussian, fewer trajectories, or --backend cpu");
        }
        return plan;
    }

    /** Scratch X and E (count × n1×n2), the partial sums and (fp32) the fp64 accumulator for the plan. */
    private void scratchFor(int count, FusedPassPlan plan) {
        if (x == null || x.count() != count) {
            drop(x);
            drop(e);
            x = null;
            e = null;
            adjointOf = null;
            x = keep(engine.allocate(precision, count, n1(), n2()));
            e = keep(engine.allocate(precision, count, n1(), n2()));
        }
        if (partial == null || partial.cols() < plan.partialDoubles()) {
            drop(partial);
            partial = null;
            partial = keep(engine.allocate(Precision.FP64, 1, 1, (int) plan.partialDoubles()));
        }
        if (plan.accumulatorDoubles() > 0 && (accumulator == null || accumulator.cols() < plan.accumulatorDoubles())) {
            drop(accumulator);
            accumulator = null;
            accumulator = keep(engine.allocate(Precision.FP64, 1, 1, (int) plan.accumulatorDoubles()));
        }
    }

    /** res_b = 𝒜 xs_b − y_b and out_b = 𝒜*(res_b) in one generation of 𝒜. Modifies res, out and the pass's scratch. */
    private void pass(FusedPassPlan plan, MatrixBatch xs, MatrixBatch y, MatrixBatch res, MatrixBatch out) {
        engine.current();
        CUdeviceptr eacc = plan.accumulatorDoubles() > 0 ? CudaMatrixBatch.pointer(accumulator) : CudaMatrixBatch.pointer(out);
        kernels.implicitResidualAdjoint(precision, plan, stream, CudaMatrixBatch.pointer(xs), CudaMatrixBatch.pointer(y), CudaMatrixBatch.pointer(res), CudaMatrixBatch.pointer(out), eacc, CudaMatrixBatch.pointer(partial),
                CudaMatrixBatch.pointer(barrier), measurements(), (long) n1() * n2(), xs.count(), y.count() == 1);
    }

    /** out_b = 𝒜*(res_b), one generation of 𝒜. Modifies out and the accumulator. */
    private void adjointInto(MatrixBatch res, MatrixBatch out) {
        FusedPassPlan plan = plan(res.count());
        scratchFor(res.count(), plan);
        engine.current();
        CUdeviceptr eacc = plan.accumulatorDoubles() > 0 ? CudaMatrixBatch.pointer(accumulator) : CudaMatrixBatch.pointer(out);
        kernels.implicitAdjoint(precision, plan, stream, CudaMatrixBatch.pointer(res), CudaMatrixBatch.pointer(out), eacc, measurements(), (long) n1() * n2(),
                res.count());
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        OperatorPrecision.require("gaussian-implicit", precision, v);
        FusedPassPlan plan = plan(v.count());
        scratchFor(v.count(), plan);
        engine.gemm(1, v, Transpose.NONE, w, Transpose.TRANSPOSE, 0, x);
        pass(plan, x, y, res, e);
        adjointOf = null;
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        OperatorPrecision.require("gaussian-implicit", precision, v);
        adjointInto(res, scratchE(res.count()));
        adjointOf = res;
        products(v, w, gradV, gradW);
    }

    @Override
    protected void residualAndGradientsImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        OperatorPrecision.require("gaussian-implicit", precision, v);
        FusedPassPlan plan = plan(v.count());
        scratchFor(v.count(), plan);
        engine.gemm(1, v, Transpose.NONE, w, Transpose.TRANSPOSE, 0, x);
        pass(plan, x, y, res, e);
        adjointOf = res;
        products(v, w, gradV, gradW);
    }

    private MatrixBatch scratchE(int count) {
        scratchFor(count, plan(count));
        return e;
    }

    private void products(MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        engine.gemm(1, e, Transpose.NONE, w, Transpose.NONE, 0, gradV);
        engine.gemm(1, e, Transpose.TRANSPOSE, v, Transpose.NONE, 0, gradW);
    }

    /** Reuses E when {@code res} is the buffer the last gradient computation read or wrote, as the dense operator. */
    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        OperatorPrecision.require("gaussian-implicit", precision, res);
        if (adjointOf != res || e == null || e.count() != res.count()) {
            adjointInto(res, scratchE(res.count()));
            adjointOf = res;
        }
        return engine.squaredNorms(e);
    }

    /** Forms X = U diag(σ) Vᵀ on the host ({@link Linalg#compose}, as the dense operator) and applies the pass. */
    @Override
    protected void measureImpl(double[] left, double[] sigma, double[] right, int rank, MatrixBatch shift, MatrixBatch y) {
        OperatorPrecision.require("gaussian-implicit", precision, y);
        FusedPassPlan plan = plan(1);
        scratchFor(1, plan);
        adjointOf = null;
        MatrixBatch xStar = engine.allocate(precision, 1, n1(), n2());
        try {
            engine.upload(Linalg.compose(left, sigma, right, n1(), n2(), rank), xStar);
            pass(plan, xStar, shift, y, e);
        } finally {
            engine.release(xStar);
        }
    }

    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch out) {
        OperatorPrecision.require("gaussian-implicit", precision, res);
        adjointInto(res, out);
    }

    /** The dense matrix of the same numbers (the {@code gaussian} operator of the seed), generated on the host. */
    @Override
    protected OperatorDescription describeImpl() {
        long size = (long) measurements() * n1() * n2();
        if (size > Integer.MAX_VALUE - 8) {
            throw new BackendException("the gaussian-implicit operator is m·n1·n2 = " + size + " numbers, more than one"
                    + " array can hold; it cannot be written out densely (export a smaller problem)");
        }
        double[] dense = new double[(int) size];
        new GaussianStream(seed, StreamPurpose.SENSING, 0).fill(0, stream.scale(), dense, 0, dense.length);
        if (precision == Precision.FP32) {
            for (int i = 0; i < dense.length; i++) {
                dense[i] = (float) dense[i];
            }
        }
        return OperatorDescription.ofDense(n1(), n2(), measurements(), dense);
    }

    @Override
    protected void releaseImpl() {
        x = null;
        e = null;
        partial = null;
        accumulator = null;
        adjointOf = null;
    }
}
