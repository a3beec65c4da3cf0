package org.msense.cuda;

import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.backend.Transpose;
import org.msense.core.spec.OperatorKind;

/**
 * The {@code hadamard} operator on the CUDA engine, with the CPU backend's definitions (engine-cpu
 * SubsampledHadamard): 𝒜(Z)_i = √(N/m)·(H D vec(Z))_{s_i} = (H_N D vec(Z))_{s_i}/√m, vec(Z) row-major of length
 * n = n1·n2 zero-padded to N = 2^⌈log2 n⌉, D = diag(d) the random signs, H_N the unnormalized Sylvester–Hadamard
 * matrix, s_1 … s_m distinct rows; the adjoint 𝒜*(r) = D H_N P_sᵀ r/√m truncated to the first n entries. On a batch
 * of B trajectories:
 * <pre>
 *   X_b = V_b W_bᵀ                         (batched GEMM, n1×n2 scratch)
 *   t_b = D x_b (padded);  t_b ← H_N t_b    (msense_hadamard_signs, then the FWHT: msense_fwht_shared for the
 *                                            strides below {@link Kernels#FWHT_SEGMENT}, msense_fwht_stage above)
 *   res_b[i] = t_b[s_i]/√m − y_b[i]         (msense_hadamard_gather)
 *   t_b[j] = res_b[i]/√m where j = s_i, else 0;  t_b ← H_N t_b;  E_b = D t_b (first n)   (msense_hadamard_scatter …)
 *   ∇V_b = E_b W_b,  ∇W_b = E_bᵀ V_b        (two batched GEMMs)
 * </pre>
 * Every element of every step has one writer and a fixed order of operations: results are bitwise reproducible.
 * Device memory: the signs (N, in the working precision), the rows (m) and their inverse map (N, slot of row j or
 * −1), both as doubles holding exact integers, and scratch X, E (B × n each) and t (B × N). fp64 and fp32 (the
 * operator computes in the precision it was opened with; factors of the other precision are refused).
 */
final class CudaHadamardOperator extends SensingOperator {
    private final CudaEngine engine;
    private final Kernels kernels;
    private final Precision precision;
    private final int[] rows;
    private final double[] signs;
    private final int n;
    private final int length;
    private final double scale;
    private final MatrixBatch signsOnDevice;
    private final MatrixBatch rowsOnDevice;
    private final MatrixBatch slotsOnDevice;
    private MatrixBatch x;
    private MatrixBatch e;
    private MatrixBatch t;

    /**
     * Uploads the signs, the rows and the inverse row map.
     *
     * @param rows  s_1 … s_m, distinct, in [0, N); not modified (kept for {@link #describe})
     * @param signs d_0 … d_{N−1}, each ±1; not modified (kept for {@link #describe})
     * @throws IllegalArgumentException if the sizes, rows or signs are inconsistent
     */
    CudaHadamardOperator(CudaEngine engine, Kernels kernels, int n1, int n2, int[] rows, double[] signs,
            Precision precision) {
        super(engine, OperatorKind.HADAMARD, n1, n2, rows.length);
        this.engine = engine;
        this.kernels = kernels;
        this.precision = precision;
        this.n = n1 * n2;
        if (n > (1 << 30)) {
            throw new IllegalArgumentException("the hadamard operator needs n1·n2 ≤ 2³⁰, got " + n);
        }
        this.length = Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1;
        if (signs.length != length) {
            throw new IllegalArgumentException("the hadamard operator on n1·n2 = " + n + " entries needs N = " + length
                    + " signs, got " + signs.length);
        }
        for (double d : signs) {
            if (d != 1.0 && d != -1.0) {
                throw new IllegalArgumentException("the hadamard signs must be ±1, found " + d);
            }
        }
        double[] slots = new double[length];
        java.util.Arrays.fill(slots, -1.0);
        double[] rowValues = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= length || slots[rows[i]] >= 0) {
                throw new IllegalArgumentException("the hadamard rows must be distinct in [0, " + length + "); row " + i
                        + " is " + rows[i]);
            }
            slots[rows[i]] = i;
            rowValues[i] = rows[i];
        }
        this.rows = rows;
        this.signs = signs;
        this.scale = 1.0 / Math.sqrt(rows.length);
        this.signsOnDevice = keep(engine.allocate(precision, 1, 1, length));
        this.rowsOnDevice = keep(engine.allocate(Precision.FP64, 1, 1, rows.length));
        this.slotsOnDevice = keep(engine.allocate(Precision.FP64, 1, 1, length));
        engine.upload(signs, signsOnDevice);
        engine.upload(rowValues, rowsOnDevice);
        engine.upload(slots, slotsOnDevice);
    }

    /** N, the padded transform length. */
    int length() {
        return length;
    }

    @Override
    public long bytes() {
        return keptBytes();
    }



    /** Scratch X, E (count × n1×n2) and t (count × N), reallocated when the batch size changes. */
    private void scratchFor(int count) {
        if (t != null && t.count() == count) {
            return;
        }
        drop(x);
        drop(e);
        drop(t);
        x = null;
        e = null;
        t = null;
        x = keep(engine.allocate(precision, count, n1(), n2()));
        e = keep(engine.allocate(precision, count, n1(), n2()));
        t = keep(engine.allocate(precision, count, 1, length));
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        OperatorPrecision.require("hadamard", precision, v);
        int count = v.count();
        scratchFor(count);
        engine.gemm(1, v, Transpose.NONE, w, Transpose.TRANSPOSE, 0, x);
        engine.current();
        kernels.hadamardSigns(precision, CudaMatrixBatch.pointer(x), n, CudaMatrixBatch.pointer(signsOnDevice), CudaMatrixBatch.pointer(t), length, n, count);
        kernels.fwht(precision, CudaMatrixBatch.pointer(t), length, count);
        kernels.hadamardGather(precision, CudaMatrixBatch.pointer(t), CudaMatrixBatch.pointer(rowsOnDevice), CudaMatrixBatch.pointer(y), CudaMatrixBatch.pointer(res), measurements(), length, count,
                y.count() == 1, scale);
    }

    /** out_b = 𝒜*(res_b) (count × n1×n2) through the scratch t. Modifies out and t. */
    private void adjointInto(MatrixBatch res, MatrixBatch out) {
        int count = res.count();
        scratchFor(count);
        engine.current();
        kernels.hadamardScatter(precision, CudaMatrixBatch.pointer(res), CudaMatrixBatch.pointer(slotsOnDevice), CudaMatrixBatch.pointer(t), measurements(), length, count, scale);
        kernels.fwht(precision, CudaMatrixBatch.pointer(t), length, count);
        kernels.hadamardSigns(precision, CudaMatrixBatch.pointer(t), length, CudaMatrixBatch.pointer(signsOnDevice), CudaMatrixBatch.pointer(out), n, n, count);
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        OperatorPrecision.require("hadamard", precision, v);
        adjointInto(res, scratchE(res.count()));
        engine.gemm(1, e, Transpose.NONE, w, Transpose.NONE, 0, gradV);
        engine.gemm(1, e, Transpose.TRANSPOSE, v, Transpose.NONE, 0, gradW);
    }

    private MatrixBatch scratchE(int count) {
        scratchFor(count);
        return e;
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        OperatorPrecision.require("hadamard", precision, res);
        adjointInto(res, scratchE(res.count()));
        return engine.squaredNorms(e);
    }

    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch out) {
        OperatorPrecision.require("hadamard", precision, res);
        adjointInto(res, out);
    }

    @Override
    protected OperatorDescription describeImpl() {
        return OperatorDescription.ofHadamard(n1(), n2(), rows.clone(), signs.clone());
    }

    @Override
    protected void releaseImpl() {
        x = null;
        e = null;
        t = null;
    }
}
