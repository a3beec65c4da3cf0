package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;

/**
 * A batch held as one EJML row-major matrix per item: {@link #d} for fp64, {@link #f} for fp32 (the other
 * is null).
 */
final class CpuMatrixBatch extends MatrixBatch {
    final DMatrixRMaj[] d;
    final FMatrixRMaj[] f;

    CpuMatrixBatch(Engine owner, Precision precision, int count, int rows, int cols) {
        super(owner, precision, count, rows, cols);
        if (precision == Precision.FP64) {
            d = new DMatrixRMaj[count];
            f = null;
            for (int b = 0; b < count; b++) {
                d[b] = new DMatrixRMaj(rows, cols);
            }
        } else {
            f = new FMatrixRMaj[count];
            d = null;
            for (int b = 0; b < count; b++) {
                f[b] = new FMatrixRMaj(rows, cols);
            }
        }
    }

    /** Item b, or item 0 when the batch has a single item (broadcast). */
    DMatrixRMaj d(int b) {
        return d[count() == 1 ? 0 : b];
    }

    /** Item b, or item 0 when the batch has a single item (broadcast). */
    FMatrixRMaj f(int b) {
        return f[count() == 1 ? 0 : b];
    }
}
