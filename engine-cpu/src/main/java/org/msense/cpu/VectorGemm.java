package org.msense.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.DMatrixRMaj;

/**
 * fp64 C ← α·op(A)·op(B) + β·C with the JDK Vector API, for the small dense products of a gradient step
 * (n×k by k×n and n×n by n×k). op(B) is made row-major K×N (a transposed copy when op is a transpose), then
 * C is computed in register tiles of 4 rows × 2 vectors: for each p, two vectors of row p of op(B) are
 * multiplied by the four broadcast entries op(A)(i..i+3, p) and accumulated in eight independent registers.
 * Edges fall back to a tile of 4 rows × 1 vector, then to scalars. With β = 0 the old C is not read (NaN there is ignored).
 * Modifies c only. Needs {@code jdk.incubator.vector} (see {@link SensingKernels#VECTOR_API}).
 */
final class VectorGemm {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();
    /** Per-thread buffer for a transposed op(B). */
    private static final ThreadLocal<double[]> TRANSPOSED = ThreadLocal.withInitial(() -> new double[0]);

    private VectorGemm() {
    }

    static void gemm(double alpha, DMatrixRMaj a, boolean at, DMatrixRMaj b, boolean bt, double beta, DMatrixRMaj c) {
        rows(alpha, a, at, rowMajorB(b, bt), beta, c, 0, c.numRows);
    }

    /**
     * op(B) as a row-major K×N array: b's own data when op is the identity, otherwise a transposed copy in a
     * buffer of the calling thread (reused by every step; valid until that thread's next call).
     */
    static double[] rowMajorB(DMatrixRMaj b, boolean bt) {
        if (!bt) {
            return b.data;
        }
        int k = b.numCols;
        int n = b.numRows;
        double[] bn = TRANSPOSED.get();
        if (bn.length < k * n) {
            bn = new double[k * n];
            TRANSPOSED.set(bn);
        }
        double[] bd = b.data;
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                bn[p * n + j] = bd[j * k + p];
            }
        }
        return bn;
    }

    /**
     * Rows [rowFrom, rowTo) of C ← α·op(A)·op(B) + β·C, with op(B) given row-major K×N by {@link #rowMajorB}.
     * Modifies those rows of c only, so disjoint row ranges may run in parallel.
     */
    static void rows(double alpha, DMatrixRMaj a, boolean at, double[] bn, double beta, DMatrixRMaj c, int rowFrom,
            int rowTo) {
        int n = c.numCols;
        int k = at ? a.numRows : a.numCols;
        double[] ad = a.data;
        int lda = a.numCols;
        // op(A)(i, p) = ad[i·si + p·sp]
        int si = at ? 1 : lda;
        int sp = at ? lda : 1;
        double[] cd = c.data;
        int i = rowFrom;
        for (; i + 4 <= rowTo; i += 4) {
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                tile4x2(alpha, ad, i, si, sp, bn, n, k, j, beta, cd);
            }
            for (; j + L <= n; j += L) {
                tile4x1(alpha, ad, i, si, sp, bn, n, k, j, beta, cd);
            }
            for (; j < n; j++) {
                for (int q = 0; q < 4; q++) {
                    scalar(alpha, ad, i + q, si, sp, bn, n, k, j, beta, cd);
                }
            }
        }
        for (; i < rowTo; i++) {
            int j = 0;
            for (; j + L <= n; j += L) {
                row1(alpha, ad, i, si, sp, bn, n, k, j, beta, cd);
            }
            for (; j < n; j++) {
                scalar(alpha, ad, i, si, sp, bn, n, k, j, beta, cd);
            }
        }
    }

    private static void tile4x2(double alpha, double[] ad, int i, int si, int sp, double[] bn, int n, int k, int j,
            double beta, double[] cd) {
        DoubleVector c00 = DoubleVector.zero(D);
        DoubleVector c01 = c00;
        DoubleVector c10 = c00;
        DoubleVector c11 = c00;
        DoubleVector c20 = c00;
        DoubleVector c21 = c00;
        DoubleVector c30 = c00;
        DoubleVector c31 = c00;
        int a0 = i * si;
        for (int p = 0; p < k; p++) {
            DoubleVector b0 = DoubleVector.fromArray(D, bn, p * n + j);
            DoubleVector b1 = DoubleVector.fromArray(D, bn, p * n + j + L);
            int ap = a0 + p * sp;
            DoubleVector x = DoubleVector.broadcast(D, ad[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(D, ad[ap + si]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(D, ad[ap + 2 * si]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(D, ad[ap + 3 * si]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(alpha, c00, beta, cd, i * n + j);
        store(alpha, c01, beta, cd, i * n + j + L);
        store(alpha, c10, beta, cd, (i + 1) * n + j);
        store(alpha, c11, beta, cd, (i + 1) * n + j + L);
        store(alpha, c20, beta, cd, (i + 2) * n + j);
        store(alpha, c21, beta, cd, (i + 2) * n + j + L);
        store(alpha, c30, beta, cd, (i + 3) * n + j);
        store(alpha, c31, beta, cd, (i + 3) * n + j + L);
    }

    private static void tile4x1(double alpha, double[] ad, int i, int si, int sp, double[] bn, int n, int k, int j,
            double beta, double[] cd) {
        DoubleVector c0 = DoubleVector.zero(D);
        DoubleVector c1 = c0;
        DoubleVector c2 = c0;
        DoubleVector c3 = c0;
        int a0 = i * si;
        for (int p = 0; p < k; p++) {
            DoubleVector b0 = DoubleVector.fromArray(D, bn, p * n + j);
            int ap = a0 + p * sp;
            c0 = DoubleVector.broadcast(D, ad[ap]).fma(b0, c0);
            c1 = DoubleVector.broadcast(D, ad[ap + si]).fma(b0, c1);
            c2 = DoubleVector.broadcast(D, ad[ap + 2 * si]).fma(b0, c2);
            c3 = DoubleVector.broadcast(D, ad[ap + 3 * si]).fma(b0, c3);
        }
        store(alpha, c0, beta, cd, i * n + j);
        store(alpha, c1, beta, cd, (i + 1) * n + j);
        store(alpha, c2, beta, cd, (i + 2) * n + j);
        store(alpha, c3, beta, cd, (i + 3) * n + j);
    }

    private static void row1(double alpha, double[] ad, int i, int si, int sp, double[] bn, int n, int k, int j,
            double beta, double[] cd) {
        DoubleVector acc = DoubleVector.zero(D);
        for (int p = 0; p < k; p++) {
            acc = DoubleVector.broadcast(D, ad[i * si + p * sp]).fma(DoubleVector.fromArray(D, bn, p * n + j), acc);
        }
        store(alpha, acc, beta, cd, i * n + j);
    }

    private static void scalar(double alpha, double[] ad, int i, int si, int sp, double[] bn, int n, int k, int j,
            double beta, double[] cd) {
        double s = 0;
        for (int p = 0; p < k; p++) {
            s += ad[i * si + p * sp] * bn[p * n + j];
        }
        cd[i * n + j] = beta == 0 ? alpha * s : alpha * s + beta * cd[i * n + j];
    }

    private static void store(double alpha, DoubleVector acc, double beta, double[] cd, int offset) {
        DoubleVector v = acc.mul(alpha);
        if (beta != 0) {
            v = DoubleVector.fromArray(D, cd, offset).fma(DoubleVector.broadcast(D, beta), v);
        }
        v.intoArray(cd, offset);
    }
}
