package org.msense.core.diagnostics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Builds the {@link ProbeReadout} an engine would return for given host factors, in fp64. */
final class Readouts {
    private Readouts() {
    }

    /**
     * The readout of V (n1×k) and W (n2×k) against the orthonormal U* (n1×r) and V* (n2×r), with the three
     * squared norms set to 1 (they only scale loss, error and gradient norm).
     */
    static ProbeReadout of(DMatrixRMaj v, DMatrixRMaj w, DMatrixRMaj uStar, DMatrixRMaj vStar) {
        DMatrixRMaj pv = CommonOps_DDRM.multTransA(uStar, v, null);
        DMatrixRMaj pw = CommonOps_DDRM.multTransA(vStar, w, null);
        DMatrixRMaj vPerp = CommonOps_DDRM.subtract(v, CommonOps_DDRM.mult(uStar, pv, null), null);
        DMatrixRMaj wPerp = CommonOps_DDRM.subtract(w, CommonOps_DDRM.mult(vStar, pw, null), null);
        return new ProbeReadout(v.numRows, w.numRows, v.numCols, uStar.numCols, 1, 1, 1, v.data.clone(), w.data.clone(),
                gram(v), gram(w), gram(vPerp), gram(wPerp), pv.data, pw.data);
    }

    private static double[] gram(DMatrixRMaj a) {
        return CommonOps_DDRM.multTransA(a, a, null).data;
    }
}
