package org.msense.cuda;

import java.util.Arrays;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.backend.Transpose;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.OperatorKind;

/**
 * The {@code rank-one} operator on the CUDA engine: 𝒜(Z)_i = a_iᵀ Z b_i/√m with A (m × n1, row i = a_iᵀ) and B
 * (m × n2) resident on the device, generated there from the same Philox streams as the CPU
 * ({@link StreamPurpose#RANK_ONE_LEFT}, {@link StreamPurpose#RANK_ONE_RIGHT}, substream 0, unscaled standard normals)
 * or uploaded from the description. The B trajectories are stacked side by side, as on the CPU
 * (V_S = [V_1 … V_B], n1 × Bk, by msense_rank_one_stack; for B = 1 the factors themselves), so each product is ONE
 * cuBLAS GEMM that reads A (or B) once for the whole batch:
 * <pre>
 *   P_S = A V_S,  Q_S = B W_S                               (m × Bk; P_b = A V_b is columns [bk, bk + k) of P_S)
 *   res_b[i] = Σ_c P_b[i,c]·Q_b[i,c]/√m − y_b[i]            (msense_rank_one_residual, fp64 sum in c order)
 *   ∇V_S = Aᵀ [diag(res_b) Q_b/√m]_b,  gradV_b = 𝒜*(res_b) W_b   (msense_rank_one_scale_rows, a GEMM, unstack)
 *   ∇W_S = Bᵀ [diag(res_b) P_b/√m]_b,  gradW_b = 𝒜*(res_b)ᵀ V_b  (likewise)
 * </pre>
 * Nothing of size n1 × n2 is formed for the step. {@link #residualAndGradients} forms P and Q once;
 * {@link #gradients} alone forms them again (four GEMMs, the CPU's cost).
 *
 * <p>{@link #adjointSquaredNorms}: ‖𝒜*(r)‖²_F = ‖Aᵀ diag(r) B‖²_F/m has no factored form; msense_rank_one_adjoint forms
 * each entry of 𝒜*(r) in registers (O(m·n1·n2) work, no n1×n2 buffer) and sums the squares per block; the host adds
 * the block sums in order. Like the CPU backend it reports NaN (not available) when m·n1·n2 exceeds
 * {@value #NORM_BUDGET}, so both backends give the same diagnostics for the same problem.
 *
 * <p>A and B are stored in the precision the operator is opened in (fp64, or fp32 where the run is fp32) and the
 * factors must be in that precision.
 */
final class CudaRankOneOperator extends SensingOperator {
    /** Largest m·n1·n2 for which ‖𝒜*(r)‖ is computed: the CPU backend's budget (CpuRankOneOperator.NORM_BUDGET). */
    static final long NORM_BUDGET = 1L << 32;

    private final CudaEngine engine;
    private final Kernels kernels;
    private final Precision precision;
    private final MatrixBatch left;
    private final MatrixBatch right;
    private final double invSqrtM;
    /** Scratch for the current batch shape: the stacked factors and gradients (B > 1), P, Q, the row-scaled operand. */
    private MatrixBatch stackedV;
    private MatrixBatch stackedW;
    private MatrixBatch stackedGradV;
    private MatrixBatch stackedGradW;
    private MatrixBatch p;
    private MatrixBatch q;
    private MatrixBatch scaled;
    /** The current batch size and width of the scratch. */
    private int count;
    private int width;
    /** The norm's block sums. */
    private MatrixBatch partial;

    /**
     * Generates A and B from {@code d.seed()}, or uploads {@code d.left()} and {@code d.right()} (m × n1 and m × n2,
     * row-major, not modified), in {@code precision}.
     */
    CudaRankOneOperator(CudaEngine engine, Kernels kernels, OperatorDescription d, Precision precision) {
        super(engine, OperatorKind.RANK_ONE, d.n1(), d.n2(), d.m());
        this.engine = engine;
        this.kernels = kernels;
        this.precision = precision;
        this.invSqrtM = 1.0 / Math.sqrt(d.m());
        try {
            left = keep(engine.allocate(precision, 1, d.m(), d.n1()));
            right = keep(engine.allocate(precision, 1, d.m(), d.n2()));
            if (d.left() != null) {
                engine.upload(d.left(), left);
                engine.upload(d.right(), right);
            } else {
                engine.fillGaussian(new GaussianStream(d.seed(), StreamPurpose.RANK_ONE_LEFT, 0), 1.0, left);
                engine.fillGaussian(new GaussianStream(d.seed(), StreamPurpose.RANK_ONE_RIGHT, 0), 1.0, right);
            }
        } catch (RuntimeException e) {
            release(); // frees what was allocated (e.g. A when B does not fit)
            throw e;
        }
    }

    @Override
    public long bytes() {
        return keptBytes();
    }



    /** The scratch for B = count trajectories of width k (reallocated when the batch shape changes). */
    private void scratch(int count, int k) {
        if (p != null && this.count == count && this.width == k) {
            return;
        }
        for (MatrixBatch b : new MatrixBatch[] {stackedV, stackedW, stackedGradV, stackedGradW, p, q, scaled}) {
            drop(b);
        }
        stackedV = stackedW = stackedGradV = stackedGradW = p = q = scaled = null;
        int bk = count * k;
        if (count > 1) {
            stackedV = keep(engine.allocate(precision, 1, n1(), bk));
            stackedW = keep(engine.allocate(precision, 1, n2(), bk));
            stackedGradV = keep(engine.allocate(precision, 1, n1(), bk));
            stackedGradW = keep(engine.allocate(precision, 1, n2(), bk));
        }
        p = keep(engine.allocate(precision, 1, measurements(), bk));
        q = keep(engine.allocate(precision, 1, measurements(), bk));
        scaled = keep(engine.allocate(precision, 1, measurements(), bk));
        this.count = count;
        this.width = k;
    }

    /** A batch stacked into {@code into} (count &gt; 1), or the batch itself (count = 1: the layouts coincide). */
    private MatrixBatch stacked(MatrixBatch batch, MatrixBatch into) {
        if (batch.count() == 1) {
            return batch;
        }
        engine.current();
        kernels.rankOneStack(precision, CudaMatrixBatch.pointer(batch), CudaMatrixBatch.pointer(into), batch.rows(), batch.cols(), batch.count(), false);
        return into;
    }

    /** P_S = A V_S and Q_S = B W_S. */
    private void products(MatrixBatch v, MatrixBatch w) {
        scratch(v.count(), v.cols());
        engine.gemm(1.0, left, Transpose.NONE, stacked(v, stackedV), Transpose.NONE, 0.0, p);
        engine.gemm(1.0, right, Transpose.NONE, stacked(w, stackedW), Transpose.NONE, 0.0, q);
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        OperatorPrecision.require("rank-one", precision, v);
        products(v, w);
        residualFromProducts(v, y, res);
    }

    private void residualFromProducts(MatrixBatch v, MatrixBatch y, MatrixBatch res) {
        engine.current();
        kernels.rankOneResidual(precision, CudaMatrixBatch.pointer(p), CudaMatrixBatch.pointer(q), CudaMatrixBatch.pointer(y), CudaMatrixBatch.pointer(res), measurements(), v.cols(), v.count(),
                y.count() == 1, invSqrtM);
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        OperatorPrecision.require("rank-one", precision, v);
        products(v, w);
        gradientsFromProducts(res, v, gradV, gradW);
    }

    @Override
    protected void residualAndGradientsImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        OperatorPrecision.require("rank-one", precision, v);
        products(v, w);
        residualFromProducts(v, y, res);
        gradientsFromProducts(res, v, gradV, gradW);
    }

    /** gradV_b = Aᵀ(diag(res_b) Q_b)/√m, gradW_b = Bᵀ(diag(res_b) P_b)/√m, from the current P_S and Q_S. */
    private void gradientsFromProducts(MatrixBatch res, MatrixBatch v, MatrixBatch gradV, MatrixBatch gradW) {
        int k = v.cols();
        int count = v.count();
        boolean single = count == 1;
        engine.current();
        kernels.rankOneScaleRows(precision, CudaMatrixBatch.pointer(res), CudaMatrixBatch.pointer(q), CudaMatrixBatch.pointer(scaled), measurements(), k, count, invSqrtM);
        engine.gemm(1.0, left, Transpose.TRANSPOSE, scaled, Transpose.NONE, 0.0, single ? gradV : stackedGradV);
        engine.current();
        kernels.rankOneScaleRows(precision, CudaMatrixBatch.pointer(res), CudaMatrixBatch.pointer(p), CudaMatrixBatch.pointer(scaled), measurements(), k, count, invSqrtM);
        engine.gemm(1.0, right, Transpose.TRANSPOSE, scaled, Transpose.NONE, 0.0, single ? gradW : stackedGradW);
        if (!single) {
            engine.current();
            kernels.rankOneStack(precision, CudaMatrixBatch.pointer(stackedGradV), CudaMatrixBatch.pointer(gradV), n1(), k, count, true);
            kernels.rankOneStack(precision, CudaMatrixBatch.pointer(stackedGradW), CudaMatrixBatch.pointer(gradW), n2(), k, count, true);
        }
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        OperatorPrecision.require("rank-one", precision, res);
        double[] out = new double[res.count()];
        if ((double) measurements() * n1() * n2() > NORM_BUDGET) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        for (int b = 0; b < res.count(); b++) {
            out[b] = adjointPass(res, null, b);
        }
        return out;
    }

    /** E_b = 𝒜*(res_b) entry by entry (written to e unless null); returns ‖E_b‖_F². */
    private double adjointPass(MatrixBatch res, MatrixBatch e, int item) {
        int blocks = Kernels.rankOneAdjointBlocks(n1(), n2());
        if (partial == null || partial.rows() < blocks) {
            drop(partial);
            partial = null;
            partial = keep(engine.allocate(Precision.FP64, 1, blocks, 1));
        }
        engine.current();
        kernels.rankOneAdjoint(precision, CudaMatrixBatch.pointer(left), CudaMatrixBatch.pointer(right), CudaMatrixBatch.pointer(res), e == null ? null : CudaMatrixBatch.pointer(e), CudaMatrixBatch.pointer(partial),
                measurements(), n1(), n2(), item, invSqrtM);
        double[] sums = engine.download(partial);
        double s = 0;
        for (int i = 0; i < blocks; i++) {
            s += sums[i];
        }
        return s;
    }

    /** E_b = 𝒜*(res_b) = Σ_i res_b[i]·a_i b_iᵀ/√m, for n1·n2 within the dense limit. */
    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch e) {
        OperatorPrecision.require("rank-one", precision, res);
        for (int b = 0; b < res.count(); b++) {
            adjointPass(res, e, b);
        }
    }

    @Override
    protected OperatorDescription describeImpl() {
        return OperatorDescription.ofRankOne(n1(), n2(), measurements(), engine.download(left), engine.download(right));
    }
}
