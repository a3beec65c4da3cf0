package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.msense.core.backend.Transpose;

/**
 * C ← α·op(A)·op(B) + β·C: fp64 with {@link VectorGemm} when the Vector API is present (unless the
 * caller asks for EJML), otherwise, and for fp32, with EJML's verbs (mult, multTransA, multTransB,
 * multTransAB and their …Add).
 */
final class DenseProducts {
    private DenseProducts() {
    }

    /** fp64 products through EJML even when the Vector API is present (the reference the tests compare with). */
    static void gemm(double alpha, DMatrixRMaj a, Transpose ta, DMatrixRMaj b, Transpose tb, double beta, DMatrixRMaj c,
            boolean useEjml) {
        if (!useEjml && SensingKernels.VECTOR_API) {
            VectorGemm.gemm(alpha, a, ta == Transpose.TRANSPOSE, b, tb == Transpose.TRANSPOSE, beta, c);
        } else {
            gemm(alpha, a, ta, b, tb, beta, c);
        }
    }

    /**
     * The same, with the rows of C split over the workers of {@code loops} when the Vector API path is taken
     * (for a batch too small to spread its products over the cores). Modifies c only.
     */
    static void gemm(double alpha, DMatrixRMaj a, Transpose ta, DMatrixRMaj b, Transpose tb, double beta, DMatrixRMaj c,
            boolean useEjml, ParallelLoops loops) {
        if (useEjml || !SensingKernels.VECTOR_API || loops.threads() == 1 || c.numRows < 8) {
            gemm(alpha, a, ta, b, tb, beta, c, useEjml);
            return;
        }
        boolean at = ta == Transpose.TRANSPOSE;
        double[] bn = VectorGemm.rowMajorB(b, tb == Transpose.TRANSPOSE);
        int blocks = (c.numRows + 3) / 4;
        loops.forChunks(blocks, 1, (chunk, from, to) ->
                VectorGemm.rows(alpha, a, at, bn, beta, c, 4 * from, Math.min(4 * to, c.numRows)));
    }

    /** fp64 with EJML. */
    static void gemm(double alpha, DMatrixRMaj a, Transpose ta, DMatrixRMaj b, Transpose tb, double beta, DMatrixRMaj c) {
        boolean at = ta == Transpose.TRANSPOSE;
        boolean bt = tb == Transpose.TRANSPOSE;
        if (beta == 0) {
            if (!at && !bt) {
                CommonOps_DDRM.mult(alpha, a, b, c);
            } else if (at && !bt) {
                CommonOps_DDRM.multTransA(alpha, a, b, c);
            } else if (!at) {
                CommonOps_DDRM.multTransB(alpha, a, b, c);
            } else {
                CommonOps_DDRM.multTransAB(alpha, a, b, c);
            }
            return;
        }
        if (beta != 1) {
            CommonOps_DDRM.scale(beta, c);
        }
        if (!at && !bt) {
            CommonOps_DDRM.multAdd(alpha, a, b, c);
        } else if (at && !bt) {
            CommonOps_DDRM.multAddTransA(alpha, a, b, c);
        } else if (!at) {
            CommonOps_DDRM.multAddTransB(alpha, a, b, c);
        } else {
            CommonOps_DDRM.multAddTransAB(alpha, a, b, c);
        }
    }

    static void gemm(float alpha, FMatrixRMaj a, Transpose ta, FMatrixRMaj b, Transpose tb, float beta, FMatrixRMaj c) {
        boolean at = ta == Transpose.TRANSPOSE;
        boolean bt = tb == Transpose.TRANSPOSE;
        if (beta == 0) {
            if (!at && !bt) {
                CommonOps_FDRM.mult(alpha, a, b, c);
            } else if (at && !bt) {
                CommonOps_FDRM.multTransA(alpha, a, b, c);
            } else if (!at) {
                CommonOps_FDRM.multTransB(alpha, a, b, c);
            } else {
                CommonOps_FDRM.multTransAB(alpha, a, b, c);
            }
            return;
        }
        if (beta != 1) {
            CommonOps_FDRM.scale(beta, c);
        }
        if (!at && !bt) {
            CommonOps_FDRM.multAdd(alpha, a, b, c);
        } else if (at && !bt) {
            CommonOps_FDRM.multAddTransA(alpha, a, b, c);
        } else if (!at) {
            CommonOps_FDRM.multAddTransB(alpha, a, b, c);
        } else {
            CommonOps_FDRM.multAddTransAB(alpha, a, b, c);
        }
    }
}
