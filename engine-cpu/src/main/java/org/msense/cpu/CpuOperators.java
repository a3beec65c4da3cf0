package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;

/** Shared plumbing of the CPU structured operators: fp64 checks, views of batches as arrays, scratch. */
final class CpuOperators {
    private CpuOperators() {
    }

    /** Fails with a clear message unless the batch is fp64 (the structured CPU operators compute in fp64). */
    static void requireFp64(SensingOperator op, MatrixBatch b) {
        if (b.precision() != Precision.FP64) {
            throw new BackendException("the " + op.kind().id() + " operator of the cpu backend computes in fp64; got "
                    + b.precision() + " factors (use --precision fp64)");
        }
    }

    /** The items of an fp64 batch as EJML matrices (shared storage). */
    static DMatrixRMaj[] items(MatrixBatch b) {
        return ((CpuMatrixBatch) b).d;
    }

    /** Item b's data for b &lt; count (a batch of one item is repeated: broadcast). */
    static double[][] vectors(MatrixBatch batch, int count) {
        CpuMatrixBatch c = (CpuMatrixBatch) batch;
        double[][] out = new double[count][];
        for (int b = 0; b < count; b++) {
            out[b] = c.d(b).data;
        }
        return out;
    }

    /** {@code have} when it has exactly {@code count} vectors of the length, else new ones. */
    static double[][] scratch(double[][] have, int count, int length) {
        if (have.length == count && (count == 0 || have[0].length == length)) {
            return have;
        }
        double[][] out = new double[count][];
        for (int b = 0; b < count; b++) {
            out[b] = new double[length];
        }
        return out;
    }

    /** Σ_j v_b[j]² over the first {@code length} entries, in fp64, for each b. */
    static double[] squaredNorms(double[][] v, int count, int length) {
        double[] out = new double[count];
        for (int b = 0; b < count; b++) {
            double s = 0;
            double[] vb = v[b];
            for (int j = 0; j < length; j++) {
                s += vb[j] * vb[j];
            }
            out[b] = s;
        }
        return out;
    }
}
