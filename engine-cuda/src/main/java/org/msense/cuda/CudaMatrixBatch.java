package org.msense.cuda;

import jcuda.driver.CUdeviceptr;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;

/** A batch in device memory: {@code count} row-major items back to back at {@link #pointer}. */
final class CudaMatrixBatch extends MatrixBatch {
    /** Start of the storage (cuMemAlloc); freed by the engine. */
    final CUdeviceptr pointer;

    CudaMatrixBatch(CudaEngine owner, Precision precision, int count, int rows, int cols, CUdeviceptr pointer) {
        super(owner, precision, count, rows, cols);
        this.pointer = pointer;
    }

    /** The device pointer of {@code b}, a batch of the CUDA engine. */
    static CUdeviceptr pointer(MatrixBatch b) {
        return ((CudaMatrixBatch) b).pointer;
    }
}
