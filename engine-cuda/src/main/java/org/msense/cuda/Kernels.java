package org.msense.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
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
     * Loads the fatbin into the current context and resolves every kernel.
     *
     * @param afterLaunch run after every launch (the engine's debug synchronization, or nothing)
     */
    Kernels(Runnable afterLaunch) {
        this.afterLaunch = afterLaunch;
        cuModuleLoadData(module, KernelImage.fatbin());
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

    private void launch(String name, int blocks, int threads, Pointer params) {
        CUfunction f = functions.get(name);
        if (f == null) {
            throw new IllegalStateException("kernel " + name + " is not in the module");
        }
        cuLaunchKernel(f, blocks, 1, 1, threads, 1, 1, 0, null, params, null);
        launches++;
        afterLaunch.run();
    }

    /** out[i] = scale · normal(i) of the stream, i &lt; count (two elements per thread). */
    void fillGaussian(Precision p, long seed, int purpose, int substream, long count, double scale, CUdeviceptr out) {
        long first = 0;
        Pointer params = Pointer.to(Pointer.to(new long[] {seed}), Pointer.to(new int[] {purpose}),
                Pointer.to(new int[] {substream}), Pointer.to(new long[] {first}), Pointer.to(new long[] {count}),
                Pointer.to(new double[] {scale}), Pointer.to(out));
        launch("msense_fill_gaussian" + suffix(p), blocks((count + 1) / 2 + 1), THREADS, params);
    }

    /** res[b·item + i] −= y[(broadcast ? 0 : b)·item + i]. */
    void subtract(Precision p, CUdeviceptr res, CUdeviceptr y, long item, long count, boolean yBroadcast) {
        Pointer params = Pointer.to(Pointer.to(res), Pointer.to(y), Pointer.to(new long[] {item}),
                Pointer.to(new long[] {count}), Pointer.to(new int[] {yBroadcast ? 1 : 0}));
        launch("msense_subtract" + suffix(p), blocks(item * count), THREADS, params);
    }

    /** y[b·item + i] += α_b · x[(broadcast ? 0 : b)·item + i]; alpha is a device array of count doubles. */
    void scaleAdd(Precision p, CUdeviceptr y, CUdeviceptr x, CUdeviceptr alpha, long item, long count, boolean xBroadcast) {
        Pointer params = Pointer.to(Pointer.to(y), Pointer.to(x), Pointer.to(alpha), Pointer.to(new long[] {item}),
                Pointer.to(new long[] {count}), Pointer.to(new int[] {xBroadcast ? 1 : 0}));
        launch("msense_scale_add" + suffix(p), blocks(item * count), THREADS, params);
    }

    /**
     * out[b] = Σ_i (x_b[i] − ref_b[i])² in fp64, one block per item (count blocks); a null {@code ref}
     * (device address 0) gives the squared norms.
     */
    void squaredDistances(Precision p, CUdeviceptr x, CUdeviceptr ref, long item, int count, boolean refBroadcast,
            CUdeviceptr out) {
        Pointer params = Pointer.to(Pointer.to(x), Pointer.to(ref == null ? new CUdeviceptr() : ref),
                Pointer.to(new long[] {item}), Pointer.to(new int[] {refBroadcast ? 1 : 0}), Pointer.to(out));
        launch("msense_squared_distances" + suffix(p), count, REDUCE_THREADS, params);
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
