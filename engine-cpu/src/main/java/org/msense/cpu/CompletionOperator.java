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
 * Nothing of size n1×n2 is formed: the operator holds four int arrays of length m (row and column of each entry, the
 * column order and the rows in that order) and the two offset arrays, O(m + n1 + n2). Each output row (of res,
 * gradV, gradW) is summed by one thread in a fixed order, and threads split the rows, so the results are bit-identical
 * for any thread count. The residual and gradV are one pass over the row-sorted list; gradW a second pass over the
 * column order (the row pass also stores the residual in column order). In fp64 both passes visit the entries in
 * tiles of 1024 output rows × 2048 factor rows, so the factor rows they gather stay in cache; tiles keep each output
 * row's summation order. fp32 factors use the untiled loops, accumulated in fp64 and rounded once per output.
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
    /** Inverse of byColumn: the column-order position of measurement i. */
    private final int[] columnPosition;
    /** The residual of each item in column order (host scratch, B·m numbers), written by the row pass. */
    private double[][] residualByColumn = new double[0][];

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
        columnPosition = new int[m];
        int[] next = Arrays.copyOf(columnStart, n2);
        for (int j = 0; j < n1; j++) {
            for (int i = rowStart[j]; i < rowStart[j + 1]; i++) {
                int p = next[column[i]]++;
                byColumn[p] = i;
                columnPosition[i] = p;
                rowByColumn[p] = j;
            }
        }
    }

    /** s = √(n1·n2/m). */
    double scale() {
        return scale;
    }

    @Override
    public long bytes() {
        long scratch = 0;
        for (double[] r : residualByColumn) {
            scratch += 8L * r.length;
        }
        return 4L * (column.length + byColumn.length + rowByColumn.length + columnPosition.length + rowStart.length
                + columnStart.length) + scratch + keptBytes();
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
        pass(v, w, y, res, gradV);
        columnPass(res, v, gradW, v.precision() == Precision.FP64);
    }

    @Override
    protected void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        rowGradient(res, w, gradV);
        columnPass(res, v, gradW, false);
    }

    /** res (and gradV when not null) in one pass over the row-sorted entries. */
    private void pass(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res, MatrixBatch gradV) {
        int k = v.cols();
        int n1 = n1();
        for (int b = 0; b < v.count(); b++) {
            int item = b;
            if (v.precision() == Precision.FP64) {
                double[] vd = c(v).d(item).data;
                double[] wd = c(w).d(item).data;
                double[] yd = c(y).d(item).data;
                double[] rd = c(res).d(item).data;
                double[] gd = gradV == null ? null : c(gradV).d(item).data;
                double[] rc = gradV == null ? null : columnResidual(item, v.count());
                int n2 = n2();
                loops.forChunks(n1, MIN_ROWS, (chunk, from, to) -> {
                    int[] cursor = new int[TILE_OUT];
                    for (int j0 = from; j0 < to; j0 += TILE_OUT) {
                        int j1 = Math.min(to, j0 + TILE_OUT);
                        for (int j = j0; j < j1; j++) {
                            cursor[j - j0] = rowStart[j];
                        }
                        if (gd != null) {
                            Arrays.fill(gd, j0 * k, j1 * k, 0);
                        }
                        // column tiles in ascending order: each row still sums its entries in column order
                        for (int l0 = 0; l0 < n2; l0 += TILE_IN) {
                            int l1 = Math.min(n2, l0 + TILE_IN);
                            for (int j = j0; j < j1; j++) {
                                int vo = j * k;
                                int i = cursor[j - j0];
                                int end = rowStart[j + 1];
                                // four entries at a time: four independent dot-product chains (each summed in the
                                // same order as alone, so the bits do not change), then their updates in entry order
                                for (; i + 3 < end && column[i + 3] < l1; i += 4) {
                                    int w0 = column[i] * k;
                                    int w1 = column[i + 1] * k;
                                    int w2 = column[i + 2] * k;
                                    int w3 = column[i + 3] * k;
                                    double d0 = 0;
                                    double d1 = 0;
                                    double d2 = 0;
                                    double d3 = 0;
                                    for (int q = 0; q < k; q++) {
                                        double x = vd[vo + q];
                                        d0 += x * wd[w0 + q];
                                        d1 += x * wd[w1 + q];
                                        d2 += x * wd[w2 + q];
                                        d3 += x * wd[w3 + q];
                                    }
                                    double r0 = scale * d0 - yd[i];
                                    double r1 = scale * d1 - yd[i + 1];
                                    double r2 = scale * d2 - yd[i + 2];
                                    double r3 = scale * d3 - yd[i + 3];
                                    rd[i] = r0;
                                    rd[i + 1] = r1;
                                    rd[i + 2] = r2;
                                    rd[i + 3] = r3;
                                    if (gd != null) {
                                        rc[columnPosition[i]] = r0;
                                        rc[columnPosition[i + 1]] = r1;
                                        rc[columnPosition[i + 2]] = r2;
                                        rc[columnPosition[i + 3]] = r3;
                                        for (int q = 0; q < k; q++) {
                                            double g = gd[vo + q];
                                            g += r0 * wd[w0 + q];
                                            g += r1 * wd[w1 + q];
                                            g += r2 * wd[w2 + q];
                                            g += r3 * wd[w3 + q];
                                            gd[vo + q] = g;
                                        }
                                    }
                                }
                                for (; i < end && column[i] < l1; i++) {
                                    int wo = column[i] * k;
                                    double dot = 0;
                                    for (int q = 0; q < k; q++) {
                                        dot += vd[vo + q] * wd[wo + q];
                                    }
                                    double r = scale * dot - yd[i];
                                    rd[i] = r;
                                    if (gd != null) {
                                        rc[columnPosition[i]] = r;
                                        for (int q = 0; q < k; q++) {
                                            gd[vo + q] += r * wd[wo + q];
                                        }
                                    }
                                }
                                cursor[j - j0] = i;
                            }
                        }
                        if (gd != null) {
                            for (int o = j0 * k; o < j1 * k; o++) {
                                gd[o] *= scale;
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
     * gradW[l,:] = s·Σ_{p in column l} res_{i_p}·V[j_p,:] (rows ascending within a column). In fp64 the residual is read
     * in column order from the scratch the row pass filled ({@code ordered}) or gathered here; columns are taken in
     * tiles against row tiles of V, as in the row pass.
     */
    private void columnPass(MatrixBatch res, MatrixBatch v, MatrixBatch gradW, boolean ordered) {
        if (v.precision() != Precision.FP64) {
            accumulate(res, v, gradW, n2(), columnStart, byColumn, rowByColumn);
            return;
        }
        int k = v.cols();
        int n1 = n1();
        for (int b = 0; b < v.count(); b++) {
            double[] rc = columnResidual(b, v.count());
            if (!ordered) {
                double[] rd = c(res).d(b).data;
                for (int p = 0; p < rc.length; p++) {
                    rc[p] = rd[byColumn[p]];
                }
            }
            double[] vd = c(v).d(b).data;
            double[] gd = c(gradW).d(b).data;
            loops.forChunks(n2(), MIN_ROWS, (chunk, from, to) -> {
                int[] cursor = new int[TILE_OUT];
                for (int l0 = from; l0 < to; l0 += TILE_OUT) {
                    int l1 = Math.min(to, l0 + TILE_OUT);
                    for (int l = l0; l < l1; l++) {
                        cursor[l - l0] = columnStart[l];
                    }
                    Arrays.fill(gd, l0 * k, l1 * k, 0);
                    for (int j0 = 0; j0 < n1; j0 += TILE_IN) {
                        int j1 = Math.min(n1, j0 + TILE_IN);
                        for (int l = l0; l < l1; l++) {
                            int go = l * k;
                            int p = cursor[l - l0];
                            int end = columnStart[l + 1];
                            for (; p < end && rowByColumn[p] < j1; p++) {
                                double r = rc[p];
                                int vo = rowByColumn[p] * k;
                                for (int q = 0; q < k; q++) {
                                    gd[go + q] += r * vd[vo + q];
                                }
                            }
                            cursor[l - l0] = p;
                        }
                    }
                    for (int o = l0 * k; o < l1 * k; o++) {
                        gd[o] *= scale;
                    }
                }
            });
        }
    }

    /** Item b's residual-in-column-order scratch (allocated for {@code count} items at first use). */
    private double[] columnResidual(int b, int count) {
        if (residualByColumn.length != count) {
            residualByColumn = new double[count][measurements()];
        }
        return residualByColumn[b];
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
