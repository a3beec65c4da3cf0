package org.msense.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.util.Arrays;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;

/**
 * Matrix completion on the CUDA engine: 𝒜(Z)_i = s·Z_{j_i l_i}, s = √(n1·n2/m), over m distinct entries (j_i, l_i)
 * in row-major order (measurement i is the i-th observed entry in that order, as on the CPU). For Z = V Wᵀ:
 * <pre>
 *   res_i          = s·⟨V[j_i,:], W[l_i,:]⟩ − y_i              (msense_completion_residual: a gather, one thread per i)
 *   gradV[j,:]     = s·Σ_{i: j_i = j} res_i·W[l_i,:]           (msense_completion_gradient over the row list, CSR)
 *   gradW[l,:]     = s·Σ_{i: l_i = l} res_i·V[j_i,:]           (the same kernel over the column-sorted permutation)
 *   ‖𝒜*(res)‖_F²   = s²·‖res‖²                                (distinct entries; the engine's squared norms)
 * </pre>
 * The scatter 𝒜*(res)·W is written as a gather: one thread per output element (b, o, q) sums its row's entries in list
 * order, so there are no floating-point atomics and the result is bitwise reproducible. Nothing of size n1×n2 is
 * formed; the device holds, uploaded once, six int arrays: the row and column of each measurement (m each), the row
 * offsets (n1 + 1), the column offsets (n2 + 1), and for the column order the measurement and the row of each entry
 * (m each): 16·m + 4·(n1 + n2 + 2) bytes. They live in fp32-typed engine buffers (4 bytes an element, holding the
 * int32 bit patterns), so the engine counts and frees them like any other buffer. Computes in the precision of the
 * factors it is given (fp64 or fp32; fp32 accumulates in fp64 and rounds once per output, as the CPU does).
 */
final class CudaCompletionOperator extends SensingOperator {
    private final CudaEngine engine;
    private final Kernels kernels;
    private final double scale;
    private final CUdeviceptr row;
    private final CUdeviceptr column;
    private final CUdeviceptr rowStart;
    private final CUdeviceptr columnStart;
    private final CUdeviceptr byColumn;
    private final CUdeviceptr rowByColumn;

    /**
     * Builds the index lists on the host and uploads them.
     *
     * @param entries the observed entries as row-major indices j·n2 + l, strictly increasing (checked by
     *                {@link org.msense.core.backend.OperatorDescription}); not kept, not modified
     */
    CudaCompletionOperator(CudaEngine engine, Kernels kernels, int n1, int n2, int[] entries) {
        super(engine, OperatorKind.COMPLETION, n1, n2, entries.length);
        this.engine = engine;
        this.kernels = kernels;
        int m = entries.length;
        this.scale = Math.sqrt((double) n1 * n2 / m);
        int[] rows = new int[m];
        int[] cols = new int[m];
        int[] rowOffsets = new int[n1 + 1];
        int[] colOffsets = new int[n2 + 1];
        for (int i = 0; i < m; i++) {
            int j = entries[i] / n2;
            int l = entries[i] - j * n2;
            rows[i] = j;
            cols[i] = l;
            rowOffsets[j + 1]++;
            colOffsets[l + 1]++;
        }
        for (int j = 0; j < n1; j++) {
            rowOffsets[j + 1] += rowOffsets[j];
        }
        for (int l = 0; l < n2; l++) {
            colOffsets[l + 1] += colOffsets[l];
        }
        // counting sort by column, stable: within a column the rows stay ascending (the CPU's order)
        int[] measurementByColumn = new int[m];
        int[] rowOfColumnEntry = new int[m];
        int[] next = Arrays.copyOf(colOffsets, n2);
        for (int i = 0; i < m; i++) {
            int p = next[cols[i]]++;
            measurementByColumn[p] = i;
            rowOfColumnEntry[p] = rows[i];
        }
        try {
            row = ints(rows);
            column = ints(cols);
            rowStart = ints(rowOffsets);
            columnStart = ints(colOffsets);
            byColumn = ints(measurementByColumn);
            rowByColumn = ints(rowOfColumnEntry);
        } catch (RuntimeException e) {
            release(); // frees the lists already uploaded (e.g. when device memory runs out)
            throw e;
        }
    }

    /** An int array in a kept 4-byte-element engine buffer (see the class comment); returns its device address. */
    private CUdeviceptr ints(int[] values) {
        MatrixBatch b = keep(engine.allocate(Precision.FP32, 1, values.length, 1));
        engine.current();
        cuMemcpyHtoD(((CudaMatrixBatch) b).pointer, Pointer.to(values), (long) values.length * Integer.BYTES);
        return ((CudaMatrixBatch) b).pointer;
    }

    /** s = √(n1·n2/m). */
    double scale() {
        return scale;
    }

    @Override
    public long bytes() {
        return keptBytes();
    }

    private static CUdeviceptr p(MatrixBatch b) {
        return ((CudaMatrixBatch) b).pointer;
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        engine.current();
        kernels.completionResidual(v.precision(), p(v), p(w), p(y), p(res), row, column, measurements(), n1(), n2(),
                v.cols(), v.count(), y.count() == 1, scale);
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        engine.current();
        Precision pr = v.precision();
        int k = v.cols();
        kernels.completionGradient(pr, p(res), p(w), p(gradV), rowStart, null, column, n1(), n2(), measurements(), k,
                v.count(), scale);
        kernels.completionGradient(pr, p(res), p(v), p(gradW), columnStart, byColumn, rowByColumn, n2(), n1(),
                measurements(), k, v.count(), scale);
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        double[] out = engine.squaredNorms(res);
        for (int b = 0; b < out.length; b++) {
            out[b] = scale * scale * out[b];
        }
        return out;
    }
}
