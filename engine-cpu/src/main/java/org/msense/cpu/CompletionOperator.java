package org.msense.cpu;

import java.util.Arrays;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;

/**
 * Matrix completion on the CPU: 𝒜(Z)_i = s·Z_{j_i l_i} with s = √(n1·n2/m) and m distinct entries (j_i, l_i), held
 * in row-major order (measurement i is the i-th observed entry in that order). Its adjoint puts s·res_i at entry
 * (j_i, l_i), so for Z = VWᵀ:
 * <pre>
 *   res_i          = s·⟨V[j_i,:], W[l_i,:]⟩ − y_i
 *   gradV[j,:]     = s·Σ_{i: j_i = j} res_i·W[l_i,:]      (the row-sorted list: entries of row j are contiguous)
 *   gradW[l,:]     = s·Σ_{i: l_i = l} res_i·V[j_i,:]      (a column-sorted permutation of the same list)
 *   ‖𝒜*(res)‖_F²   = s²·‖res‖²                           (distinct entries)
 * </pre>
 * Nothing of size n1×n2 is formed: the operator holds int arrays of length m (row and column of each entry, the
 * column order and the rows in that order), the offsets, and the tile layout of {@link CompletionTileSweep},
 * O(m + n1 + n2). In fp64 the residual and both gradients are one tiled sweep ({@link CompletionTileSweep}), the residual
 * alone a row-order pass in tiles of 1024 rows × 2048 columns; both compute each residual with
 * {@link CompletionTileSweep#dot}, so the fused and unfused calls give the same bits. fp32 factors use untiled loops
 * over the row order and the column order, accumulated in fp64 and rounded once per output. Every output row is summed
 * in an order fixed by the data layout alone, so the results are bit-identical for any thread count.
 */
final class CompletionOperator extends SensingOperator {
    /** Rows per parallel chunk at least. */
    private static final int MIN_ROWS = 256;
    /**
     * Tile of the fp64 passes: rows of V (or W) × columns of W (or rows of V) whose factor rows (k numbers each) stay in
     * the core's cache while the entries of the tile are visited; 1024 × 2048 rows of k = 10 doubles are 80 + 160 KiB.
     */
    private static final int TILE_OUT = 1024;
    private static final int TILE_IN = 2048;

    private final ParallelLoops loops;
    private final double scale;
    private final int[] rowStart;
    private final int[] column;
    private final int[] columnStart;
    /** For the p-th entry in column order: its measurement index and its row. */
    private final int[] byColumn;
    private final int[] rowByColumn;
    /** The fp64 gradient pass. */
    private final CompletionTileSweep tiles;

    /**
     * @param entries the observed entries as row-major indices j·n2 + l, strictly increasing (checked by
     *                {@link org.msense.core.backend.OperatorDescription}); not kept
     */
    CompletionOperator(CpuEngine engine, ParallelLoops loops, int n1, int n2, int[] entries) {
        super(engine, OperatorKind.COMPLETION, n1, n2, entries.length);
        this.loops = loops;
        int m = entries.length;
        this.scale = Math.sqrt((double) n1 * n2 / m);
        rowStart = new int[n1 + 1];
        column = new int[m];
        columnStart = new int[n2 + 1];
        for (int i = 0; i < m; i++) {
            int j = entries[i] / n2;
            int l = entries[i] - j * n2;
            rowStart[j + 1]++;
            column[i] = l;
            columnStart[l + 1]++;
        }
        for (int j = 0; j < n1; j++) {
            rowStart[j + 1] += rowStart[j];
        }
        for (int l = 0; l < n2; l++) {
            columnStart[l + 1] += columnStart[l];
        }
        // counting sort by column, stable: within a column the rows stay ascending
        byColumn = new int[m];
        rowByColumn = new int[m];
        int[] next = Arrays.copyOf(columnStart, n2);
        for (int j = 0; j < n1; j++) {
            for (int i = rowStart[j]; i < rowStart[j + 1]; i++) {
                int p = next[column[i]]++;
                byColumn[p] = i;
                rowByColumn[p] = j;
            }
        }
        tiles = new CompletionTileSweep(loops, n1, n2, rowStart, column);
    }

    /** s = √(n1·n2/m). */
    double scale() {
        return scale;
    }

    @Override
    public long bytes() {
        return 4L * (column.length + byColumn.length + rowByColumn.length + rowStart.length + columnStart.length)
                + tiles.bytes() + keptBytes();
    }

    private static CpuMatrixBatch c(MatrixBatch m) {
        return (CpuMatrixBatch) m;
    }

    @Override
    protected void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        pass(v, w, y, res, null);
    }

    @Override
    protected void residualAndGradientsImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        if (v.precision() == Precision.FP64) {
            sweep(v, w, y, res, gradV, gradW, true);
            return;
        }
        pass(v, w, y, res, gradV);
        accumulate(res, v, gradW, n2(), columnStart, byColumn, rowByColumn);
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        if (v.precision() == Precision.FP64) {
            sweep(v, w, null, res, gradV, gradW, false);
            return;
        }
        rowGradient(res, w, gradV);
        accumulate(res, v, gradW, n2(), columnStart, byColumn, rowByColumn);
    }

    /** The fp64 gradients (and the residual when {@code compute}) of every item, by the tile sweep. */
    private void sweep(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res, MatrixBatch gradV,
            MatrixBatch gradW, boolean compute) {
        for (int b = 0; b < v.count(); b++) {
            tiles.run(c(v).d(b).data, c(w).d(b).data, compute ? c(y).d(b).data : null, c(res).d(b).data,
                    c(gradV).d(b).data, c(gradW).d(b).data, v.cols(), scale, compute);
        }
    }

    /** res (and gradV when not null) in one pass over the row-sorted entries. */
    private void pass(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res, MatrixBatch gradV) {
        int k = v.cols();
        int n1 = n1();
        for (int b = 0; b < v.count(); b++) {
            int item = b;
            if (v.precision() == Precision.FP64) {
                if (gradV != null) {
                    throw new IllegalStateException("the fp64 gradients are computed by the tile sweep");
                }
                double[] vd = c(v).d(item).data;
                double[] wd = c(w).d(item).data;
                double[] yd = c(y).d(item).data;
                double[] rd = c(res).d(item).data;
                int n2 = n2();
                loops.forChunks(n1, MIN_ROWS, (chunk, from, to) -> {
                    int[] cursor = new int[TILE_OUT];
                    for (int j0 = from; j0 < to; j0 += TILE_OUT) {
                        int j1 = Math.min(to, j0 + TILE_OUT);
                        for (int j = j0; j < j1; j++) {
                            cursor[j - j0] = rowStart[j];
                        }
                        // column tiles in ascending order, so that the gathered rows of W stay in cache
                        for (int l0 = 0; l0 < n2; l0 += TILE_IN) {
                            int l1 = Math.min(n2, l0 + TILE_IN);
                            for (int j = j0; j < j1; j++) {
                                int vo = j * k;
                                int i = cursor[j - j0];
                                int end = rowStart[j + 1];
                                for (; i < end && column[i] < l1; i++) {
                                    rd[i] = scale * CompletionTileSweep.dot(vd, vo, wd, column[i] * k, k) - yd[i];
                                }
                                cursor[j - j0] = i;
                            }
                        }
                    }
                });
            } else {
                float[] vf = c(v).f(item).data;
                float[] wf = c(w).f(item).data;
                float[] yf = c(y).f(item).data;
                float[] rf = c(res).f(item).data;
                float[] gf = gradV == null ? null : c(gradV).f(item).data;
                loops.forChunks(n1, MIN_ROWS, (chunk, from, to) -> {
                    double[] acc = new double[k];
                    for (int j = from; j < to; j++) {
                        int vo = j * k;
                        Arrays.fill(acc, 0);
                        for (int i = rowStart[j]; i < rowStart[j + 1]; i++) {
                            int wo = column[i] * k;
                            double dot = 0;
                            for (int q = 0; q < k; q++) {
                                dot += (double) vf[vo + q] * wf[wo + q];
                            }
                            float r = (float) (scale * dot - yf[i]);
                            rf[i] = r;
                            for (int q = 0; q < k; q++) {
                                acc[q] += r * (double) wf[wo + q];
                            }
                        }
                        if (gf != null) {
                            for (int q = 0; q < k; q++) {
                                gf[vo + q] = (float) (scale * acc[q]);
                            }
                        }
                    }
                });
            }
        }
    }

    /** gradV[j,:] = s·Σ_{i in row j} res_i·W[l_i,:]. */
    private void rowGradient(MatrixBatch res, MatrixBatch w, MatrixBatch gradV) {
        accumulate(res, w, gradV, n1(), rowStart, null, column);
    }

    /**
     * out[o,:] = s·Σ_{p ∈ [start[o], start[o+1])} res[measurement(p)]·factor[other[p],:], with measurement(p) = p when
     * {@code index} is null and index[p] otherwise.
     */
    private void accumulate(MatrixBatch res, MatrixBatch factor, MatrixBatch out, int outRows, int[] start, int[] index,
            int[] other) {
        int k = factor.cols();
        for (int b = 0; b < factor.count(); b++) {
            int item = b;
            if (factor.precision() == Precision.FP64) {
                double[] rd = c(res).d(item).data;
                double[] fd = c(factor).d(item).data;
                double[] od = c(out).d(item).data;
                loops.forChunks(outRows, MIN_ROWS, (chunk, from, to) -> {
                    double[] acc = new double[k];
                    for (int o = from; o < to; o++) {
                        Arrays.fill(acc, 0);
                        for (int p = start[o]; p < start[o + 1]; p++) {
                            double r = rd[index == null ? p : index[p]];
                            int fo = other[p] * k;
                            for (int q = 0; q < k; q++) {
                                acc[q] += r * fd[fo + q];
                            }
                        }
                        int oo = o * k;
                        for (int q = 0; q < k; q++) {
                            od[oo + q] = scale * acc[q];
                        }
                    }
                });
            } else {
                float[] rf = c(res).f(item).data;
                float[] ff = c(factor).f(item).data;
                float[] of = c(out).f(item).data;
                loops.forChunks(outRows, MIN_ROWS, (chunk, from, to) -> {
                    double[] acc = new double[k];
                    for (int o = from; o < to; o++) {
                        Arrays.fill(acc, 0);
                        for (int p = start[o]; p < start[o + 1]; p++) {
                            double r = rf[index == null ? p : index[p]];
                            int fo = other[p] * k;
                            for (int q = 0; q < k; q++) {
                                acc[q] += r * ff[fo + q];
                            }
                        }
                        int oo = o * k;
                        for (int q = 0; q < k; q++) {
                            of[oo + q] = (float) (scale * acc[q]);
                        }
                    }
                });
            }
        }
    }

    @Override
    protected double[] adjointSquaredNormsImpl(MatrixBatch res) {
        double[] out = new double[res.count()];
        for (int b = 0; b < res.count(); b++) {
            double s = 0;
            if (res.precision() == Precision.FP64) {
                for (double r : c(res).d(b).data) {
                    s += r * r;
                }
            } else {
                for (float r : c(res).f(b).data) {
                    s += (double) r * r;
                }
            }
            out[b] = scale * scale * s;
        }
        return out;
    }

    /** E = 𝒜*(res): zero except s·res_i at (j_i, l_i). */
    @Override
    protected void adjointImpl(MatrixBatch res, MatrixBatch e) {
        int n2 = n2();
        boolean fp64 = res.precision() == Precision.FP64;
        for (int b = 0; b < res.count(); b++) {
            double[] ed = fp64 ? c(e).d(b).data : null;
            float[] ef = fp64 ? null : c(e).f(b).data;
            if (fp64) {
                Arrays.fill(ed, 0);
            } else {
                Arrays.fill(ef, 0);
            }
            for (int j = 0; j < n1(); j++) {
                for (int i = rowStart[j]; i < rowStart[j + 1]; i++) {
                    int at = j * n2 + column[i];
                    if (fp64) {
                        ed[at] = scale * c(res).d(b).data[i];
                    } else {
                        ef[at] = (float) (scale * c(res).f(b).data[i]);
                    }
                }
            }
        }
    }
}
