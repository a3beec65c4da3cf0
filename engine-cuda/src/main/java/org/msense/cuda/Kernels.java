package org.msense.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchCooperativeKernel;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Precision;

/**
 * The module built from native/src/msense_kernels.cu ({@link KernelImage}) and typed launchers for its
 * kernels. Every launch is a 1D grid of {@link #THREADS}-thread blocks on the default stream; the element
 * kernels loop with a grid stride, so the grid is capped at {@link #MAX_BLOCKS}. Argument types match the
 * C signatures exactly: device pointers, {@code unsigned long long} as {@code long}, {@code unsigned int}
 * and {@code int} as {@code int}, {@code double} as {@code double}.
 */
final class Kernels implements AutoCloseable {
    static final int THREADS = 256;
    /** Must equal MSENSE_REDUCE_THREADS in msense_kernels.cu. */
    static final int REDUCE_THREADS = 256;
    static final int MAX_BLOCKS = 1 << 16;

    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Runnable afterLaunch;
    private boolean loaded;
    private long launches;

    /**
     * Loads a kernel image ({@link KernelImage#select}) into the current context and resolves every kernel.
     *
     * @param image       the image for this driver and device
     * @param afterLaunch run after every launch (the engine's debug synchronization, or nothing)
     */
    Kernels(KernelImage.Image image, Runnable afterLaunch) {
        this.afterLaunch = afterLaunch;
        cuModuleLoadData(module, image.bytes());
        loaded = true;
        try {
            for (String name : KernelImage.KERNELS) {
                CUfunction f = new CUfunction();
                cuModuleGetFunction(f, module, name);
                functions.put(name, f);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    long launches() {
        return launches;
    }

    private static String suffix(Precision p) {
        return p == Precision.FP64 ? "_f64" : "_f32";
    }

    private static int blocks(long work) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (work + THREADS - 1) / THREADS));
    }

    /**
     * The PTX parameter types of every kernel, in order ({@code u64} for pointers and 64-bit integers,
     * {@code u32} for 32-bit integers, {@code f64} for doubles). Every launch checks its arguments against
     * this table, and KernelManifestTest checks the table against the PTX that nvcc generates.
     */
    static final Map<String, List<String>> SIGNATURES = signatures();

    private static Map<String, List<String>> signatures() {
        Map<String, List<String>> m = new HashMap<>();
        for (String t : new String[] {"_f64", "_f32"}) {
            m.put("msense_fill_gaussian" + t, List.of("u64", "u32", "u32", "u64", "u64", "f64", "u64"));
            m.put("msense_subtract" + t, List.of("u64", "u64", "u64", "u64", "u32"));
            m.put("msense_scale_add" + t, List.of("u64", "u64", "u64", "u64", "u64", "u32"));
            m.put("msense_squared_distances" + t, List.of("u64", "u64", "u64", "u32", "u64"));
            m.put("msense_fused_residual_adjoint" + t, List.of("u64", "u64", "u64", "u64", "u64", "u64", "u64", "u64",
                    "u64", "u64", "u32", "u32", "u32", "u64"));
            // structured operators (completion, rank-one): see the block at the end of this class
            m.put("msense_completion_residual" + t, List.of("u64", "u64", "u64", "u64", "u64", "u64", "u64", "u32", "u32",
                    "u32", "u32", "u32", "f64"));
            m.put("msense_completion_gradient" + t, List.of("u64", "u64", "u64", "u64", "u64", "u64", "u32", "u32", "u64",
                    "u32", "u32", "f64"));
            m.put("msense_rank_one_stack" + t, List.of("u64", "u64", "u64", "u32", "u32", "u32"));
            m.put("msense_rank_one_residual" + t, List.of("u64", "u64", "u64", "u64", "u64", "u32", "u32", "u32", "f64"));
            m.put("msense_rank_one_scale_rows" + t, List.of("u64", "u64", "u64", "u64", "u32", "u32", "f64"));
            m.put("msense_rank_one_adjoint" + t, List.of("u64", "u64", "u64", "u64", "u64", "u64", "u32", "u32", "u32",
                    "f64"));
            // dense-structured operators: hadamard and gaussian-implicit
            m.put("msense_hadamard_signs" + t, List.of("u64", "u64", "u64", "u64", "u64", "u64", "u64"));
            m.put("msense_fwht_shared" + t, List.of("u64", "u64", "u32"));
            m.put("msense_fwht_stage" + t, List.of("u64", "u64", "u64", "u64"));
            m.put("msense_hadamard_gather" + t, List.of("u64", "u64", "u64", "u64", "u64", "u64", "u64", "u32", "f64"));
            m.put("msense_hadamard_scatter" + t, List.of("u64", "u64", "u64", "u64", "u64", "u64", "f64"));
            m.put("msense_implicit_residual_adjoint" + t, List.of("u64", "u32", "u32", "f64", "u64", "u64", "u64", "u64",
                    "u64", "u64", "u64", "u64", "u64", "u32", "u32", "u32", "u64"));
            m.put("msense_implicit_adjoint" + t, List.of("u64", "u32", "u32", "f64", "u64", "u64", "u64", "u64", "u64",
                    "u32", "u32", "u64"));
        }
        return Map.copyOf(m);
    }

    /**
     * The arguments of one launch: the kernel, the grid, the parameter array and its types, the dynamic shared
     * memory, and whether it is a cooperative launch (every block resident at once: cuLaunchCooperativeKernel).
     */
    record Launch(String kernel, int blocks, int threads, Pointer params, List<String> types, int sharedBytes,
            boolean cooperative) {
        Launch(String kernel, int blocks, int threads, Pointer params, List<String> types) {
            this(kernel, blocks, threads, params, types, 0, false);
        }

        /** The same launch with {@code bytes} of dynamic shared memory. */
        Launch withShared(int bytes) {
            return new Launch(kernel, blocks, threads, params, types, bytes, cooperative);
        }
    }

    /** Builds a kernel parameter array (cuLaunchKernel's kernelParams) and records each type. */
    private static final class Args {
        private final List<Pointer> values = new ArrayList<>();
        private final List<String> types = new ArrayList<>();

        Args u64(long v) {
            values.add(Pointer.to(new long[] {v}));
            types.add("u64");
            return this;
        }

        Args u32(int v) {
            values.add(Pointer.to(new int[] {v}));
            types.add("u32");
            return this;
        }

        Args f64(double v) {
            values.add(Pointer.to(new double[] {v}));
            types.add("f64");
            return this;
        }

        Args ptr(CUdeviceptr p) {
            values.add(Pointer.to(p == null ? new CUdeviceptr() : p));
            types.add("u64");
            return this;
        }

        Launch build(String kernel, int blocks, int threads) {
            return new Launch(kernel, blocks, threads, Pointer.to(values.toArray(new Pointer[0])), List.copyOf(types));
        }

        Launch buildCooperative(String kernel, int blocks, int threads, int sharedBytes) {
            return new Launch(kernel, blocks, threads, Pointer.to(values.toArray(new Pointer[0])), List.copyOf(types),
                    sharedBytes, true);
        }
    }

    private void launch(Launch l) {
        List<String> expected = SIGNATURES.get(l.kernel());
        if (expected == null || !expected.equals(l.types())) {
            throw new IllegalStateException("kernel " + l.kernel() + " takes " + expected + " but was given " + l.types());
        }
        CUfunction f = functions.get(l.kernel());
        if (f == null) {
            throw new IllegalStateException("kernel " + l.kernel() + " is not in the module");
        }
        try {
            if (l.cooperative()) {
                cuLaunchCooperativeKernel(f, l.blocks(), 1, 1, l.threads(), 1, 1, l.sharedBytes(), null, l.params());
            } else {
                cuLaunchKernel(f, l.blocks(), 1, 1, l.threads(), 1, 1, l.sharedBytes(), null, l.params(), null);
            }
            launches++;
            afterLaunch.run();
        } catch (CudaException e) {
            throw new BackendException("kernel " + l.kernel() + " (" + l.blocks() + " blocks of " + l.threads()
                    + " threads) failed: " + e.getMessage(), e);
        }
    }

    /** out[i] = scale · normal(i) of the stream, i &lt; count (two elements per thread). */
    static Launch fillGaussianArgs(Precision p, long seed, int purpose, int substream, long count, double scale,
            CUdeviceptr out) {
        long first = 0;
        return new Args().u64(seed).u32(purpose).u32(substream).u64(first).u64(count).f64(scale).ptr(out)
                .build("msense_fill_gaussian" + suffix(p), blocks((count + 1) / 2 + 1), THREADS);
    }

    void fillGaussian(Precision p, long seed, int purpose, int substream, long count, double scale, CUdeviceptr out) {
        launch(fillGaussianArgs(p, seed, purpose, substream, count, scale, out));
    }

    /** res[b·item + i] −= y[(broadcast ? 0 : b)·item + i]. */
    static Launch subtractArgs(Precision p, CUdeviceptr res, CUdeviceptr y, long item, long count, boolean yBroadcast) {
        return new Args().ptr(res).ptr(y).u64(item).u64(count).u32(yBroadcast ? 1 : 0)
                .build("msense_subtract" + suffix(p), blocks(item * count), THREADS);
    }

    void subtract(Precision p, CUdeviceptr res, CUdeviceptr y, long item, long count, boolean yBroadcast) {
        launch(subtractArgs(p, res, y, item, count, yBroadcast));
    }

    /** y[b·item + i] += α_b · x[(broadcast ? 0 : b)·item + i]; alpha is a device array of count doubles. */
    static Launch scaleAddArgs(Precision p, CUdeviceptr y, CUdeviceptr x, CUdeviceptr alpha, long item, long count,
            boolean xBroadcast) {
        return new Args().ptr(y).ptr(x).ptr(alpha).u64(item).u64(count).u32(xBroadcast ? 1 : 0)
                .build("msense_scale_add" + suffix(p), blocks(item * count), THREADS);
    }

    void scaleAdd(Precision p, CUdeviceptr y, CUdeviceptr x, CUdeviceptr alpha, long item, long count, boolean xBroadcast) {
        launch(scaleAddArgs(p, y, x, alpha, item, count, xBroadcast));
    }

    /**
     * out[b] = Σ_i (x_b[i] − ref_b[i])² in fp64, one block of {@link #REDUCE_THREADS} per item (count
     * blocks); a null {@code ref} (passed as device address 0) gives the squared norms.
     */
    static Launch squaredDistancesArgs(Precision p, CUdeviceptr x, CUdeviceptr ref, long item, int count,
            boolean refBroadcast, CUdeviceptr out) {
        return new Args().ptr(x).ptr(ref).u64(item).u32(refBroadcast ? 1 : 0).ptr(out)
                .build("msense_squared_distances" + suffix(p), count, REDUCE_THREADS);
    }

    void squaredDistances(Precision p, CUdeviceptr x, CUdeviceptr ref, long item, int count, boolean refBroadcast,
            CUdeviceptr out) {
        launch(squaredDistancesArgs(p, x, ref, item, count, refBroadcast, out));
    }

    /** The fused kernel's name for precision p. */
    static String fusedKernel(Precision p) {
        return "msense_fused_residual_adjoint" + suffix(p);
    }

    /**
     * Lets the fused kernels use {@code bytes} of dynamic shared memory (cuFuncSetAttribute
     * MAX_DYNAMIC_SHARED_SIZE_BYTES; above 48 KiB a kernel must opt in) and returns how many of their blocks of
     * {@link #REDUCE_THREADS} threads are resident per multiprocessor with that much (the smallest over both
     * precisions and the gaussian-implicit twins, which share the plan: {@code msense_implicit_*}), 0 where none fits.
     */
    int prepareFused(int bytes) {
        int resident = Integer.MAX_VALUE;
        for (Precision p : Precision.values()) {
            for (String name : new String[] {fusedKernel(p), "msense_implicit_residual_adjoint" + suffix(p),
                    "msense_implicit_adjoint" + suffix(p)}) {
                CUfunction f = functions.get(name);
                cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
                int[] blocks = new int[1];
                cuOccupancyMaxActiveBlocksPerMultiprocessor(blocks, f, REDUCE_THREADS, bytes);
                resident = Math.min(resident, blocks[0]);
            }
        }
        return resident;
    }

    /**
     * The fused residual-and-adjoint pass ({@link FusedPassPlan}): res_b = 𝒜x_b − y_b and e_b = 𝒜ᵀres_b for b &lt;
     * count, reading 𝒜 (m×n, row-major) once; eacc is the fp64 accumulator (E itself for fp64), partial the
     * plan's partial sums, barrier two zeroed unsigned ints (left zeroed).
     */
    static Launch fusedResidualAdjointArgs(Precision p, FusedPassPlan plan, CUdeviceptr op, CUdeviceptr x, CUdeviceptr y,
            CUdeviceptr res, CUdeviceptr e, CUdeviceptr eacc, CUdeviceptr partial, CUdeviceptr barrier, long m, long n,
            int count, boolean yBroadcast) {
        return new Args().ptr(op).ptr(x).ptr(y).ptr(res).ptr(e).ptr(eacc).ptr(partial).ptr(barrier).u64(m).u64(n)
                .u32(count).u32(yBroadcast ? 1 : 0).u32(plan.wave()).u64(plan.chunk())
                .buildCooperative(fusedKernel(p), plan.blocks(), REDUCE_THREADS, plan.sharedBytes());
    }

    void fusedResidualAdjoint(Precision p, FusedPassPlan plan, CUdeviceptr op, CUdeviceptr x, CUdeviceptr y,
            CUdeviceptr res, CUdeviceptr e, CUdeviceptr eacc, CUdeviceptr partial, CUdeviceptr barrier, long m, long n,
            int count, boolean yBroadcast) {
        launch(fusedResidualAdjointArgs(p, plan, op, x, y, res, e, eacc, partial, barrier, m, n, count, yBroadcast));
    }

    // ------------------------------------------------------------------ structured operators (completion, rank-one)

    /**
     * Completion residual: res[b·m + i] = scale·⟨V_b[row_i,:], W_b[col_i,:]⟩ − y_b[i] for b &lt; count, i &lt; m; row and
     * col are device int arrays of length m.
     */
    static Launch completionResidualArgs(Precision p, CUdeviceptr v, CUdeviceptr w, CUdeviceptr y, CUdeviceptr res,
            CUdeviceptr row, CUdeviceptr col, long m, int n1, int n2, int k, int count, boolean yBroadcast, double scale) {
        return new Args().ptr(v).ptr(w).ptr(y).ptr(res).ptr(row).ptr(col).u64(m).u32(n1).u32(n2).u32(k).u32(count)
                .u32(yBroadcast ? 1 : 0).f64(scale).build("msense_completion_residual" + suffix(p), blocks(m * count), THREADS);
    }

    void completionResidual(Precision p, CUdeviceptr v, CUdeviceptr w, CUdeviceptr y, CUdeviceptr res, CUdeviceptr row,
            CUdeviceptr col, long m, int n1, int n2, int k, int count, boolean yBroadcast, double scale) {
        launch(completionResidualArgs(p, v, w, y, res, row, col, m, n1, n2, k, count, yBroadcast, scale));
    }

    /**
     * Completion gradient over a compressed list: out_b[o,q] = scale·Σ_{p ∈ [start[o], start[o+1])}
     * res_b[index == null ? p : index[p]]·factor_b[other[p], q], o &lt; rows (factor_b is factorRows×k). start,
     * index and other are device int arrays; a null index means the identity.
     */
    static Launch completionGradientArgs(Precision p, CUdeviceptr res, CUdeviceptr factor, CUdeviceptr out,
            CUdeviceptr start, CUdeviceptr index, CUdeviceptr other, int rows, int factorRows, long m, int k, int count,
            double scale) {
        return new Args().ptr(res).ptr(factor).ptr(out).ptr(start).ptr(index).ptr(other).u32(rows).u32(factorRows).u64(m)
                .u32(k).u32(count).f64(scale)
                .build("msense_completion_gradient" + suffix(p), blocks((long) rows * k * count), THREADS);
    }

    void completionGradient(Precision p, CUdeviceptr res, CUdeviceptr factor, CUdeviceptr out, CUdeviceptr start,
            CUdeviceptr index, CUdeviceptr other, int rows, int factorRows, long m, int k, int count, double scale) {
        launch(completionGradientArgs(p, res, factor, out, start, index, other, rows, factorRows, m, k, count, scale));
    }

    /**
     * Stacks count items of rows×k (src) side by side into one rows×(count·k) matrix (dst), or with {@code unstack}
     * the reverse: stacked[r, b·k + q] = batched_b[r, q].
     */
    static Launch rankOneStackArgs(Precision p, CUdeviceptr src, CUdeviceptr dst, long rows, int k, int count,
            boolean unstack) {
        return new Args().ptr(src).ptr(dst).u64(rows).u32(k).u32(count).u32(unstack ? 1 : 0)
                .build("msense_rank_one_stack" + suffix(p), blocks(rows * k * count), THREADS);
    }

    void rankOneStack(Precision p, CUdeviceptr src, CUdeviceptr dst, long rows, int k, int count, boolean unstack) {
        launch(rankOneStackArgs(p, src, dst, rows, k, count, unstack));
    }

    /**
     * Rank-one residual: res[b·m + i] = (Σ_c P_S[i, bk+c]·Q_S[i, bk+c])·invSqrtM − y_b[i] (P_S, Q_S the stacked
     * m×(count·k) products).
     */
    static Launch rankOneResidualArgs(Precision p, CUdeviceptr pp, CUdeviceptr q, CUdeviceptr y, CUdeviceptr res, long m,
            int k, int count, boolean yBroadcast, double invSqrtM) {
        return new Args().ptr(pp).ptr(q).ptr(y).ptr(res).u64(m).u32(k).u32(count).u32(yBroadcast ? 1 : 0).f64(invSqrtM)
                .build("msense_rank_one_residual" + suffix(p), blocks(m * count), THREADS);
    }

    void rankOneResidual(Precision p, CUdeviceptr pp, CUdeviceptr q, CUdeviceptr y, CUdeviceptr res, long m, int k,
            int count, boolean yBroadcast, double invSqrtM) {
        launch(rankOneResidualArgs(p, pp, q, y, res, m, k, count, yBroadcast, invSqrtM));
    }

    /** dst[i, bk + c] = (res[b·m + i]·invSqrtM)·src[i, bk + c] (m×(count·k) stacked): [diag(res_b) src_b/√m]_b. */
    static Launch rankOneScaleRowsArgs(Precision p, CUdeviceptr res, CUdeviceptr src, CUdeviceptr dst, long m, int k,
            int count, double invSqrtM) {
        return new Args().ptr(res).ptr(src).ptr(dst).u64(m).u32(k).u32(count).f64(invSqrtM)
                .build("msense_rank_one_scale_rows" + suffix(p), blocks(m * k * count), THREADS);
    }

    void rankOneScaleRows(Precision p, CUdeviceptr res, CUdeviceptr src, CUdeviceptr dst, long m, int k, int count,
            double invSqrtM) {
        launch(rankOneScaleRowsArgs(p, res, src, dst, m, k, count, invSqrtM));
    }

    /** Blocks of {@link #REDUCE_THREADS} threads of the rank-one adjoint for n1×n2 entries (its partial sums). */
    static int rankOneAdjointBlocks(int n1, int n2) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, ((long) n1 * n2 + REDUCE_THREADS - 1) / REDUCE_THREADS));
    }

    /**
     * The rank-one adjoint of trajectory {@code item}: E[j,l] = scale·Σ_i res_item[i]·a[i,j]·bm[i,l], written to e
     * (item·n1·n2 + j·n2 + l) unless e is null, and each block's Σ E² to partial[block] ({@link #rankOneAdjointBlocks}
     * blocks).
     */
    static Launch rankOneAdjointArgs(Precision p, CUdeviceptr a, CUdeviceptr bm, CUdeviceptr res, CUdeviceptr e,
            CUdeviceptr partial, long m, int n1, int n2, int item, double scale) {
        return new Args().ptr(a).ptr(bm).ptr(res).ptr(e).ptr(partial).u64(m).u32(n1).u32(n2).u32(item).f64(scale)
                .build("msense_rank_one_adjoint" + suffix(p), rankOneAdjointBlocks(n1, n2), REDUCE_THREADS);
    }

    void rankOneAdjoint(Precision p, CUdeviceptr a, CUdeviceptr bm, CUdeviceptr res, CUdeviceptr e, CUdeviceptr partial,
            long m, int n1, int n2, int item, double scale) {
        launch(rankOneAdjointArgs(p, a, bm, res, e, partial, m, n1, n2, item, scale));
    }

    // ------------------------------------------------------------------ end of the structured operators

    // ------------------------------------------------------------------ dense-structured operators

    /** Elements of a segment that {@code msense_fwht_shared_*} transforms in shared memory (16 KiB in fp64). */
    static final int FWHT_SEGMENT = 2048;

    /**
     * dst_b[j] = j &lt; n ? signs[j]·src_b[j] : 0 for j &lt; dstItem, b &lt; count: D on the way into the transform
     * (srcItem = n, dstItem = N) or out of it (srcItem = N, dstItem = n).
     */
    static Launch hadamardSignsArgs(Precision p, CUdeviceptr src, long srcItem, CUdeviceptr signs, CUdeviceptr dst,
            long dstItem, long n, long count) {
        return new Args().ptr(src).u64(srcItem).ptr(signs).ptr(dst).u64(dstItem).u64(n).u64(count)
                .build("msense_hadamard_signs" + suffix(p), blocks(dstItem * count), THREADS);
    }

    void hadamardSigns(Precision p, CUdeviceptr src, long srcItem, CUdeviceptr signs, CUdeviceptr dst, long dstItem,
            long n, long count) {
        launch(hadamardSignsArgs(p, src, srcItem, signs, dst, dstItem, n, count));
    }

    /**
     * The launches of t_b ← H_N t_b (unnormalized FWHT, in place) for count vectors of length N = 2^p: one launch of
     * the strides below {@link #FWHT_SEGMENT} in shared memory, then one launch per higher stride.
     */
    static List<Launch> fwhtArgs(Precision p, CUdeviceptr t, long length, long count) {
        if (length < 1 || Long.bitCount(length) != 1) {
            throw new IllegalArgumentException("the Walsh–Hadamard length must be a power of two, got " + length);
        }
        List<Launch> launches = new ArrayList<>();
        int seg = (int) Math.min(length, FWHT_SEGMENT);
        if (seg > 1) {
            long segments = length / seg * count;
            launches.add(new Args().ptr(t).u64(length * count).u32(seg).build("msense_fwht_shared" + suffix(p),
                    (int) Math.min(MAX_BLOCKS, segments), THREADS).withShared(seg * p.bytes()));
        }
        for (long h = seg; h < length; h <<= 1) {
            launches.add(new Args().ptr(t).u64(length).u64(count).u64(h).build("msense_fwht_stage" + suffix(p),
                    blocks(length / 2 * count), THREADS));
        }
        return launches;
    }

    void fwht(Precision p, CUdeviceptr t, long length, long count) {
        for (Launch l : fwhtArgs(p, t, length, count)) {
            launch(l);
        }
    }

    /** res_b[i] = t_b[rows[i]]·scale − y_b[i] (rows: m exact integers as doubles). */
    static Launch hadamardGatherArgs(Precision p, CUdeviceptr t, CUdeviceptr rows, CUdeviceptr y, CUdeviceptr res, long m,
            long length, long count, boolean yBroadcast, double scale) {
        return new Args().ptr(t).ptr(rows).ptr(y).ptr(res).u64(m).u64(length).u64(count).u32(yBroadcast ? 1 : 0)
                .f64(scale).build("msense_hadamard_gather" + suffix(p), blocks(m * count), THREADS);
    }

    void hadamardGather(Precision p, CUdeviceptr t, CUdeviceptr rows, CUdeviceptr y, CUdeviceptr res, long m, long length,
            long count, boolean yBroadcast, double scale) {
        launch(hadamardGatherArgs(p, t, rows, y, res, m, length, count, yBroadcast, scale));
    }

    /** t_b[j] = slots[j] ≥ 0 ? res_b[slots[j]]·scale : 0 (slots: N exact integers as doubles, −1 for unused rows). */
    static Launch hadamardScatterArgs(Precision p, CUdeviceptr res, CUdeviceptr slots, CUdeviceptr t, long m, long length,
            long count, double scale) {
        return new Args().ptr(res).ptr(slots).ptr(t).u64(m).u64(length).u64(count).f64(scale)
                .build("msense_hadamard_scatter" + suffix(p), blocks(length * count), THREADS);
    }

    void hadamardScatter(Precision p, CUdeviceptr res, CUdeviceptr slots, CUdeviceptr t, long m, long length, long count,
            double scale) {
        launch(hadamardScatterArgs(p, res, slots, t, m, length, count, scale));
    }

    /** Where the rows of a gaussian-implicit operator come from: the Philox stream and the scale of its entries. */
    record Stream(long seed, int purpose, int substream, double scale) {
    }

    /**
     * The fused residual-and-adjoint pass on rows generated from {@code s} (same plan, arguments and results as
     * {@link #fusedResidualAdjointArgs} on the stored matrix of those numbers), launched cooperatively.
     */
    static Launch implicitResidualAdjointArgs(Precision p, FusedPassPlan plan, Stream s, CUdeviceptr x, CUdeviceptr y,
            CUdeviceptr res, CUdeviceptr e, CUdeviceptr eacc, CUdeviceptr partial, CUdeviceptr barrier, long m, long n,
            int count, boolean yBroadcast) {
        return new Args().u64(s.seed()).u32(s.purpose()).u32(s.substream()).f64(s.scale()).ptr(x).ptr(y).ptr(res).ptr(e)
                .ptr(eacc).ptr(partial).ptr(barrier).u64(m).u64(n).u32(count).u32(yBroadcast ? 1 : 0).u32(plan.wave())
                .u64(plan.chunk()).buildCooperative("msense_implicit_residual_adjoint" + suffix(p), plan.blocks(),
                        REDUCE_THREADS, plan.sharedBytes());
    }

    void implicitResidualAdjoint(Precision p, FusedPassPlan plan, Stream s, CUdeviceptr x, CUdeviceptr y, CUdeviceptr res,
            CUdeviceptr e, CUdeviceptr eacc, CUdeviceptr partial, CUdeviceptr barrier, long m, long n, int count,
            boolean yBroadcast) {
        launch(implicitResidualAdjointArgs(p, plan, s, x, y, res, e, eacc, partial, barrier, m, n, count, yBroadcast));
    }

    /** E_b = 𝒜ᵀres_b on rows generated from {@code s}, with the plan's geometry (an ordinary launch). */
    static Launch implicitAdjointArgs(Precision p, FusedPassPlan plan, Stream s, CUdeviceptr res, CUdeviceptr e,
            CUdeviceptr eacc, long m, long n, int count) {
        return new Args().u64(s.seed()).u32(s.purpose()).u32(s.substream()).f64(s.scale()).ptr(res).ptr(e).ptr(eacc)
                .u64(m).u64(n).u32(count).u32(plan.wave()).u64(plan.chunk())
                .build("msense_implicit_adjoint" + suffix(p), plan.blocks(), REDUCE_THREADS)
                .withShared(plan.sharedBytes());
    }

    void implicitAdjoint(Precision p, FusedPassPlan plan, Stream s, CUdeviceptr res, CUdeviceptr e, CUdeviceptr eacc,
            long m, long n, int count) {
        launch(implicitAdjointArgs(p, plan, s, res, e, eacc, m, n, count));
    }

    @Override
    public void close() {
        if (loaded) {
            loaded = false;
            functions.clear();
            cuModuleUnload(module);
        }
    }
}
