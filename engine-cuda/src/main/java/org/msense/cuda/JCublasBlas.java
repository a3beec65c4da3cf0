package org.msense.cuda;

import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasPointerMode;
import jcuda.libraryPropertyType;
import org.msense.core.backend.Precision;

/**
 * {@link Blas} on JCublas2 (cublasDgemm/Sgemm and their strided-batched forms). One handle per engine,
 * on the default stream, host pointer mode. Exceptions are enabled on JCublas2, so every non-success
 * status throws a {@code CudaException}; the status is also checked here for clarity.
 *
 * <p>Math mode: {@code CUBLAS_DEFAULT_MATH} (IEEE fp32/fp64 products), or
 * {@code CUBLAS_TF32_TENSOR_OP_MATH} when TF32 was asked for (fp32 GEMMs then round their inputs to
 * 10-bit mantissas; see docs/gpu.md).
 */
final class JCublasBlas implements Blas {
    private final cublasHandle handle = new cublasHandle();
    private final String version;
    private final String bridge;
    private boolean created;
    private long calls;

    /** Creates the handle in the current context. The caller made the engine's context current. */
    JCublasBlas(CublasBridge.Outcome outcome, boolean allowTf32) {
        JCublas2.setExceptionsEnabled(true);
        this.bridge = outcome.bridge();
        check(JCublas2.cublasCreate(handle), "cublasCreate");
        created = true;
        try {
            check(JCublas2.cublasSetPointerMode(handle, cublasPointerMode.CUBLAS_POINTER_MODE_HOST), "cublasSetPointerMode");
            check(JCublas2.cublasSetMathMode(handle, allowTf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH
                    : cublasMath.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            int[] v = new int[1];
            check(JCublas2.cublasGetVersion(handle, v), "cublasGetVersion");
            this.version = "cuBLAS " + describe(v[0]) + " (" + outcome.cublas().getFileName() + ")";
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** cuBLAS's version number (major·10000 + minor·100 + patch for cuBLAS ≥ 11.2.1) as text. */
    static String describe(int v) {
        return (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100);
    }

    /** The version of the loaded cuBLAS without a handle (cublasGetProperty). */
    static String libraryVersion() {
        int[] major = new int[1];
        int[] minor = new int[1];
        int[] patch = new int[1];
        check(JCublas2.cublasGetProperty(libraryPropertyType.MAJOR_VERSION, major), "cublasGetProperty");
        check(JCublas2.cublasGetProperty(libraryPropertyType.MINOR_VERSION, minor), "cublasGetProperty");
        check(JCublas2.cublasGetProperty(libraryPropertyType.PATCH_LEVEL, patch), "cublasGetProperty");
        return major[0] + "." + minor[0] + "." + patch[0];
    }

    private static void check(int status, String call) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed with cuBLAS status " + status);
        }
    }

    @Override
    public void gemm(Precision precision, boolean transA, boolean transB, int m, int n, int k, double alpha,
            CUdeviceptr a, int lda, long strideA, CUdeviceptr b, int ldb, long strideB, double beta,
            CUdeviceptr c, int ldc, long strideC, int batch) {
        int ta = transA ? CUBLAS_OP_T : CUBLAS_OP_N;
        int tb = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
        int status;
        if (precision == Precision.FP64) {
            Pointer pa = Pointer.to(new double[] {alpha});
            Pointer pb = Pointer.to(new double[] {beta});
            status = batch == 1
                    ? JCublas2.cublasDgemm(handle, ta, tb, m, n, k, pa, a, lda, b, ldb, pb, c, ldc)
                    : JCublas2.cublasDgemmStridedBatched(handle, ta, tb, m, n, k, pa, a, lda, strideA, b, ldb, strideB,
                            pb, c, ldc, strideC, batch);
        } else {
            Pointer pa = Pointer.to(new float[] {(float) alpha});
            Pointer pb = Pointer.to(new float[] {(float) beta});
            status = batch == 1
                    ? JCublas2.cublasSgemm(handle, ta, tb, m, n, k, pa, a, lda, b, ldb, pb, c, ldc)
                    : JCublas2.cublasSgemmStridedBatched(handle, ta, tb, m, n, k, pa, a, lda, strideA, b, ldb, strideB,
                            pb, c, ldc, strideC, batch);
        }
        check(status, precision == Precision.FP64 ? "cublasDgemm" : "cublasSgemm");
        calls++;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String bridge() {
        return bridge;
    }

    @Override
    public long calls() {
        return calls;
    }

    @Override
    public void close() {
        if (created) {
            created = false;
            JCublas2.cublasDestroy(handle);
        }
    }
}
