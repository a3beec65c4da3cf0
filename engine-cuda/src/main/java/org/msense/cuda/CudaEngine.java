package org.msense.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.backend.Transpose;
import org.msense.core.rng.GaussianStream;
import org.msense.core.spec.OperatorKind;

/**
 * The CUDA engine: every buffer in device memory (cuMemAlloc), dense products and the sensing
 * contractions as cuBLAS GEMMs ({@link Blas}), generation, residual subtraction, scaled additions and
 * reductions as the kernels of native/src ({@link Kernels}). Work is issued on the default stream of the
 * device's primary context, so it runs in issue order; {@link #download} and the reductions wait for it.
 *
 * <p><b>Row-major data, column-major cuBLAS.</b> A row-major r×c buffer is, read column-major, its c×r
 * transpose. So {@code C = op(A)·op(B)} (row-major) is computed as the column-major product
 * {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: cuBLAS gets B first, then A, with the same transpose flags, m and n
 * swapped and the leading dimensions equal to the row-major column counts. The sensing operator 𝒜
 * (row-major m×N, N = n1·n2) is column-major N×m with ld N, and a batch X (B items of N) is column-major
 * N×B, so the forward contraction is one GEMM {@code R = 𝒜ᵀ_cm·X} (m×B, OP_T) and the adjoint one GEMM
 * {@code E = 𝒜_cm·R} (N×B, OP_N): every byte of 𝒜 is read once per contraction for all B trajectories.
 *
 * <p><b>One pass over 𝒜.</b> {@link #residualAndAdjoint} runs the fused kernel
 * ({@code msense_fused_residual_adjoint_*}, planned by {@link FusedPassPlan}): one cooperative launch that reads
 * 𝒜 once for all B trajectories and accumulates E in a fixed order (bitwise reproducible), instead of the
 * forward GEMM and the adjoint GEMM, which read it twice. Where the plan says it cannot run (no cooperative
 * launch; rows too wide for shared memory), or {@code MSENSE_CUDA_FUSED=0}, the two GEMMs run.
 *
 * <p>The primary context is made current on every calling thread at the start of every operation. Each
 * engine retains it and releases it on close; one extra reference per device is held for the life of the JVM,
 * so that closing an engine never resets the context under cuBLAS.
 */
final class CudaEngine extends Engine {
    /** Device memory kept back from {@link #freeMemoryBytes} for cuBLAS workspaces and the context. */
    static final long RESERVE_BYTES = 256L << 20;
    /** Devices whose primary context this JVM holds for good ({@link #pinPrimaryContext}). */
    private static final java.util.Set<Integer> PINNED = new java.util.HashSet<>();

    private final EngineOptions options;
    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CudaProbe.DeviceFacts facts;
    private boolean contextRetained;
    private Kernels kernels;
    private KernelImage.Image image;
    private Blas blas;
    /** The per-item coefficients of scaleAdd on the device, and the host copy of what they hold. */
    private final DeviceDoubles coefficients = new DeviceDoubles();
    private double[] coefficientsOnDevice;
    /** The per-item sums of the reductions. */
    private final DeviceDoubles sums = new DeviceDoubles();
    private String selfTest = "not run";
    /** The fused pass: on unless MSENSE_CUDA_FUSED=0; the device facts it is planned from; its scratch. */
    private boolean fused = true;
    private int multiprocessors;
    private int sharedOptin;
    private int fusedResident;
    private boolean cooperative;
    private final DeviceDoubles partials = new DeviceDoubles();
    private final DeviceDoubles accumulator = new DeviceDoubles();
    private final DeviceDoubles barrier = new DeviceDoubles();
    private long fusedPasses;
    /** Who opened it: the availability probe (and a run then reused it) or a run. */
    private String origin = "opened for this run";

    /**
     * Opens device {@code options.device()}: retains its primary context, loads the kernels, creates the
     * cuBLAS handle, and runs the self-test. Everything acquired is released if a step fails.
     */
    CudaEngine(EngineOptions options, CudaProbe.DeviceFacts facts, CublasBridge.Outcome cublas) {
        super(CudaBackend.ID);
        this.options = options;
        this.ordinal = options.device();
        this.facts = facts;
        try {
            cuDeviceGet(device, ordinal);
            cuDevicePrimaryCtxRetain(context, device);
            contextRetained = true;
            pinPrimaryContext(ordinal, device);
            cuCtxSetCurrent(context);
            int driver = CudaProbe.cudaVersionNumber(facts.driverVersion());
            image = KernelImage.select(driver, facts.major());
            if (image == null) {
                throw new BackendException("the cuda backend cannot use device " + ordinal + ": "
                        + KernelImage.refusal(driver, facts.major()));
            }
            kernels = new Kernels(image, this::afterCall);
            blas = new JCublasBlas(cublas, options.allowTf32());
            coefficients.ensure(64);
            sums.ensure(64);
            prepareFusedPass();
            fused = !"0".equals(System.getenv("MSENSE_CUDA_FUSED"));
            selfTest = SelfTest.run(this, options.allowTf32());
        } catch (RuntimeException | LinkageError e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof BackendException be) {
                throw be;
            }
            throw new BackendException("the cuda backend could not open device " + ordinal + ": " + CublasBridge.firstLine(e), e);
        }
    }

    /**
     * Takes one more reference to the device's primary context, once per device and JVM, and never releases it.
     * cuBLAS's own (runtime API) state adopts the primary context that is current when it first runs; without this
     * reference, closing the last engine (the probe opens and closes one before a run opens its own) would drop
     * the count to zero and make the driver reset that context underneath the runtime's cached state. The
     * context then lives until the process exits, as it does for a runtime-API program.
     */
    private static synchronized void pinPrimaryContext(int ordinal, CUdevice device) {
        if (PINNED.add(ordinal)) {
            try {
                cuDevicePrimaryCtxRetain(new CUcontext(), device);
            } catch (RuntimeException e) {
                PINNED.remove(ordinal);
                throw e;
            }
        }
    }

    /** Reads the device facts the fused pass is planned from and zeroes its grid barrier. */
    private void prepareFusedPass() {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH, device);
        cooperative = v[0] == 1;
        cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
        multiprocessors = v[0];
        cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
        sharedOptin = v[0];
        fusedResident = cooperative && sharedOptin > 0 ? kernels.prepareFused(sharedOptin) : 0;
        barrier.ensure(1);
        cuMemcpyHtoD(barrier.pointer, Pointer.to(new int[barrier.capacity * 2]), (long) barrier.capacity * Double.BYTES);
    }

    /** Marks this engine as the availability probe's, handed to the first run that asks (see CudaProbe). */
    void markOpenedByProbe() {
        origin = "opened by the availability probe and reused";
    }

    /** The fused pass's plan for an m×n operator and B = count trajectories, or null where it cannot run. */
    FusedPassPlan fusedPlan(Precision p, long m, long n, int count) {
        return FusedPassPlan.of(p, m, n, count, multiprocessors, fusedResident, sharedOptin, cooperative);
    }

    /** Makes the engine's context current on the calling thread (the operators' kernel launches need it too). */
    void current() {
        cuCtxSetCurrent(context);
    }

    private void afterCall() {
        if (options.debugSync()) {
            cuCtxSynchronize();
        }
    }

    private static CudaMatrixBatch c(MatrixBatch m) {
        return (CudaMatrixBatch) m;
    }

    @Override
    public String device() {
        return facts.name() + " (device " + ordinal + ", compute capability " + facts.computeCapability() + ")";
    }

    /** Kernel launches so far (tests use it to check that the device really computed). */
    long kernelLaunches() {
        return kernels == null ? 0 : kernels.launches();
    }

    @Override
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("device", facts.name());
        p.put("compute capability", facts.computeCapability());
        p.put("device memory", (facts.totalBytes() >> 20) + " MiB");
        p.put("driver", facts.driverVersion());
        p.put("cublas", blas == null ? "not loaded" : blas.version());
        p.put("bridge", blas == null ? "" : blas.bridge());
        p.put("kernels", image == null ? "not loaded" : image.description());
        p.put("tf32", options.allowTf32() ? "allowed for fp32 GEMMs" : "off");
        p.put("self-test", selfTest);
        p.put("engine", origin);
        p.put("fused pass", !fused ? "off (MSENSE_CUDA_FUSED=0)" : fusedResident < 1 ? "unavailable (no cooperative launch"
                + " with " + sharedOptin + " B of shared memory)" : "on (" + multiprocessors + " multiprocessors × "
                + fusedResident + " blocks, " + sharedOptin + " B shared memory)");
        p.put("fused passes", Long.toString(fusedPasses));
        p.put("kernel launches", Long.toString(kernelLaunches()));
        p.put("cublas calls", Long.toString(blas == null ? 0 : blas.calls()));
        return p;
    }

    @Override
    public OptionalLong freeMemoryBytes() {
        current();
        long[] free = new long[1];
        long[] total = new long[1];
        cuMemGetInfo(free, total);
        return OptionalLong.of(Math.max(0, free[0] - RESERVE_BYTES));
    }

    @Override
    public boolean supportsOperatorPrecision(Precision operator, Precision work) {
        return operator == work;
    }

    /** The kinds {@link CudaBackend#runs} names. */
    @Override
    public boolean supportsOperator(OperatorKind kind) {
        return CudaBackend.runs(kind);
    }

    /** The structured operators: one class each, see their comments. */
    @Override
    protected SensingOperator openOperatorImpl(OperatorDescription d, Precision precision) {
        current();
        return switch (d.kind()) {
            case COMPLETION -> new CudaCompletionOperator(this, kernels, d.n1(), d.n2(), d.entries());
            case RANK_ONE -> new CudaRankOneOperator(this, kernels, d, precision);
            case HADAMARD -> new CudaHadamardOperator(this, kernels, d.n1(), d.n2(), d.rows(), d.signs(), precision);
            case GAUSSIAN_IMPLICIT -> new CudaImplicitGaussianOperator(this, kernels, d.n1(), d.n2(), d.m(), d.seed(),
                    precision);
            default -> super.openOperatorImpl(d, precision);
        };
    }

    // ------------------------------------------------------------------ memory

    @Override
    protected MatrixBatch allocateImpl(Precision precision, int count, int rows, int cols) {
        current();
        long bytes = (long) count * rows * cols * precision.bytes();
        long free = freeMemoryBytes().getAsLong();
        if (bytes > free) {
            throw outOfMemory(precision, count, rows, cols, bytes, free);
        }
        CUdeviceptr ptr = new CUdeviceptr();
        try {
            cuMemAlloc(ptr, bytes);
        } catch (CudaException e) {
            if (String.valueOf(e.getMessage()).contains("OUT_OF_MEMORY")) {
                throw outOfMemory(precision, count, rows, cols, bytes, free);
            }
            // Not a shortage: most often a sticky error left by an earlier asynchronous kernel or cuBLAS call.
            throw new BackendException("cuMemAlloc of " + bytes + " bytes on " + facts.name() + " failed with "
                    + e.getMessage() + " (an earlier kernel or cuBLAS call may have failed; MSENSE_CUDA_SYNC=1 reports"
                    + " the call that did)", e);
        }
        return new CudaMatrixBatch(this, precision, count, rows, cols, ptr);
    }

    private BackendException outOfMemory(Precision p, int count, int rows, int cols, long bytes, long free) {
        return new BackendException(String.format(Locale.ROOT,
                "not enough device memory on %s for %d×%d×%d %s (%.1f MiB; %.1f MiB free, %d MiB held by this engine):"
                        + " use --precision fp32, fewer --measurements or fewer trajectories",
                facts.name(), count, rows, cols, p, bytes / 1048576.0, free / 1048576.0, liveBytes() >> 20));
    }

    @Override
    protected void releaseImpl(MatrixBatch m) {
        current();
        cuMemFree(c(m).pointer);
    }

    @Override
    protected void uploadImpl(double[] src, MatrixBatch dst) {
        current();
        if (dst.precision() == Precision.FP64) {
            cuMemcpyHtoD(c(dst).pointer, Pointer.to(src), (long) src.length * Double.BYTES);
        } else {
            float[] f = new float[src.length];
            for (int i = 0; i < src.length; i++) {
                f[i] = (float) src[i];
            }
            cuMemcpyHtoD(c(dst).pointer, Pointer.to(f), (long) f.length * Float.BYTES);
        }
    }

    @Override
    protected double[] downloadImpl(MatrixBatch src) {
        current();
        int n = (int) src.elements();
        if (src.precision() == Precision.FP64) {
            double[] out = new double[n];
            cuMemcpyDtoH(Pointer.to(out), c(src).pointer, (long) n * Double.BYTES);
            return out;
        }
        float[] f = new float[n];
        cuMemcpyDtoH(Pointer.to(f), c(src).pointer, (long) n * Float.BYTES);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = f[i];
        }
        return out;
    }

    @Override
    protected void fillGaussianImpl(GaussianStream stream, double scale, MatrixBatch dst) {
        current();
        kernels.fillGaussian(dst.precision(), stream.seed(), stream.purpose().id(), stream.substream(), dst.elements(),
                scale, c(dst).pointer);
    }

    @Override
    protected void copyImpl(MatrixBatch src, MatrixBatch dst) {
        current();
        cuMemcpyDtoD(c(dst).pointer, c(src).pointer, src.bytes());
        afterCall();
    }

    // ------------------------------------------------------------------ dense linear algebra

    @Override
    protected void gemmImpl(double alpha, MatrixBatch a, Transpose ta, MatrixBatch b, Transpose tb, double beta,
            MatrixBatch cOut) {
        current();
        // Row-major C (m×n) = op(A)(m×k)·op(B)(k×n)  ⇔  column-major Cᵀ (n×m) = op(B)ᵀ·op(A)ᵀ (see GemmCall).
        GemmCall g = GemmCall.rowMajor(a.rows(), a.cols(), a.count(), ta == Transpose.TRANSPOSE, b.rows(), b.cols(),
                b.count(), tb == Transpose.TRANSPOSE, cOut.rows(), cOut.cols(), cOut.count());
        call(cOut.precision(), g, alpha, c(b).pointer, c(a).pointer, beta, c(cOut).pointer);
    }

    @Override
    protected void scaleAddImpl(double[] alpha, MatrixBatch x, MatrixBatch y) {
        current();
        // The coefficients change only when a trajectory stops, so they cross the bus only then (a copy from
        // pageable host memory would also wait for all queued device work, twice per gradient step).
        if (!Arrays.equals(alpha, coefficientsOnDevice)) {
            coefficients.ensure(alpha.length);
            cuMemcpyHtoD(coefficients.pointer, Pointer.to(alpha), (long) alpha.length * Double.BYTES);
            coefficientsOnDevice = alpha.clone();
        }
        kernels.scaleAdd(y.precision(), c(y).pointer, c(x).pointer, coefficients.pointer, y.itemElements(), y.count(),
                x.count() == 1);
    }

    @Override
    protected double[] squaredNormsImpl(MatrixBatch x) {
        return reduce(x, null);
    }

    @Override
    protected double[] squaredDistancesImpl(MatrixBatch x, MatrixBatch ref) {
        return reduce(x, ref);
    }

    private double[] reduce(MatrixBatch x, MatrixBatch ref) {
        current();
        sums.ensure(x.count());
        kernels.squaredDistances(x.precision(), c(x).pointer, ref == null ? null : c(ref).pointer, x.itemElements(),
                x.count(), ref != null && ref.count() == 1, sums.pointer);
        double[] out = new double[x.count()];
        cuMemcpyDtoH(Pointer.to(out), sums.pointer, (long) out.length * Double.BYTES);
        return out;
    }

    // ------------------------------------------------------------------ the sensing operator

    @Override
    protected void residualImpl(MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res) {
        current();
        call(x.precision(), GemmCall.forward(op.rows(), op.cols(), x.count()), 1.0, c(op).pointer, c(x).pointer, 0.0,
                c(res).pointer);
        kernels.subtract(x.precision(), c(res).pointer, c(y).pointer, op.rows(), res.count(), y.count() == 1);
    }

    @Override
    protected void adjointImpl(MatrixBatch op, MatrixBatch res, MatrixBatch e) {
        current();
        call(e.precision(), GemmCall.adjoint(op.rows(), op.cols(), res.count()), 1.0, c(op).pointer, c(res).pointer, 0.0,
                c(e).pointer);
    }

    /**
     * {@code res_b ← 𝒜x_b − y_b, E_b ← 𝒜ᵀres_b} in one read of 𝒜 (the fused kernel, see the class comment), or the
     * two GEMMs where the fused pass cannot run. Modifies res and e.
     */
    @Override
    protected void residualAndAdjointImpl(MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res, MatrixBatch e) {
        current();
        Precision p = x.precision();
        FusedPassPlan plan = fused ? fusedPlan(p, op.rows(), op.cols(), x.count()) : null;
        if (plan == null || plan.partialDoubles() > Integer.MAX_VALUE || plan.accumulatorDoubles() > Integer.MAX_VALUE) {
            super.residualAndAdjointImpl(op, x, y, res, e);
            return;
        }
        partials.ensure((int) plan.partialDoubles());
        CUdeviceptr eacc = c(e).pointer;
        if (plan.accumulatorDoubles() > 0) {
            accumulator.ensure((int) plan.accumulatorDoubles());
            eacc = accumulator.pointer;
        }
        kernels.fusedResidualAdjoint(p, plan, c(op).pointer, c(x).pointer, c(y).pointer, c(res).pointer, c(e).pointer,
                eacc, partials.pointer, barrier.pointer, op.rows(), op.cols(), x.count(), y.count() == 1);
        fusedPasses++;
    }

    /** One cuBLAS call as planned by {@link GemmCall}; {@code first} is cuBLAS's A, {@code second} its B. */
    private void call(Precision p, GemmCall g, double alpha, CUdeviceptr first, CUdeviceptr second, double beta,
            CUdeviceptr out) {
        blas.gemm(p, g.transA(), g.transB(), g.m(), g.n(), g.k(), alpha, first, g.lda(), g.strideA(), second, g.ldb(),
                g.strideB(), beta, out, g.ldc(), g.strideC(), g.batch());
        afterCall();
    }

    @Override
    protected void synchronizeImpl() {
        current();
        cuCtxSynchronize();
    }

    /** A device array of doubles that grows on demand (its contents are lost when it grows). */
    private static final class DeviceDoubles {
        CUdeviceptr pointer;
        int capacity;

        void ensure(int doubles) {
            if (pointer != null && capacity >= doubles) {
                return;
            }
            int want = Math.max(doubles, Math.max(64, capacity * 2));
            free();
            CUdeviceptr p = new CUdeviceptr();
            cuMemAlloc(p, (long) want * Double.BYTES);
            pointer = p;
            capacity = want;
        }

        void free() {
            if (pointer != null) {
                CUdeviceptr p = pointer;
                pointer = null;
                capacity = 0;
                cuMemFree(p);
            }
        }
    }

    @Override
    protected void closeImpl() {
        RuntimeException first = null;
        if (contextRetained) {
            first = attempt(first, () -> {
                cuCtxSetCurrent(context);
                cuCtxSynchronize();
            });
        }
        coefficientsOnDevice = null;
        first = attempt(first, coefficients::free);
        first = attempt(first, sums::free);
        first = attempt(first, partials::free);
        first = attempt(first, accumulator::free);
        first = attempt(first, barrier::free);
        if (blas != null) {
            first = attempt(first, blas::close);
        }
        if (kernels != null) {
            first = attempt(first, kernels::close);
        }
        if (contextRetained) {
            contextRetained = false;
            first = attempt(first, () -> cuDevicePrimaryCtxRelease(device));
        }
        if (first != null) {
            throw first;
        }
    }

    /** Runs one release step of {@link #closeImpl}; returns the first failure so far (the earlier one wins). */
    private static RuntimeException attempt(RuntimeException first, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            return first == null ? e : first;
        }
        return first;
    }

    static {
        JCudaDriver.setExceptionsEnabled(true);
    }
}
