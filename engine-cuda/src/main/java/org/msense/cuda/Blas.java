package org.msense.cuda;

import jcuda.driver.CUdeviceptr;
import org.msense.core.backend.Precision;

/**
 * The few BLAS calls the CUDA engine makes, behind one small interface so that the binding (JCublas2,
 * stock or bridged; see {@link CublasBridge}) can change without touching the engine.
 *
 * <p>Column-major, BLAS semantics: {@code C_i ← α·op(A_i)·op(B_i) + β·C_i} for i &lt; batch, with
 * {@code A_i = a + i·strideA} (elements) and likewise for B and C; a stride of 0 uses the same matrix for
 * every i. With β = 0, C is not read. All pointers are device memory of the given precision; α and β are
 * passed from the host (rounded to fp32 for fp32). Calls are issued on the default stream, in order.
 */
interface Blas extends AutoCloseable {

    /** Batched (or, for batch 1, plain) GEMM, column-major; see the interface documentation. */
    void gemm(Precision precision, boolean transA, boolean transB, int m, int n, int k, double alpha,
            CUdeviceptr a, int lda, long strideA, CUdeviceptr b, int ldb, long strideB, double beta,
            CUdeviceptr c, int ldc, long strideC, int batch);

    /** The library and its version, e.g. {@code cuBLAS 13.1.0}. */
    String version();

    /** How the library was reached: {@code none (libcublas.so.12)} or the so.12→so.13 patch. */
    String bridge();

    /** Calls made so far (each GEMM counts once). */
    long calls();

    @Override
    void close();
}
