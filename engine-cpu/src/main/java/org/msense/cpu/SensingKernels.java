package org.msense.cpu;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The sensing contractions on the CPU for a batch of B trajectories. The stacked operator is one m×N
 * row-major matrix (N = n1·n2); X_b, E_b are read as vectors of length N.
 *
 * <p>The fused pass reads 𝒜 once per call for all B trajectories: the rows are split into at most
 * {@value #MAX_CHUNKS} contiguous chunks whose bounds depend on m and B only ({@link #chunkRows}); the
 * workers take the chunks from a shared counter, so a worker that loses its core for a while does not hold up
 * the pass. For each block of rows of a chunk (still in cache) it forms ⟨A_i, X_b⟩ for every b, the residual
 * r_bi = ⟨A_i, X_b⟩ − y_bi, and adds r_bi·A_i into the chunk's own fp64 accumulator of E_b; the accumulators
 * are summed in chunk order at the end, so the results are bitwise the same for any thread count and any
 * scheduling. Dot products, residuals
 * and accumulators are fp64 whatever the storage precision of 𝒜 or of the work data (fp32 values are
 * widened exactly on load, and results rounded once when stored).
 *
 * <p>For one trajectory (B = 1) and an fp64 operator the pass of each chunk runs in C ({@link NativeSensingPass}) where
 * its library loads (Linux x86-64 with AVX2 and FMA): the same blocks and sums, about a fifth faster on two cores.
 * Otherwise (batches, an fp32-stored operator, no library) the pass is vectorized with the JDK Vector API
 * ({@link VectorSensingPass}) when the
 * {@code jdk.incubator.vector} module is in the boot layer (the launcher and the tests add it); otherwise a
 * scalar pass with four independent dot-product accumulators runs, and {@link #implementation()} says so
 * (it is shown in the engine properties and the run summary).
 *
 * <p>The unfused path is plain EJML (forward product, then the transposed product) and serves as the
 * reference the fused pass is tested against.
 */
final class SensingKernels {
    /** Whether the Vector API module is present, so that {@link VectorSensingPass} can be loaded. */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private final ParallelLoops loops;
    private boolean vectorized = VECTOR_API;
    /** Whether one trajectory's pass runs in C ({@link NativeSensingPass}); set when the library loaded. */
    private boolean nativePass = NativeSensingPass.available();
    /** Per-chunk accumulators, reused between calls; grown on demand. */
    private double[][] scratch = new double[0][];
    /** x, y and the residuals in the interleaved layout of {@link VectorSensingPass}, reused between calls. */
    private double[] panelX;
    private double[] panelY;
    private double[] panelRes;

    /** Chunks of rows per pass at most (each has an accumulator of B·N doubles). */
    static final int MAX_CHUNKS = 16;
    /** Rows per chunk at least (times B, so that the accumulators stay small beside 𝒜). */
    private static final int MIN_CHUNK_ROWS = 64;
    /** Chunk bounds are multiples of this (the row blocks of {@link VectorSensingPass}). */
    private static final int CHUNK_ALIGN = 16;

    SensingKernels(ParallelLoops loops) {
        this.loops = loops;
    }

    /** One line naming the fused pass in use: for one trajectory, and for batches. */
    String implementation() {
        String java = vectorized ? "Vector API (" + VectorSensingPass.D.vectorBitSize() + "-bit)"
                : "scalar (start the JVM with --add-modules jdk.incubator.vector to vectorize)";
        if (vectorized && nativePass) {
            return "fused, " + NativeSensingPass.status() + " for one trajectory and an fp64 operator, " + java
                    + " otherwise";
        }
        String why = NativeSensingPass.available() ? "turned off for this engine" : NativeSensingPass.status();
        return "fused, " + java + (vectorized ? " (no native pass: " + why + ")" : "");
    }

    /** Selects the scalar pass even when the Vector API is present (to test and compare it). */
    void forceScalar(boolean scalar) {
        this.vectorized = !scalar && VECTOR_API;
    }

    /** Runs one trajectory's pass in Java even when the native pass is available (to test and compare it). */
    void forceJava(boolean java) {
        this.nativePass = !java && NativeSensingPass.available();
    }

    /**
     * The fused pass: res_b = 𝒜(X_b) − y_b and E_b = 𝒜*(res_b) for every b in one read of 𝒜. The operator
     * may be fp64 or fp32; x, y, res, e share one precision (fp64 or fp32). y of count 1 is broadcast.
     * Modifies res and e.
     */
    void fused(CpuMatrixBatch op, CpuMatrixBatch x, CpuMatrixBatch y, CpuMatrixBatch res, CpuMatrixBatch e) {
        int m = op.rows();
        int n = op.cols();
        int batch = x.count();
        double[][] xs = new double[batch][];
        double[][] ys = new double[batch][];
        double[][] rs = new double[batch][];
        for (int b = 0; b < batch; b++) {
            xs[b] = x.d != null ? x.d[b].data : widen(x.f[b].data);
            ys[b] = y.d != null ? y.d(b).data : (b > 0 && y.count() == 1 ? ys[0] : widen(y.f(b).data));
            rs[b] = res.d != null ? res.d[b].data : new double[m];
        }
        double[] a64 = op.d != null ? op.d[0].data : null;
        float[] a32 = op.f != null ? op.f[0].data : null;
        if (vectorized && batch >= VectorSensingPass.INTERLEAVE_MIN) {
            int bp = VectorSensingPass.paddedBatch(batch);
            double[] xi = panelX = grown(panelX, n * bp);
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < n; j++) {
                    xi[VectorSensingPass.panelIndex(b, j, n, bp)] = xs[b][j];
                }
            }
            double[] yi = panelY = grown(panelY, m * bp);
            interleave(ys, m, bp, yi);
            double[] ri = panelRes = grown(panelRes, m * bp);
            int chunks = inChunks(m, batch, n * bp, (from, to, acc) -> {
                if (a64 != null) {
                    VectorSensingPass.interleaved(a64, n, bp, from, to, xi, yi, ri, acc);
                } else {
                    VectorSensingPass.interleaved(a32, n, bp, from, to, xi, yi, ri, acc);
                }
            });
            for (int b = 0; b < batch; b++) {
                double[] r = rs[b];
                for (int i = 0; i < m; i++) {
                    r[i] = ri[i * bp + b];
                }
            }
            sumWorkers(chunks, batch, n, e, (b, j) -> VectorSensingPass.panelIndex(b, j, n, bp));
        } else {
            boolean inC = vectorized && nativePass && batch == 1 && a64 != null;
            int chunks = inChunks(m, batch, batch * n, (from, to, acc) -> {
                if (inC) {
                    NativeSensingPass.rowMajor(a64, n, from, to, xs[0], ys[0], rs[0], acc);
                } else if (vectorized) {
                    if (a64 != null) {
                        VectorSensingPass.rowMajor(a64, n, from, to, xs, ys, rs, acc);
                    } else {
                        VectorSensingPass.rowMajor(a32, n, from, to, xs, ys, rs, acc);
                    }
                } else if (a64 != null) {
                    scalarRowMajor(a64, n, from, to, xs, ys, rs, acc);
                } else {
                    scalarRowMajor(a32, n, from, to, xs, ys, rs, acc);
                }
            });
            sumWorkers(chunks, batch, n, e, (b, j) -> b * n + j);
        }
        if (res.f != null) {
            for (int b = 0; b < batch; b++) {
                float[] t = res.f[b].data;
                double[] r = rs[b];
                for (int i = 0; i < m; i++) {
                    t[i] = (float) r[i];
                }
            }
        }
    }

    private static double[] widen(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** The pass over rows [from, to) into the chunk's accumulator acc (zeroed). */
    private interface ChunkBody {
        void run(int from, int to, double[] acc);
    }

    /**
     * Runs {@code body} on every chunk of the m rows ({@link #chunkRows}) on the workers, each chunk with its own
     * accumulator {@code scratch[c]} whose first {@code accLength} entries are zeroed first. Returns the number of chunks.
     */
    private int inChunks(int m, int batch, int accLength, ChunkBody body) {
        int rows = chunkRows(m, batch);
        int chunks = (m + rows - 1) / rows;
        ensureScratch(chunks, accLength);
        loops.forTasks(chunks, chunk -> {
            int from = chunk * rows;
            double[] acc = scratch[chunk];
            Arrays.fill(acc, 0, accLength, 0.0);
            body.run(from, Math.min(m, from + rows), acc);
        });
        return chunks;
    }

    /**
     * Rows per chunk of the pass over m rows for B trajectories: m split into at most {@value #MAX_CHUNKS} chunks of at
     * least {@value #MIN_CHUNK_ROWS}·B rows, rounded up to a multiple of {@value #CHUNK_ALIGN}. It depends on m and B
     * only, never on the thread count, so the accumulators and their sum in chunk order are the same for any thread
     * count. (The accumulators together hold at most m/64 rows' worth of doubles, a small fraction of 𝒜.)
     */
    static int chunkRows(int m, int batch) {
        int chunks = Math.max(1, Math.min(MAX_CHUNKS, m / (MIN_CHUNK_ROWS * batch)));
        int rows = (m + chunks - 1) / chunks;
        return (rows + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN;
    }

    /**
     * E_b[j] = Σ_c scratch[c][index(b, j)] over the first {@code chunks} chunk accumulators, summed in chunk
     * order (so the result does not depend on scheduling or the thread count) and split over the workers by j.
     * Modifies e.
     */
    private void sumWorkers(int chunks, int batch, int n, CpuMatrixBatch e, java.util.function.IntBinaryOperator index) {
        loops.forChunks(n, Math.max(1, (1 << 14) / batch), (c, from, to) -> {
            for (int j = from; j < to; j++) {
                for (int b = 0; b < batch; b++) {
                    int idx = index.applyAsInt(b, j);
                    double s = scratch[0][idx];
                    for (int w = 1; w < chunks; w++) {
                        s += scratch[w][idx];
                    }
                    store(e, b, j, s);
                }
            }
        });
    }

    /** {@code a} when it holds at least {@code length} elements, else a new array of that length. */
    private static double[] grown(double[] a, int length) {
        return a != null && a.length >= length ? a : new double[length];
    }

    /** out[j·bp + b] = v[b][j] for b &lt; B, zero in the padding lanes. Modifies out. */
    private static void interleave(double[][] v, int length, int bp, double[] out) {
        Arrays.fill(out, 0, length * bp, 0.0);
        for (int b = 0; b < v.length; b++) {
            double[] src = v[b];
            for (int j = 0; j < length; j++) {
                out[j * bp + b] = src[j];
            }
        }
    }

    /** e[b][j] = value, rounded to the precision of e. */
    private static void store(CpuMatrixBatch e, int b, int j, double value) {
        if (e.d != null) {
            e.d[b].data[j] = value;
        } else {
            e.f[b].data[j] = (float) value;
        }
    }

    private void ensureScratch(int chunks, int length) {
        if (scratch.length < chunks) {
            scratch = Arrays.copyOf(scratch, chunks);
        }
        for (int w = 0; w < chunks; w++) {
            if (scratch[w] == null || scratch[w].length < length) {
                scratch[w] = new double[length];
            }
        }
    }

    // ----------------------------------------------------------------------------------- scalar fused pass

    /** The scalar fused pass over rows [from, to): as {@link VectorSensingPass#rowMajor}, one row at a time. */
    static void scalarRowMajor(double[] a, int n, int from, int to, double[][] x, double[][] y, double[][] res,
            double[] acc) {
        for (int i = from; i < to; i++) {
            scalarRow(a, i * n, n, i, x, y, res, acc);
        }
    }

    /**
     * The same with the operator stored in fp32: each row is widened (exactly) into an fp64 scratch row and
     * passed to the fp64 code, so both give bitwise the same result on the same values.
     */
    static void scalarRowMajor(float[] a, int n, int from, int to, double[][] x, double[][] y, double[][] res,
            double[] acc) {
        double[] row = new double[n];
        for (int i = from; i < to; i++) {
            int base = i * n;
            for (int j = 0; j < n; j++) {
                row[j] = a[base + j];
            }
            scalarRow(row, 0, n, i, x, y, res, acc);
        }
    }

    /**
     * Row i (stored at a[base … base + n)): res[b][i] = ⟨A_i, x_b⟩ − y_b[i] for every b, then acc_b += res[b][i]·A_i.
     * Modifies res and acc.
     */
    private static void scalarRow(double[] a, int base, int n, int i, double[][] x, double[][] y, double[][] res,
            double[] acc) {
        for (int b = 0; b < x.length; b++) {
            double[] xb = x[b];
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                s0 += a[base + j] * xb[j];
                s1 += a[base + j + 1] * xb[j + 1];
                s2 += a[base + j + 2] * xb[j + 2];
                s3 += a[base + j + 3] * xb[j + 3];
            }
            for (; j < n; j++) {
                s0 += a[base + j] * xb[j];
            }
            res[b][i] = (s0 + s1) + (s2 + s3) - y[b][i];
        }
        for (int b = 0; b < x.length; b++) {
            double r = res[b][i];
            int c = b * n;
            for (int j = 0; j < n; j++) {
                acc[c + j] += r * a[base + j];
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

    /**
     * Reference for an fp32 operator with fp64 data: res_b[i] = Σ_j a_ij·x_b[j] − y_b[i], every product and
     * sum in fp64 (the fp32 entries widened exactly), one plain loop per row. Modifies res.
     */
    static void residualWidened(FMatrixRMaj op, DMatrixRMaj[] x, CpuMatrixBatch y, DMatrixRMaj[] res) {
        int m = op.numRows;
        int n = op.numCols;
        float[] a = op.data;
        for (int b = 0; b < x.length; b++) {
            double[] xb = x[b].data;
            double[] yb = y.d(b).data;
            double[] rb = res[b].data;
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[i * n + j] * xb[j];
                }
                rb[i] = s - yb[i];
            }
        }
    }

    /** Reference for an fp32 operator with fp64 data: e_b = Σ_i res_b[i]·A_i in fp64. Modifies e. */
    static void adjointWidened(FMatrixRMaj op, DMatrixRMaj[] res, DMatrixRMaj[] e) {
        int m = op.numRows;
        int n = op.numCols;
        float[] a = op.data;
        for (int b = 0; b < res.length; b++) {
            double[] rb = res[b].data;
            double[] eb = e[b].data;
            Arrays.fill(eb, 0.0);
            for (int i = 0; i < m; i++) {
                double r = rb[i];
                for (int j = 0; j < n; j++) {
                    eb[j] += r * a[i * n + j];
                }
            }
        }
    }
}
