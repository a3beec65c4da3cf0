package org.msense.cpu;

import java.util.Arrays;

/**
 * The fp64 gradient pass of {@link CompletionOperator} in one sweep over the observed entries, tiled so that every factor
 * row it touches stays in the core's cache and nothing is scattered into an array of length m.
 * <p>
 * The rows are cut into {@code blocks} row blocks and the columns into as many column blocks; tile (R, C) holds the
 * observed entries with row in block R and column in block C. For every entry i = (j, l) of a tile, in row-major order
 * within the tile:
 * <pre>
 *   res_i       = s·⟨V[j,:], W[l,:]⟩ − y_i        (or read from res when the residual is given)
 *   gradV[j,:] += res_i·W[l,:]
 *   gradW[l,:] += res_i·V[j,:]
 * </pre>
 * and both gradients are multiplied by s = √(n1·n2/m) at the end. The tiles are visited in {@code blocks} steps: step t
 * takes the tiles (R, (R + t) mod blocks) for every R. Within one step no two tiles share a row block or a column block,
 * so the threads split a step's tiles without any two writing the same gradient row, and a step ends before the next
 * starts. Each gradient row is therefore summed in an order fixed by the tiling alone (gradV[j,:]: column blocks
 * R, R+1, …, cyclically, each in ascending column; gradW[l,:]: row blocks C, C−1, …, cyclically, each in ascending row),
 * so the results are bit-identical for any thread count. The residual is the same number as the row-order residual
 * pass computes (both use {@link #dot}).
 * <p>
 * Besides the operator's row-sorted entry list the layout holds one int per (row, column block) boundary:
 * n1·(blocks+1) ints, with blocks limited to m/max(n1, n2) so that this stays O(m + n1 + n2).
 */
final class CompletionTileSweep {
    /** Rows (and columns) per block at most: 2048 factor rows of k = 10 doubles are 160 KiB. */
    static final int TILE = 2048;

    private final ParallelLoops loops;
    private final int n1;
    private final int blocks;
    private final int rowBlock;
    private final int colBlock;
    private final int[] column;
    /** segment[j·(blocks+1) + C]: the first entry of row j whose column is in block C or later. */
    private final int[] segment;
    /** The entries in tile order (tiles (R, C) by R then C, row-major within a tile): where tile R·blocks + C starts. */
    private final int[] tileStart;
    /** The column of each entry in tile order. */
    private final int[] tileColumn;
    /** The residual of the current item in tile order (m numbers, allocated at first use). */
    private double[] tileResidual = new double[0];

    /**
     * @param rowStart the row offsets of the row-sorted entry list (n1 + 1 numbers); not kept
     * @param column   the column of each entry in that list, ascending within a row; kept, not modified
     */
    CompletionTileSweep(ParallelLoops loops, int n1, int n2, int[] rowStart, int[] column) {
        this(loops, n1, n2, rowStart, column, TILE);
    }

    /** As above with at most {@code tile} rows (and columns) per block (tests use small tiles). */
    CompletionTileSweep(ParallelLoops loops, int n1, int n2, int[] rowStart, int[] column, int tile) {
        this.loops = loops;
        this.n1 = n1;
        this.column = column;
        int m = column.length;
        int n = Math.max(n1, n2);
        int wanted = (n + tile - 1) / tile;
        this.blocks = Math.max(1, Math.min(wanted, m / n));
        this.rowBlock = (n1 + blocks - 1) / blocks;
        this.colBlock = (n2 + blocks - 1) / blocks;
        int stride = blocks + 1;
        segment = new int[n1 * stride];
        for (int j = 0; j < n1; j++) {
            int i = rowStart[j];
            int end = rowStart[j + 1];
            for (int c = 0; c < blocks; c++) {
                int limit = (c + 1) * colBlock;
                segment[j * stride + c] = i;
                while (i < end && column[i] < limit) {
                    i++;
                }
            }
            segment[j * stride + blocks] = end;
        }
        tileStart = new int[blocks * blocks + 1];
        tileColumn = new int[m];
        int p = 0;
        for (int rb = 0; rb < blocks; rb++) {
            for (int cb = 0; cb < blocks; cb++) {
                tileStart[rb * blocks + cb] = p;
                for (int j = rb * rowBlock; j < Math.min(n1, (rb + 1) * rowBlock); j++) {
                    for (int i = segment[j * stride + cb]; i < segment[j * stride + cb + 1]; i++) {
                        tileColumn[p++] = column[i];
                    }
                }
            }
        }
        tileStart[blocks * blocks] = p;
    }

    /**
     * ⟨a[ao..ao+k), b[bo..bo+k)⟩ summed in a fixed order with four independent chains: s_t = Σ_{q ≡ t mod 4} a_q·b_q
     * (q ascending, starting from the first product, 0 for an empty chain), then (s0 + s1) + (s2 + s3). Every
     * completion residual in fp64 is this number, whichever pass computes it.
     */
    static double dot(double[] a, int ao, double[] b, int bo, int k) {
        double s0 = k > 0 ? a[ao] * b[bo] : 0;
        double s1 = k > 1 ? a[ao + 1] * b[bo + 1] : 0;
        double s2 = k > 2 ? a[ao + 2] * b[bo + 2] : 0;
        double s3 = k > 3 ? a[ao + 3] * b[bo + 3] : 0;
        int q = 4;
        for (; q + 3 < k; q += 4) {
            s0 += a[ao + q] * b[bo + q];
            s1 += a[ao + q + 1] * b[bo + q + 1];
            s2 += a[ao + q + 2] * b[bo + q + 2];
            s3 += a[ao + q + 3] * b[bo + q + 3];
        }
        if (q < k) {
            s0 += a[ao + q] * b[bo + q];
        }
        if (q + 1 < k) {
            s1 += a[ao + q + 1] * b[bo + q + 1];
        }
        if (q + 2 < k) {
            s2 += a[ao + q + 2] * b[bo + q + 2];
        }
        return (s0 + s1) + (s2 + s3);
    }

    int blocks() {
        return blocks;
    }

    long bytes() {
        return 4L * (segment.length + tileStart.length + tileColumn.length) + 8L * tileResidual.length;
    }

    /**
     * gradV = s·Σ res_i·W[l_i,:] e_{j_i}ᵀ and gradW = s·Σ res_i·V[j_i,:] e_{l_i}ᵀ for one item, k columns per factor row.
     *
     * @param y        the measurements when {@code compute} (not modified); ignored (may be null) otherwise
     * @param res      written with s·⟨V[j_i,:], W[l_i,:]⟩ − y_i when {@code compute}; read (not modified) otherwise
     * @param gradV    overwritten (n1·k numbers)
     * @param gradW    overwritten (n2·k numbers)
     */
    void run(double[] v, double[] w, double[] y, double[] res, double[] gradV, double[] gradW, int k, double scale,
            boolean compute) {
        if (tileResidual.length != column.length) {
            tileResidual = new double[column.length];
        }
        double[] t = tileResidual;
        // the sweep reads and writes the residual in tile order: y (or the given residual) is copied into t first
        reorder(compute ? y : res, t, true);
        Arrays.fill(gradV, 0);
        Arrays.fill(gradW, 0);
        for (int step = 0; step < blocks; step++) {
            int shift = step;
            loops.forChunks(blocks, 1, (chunk, from, to) -> {
                for (int r = from; r < to; r++) {
                    int c = (r + shift) % blocks;
                    if (k == 10) {
                        tile10(r, c, v, w, t, gradV, gradW, scale, compute);
                    } else {
                        tile(r, c, v, w, t, gradV, gradW, k, scale, compute);
                    }
                }
            });
        }
        if (compute) {
            reorder(t, res, false);
        }
        loops.forChunks(n1, 256, (chunk, from, to) -> {
            for (int o = from * k; o < to * k; o++) {
                gradV[o] *= scale;
            }
        });
        int n2k = gradW.length;
        for (int o = 0; o < n2k; o++) {
            gradW[o] *= scale;
        }
    }

    /**
     * Copies between measurement order and tile order: into tile order ({@code toTiles}: t[p(i)] = from[i]) or back
     * (to[i] = from[p(i)]). Both sides are read or written in runs (one run per row and column block); threads split
     * the row blocks, which own disjoint ranges of both orders.
     */
    private void reorder(double[] from, double[] to, boolean toTiles) {
        int stride = blocks + 1;
        loops.forChunks(blocks, 1, (chunk, first, last) -> {
            int[] cursor = new int[blocks];
            for (int rb = first; rb < last; rb++) {
                System.arraycopy(tileStart, rb * blocks, cursor, 0, blocks);
                for (int j = rb * rowBlock; j < Math.min(n1, (rb + 1) * rowBlock); j++) {
                    int base = j * stride;
                    for (int cb = 0; cb < blocks; cb++) {
                        int at = segment[base + cb];
                        int len = segment[base + cb + 1] - at;
                        if (toTiles) {
                            System.arraycopy(from, at, to, cursor[cb], len);
                        } else {
                            System.arraycopy(from, cursor[cb], to, at, len);
                        }
                        cursor[cb] += len;
                    }
                }
            }
        });
    }

    /**
     * One tile, any k. {@code t} holds y in tile order and is overwritten with the residual when {@code compute}; it
     * holds the residual otherwise.
     */
    private void tile(int rb, int cb, double[] vd, double[] wd, double[] t, double[] gd, double[] gw, int k,
            double scale, boolean compute) {
        int stride = blocks + 1;
        int j0 = rb * rowBlock;
        int j1 = Math.min(n1, j0 + rowBlock);
        int[] col = tileColumn;
        int i = tileStart[rb * blocks + cb];
        for (int j = j0; j < j1; j++) {
            int end = i + segment[j * stride + cb + 1] - segment[j * stride + cb];
            int vo = j * k;
            for (; i < end; i++) {
                int wo = col[i] * k;
                double r;
                if (compute) {
                    r = scale * dot(vd, vo, wd, wo, k) - t[i];
                    t[i] = r;
                } else {
                    r = t[i];
                }
                for (int q = 0; q < k; q++) {
                    gd[vo + q] += r * wd[wo + q];
                    gw[wo + q] += r * vd[vo + q];
                }
            }
        }
    }

    /**
     * {@link #tile} for k = 10 with the row of V and its gradient accumulators held in locals: the same operations in the
     * same order, so the same bits, without re-reading V or gradV after each store into gradW.
     */
    private void tile10(int rb, int cb, double[] vd, double[] wd, double[] t, double[] gd, double[] gw, double scale,
            boolean compute) {
        int stride = blocks + 1;
        int j0 = rb * rowBlock;
        int j1 = Math.min(n1, j0 + rowBlock);
        int[] col = tileColumn;
        int i = tileStart[rb * blocks + cb];
        for (int j = j0; j < j1; j++) {
            int end = i + segment[j * stride + cb + 1] - segment[j * stride + cb];
            if (i == end) {
                continue;
            }
            int vo = j * 10;
            double v0 = vd[vo], v1 = vd[vo + 1], v2 = vd[vo + 2], v3 = vd[vo + 3], v4 = vd[vo + 4], v5 = vd[vo + 5], v6 = vd[vo + 6], v7 = vd[vo + 7], v8 = vd[vo + 8], v9 = vd[vo + 9];
            double g0 = gd[vo], g1 = gd[vo + 1], g2 = gd[vo + 2], g3 = gd[vo + 3], g4 = gd[vo + 4], g5 = gd[vo + 5], g6 = gd[vo + 6], g7 = gd[vo + 7], g8 = gd[vo + 8], g9 = gd[vo + 9];
            for (; i < end; i++) {
                int wo = col[i] * 10;
                double a0 = wd[wo], a1 = wd[wo + 1], a2 = wd[wo + 2], a3 = wd[wo + 3], a4 = wd[wo + 4], a5 = wd[wo + 5], a6 = wd[wo + 6], a7 = wd[wo + 7], a8 = wd[wo + 8], a9 = wd[wo + 9];
                double r;
                if (compute) {
                    double s0 = v0 * a0;
                    double s1 = v1 * a1;
                    double s2 = v2 * a2;
                    double s3 = v3 * a3;
                    s0 += v4 * a4;
                    s1 += v5 * a5;
                    s2 += v6 * a6;
                    s3 += v7 * a7;
                    s0 += v8 * a8;
                    s1 += v9 * a9;
                    double dot = (s0 + s1) + (s2 + s3);
                    r = scale * dot - t[i];
                    t[i] = r;
                } else {
                    r = t[i];
                }
                g0 += r * a0;
                g1 += r * a1;
                g2 += r * a2;
                g3 += r * a3;
                g4 += r * a4;
                g5 += r * a5;
                g6 += r * a6;
                g7 += r * a7;
                g8 += r * a8;
                g9 += r * a9;
                gw[wo] += r * v0;
                gw[wo + 1] += r * v1;
                gw[wo + 2] += r * v2;
                gw[wo + 3] += r * v3;
                gw[wo + 4] += r * v4;
                gw[wo + 5] += r * v5;
                gw[wo + 6] += r * v6;
                gw[wo + 7] += r * v7;
                gw[wo + 8] += r * v8;
                gw[wo + 9] += r * v9;
            }
            gd[vo] = g0;
            gd[vo + 1] = g1;
            gd[vo + 2] = g2;
            gd[vo + 3] = g3;
            gd[vo + 4] = g4;
            gd[vo + 5] = g5;
            gd[vo + 6] = g6;
            gd[vo + 7] = g7;
            gd[vo + 8] = g8;
            gd[vo + 9] = g9;
        }
    }

}
