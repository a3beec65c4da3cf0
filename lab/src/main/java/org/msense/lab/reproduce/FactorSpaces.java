package org.msense.lab.reproduce;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.msense.core.linalg.Linalg;
import org.msense.core.problem.RegimeEstimate;

/** Principal angles between the top-r left singular space of a factor and a given subspace. */
final class FactorSpaces {
    private FactorSpaces() {
    }

    /**
     * sin of the largest principal angle between the top-r left singular space of item {@code item} of a batch of
     * rows×k factors (row-major, item after item) and span(Q) for Q rows×r with orthonormal columns (row-major).
     * Neither array is modified.
     */
    static double sinAngle(double[] factors, int item, int rows, int k, double[] q, int r) {
        DMatrixRMaj f = new DMatrixRMaj(rows, k);
        System.arraycopy(factors, item * rows * k, f.data, 0, rows * k);
        DMatrixRMaj u = Linalg.svd(f).u();
        DMatrixRMaj top = new DMatrixRMaj(rows, r);
        CommonOps_DDRM.extract(u, 0, rows, 0, r, top, 0, 0);
        return RegimeEstimate.sinAngle(top, DMatrixRMaj.wrap(rows, r, q.clone()));
    }
}
