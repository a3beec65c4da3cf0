package org.msense.cpu;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The sensing contractions on the CPU for a batch of B trajectories. The stacked operator is one m×N
 * row-major matrix (N = n1·n2); X_b, E_b are read as vectors of length N.
 *
 * <p>The fused pass reads 𝒜 once per call for all B trajectories: for each row i (still in cache) it
 * forms ⟨A_i, X_b⟩ for every b, the residual r_bi = ⟨A_i, X_b⟩ − y_bi, and adds r_bi·A_i into a
 * per-worker accumulator of E_b; the accumulators are summed in worker order at the end. Dot products and
 * accumulators are fp64 in both precisions. The unfused path is plain EJML (forward product, then the
 * transposed product) and serves as the reference the fused pass is tested against.
 */
final class SensingKernels {
    private final ParallelLoops loops;
    /** Per-worker accumulators, reused between calls; grown on demand. */
    private double[][] scratch = new double[0][];

    /** Rows per worker below which the pass runs on one thread. */
    private static final int MIN_ROWS_PER_WORKER = 64;

    SensingKernels(ParallelLoops loops) {
        this.loops = loops;
    }

    // ----------------------------------------------------------------------------------- fused, fp64

    void fused(DMatrixRMaj op, DMatrixRMaj[] x, DMatrixRMaj[] y, DMatrixRMaj[] res, DMatrixRMaj[] e) {
        int m = op.numRows;
        int n = op.numCols;
        int batch = x.length;
        double[] a = op.data;
        double[][] xs = new double[batch][];
        double[][] ys = new double[batch][];
        for (int b = 0; b < batch; b++) {
            xs[b] = x[b].data;
            ys[b] = y[y.length == 1 ? 0 : b].data;
        }
        ensureScratch(loops.threads(), batch * n);
        int chunks = loops.forChunks(m, MIN_ROWS_PER_WORKER, (chunk, from, to) -> {
            double[] acc = scratch[chunk];
            java.util.Arrays.fill(acc, 0, batch * n, 0.0);
            double[] r = new double[batch];
            for (int i = from; i < to; i++) {
                int base = i * n;
                for (int b = 0; b < batch; b++) {
                    double[] xb = xs[b];
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        dot += a[base + j] * xb[j];
                    }
                    r[b] = dot - ys[b][i];
                    res[b].data[i] = r[b];
                }
                for (int b = 0; b < batch; b++) {
                    double rb = r[b];
                    int off = b * n;
                    for (int j = 0; j < n; j++) {
                        acc[off + j] += rb * a[base + j];
                    }
                }
            }
        });
        reduce(chunks, batch, n, (b, j, v) -> e[b].data[j] = v);
    }

    // ----------------------------------------------------------------------------------- fused, fp32

    void fused(FMatrixRMaj op, FMatrixRMaj[] x, FMatrixRMaj[] y, FMatrixRMaj[] res, FMatrixRMaj[] e) {
        int m = op.numRows;
        int n = op.numCols;
        int batch = x.length;
        float[] a = op.data;
        float[][] xs = new float[batch][];
        float[][] ys = new float[batch][];
        for (int b = 0; b < batch; b++) {
            xs[b] = x[b].data;
            ys[b] = y[y.length == 1 ? 0 : b].data;
        }
        ensureScratch(loops.threads(), batch * n);
        int chunks = loops.forChunks(m, MIN_ROWS_PER_WORKER, (chunk, from, to) -> {
            double[] acc = scratch[chunk];
            java.util.Arrays.fill(acc, 0, batch * n, 0.0);
            float[] r = new float[batch];
            for (int i = from; i < to; i++) {
                int base = i * n;
                for (int b = 0; b < batch; b++) {
                    float[] xb = xs[b];
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        dot += (double) a[base + j] * xb[j];
                    }
                    r[b] = (float) (dot - ys[b][i]);
                    res[b].data[i] = r[b];
                }
                for (int b = 0; b < batch; b++) {
                    double rb = r[b];
                    int off = b * n;
                    for (int j = 0; j < n; j++) {
                        acc[off + j] += rb * a[base + j];
                    }
                }
            }
        });
        reduce(chunks, batch, n, (b, j, v) -> e[b].data[j] = (float) v);
    }

    private interface Sink {
        void put(int b, int j, double value);
    }

    /** Sums the workers' accumulators in worker order and stores the totals. */
    private void reduce(int chunks, int batch, int n, Sink sink) {
        int total = batch * n;
        loops.forChunks(total, 1 << 14, (c, from, to) -> {
            for (int idx = from; idx < to; idx++) {
                double s = scratch[0][idx];
                for (int w = 1; w < chunks; w++) {
                    s += scratch[w][idx];
                }
                sink.put(idx / n, idx % n, s);
            }
        });
    }

    private void ensureScratch(int workers, int length) {
        if (scratch.length < workers) {
            scratch = java.util.Arrays.copyOf(scratch, workers);
        }
        for (int w = 0; w < workers; w++) {
            if (scratch[w] == null || scratch[w].length < length) {
                scratch[w] = new double[length];
            }
        }
    }

    // ----------------------------------------------------------------------------------- unfused reference

    /** res_b = op·vec(x_b) − y_b with EJML. */
    static void residual(DMatrixRMaj op, DMatrixRMaj[] x, DMatrixRMaj[] y, DMatrixRMaj[] res) {
        for (int b = 0; b < x.length; b++) {
            DMatrixRMaj xv = DMatrixRMaj.wrap(op.numCols, 1, x[b].data);
            CommonOps_DDRM.mult(op, xv, res[b]);
            CommonOps_DDRM.subtractEquals(res[b], y[y.length == 1 ? 0 : b]);
        }
    }

    /** vec(e_b) = opᵀ·res_b with EJML. */
    static void adjoint(DMatrixRMaj op, DMatrixRMaj[] res, DMatrixRMaj[] e) {
        for (int b = 0; b < res.length; b++) {
            DMatrixRMaj ev = DMatrixRMaj.wrap(op.numCols, 1, e[b].data);
            CommonOps_DDRM.multTransA(op, res[b], ev);
        }
    }

    static void residual(FMatrixRMaj op, FMatrixRMaj[] x, FMatrixRMaj[] y, FMatrixRMaj[] res) {
        for (int b = 0; b < x.length; b++) {
            FMatrixRMaj xv = FMatrixRMaj.wrap(op.numCols, 1, x[b].data);
            CommonOps_FDRM.mult(op, xv, res[b]);
            CommonOps_FDRM.subtractEquals(res[b], y[y.length == 1 ? 0 : b]);
        }
    }

    static void adjoint(FMatrixRMaj op, FMatrixRMaj[] res, FMatrixRMaj[] e) {
        for (int b = 0; b < res.length; b++) {
            FMatrixRMaj ev = FMatrixRMaj.wrap(op.numCols, 1, e[b].data);
            CommonOps_FDRM.multTransA(op, res[b], ev);
        }
    }
}
