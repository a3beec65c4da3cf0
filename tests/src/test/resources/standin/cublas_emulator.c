/*
 * A stand-in libcublas.so.13 that computes the GEMMs the msense CUDA engine calls on the host, with the
 * column-major BLAS semantics cuBLAS documents (β = 0: C is not read). Test use only (see
 * cuda_emulator.c). Other imported cuBLAS functions are generated as stubs by the test.
 */
#include <stddef.h>

int cublasCreate_v2(void **h) { *h = (void *)0x30; return 0; }
int cublasDestroy_v2(void *h) { return 0; }
int cublasSetPointerMode_v2(void *h, int mode) { return mode == 0 ? 0 : 7; /* host pointer mode only */ }
int cublasSetMathMode(void *h, int mode) { return 0; }
int cublasGetVersion_v2(void *h, int *v) { *v = 139907; return 0; }
int cublasGetProperty(int type, int *value) { *value = type == 0 ? 13 : type == 1 ? 99 : 7; return 0; }

#define GEMM(NAME, T, ACC)                                                                                  \
    static int NAME##_batched(int ta, int tb, int m, int n, int k, const T *alpha, const T *A, int lda,     \
                              long long sa, const T *B, int ldb, long long sb, const T *beta, T *C, int ldc, \
                              long long sc, int batch)                                                   \
    {                                                                                                    \
        int q, i, j, l;                                                                                  \
        if (m < 0 || n < 0 || k < 0 || batch < 0 || ldc < (m > 1 ? m : 1)                                \
            || lda < ((ta ? k : m) > 1 ? (ta ? k : m) : 1) || ldb < ((tb ? n : k) > 1 ? (tb ? n : k) : 1)) \
            return 7; /* CUBLAS_STATUS_INVALID_VALUE */                                                  \
        for (q = 0; q < batch; q++)                                                                      \
            for (i = 0; i < m; i++)                                                                      \
                for (j = 0; j < n; j++) {                                                                \
                    ACC s = 0;                                                                           \
                    for (l = 0; l < k; l++) {                                                            \
                        T a = ta ? A[q * sa + l + (long long)i * lda] : A[q * sa + i + (long long)l * lda]; \
                        T b = tb ? B[q * sb + j + (long long)l * ldb] : B[q * sb + l + (long long)j * ldb]; \
                        s += (ACC)a * b;                                                                 \
                    }                                                                                    \
                    T *c = &C[q * sc + i + (long long)j * ldc];                                          \
                    *c = *beta == 0 ? (T)(*alpha * s) : (T)(*alpha * s + *beta * *c);                     \
                }                                                                                        \
        return 0;                                                                                        \
    }

GEMM(dgemm, double, double)
GEMM(sgemm, float, float)

int cublasDgemm_v2(void *h, int ta, int tb, int m, int n, int k, const double *alpha, const double *A, int lda,
                   const double *B, int ldb, const double *beta, double *C, int ldc)
{
    return dgemm_batched(ta, tb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}
int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda,
                   const float *B, int ldb, const float *beta, float *C, int ldc)
{
    return sgemm_batched(ta, tb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}
int cublasDgemmStridedBatched(void *h, int ta, int tb, int m, int n, int k, const double *alpha, const double *A,
                              int lda, long long sa, const double *B, int ldb, long long sb, const double *beta,
                              double *C, int ldc, long long sc, int batch)
{
    return dgemm_batched(ta, tb, m, n, k, alpha, A, lda, sa, B, ldb, sb, beta, C, ldc, sc, batch);
}
int cublasSgemmStridedBatched(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A,
                              int lda, long long sa, const float *B, int ldb, long long sb, const float *beta,
                              float *C, int ldc, long long sc, int batch)
{
    return sgemm_batched(ta, tb, m, n, k, alpha, A, lda, sa, B, ldb, sb, beta, C, ldc, sc, batch);
}
