/*
 * The fused sensing pass of msense's CPU backend for one trajectory (B = 1), in C, called through JNI by
 * org.msense.cpu.NativeSensingPass. For the rows [from, to) of the row-major m x n operator a it writes
 * res[i] = <a_i, x> - y[i] and adds sum_i res[i] * a_i into acc (length n): the same pass as the Java
 * VectorSensingPass.rowMajor for an fp64 operator, in blocks of eight rows (dot products of the block, then its adjoint
 * while the block is still in cache). (An fp32-stored operator stays on the Java pass: the same code in C, widening
 * on load, was no faster; docs/benchmarks.md.)
 *
 * Why C: the dot products run at the memory rate in Java too, but the adjoint that follows them (the block re-read
 * from L2) runs faster in this code; the whole pass is about a fifth faster on two cores (docs/benchmarks.md, issue 17,
 * fourth round).
 *
 * Order of the sums (fixed by the row and column indices only), the Java pass's at 8 lanes: rows in blocks of 8 from
 * `from`, then one block of 4, then single rows; a block's dot products in 8-lane vectors with two accumulators over
 * alternate vectors (columns [16t, 16t + 8) and [16t + 8, 16t + 16)), a single row's with one; the accumulators added
 * lane-wise, the lanes summed in lane order, then the leftover columns one rounded product at a time; adjoint: each
 * entry of acc takes the rows of its block in row order, with fused multiply-adds. So where the Java pass runs
 * 512-bit vectors the two give the same bits (NativeSensingPassTest). Vectors are written with GCC's vector extensions at 8
 * lanes, compiled twice (AVX-512 and AVX2; both with FMA), and the arithmetic of every lane is the same on both, so the
 * results do not depend on which one runs. Machines without AVX2 and FMA get no native pass (isa() returns 0).
 *
 * Build: native/cpu/build.sh (gcc; writes the library and a manifest into engine-cpu's resources).
 */
#include <jni.h>
#include <stddef.h>

typedef double v8d __attribute__((vector_size(64), aligned(8)));

#define LOAD_D(p) (*(const v8d *)(p))
#define LOAD_ACC(p) (*(v8d *)(p))

/* The sum of the 8 lanes of v in lane order. */
#define LANES(v) ((((((((v)[0] + (v)[1]) + (v)[2]) + (v)[3]) + (v)[4]) + (v)[5]) + (v)[6]) + (v)[7])

/*
 * The leftover columns [from, n) of a dot product, added to d one product at a time, each product rounded before
 * the sum (no fused multiply-add: the Java pass's scalar tails round twice). Not inlined, so that -ffp-contract=fast
 * cannot fuse them.
 */
__attribute__((noinline, optimize("fp-contract=off"))) static double tail64(const double *b, const double *x, int from,
                                                                          int n, double d) {
    for (int k = from; k < n; k++) d += b[k] * x[k];
    return d;
}

/*
 * R rows at b (R = 8, or 4 for the leftover rows as the Java pass does them): their dot products with two accumulators
 * over alternate 8-lane vectors, the residuals, then the adjoint with each entry of acc taking the R rows in row order.
 */
#define BLOCK(R)                                                                                       \
    {                                                                                                                  \
        v8d s[R], t[R];                                                                                                \
        for (int q = 0; q < R; q++) s[q] = t[q] = (v8d){0};                                                            \
        int j = 0;                                                                                                     \
        for (; j + 16 <= n; j += 16) {                                                                                 \
            v8d xv = LOAD_D(x + j), xw = LOAD_D(x + j + 8);                                                            \
            for (int q = 0; q < R; q++) {                                                                              \
                s[q] += LOAD_D(b + (size_t)q * n + j) * xv;                                                             \
                t[q] += LOAD_D(b + (size_t)q * n + j + 8) * xw;                                                         \
            }                                                                                                          \
        }                                                                                                              \
        double r[R];                                                                                                   \
        for (int q = 0; q < R; q++) {                                                                                  \
            v8d u = s[q] + t[q];                                                                                       \
            r[q] = tail64(b + (size_t)q * n, x, j, n, LANES(u)) - y[i + q];                                              \
            res[i + q] = r[q];                                                                                         \
        }                                                                                                              \
        v8d v[R];                                                                                                      \
        for (int q = 0; q < R; q++) v[q] = (v8d){r[q], r[q], r[q], r[q], r[q], r[q], r[q], r[q]};                      \
        j = 0;                                                                                                         \
        for (; j + 32 <= n; j += 32) {                                                                                 \
            v8d e0 = LOAD_ACC(acc + j), e1 = LOAD_ACC(acc + j + 8), e2 = LOAD_ACC(acc + j + 16),                       \
                e3 = LOAD_ACC(acc + j + 24);                                                                           \
            for (int q = 0; q < R; q++) {                                                                              \
                const double *p = b + (size_t)q * n + j;                                                                    \
                e0 += LOAD_D(p) * v[q];                                                                                 \
                e1 += LOAD_D(p + 8) * v[q];                                                                             \
                e2 += LOAD_D(p + 16) * v[q];                                                                            \
                e3 += LOAD_D(p + 24) * v[q];                                                                            \
            }                                                                                                          \
            *(v8d *)(acc + j) = e0;                                                                                    \
            *(v8d *)(acc + j + 8) = e1;                                                                                \
            *(v8d *)(acc + j + 16) = e2;                                                                               \
            *(v8d *)(acc + j + 24) = e3;                                                                               \
        }                                                                                                              \
        for (; j + 8 <= n; j += 8) {                                                                                   \
            v8d e = LOAD_ACC(acc + j);                                                                                 \
            for (int q = 0; q < R; q++) e += LOAD_D(b + (size_t)q * n + j) * v[q];                                      \
            *(v8d *)(acc + j) = e;                                                                                     \
        }                                                                                                              \
        for (; j < n; j++) {                                                                                           \
            double e = acc[j];                                                                                         \
            for (int q = 0; q < R; q++) e += b[(size_t)q * n + j] * r[q];                                      \
            acc[j] = e;                                                                                                \
        }                                                                                                              \
    }

/* The pass over rows [from, to): blocks of 8 rows, then one of 4, then single rows. */
#define PASS_BODY                                                                                      \
    {                                                                                                                  \
        int i = from;                                                                                                  \
        for (; i + 8 <= to; i += 8) {                                                                                  \
            const double *b = a + (size_t)i * n;                                                                            \
            BLOCK(8)                                                                                   \
        }                                                                                                              \
        for (; i + 4 <= to; i += 4) {                                                                                  \
            const double *b = a + (size_t)i * n;                                                                            \
            BLOCK(4)                                                                                   \
        }                                                                                                              \
        for (; i < to; i++) {                                                                                          \
            const double *b = a + (size_t)i * n;                                                                            \
            v8d s = (v8d){0};                                                                                          \
            int j = 0;                                                                                                 \
            for (; j + 8 <= n; j += 8) s += LOAD_D(b + j) * LOAD_D(x + j);                                              \
            double r = tail64(b, x, j, n, LANES(s)) - y[i];                                                              \
            res[i] = r;                                                                                                \
            v8d v = (v8d){r, r, r, r, r, r, r, r};                                                                     \
            j = 0;                                                                                                     \
            for (; j + 8 <= n; j += 8) *(v8d *)(acc + j) = LOAD_ACC(acc + j) + LOAD_D(b + j) * v;                       \
            for (; j < n; j++) acc[j] += b[j] * r;                                                             \
        }                                                                                                              \
    }

#define DEFINE_PASS(NAME, TARGET)                                                                                      \
    __attribute__((target(TARGET))) static void NAME(const double *a, int n, int from, int to, const double *x,        \
                                                     const double *y, double *res, double *acc) PASS_BODY

DEFINE_PASS(pass64_avx512, "avx512f,avx512vl,avx2,fma")
DEFINE_PASS(pass64_avx2, "avx2,fma")

/* 2: AVX-512 (with AVX2 and FMA), 1: AVX2 and FMA, 0: neither (no native pass). The passes take the level to run
 * (at most this one), so that a test can run the AVX2 code on an AVX-512 machine. */
static int isa(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 0;
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 2 : 1;
}

JNIEXPORT jint JNICALL Java_org_msense_cpu_NativeSensingPass_isa(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return isa();
}

/*
 * Returns 0 when the pass ran, 1 when the JVM could not give direct access to the arrays (nothing was computed),
 * 2 for a level this library does not have.
 */
JNIEXPORT jint JNICALL Java_org_msense_cpu_NativeSensingPass_rowMajor64(JNIEnv *env, jclass cls, jint level,
                                                                        jdoubleArray a, jint n, jint from, jint to,
                                                                        jdoubleArray x, jdoubleArray y, jdoubleArray res,
                                                                        jdoubleArray acc) {
    (void)cls;
    if (level != 1 && level != 2) return 2;
    int status = 1;
    double *pa = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    double *px = pa ? (*env)->GetPrimitiveArrayCritical(env, x, NULL) : NULL;
    double *py = px ? (*env)->GetPrimitiveArrayCritical(env, y, NULL) : NULL;
    double *pr = py ? (*env)->GetPrimitiveArrayCritical(env, res, NULL) : NULL;
    double *pc = pr ? (*env)->GetPrimitiveArrayCritical(env, acc, NULL) : NULL;
    if (pc) {
        if (level == 2) pass64_avx512(pa, n, from, to, px, py, pr, pc);
        else pass64_avx2(pa, n, from, to, px, py, pr, pc);
        status = 0;
    }
    if (pc) (*env)->ReleasePrimitiveArrayCritical(env, acc, pc, 0);
    if (pr) (*env)->ReleasePrimitiveArrayCritical(env, res, pr, 0);
    if (py) (*env)->ReleasePrimitiveArrayCritical(env, y, py, JNI_ABORT);
    if (px) (*env)->ReleasePrimitiveArrayCritical(env, x, px, JNI_ABORT);
    if (pa) (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
    return status;
}
