/*
 * msense_kernels.cu - the device kernels of the CUDA engine (org.msense.cuda.CudaEngine).
 *
 * Dense products (forward and adjoint sensing contractions, V W^T, E W, E^T V) are cuBLAS GEMMs; the
 * kernels here are what cuBLAS does not do: the Philox Gaussian generator (bit-identical to the Java
 * GaussianStream, through msense_rng.h), the residual subtraction, the per-trajectory scaled addition
 * (the elementwise gradient update) and the fp64-accumulated reductions of the Engine SPI.
 *
 * Conventions, for every kernel:
 *   - a batch is `count` items of `item` elements each, stored back to back (item b starts at b*item);
 *   - a flag `*_broadcast` = 1 means that operand has one item, used for every b;
 *   - 1D grids with grid-stride loops over 64-bit indices, so any grid size is correct;
 *   - every kernel exists for double (suffix _f64) and float (suffix _f32); the JNI side passes the
 *     arguments with exactly these types (pointers, unsigned long long, unsigned int, int, double).
 *
 * Build: native/build.sh (nvcc -fmad=false: the generator needs exact IEEE operations, and it makes
 * the elementwise kernels round exactly like the Java CPU engine).
 */
#include "msense_rng.h"

#define MSENSE_REDUCE_THREADS 256

/* ---- generation ------------------------------------------------------------------------------ */

/* out[i] = (T)(scale * normal(first + i)) for i < count, where normal(j) is element j of the stream
 * (seed, purpose, substream). One thread computes one Philox block (two elements). Matches
 * GaussianStream.fill(first, scale, dst, 0, count) bit for bit. */
template <typename T>
__device__ void fill_gaussian(unsigned long long seed, unsigned int purpose, unsigned int substream,
                              unsigned long long first, unsigned long long count, double scale, T *out)
{
    if (count == 0) {
        return;
    }
    unsigned long long first_pair = first >> 1;
    unsigned long long last_pair = (first + count - 1) >> 1;
    unsigned long long pairs = last_pair - first_pair + 1;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long p = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; p < pairs; p += stride) {
        unsigned long long pair = first_pair + p;
        msense_normal_pair_t z = msense_normal_pair(seed, purpose, substream, pair);
        unsigned long long even = 2 * pair;
        if (even >= first && even < first + count) {
            out[even - first] = (T)(scale * z.z0);
        }
        if (even + 1 >= first && even + 1 < first + count) {
            out[even + 1 - first] = (T)(scale * z.z1);
        }
    }
}

extern "C" __global__ void msense_fill_gaussian_f64(unsigned long long seed, unsigned int purpose,
        unsigned int substream, unsigned long long first, unsigned long long count, double scale, double *out)
{
    fill_gaussian<double>(seed, purpose, substream, first, count, scale, out);
}

extern "C" __global__ void msense_fill_gaussian_f32(unsigned long long seed, unsigned int purpose,
        unsigned int substream, unsigned long long first, unsigned long long count, double scale, float *out)
{
    fill_gaussian<float>(seed, purpose, substream, first, count, scale, out);
}

/* ---- residual -------------------------------------------------------------------------------- */

/* res[b*item + i] -= y[(y_broadcast ? 0 : b)*item + i] for every b < count, i < item. After the GEMM
 * res_b = A x_b this makes res_b = A x_b - y_b. */
template <typename T>
__device__ void subtract(T *res, const T *y, unsigned long long item, unsigned long long count, int y_broadcast)
{
    unsigned long long total = item * count;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long k = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; k < total; k += stride) {
        unsigned long long yi = y_broadcast ? k % item : k;
        res[k] = res[k] - y[yi];
    }
}

extern "C" __global__ void msense_subtract_f64(double *res, const double *y, unsigned long long item,
        unsigned long long count, int y_broadcast)
{
    subtract<double>(res, y, item, count, y_broadcast);
}

extern "C" __global__ void msense_subtract_f32(float *res, const float *y, unsigned long long item,
        unsigned long long count, int y_broadcast)
{
    subtract<float>(res, y, item, count, y_broadcast);
}

/* ---- elementwise update ---------------------------------------------------------------------- */

/* y[b*item + i] += (T)alpha[b] * x[(x_broadcast ? 0 : b)*item + i]: the per-trajectory scaled addition
 * (a gradient step with its own step size per trajectory). alpha is fp64 on the device; for fp32 it is
 * rounded to float first, as the CPU engine does. No FMA (-fmad=false): the product is rounded, then
 * the sum, exactly like the Java code. */
template <typename T>
__device__ void scale_add(T *y, const T *x, const double *alpha, unsigned long long item, unsigned long long count,
                          int x_broadcast)
{
    unsigned long long total = item * count;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long k = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; k < total; k += stride) {
        unsigned long long b = k / item;
        unsigned long long xi = x_broadcast ? k - b * item : k;
        T a = (T)alpha[b];
        if (a != (T)0) { /* like the CPU engine: a zero coefficient leaves y_b untouched (NaN in x too) */
            y[k] = y[k] + a * x[xi];
        }
    }
}

extern "C" __global__ void msense_scale_add_f64(double *y, const double *x, const double *alpha,
        unsigned long long item, unsigned long long count, int x_broadcast)
{
    scale_add<double>(y, x, alpha, item, count, x_broadcast);
}

extern "C" __global__ void msense_scale_add_f32(float *y, const float *x, const double *alpha,
        unsigned long long item, unsigned long long count, int x_broadcast)
{
    scale_add<float>(y, x, alpha, item, count, x_broadcast);
}

/* ---- reductions (fp64 accumulation in both precisions) --------------------------------------- */

/* Sums the block's per-thread partial sums in shared memory, fixed tree order (deterministic). */
__device__ double block_sum(double v)
{
    __shared__ double partial[MSENSE_REDUCE_THREADS];
    partial[threadIdx.x] = v;
    __syncthreads();
    for (unsigned int s = MSENSE_REDUCE_THREADS / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            partial[threadIdx.x] += partial[threadIdx.x + s];
        }
        __syncthreads();
    }
    return partial[0];
}

/* out[b] = sum_i (x[b*item+i] - (ref ? ref[(ref_broadcast ? 0 : b)*item+i] : 0))^2 in fp64, one block of
 * MSENSE_REDUCE_THREADS threads per item b (gridDim.x = count). NaN/Inf propagate. */
template <typename T>
__device__ void squared_distances(const T *x, const T *ref, unsigned long long item, int ref_broadcast, double *out)
{
    unsigned long long b = blockIdx.x;
    const T *xb = x + b * item;
    const T *rb = ref == 0 ? 0 : ref + (ref_broadcast ? 0 : b * item);
    double s = 0.0;
    for (unsigned long long i = threadIdx.x; i < item; i += MSENSE_REDUCE_THREADS) {
        double d = rb == 0 ? (double)xb[i] : (double)xb[i] - (double)rb[i];
        s += d * d;
    }
    s = block_sum(s);
    if (threadIdx.x == 0) {
        out[b] = s;
    }
}

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_squared_distances_f64(const double *x,
        const double *ref, unsigned long long item, int ref_broadcast, double *out)
{
    squared_distances<double>(x, ref, item, ref_broadcast, out);
}

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_squared_distances_f32(const float *x,
        const float *ref, unsigned long long item, int ref_broadcast, double *out)
{
    squared_distances<float>(x, ref, item, ref_broadcast, out);
}

/* ---- the fused residual-and-adjoint pass: one read of the sensing matrix ---------------------- */

/* Where the block's dynamic shared memory starts (cuLaunchCooperativeKernel's sharedMemBytes). The host
 * shim of the test emulation (MSENSE_HOST_SHIM) provides a per-block buffer under the same name. */
#ifndef MSENSE_HOST_SHIM
extern __shared__ __align__(16) unsigned char msense_dynamic_shared[];
/* Waits until *word != value (a volatile read each time round); wakes the waiters of *word (nothing to do on a
 * GPU, where they poll). The host shim puts its threads to sleep instead of polling. */
#define MSENSE_WAIT_WHILE_EQUAL(word, value) \
    while (*(word) == (value)) {             \
        __nanosleep(64);                     \
    }
#define MSENSE_WAKE_ALL(word)
#endif

/* A barrier over the whole grid, for a cooperative launch (every block resident at once). barrier[0]
 * counts the blocks that arrived, barrier[1] is the generation; both start at 0 and barrier[0] is 0
 * again when the kernel ends. The last block to arrive resets the count and advances the generation;
 * the others wait for the generation to change. __threadfence makes each block's global writes before
 * the barrier visible to every block after it. */
__device__ void grid_barrier(unsigned int *barrier, unsigned int blocks)
{
    __syncthreads();
    if (threadIdx.x == 0) {
        volatile unsigned int *generation = barrier + 1;
        unsigned int seen = *generation;
        __threadfence();
        if (atomicAdd(barrier, 1u) == blocks - 1) {
            atomicExch(barrier, 0u);
            __threadfence();
            atomicAdd(barrier + 1, 1u);
            MSENSE_WAKE_ALL(barrier + 1);
        } else {
            MSENSE_WAIT_WHILE_EQUAL(generation, seen);
        }
        __threadfence();
    }
    __syncthreads();
}

/* The fused pass of the Engine SPI's residualAndAdjoint, for B = count trajectories:
 *   res_b[i] = <A_i, X_b> - y_b[i]        (A_i = row i of op, m rows of N = n1*n2 elements, row-major)
 *   E_b[j]   = sum_i res_b[i] * A[i][j]
 * reading every element of op from global memory ONCE. Launched cooperatively with gridDim.x = G blocks
 * (all resident): block g owns the column chunk [g*chunk, min(N, (g+1)*chunk)) and streams the rows in
 * waves of `wave` rows. Per wave:
 *   1. the block copies its chunk of the wave's rows (wave x chunk) into shared memory and computes, for
 *      every (row r, trajectory b), the partial dot product over its columns, sequentially in column
 *      order, in fp64: partial[(g*wave + r)*B + b];
 *   2. grid barrier; the (r, b) pairs are dealt to the blocks, each sums the G partials in block order
 *      (fixed order: deterministic), rounds to T, subtracts y, and writes res;
 *   3. grid barrier; every block reads the wave's residuals (fp64 in shared memory) and adds, for each of
 *      its columns j and each b, sum_r res_b[r] * A[r][j] (rows in order, fp64) to eacc[b*N + j].
 * Data another block wrote is loaded with __ldcg (cached in L2 only), so no stale L1 line of an earlier wave
 * is read after a barrier. No atomics on data: each E column has one owner block, each residual one writer, and every sum runs
 * in a fixed order, so the result is bitwise reproducible. The accumulator eacc (B x N doubles) is
 * zeroed by the kernel; for T = float the final E is eacc rounded once (e is written), for T = double
 * eacc may be e itself. Global traffic per call: op once (m*N*sizeof(T)), x once, eacc read and written
 * once per wave (in L2 while B*N*8 bytes fit), partial G*wave*B*8 bytes per wave.
 * Shared memory: wave*B doubles (the residuals) then wave*chunk elements of T (the tile).
 * Where the rows come from is the policy `source` (its fill(tile, row0, rows, col0, width) writes the wave's tile,
 * every thread of the block taking part): msense_stored_rows reads them from op; the gaussian-implicit operator's
 * msense_philox_rows (further down) generates the same numbers from the Philox stream.
 * Modifies res, e, eacc, partial; barrier returns to its starting count. */
template <typename T, typename Rows>
__device__ void fused_residual_adjoint(const Rows source, const T *x, const T *y, T *res, T *e, double *eacc,
        double *partial, unsigned int *barrier, unsigned long long m, unsigned long long n, unsigned int count,
        int y_broadcast, unsigned int wave, unsigned long long chunk)
{
    const unsigned int blocks = gridDim.x;
    const unsigned long long g = blockIdx.x;
    const unsigned long long col0 = g * chunk < n ? g * chunk : n;
    const unsigned long long col1 = col0 + chunk < n ? col0 + chunk : n;
    const unsigned long long width = col1 - col0;
    double *res_s = (double *)msense_dynamic_shared;
    T *tile = (T *)(res_s + (unsigned long long)wave * count);

    for (unsigned long long k = threadIdx.x; k < width * count; k += blockDim.x) {
        unsigned long long b = k / width;
        eacc[b * n + col0 + (k - b * width)] = 0.0;
    }
    for (unsigned long long row0 = 0; row0 < m; row0 += wave) {
        const unsigned long long rows = m - row0 < wave ? m - row0 : wave;
        /* 1. the tile and the partial dot products */
        source.fill(tile, row0, rows, col0, width);
        __syncthreads();
        for (unsigned long long q = threadIdx.x; q < rows * count; q += blockDim.x) {
            unsigned long long r = q / count;
            unsigned long long b = q - r * count;
            const T *tr = tile + r * width;
            const T *xb = x + b * n + col0;
            double s = 0.0;
            for (unsigned long long j = 0; j < width; j++) {
                s += (double)tr[j] * (double)xb[j];
            }
            partial[(g * wave + r) * count + b] = s;
        }
        grid_barrier(barrier, blocks);
        /* 2. the residuals of the wave, each (r, b) by one thread of the grid */
        for (unsigned long long q = g * blockDim.x + threadIdx.x; q < rows * count;
             q += (unsigned long long)blocks * blockDim.x) {
            unsigned long long r = q / count;
            unsigned long long b = q - r * count;
            double s = 0.0;
            for (unsigned long long h = 0; h < blocks; h++) {
                s += __ldcg(&partial[(h * wave + r) * count + b]); /* written by block h: read past L1 */
            }
            unsigned long long i = row0 + r;
            res[b * m + i] = (T)s - y[(y_broadcast ? 0 : b) * m + i];
        }
        grid_barrier(barrier, blocks);
        /* 3. the adjoint contributions of the wave to the block's columns */
        for (unsigned long long q = threadIdx.x; q < rows * count; q += blockDim.x) {
            unsigned long long r = q / count;
            unsigned long long b = q - r * count;
            res_s[r * count + b] = (double)__ldcg(&res[b * m + row0 + r]); /* written by other blocks */
        }
        __syncthreads();
        for (unsigned long long k = threadIdx.x; k < width * count; k += blockDim.x) {
            unsigned long long b = k / width;
            unsigned long long j = k - b * width;
            double s = 0.0;
            for (unsigned long long r = 0; r < rows; r++) {
                s += res_s[r * count + b] * (double)tile[r * width + j];
            }
            eacc[b * n + col0 + j] += s;
        }
        __syncthreads(); /* the next wave overwrites tile and res_s */
    }
    if ((void *)eacc != (void *)e) {
        for (unsigned long long k = threadIdx.x; k < width * count; k += blockDim.x) {
            unsigned long long b = k / width;
            unsigned long long idx = b * n + col0 + (k - b * width);
            e[idx] = (T)eacc[idx];
        }
    }
}

/* The rows of a stored sensing matrix op (m x n, row-major): the dense gaussian operator's tile source. */
template <typename T>
struct msense_stored_rows {
    const T *op;
    unsigned long long n;

    __device__ void fill(T *tile, unsigned long long row0, unsigned long long rows, unsigned long long col0,
                         unsigned long long width) const
    {
        for (unsigned long long k = threadIdx.x; k < rows * width; k += blockDim.x) {
            unsigned long long r = k / width;
            tile[k] = op[(row0 + r) * n + col0 + (k - r * width)];
        }
    }
};

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_fused_residual_adjoint_f64(
        const double *op, const double *x, const double *y, double *res, double *e, double *eacc, double *partial,
        unsigned int *barrier, unsigned long long m, unsigned long long n, unsigned int count, int y_broadcast,
        unsigned int wave, unsigned long long chunk)
{
    fused_residual_adjoint<double>(msense_stored_rows<double>{op, n}, x, y, res, e, eacc, partial, barrier, m, n, count, y_broadcast, wave, chunk);
}

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_fused_residual_adjoint_f32(
        const float *op, const float *x, const float *y, float *res, float *e, double *eacc, double *partial,
        unsigned int *barrier, unsigned long long m, unsigned long long n, unsigned int count, int y_broadcast,
        unsigned int wave, unsigned long long chunk)
{
    fused_residual_adjoint<float>(msense_stored_rows<float>{op, n}, x, y, res, e, eacc, partial, barrier, m, n, count, y_broadcast, wave, chunk);
}

/* ==== dense-structured operators: subsampled Hadamard and the implicit (regenerated) Gaussian ======
 * (org.msense.cuda.CudaHadamardOperator, CudaImplicitGaussianOperator). No atomics on data: every output element
 * has one writer and every sum a fixed order, so results are bitwise reproducible. */

/* ---- hadamard: A(Z)_i = sqrt(N/m) (H D vec(Z))_{s_i} = (H_N D vec(Z))_{s_i} / sqrt(m) ------------------------
 * H_N is the unnormalized Sylvester-Hadamard matrix of length N = 2^p >= n1*n2 (vec(Z) row-major, zero-padded),
 * D = diag(signs), s_1..s_m distinct rows. Index arrays (rows, slots) are doubles holding exact integers. */

/* dst[b*dst_item + j] = j < n ? signs[j] * src[b*src_item + j] : 0, for j < dst_item, b < count: D applied on
 * the way into the transform (src_item = n, dst_item = N: zero padding) or out of it (src_item = N, dst_item = n). */
template <typename T>
__device__ void hadamard_signs(const T *src, unsigned long long src_item, const T *signs, T *dst,
                               unsigned long long dst_item, unsigned long long n, unsigned long long count)
{
    unsigned long long total = dst_item * count;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long k = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; k < total; k += stride) {
        unsigned long long b = k / dst_item;
        unsigned long long j = k - b * dst_item;
        dst[k] = j < n ? signs[j] * src[b * src_item + j] : (T)0;
    }
}

extern "C" __global__ void msense_hadamard_signs_f64(const double *src, unsigned long long src_item,
        const double *signs, double *dst, unsigned long long dst_item, unsigned long long n, unsigned long long count)
{
    hadamard_signs<double>(src, src_item, signs, dst, dst_item, n, count);
}

extern "C" __global__ void msense_hadamard_signs_f32(const float *src, unsigned long long src_item,
        const float *signs, float *dst, unsigned long long dst_item, unsigned long long n, unsigned long long count)
{
    hadamard_signs<float>(src, src_item, signs, dst, dst_item, n, count);
}

/* The low stages of the FWHT (butterfly strides 1, 2, ..., seg/2) of every segment of seg = 2^q consecutive
 * elements of t (total elements, a multiple of seg): a block copies a segment into its dynamic shared memory
 * (seg elements), applies the stages in order (a, b) -> (a + b, a - b) with a barrier after each, and writes it
 * back. Modifies t. */
template <typename T>
__device__ void fwht_shared(T *t, unsigned long long total, unsigned int seg)
{
    T *s = (T *)msense_dynamic_shared;
    unsigned long long segments = total / seg;
    for (unsigned long long g = blockIdx.x; g < segments; g += gridDim.x) {
        T *base = t + g * seg;
        for (unsigned int k = threadIdx.x; k < seg; k += blockDim.x) {
            s[k] = base[k];
        }
        __syncthreads();
        for (unsigned int h = 1; h < seg; h <<= 1) {
            for (unsigned int p = threadIdx.x; p < seg / 2; p += blockDim.x) {
                unsigned int j = (p / h) * 2 * h + (p % h);
                T a = s[j];
                T c = s[j + h];
                s[j] = a + c;
                s[j + h] = a - c;
            }
            __syncthreads();
        }
        for (unsigned int k = threadIdx.x; k < seg; k += blockDim.x) {
            base[k] = s[k];
        }
        __syncthreads(); /* the next segment overwrites s */
    }
}

extern "C" __global__ void msense_fwht_shared_f64(double *t, unsigned long long total, unsigned int seg)
{
    fwht_shared<double>(t, total, seg);
}

extern "C" __global__ void msense_fwht_shared_f32(float *t, unsigned long long total, unsigned int seg)
{
    fwht_shared<float>(t, total, seg);
}

/* One high stage of the FWHT, stride h (a power of two, 2h <= length), on count vectors of length elements:
 * (t[j], t[j + h]) -> (t[j] + t[j + h], t[j] - t[j + h]) for every j with bit h clear. Modifies t. */
template <typename T>
__device__ void fwht_stage(T *t, unsigned long long length, unsigned long long count, unsigned long long h)
{
    unsigned long long half = length / 2;
    unsigned long long total = half * count;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long q = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; q < total; q += stride) {
        unsigned long long b = q / half;
        unsigned long long p = q - b * half;
        T *v = t + b * length + (p / h) * 2 * h + (p % h);
        T a = v[0];
        T c = v[h];
        v[0] = a + c;
        v[h] = a - c;
    }
}

extern "C" __global__ void msense_fwht_stage_f64(double *t, unsigned long long length, unsigned long long count,
        unsigned long long h)
{
    fwht_stage<double>(t, length, count, h);
}

extern "C" __global__ void msense_fwht_stage_f32(float *t, unsigned long long length, unsigned long long count,
        unsigned long long h)
{
    fwht_stage<float>(t, length, count, h);
}

/* res[b*m + i] = t[b*length + rows[i]] * scale - y[(y_broadcast ? 0 : b)*m + i] (scale = 1/sqrt(m)): the row
 * selection of the forward map and the residual. Modifies res. */
template <typename T>
__device__ void hadamard_gather(const T *t, const double *rows, const T *y, T *res, unsigned long long m,
                                unsigned long long length, unsigned long long count, int y_broadcast, double scale)
{
    unsigned long long total = m * count;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long k = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; k < total; k += stride) {
        unsigned long long b = k / m;
        unsigned long long i = k - b * m;
        T v = t[b * length + (unsigned long long)rows[i]] * (T)scale;
        res[k] = v - y[(y_broadcast ? 0 : b) * m + i];
    }
}

extern "C" __global__ void msense_hadamard_gather_f64(const double *t, const double *rows, const double *y,
        double *res, unsigned long long m, unsigned long long length, unsigned long long count, int y_broadcast,
        double scale)
{
    hadamard_gather<double>(t, rows, y, res, m, length, count, y_broadcast, scale);
}

extern "C" __global__ void msense_hadamard_gather_f32(const float *t, const double *rows, const float *y,
        float *res, unsigned long long m, unsigned long long length, unsigned long long count, int y_broadcast,
        double scale)
{
    hadamard_gather<float>(t, rows, y, res, m, length, count, y_broadcast, scale);
}

/* t[b*length + j] = slots[j] >= 0 ? res[b*m + slots[j]] * scale : 0 (slots[j] = i where s_i = j, else -1): the
 * transposed row selection P_s^T res / sqrt(m) as a gather, one writer per element. Modifies t. */
template <typename T>
__device__ void hadamard_scatter(const T *res, const double *slots, T *t, unsigned long long m,
                                 unsigned long long length, unsigned long long count, double scale)
{
    unsigned long long total = length * count;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long k = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; k < total; k += stride) {
        unsigned long long b = k / length;
        double slot = slots[k - b * length];
        t[k] = slot >= 0.0 ? res[b * m + (unsigned long long)slot] * (T)scale : (T)0;
    }
}

extern "C" __global__ void msense_hadamard_scatter_f64(const double *res, const double *slots, double *t,
        unsigned long long m, unsigned long long length, unsigned long long count, double scale)
{
    hadamard_scatter<double>(res, slots, t, m, length, count, scale);
}

extern "C" __global__ void msense_hadamard_scatter_f32(const float *res, const double *slots, float *t,
        unsigned long long m, unsigned long long length, unsigned long long count, double scale)
{
    hadamard_scatter<float>(res, slots, t, m, length, count, scale);
}

/* ---- gaussian-implicit: the rows of the dense gaussian operator regenerated on every pass --------------------
 * A[i][j] = (T)(scale * normal(i*n + j)) of the stream (seed, purpose, substream): bit for bit the matrix that
 * msense_fill_gaussian_* stores for the dense operator (and GaussianStream.fill on the CPU). */

/* The tile source of fused_residual_adjoint (see there) that generates the rows instead of reading them: the
 * elements of row r of the tile are the stream elements (row0 + r)*n + col0 ... + width - 1; each thread makes one
 * Philox pair (two consecutive elements) and writes those of its pair inside the tile. */
template <typename T>
struct msense_philox_rows {
    unsigned long long seed;
    unsigned int purpose;
    unsigned int substream;
    unsigned long long n;
    double scale;

    __device__ void fill(T *tile, unsigned long long row0, unsigned long long rows, unsigned long long col0,
                         unsigned long long width) const
    {
        unsigned long long pairs = width / 2 + 1; /* pairs touching a window of width elements, at most */
        for (unsigned long long k = threadIdx.x; k < rows * pairs; k += blockDim.x) {
            unsigned long long r = k / pairs;
            unsigned long long first = (row0 + r) * n + col0;
            unsigned long long pair = (first >> 1) + (k - r * pairs);
            unsigned long long even = 2 * pair;
            if (even >= first + width) {
                continue;
            }
            msense_normal_pair_t z = msense_normal_pair(seed, purpose, substream, pair);
            if (even >= first) {
                tile[r * width + (even - first)] = (T)(scale * z.z0);
            }
            if (even + 1 < first + width) {
                tile[r * width + (even + 1 - first)] = (T)(scale * z.z1);
            }
        }
    }
};

/* The fused residual-and-adjoint pass of fused_residual_adjoint on generated rows: one generation of A per call for
 * all B trajectories, with the geometry (FusedPassPlan) and the summation order of the dense operator's pass, so
 * its results equal msense_fused_residual_adjoint_* on the stored matrix bit for bit. Launched cooperatively. */
extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_implicit_residual_adjoint_f64(
        unsigned long long seed, unsigned int purpose, unsigned int substream, double scale, const double *x,
        const double *y, double *res, double *e, double *eacc, double *partial, unsigned int *barrier,
        unsigned long long m, unsigned long long n, unsigned int count, int y_broadcast, unsigned int wave,
        unsigned long long chunk)
{
    fused_residual_adjoint<double>(msense_philox_rows<double>{seed, purpose, substream, n, scale}, x, y, res, e, eacc,
            partial, barrier, m, n, count, y_broadcast, wave, chunk);
}

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_implicit_residual_adjoint_f32(
        unsigned long long seed, unsigned int purpose, unsigned int substream, double scale, const float *x,
        const float *y, float *res, float *e, double *eacc, double *partial, unsigned int *barrier,
        unsigned long long m, unsigned long long n, unsigned int count, int y_broadcast, unsigned int wave,
        unsigned long long chunk)
{
    fused_residual_adjoint<float>(msense_philox_rows<float>{seed, purpose, substream, n, scale}, x, y, res, e, eacc,
            partial, barrier, m, n, count, y_broadcast, wave, chunk);
}

/* The adjoint alone, E_b = A^T res_b for given residuals, on generated rows: block g owns the columns
 * [g*chunk, min(n, (g+1)*chunk)) and, wave by wave, generates its tile and adds sum_r res_b[r] * A[r][j] (rows in
 * order, fp64) to eacc[b*n + j] -- step 3 of the fused pass with the same plan, so for the same residuals E is the
 * fused pass's bit for bit. No grid barrier: an ordinary launch of the plan's grid. Shared memory as the fused pass.
 * Modifies e and eacc (eacc may be e for T = double). */
template <typename T>
__device__ void implicit_adjoint(const msense_philox_rows<T> source, const T *res, T *e, double *eacc,
        unsigned long long m, unsigned long long n, unsigned int count, unsigned int wave, unsigned long long chunk)
{
    const unsigned long long g = blockIdx.x;
    const unsigned long long col0 = g * chunk < n ? g * chunk : n;
    const unsigned long long col1 = col0 + chunk < n ? col0 + chunk : n;
    const unsigned long long width = col1 - col0;
    double *res_s = (double *)msense_dynamic_shared;
    T *tile = (T *)(res_s + (unsigned long long)wave * count);

    for (unsigned long long k = threadIdx.x; k < width * count; k += blockDim.x) {
        unsigned long long b = k / width;
        eacc[b * n + col0 + (k - b * width)] = 0.0;
    }
    for (unsigned long long row0 = 0; row0 < m; row0 += wave) {
        const unsigned long long rows = m - row0 < wave ? m - row0 : wave;
        source.fill(tile, row0, rows, col0, width);
        for (unsigned long long q = threadIdx.x; q < rows * count; q += blockDim.x) {
            unsigned long long r = q / count;
            unsigned long long b = q - r * count;
            res_s[r * count + b] = (double)res[b * m + row0 + r];
        }
        __syncthreads();
        for (unsigned long long k = threadIdx.x; k < width * count; k += blockDim.x) {
            unsigned long long b = k / width;
            unsigned long long j = k - b * width;
            double s = 0.0;
            for (unsigned long long r = 0; r < rows; r++) {
                s += res_s[r * count + b] * (double)tile[r * width + j];
            }
            eacc[b * n + col0 + j] += s;
        }
        __syncthreads(); /* the next wave overwrites tile and res_s */
    }
    if ((void *)eacc != (void *)e) {
        for (unsigned long long k = threadIdx.x; k < width * count; k += blockDim.x) {
            unsigned long long b = k / width;
            unsigned long long idx = b * n + col0 + (k - b * width);
            e[idx] = (T)eacc[idx];
        }
    }
}

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_implicit_adjoint_f64(
        unsigned long long seed, unsigned int purpose, unsigned int substream, double scale, const double *res,
        double *e, double *eacc, unsigned long long m, unsigned long long n, unsigned int count, unsigned int wave,
        unsigned long long chunk)
{
    implicit_adjoint<double>(msense_philox_rows<double>{seed, purpose, substream, n, scale}, res, e, eacc, m, n, count,
            wave, chunk);
}

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_implicit_adjoint_f32(
        unsigned long long seed, unsigned int purpose, unsigned int substream, double scale, const float *res,
        float *e, double *eacc, unsigned long long m, unsigned long long n, unsigned int count, unsigned int wave,
        unsigned long long chunk)
{
    implicit_adjoint<float>(msense_philox_rows<float>{seed, purpose, substream, n, scale}, res, e, eacc, m, n, count,
            wave, chunk);
}

/* ==== structured operators: matrix completion and rank-one projections ===========================
 * (org.msense.cuda.CudaCompletionOperator, CudaRankOneOperator). No atomics: every output element is
 * written by one thread that sums its terms in an order fixed by the data layout, so the results are
 * bitwise reproducible. fp32 data is accumulated in fp64 and rounded once per output, as on the CPU. */

/* <a, b> over k elements in fp64: for double with four partial sums (q mod 4) added as (s0 + s1) + (s2 + s3),
 * the order of the CPU engine's CompletionTileSweep.dot; for float sequentially, as its fp32 loop. */
template <typename T>
__device__ double completion_dot(const T *a, const T *b, unsigned int k)
{
    if (sizeof(T) == sizeof(float)) {
        double s = 0.0;
        for (unsigned int q = 0; q < k; q++) {
            s += (double)a[q] * (double)b[q];
        }
        return s;
    }
    double s0 = k > 0 ? (double)a[0] * (double)b[0] : 0.0;
    double s1 = k > 1 ? (double)a[1] * (double)b[1] : 0.0;
    double s2 = k > 2 ? (double)a[2] * (double)b[2] : 0.0;
    double s3 = k > 3 ? (double)a[3] * (double)b[3] : 0.0;
    unsigned int q = 4;
    for (; q + 3 < k; q += 4) {
        s0 += (double)a[q] * (double)b[q];
        s1 += (double)a[q + 1] * (double)b[q + 1];
        s2 += (double)a[q + 2] * (double)b[q + 2];
        s3 += (double)a[q + 3] * (double)b[q + 3];
    }
    if (q < k) {
        s0 += (double)a[q] * (double)b[q];
    }
    if (q + 1 < k) {
        s1 += (double)a[q + 1] * (double)b[q + 1];
    }
    if (q + 2 < k) {
        s2 += (double)a[q + 2] * (double)b[q + 2];
    }
    return (s0 + s1) + (s2 + s3);
}

/* Completion residual, a gather: res[b*m + i] = scale * <V_b[row[i], :], W_b[col[i], :]> - y_(b or 0)[i] for
 * b < count, i < m (V_b n1 x k, W_b n2 x k, row-major, items back to back). One thread per (b, i). */
template <typename T>
__device__ void completion_residual(const T *v, const T *w, const T *y, T *res, const int *row, const int *col,
        unsigned long long m, unsigned int n1, unsigned int n2, unsigned int k, unsigned int count, int y_broadcast,
        double scale)
{
    unsigned long long total = m * count;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long t = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        unsigned long long b = t / m;
        unsigned long long i = t - b * m;
        const T *vr = v + (b * n1 + (unsigned long long)row[i]) * k;
        const T *wr = w + (b * n2 + (unsigned long long)col[i]) * k;
        double d = completion_dot<T>(vr, wr, k);
        res[t] = (T)(scale * d - (double)y[(y_broadcast ? 0 : b) * m + i]);
    }
}

extern "C" __global__ void msense_completion_residual_f64(const double *v, const double *w, const double *y,
        double *res, const int *row, const int *col, unsigned long long m, unsigned int n1, unsigned int n2,
        unsigned int k, unsigned int count, int y_broadcast, double scale)
{
    completion_residual<double>(v, w, y, res, row, col, m, n1, n2, k, count, y_broadcast, scale);
}

extern "C" __global__ void msense_completion_residual_f32(const float *v, const float *w, const float *y,
        float *res, const int *row, const int *col, unsigned long long m, unsigned int n1, unsigned int n2,
        unsigned int k, unsigned int count, int y_broadcast, double scale)
{
    completion_residual<float>(v, w, y, res, row, col, m, n1, n2, k, count, y_broadcast, scale);
}

/* Completion gradient, a deterministic scatter written as a gather over a compressed list (CSR):
 *   out_b[o, q] = scale * sum_{p = start[o] .. start[o+1]-1} res_b[index ? index[p] : p] * factor_b[other[p], q]
 * for b < count, o < rows, q < k, the terms in increasing p. With the row-sorted list (start = row offsets,
 * index = 0, other = column of each entry, factor = W) this is E W; with the column-sorted permutation
 * (start = column offsets, index = measurement of each, other = its row, factor = V) it is E^T V.
 * One thread per output element (b, o, q): a warp reads k consecutive numbers of each gathered factor row. */
template <typename T>
__device__ void completion_gradient(const T *res, const T *factor, T *out, const int *start, const int *index,
        const int *other, unsigned int rows, unsigned int factor_rows, unsigned long long m, unsigned int k,
        unsigned int count, double scale)
{
    unsigned long long item = (unsigned long long)rows * k;
    unsigned long long total = item * count;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long t = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        unsigned long long b = t / item;
        unsigned long long rest = t - b * item;
        unsigned long long o = rest / k;
        unsigned long long q = rest - o * k;
        const T *rb = res + b * m;
        const T *fb = factor + b * factor_rows * (unsigned long long)k + q;
        double acc = 0.0;
        for (int p = start[o]; p < start[o + 1]; p++) {
            double r = (double)rb[index == 0 ? p : index[p]];
            acc += r * (double)fb[(unsigned long long)other[p] * k];
        }
        out[t] = (T)(scale * acc);
    }
}

extern "C" __global__ void msense_completion_gradient_f64(const double *res, const double *factor, double *out,
        const int *start, const int *index, const int *other, unsigned int rows, unsigned int factor_rows,
        unsigned long long m, unsigned int k, unsigned int count, double scale)
{
    completion_gradient<double>(res, factor, out, start, index, other, rows, factor_rows, m, k, count, scale);
}

extern "C" __global__ void msense_completion_gradient_f32(const float *res, const float *factor, float *out,
        const int *start, const int *index, const int *other, unsigned int rows, unsigned int factor_rows,
        unsigned long long m, unsigned int k, unsigned int count, double scale)
{
    completion_gradient<float>(res, factor, out, start, index, other, rows, factor_rows, m, k, count, scale);
}

/* The rank-one products of a batch are stacked side by side, as on the CPU (RankOneProducts): V_S = [V_1 ... V_B]
 * (n1 x B*k, row-major), so P_S = A V_S and Q_S = B W_S are ONE GEMM each that reads A (B) once for every trajectory,
 * and P_b[i, c] is P_S[i, b*k + c]. */

/* Stacks or unstacks a batch: with unstack = 0, dst[r*(count*k) + b*k + q] = src[(b*rows + r)*k + q] (count items of
 * rows x k into one rows x count*k matrix); with unstack = 1 the reverse copy. One thread per element. */
template <typename T>
__device__ void rank_one_stack(const T *src, T *dst, unsigned long long rows, unsigned int k, unsigned int count,
        int unstack)
{
    unsigned long long width = (unsigned long long)count * k;
    unsigned long long total = rows * width;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long t = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        unsigned long long r = t / width;
        unsigned long long c = t - r * width;
        unsigned long long b = c / k;
        unsigned long long q = c - b * k;
        unsigned long long batched = (b * rows + r) * k + q;
        if (unstack) {
            dst[batched] = src[t];
        } else {
            dst[t] = src[batched];
        }
    }
}

extern "C" __global__ void msense_rank_one_stack_f64(const double *src, double *dst, unsigned long long rows,
        unsigned int k, unsigned int count, int unstack)
{
    rank_one_stack<double>(src, dst, rows, k, count, unstack);
}

extern "C" __global__ void msense_rank_one_stack_f32(const float *src, float *dst, unsigned long long rows,
        unsigned int k, unsigned int count, int unstack)
{
    rank_one_stack<float>(src, dst, rows, k, count, unstack);
}

/* Rank-one residual from the stacked products P_S = A V_S and Q_S = B W_S (m x count*k, row-major):
 *   res[b*m + i] = (sum_c P_S[i, b*k + c] * Q_S[i, b*k + c]) * inv_sqrt_m - y_(b or 0)[i]
 * the sum in increasing c in fp64 (the CPU engine's RankOneProducts.residual). One thread per (b, i). */
template <typename T>
__device__ void rank_one_residual(const T *p, const T *q, const T *y, T *res, unsigned long long m, unsigned int k,
        unsigned int count, int y_broadcast, double inv_sqrt_m)
{
    unsigned long long total = m * count;
    unsigned long long width = (unsigned long long)count * k;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long t = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        unsigned long long b = t / m;
        unsigned long long i = t - b * m;
        const T *pr = p + i * width + b * k;
        const T *qr = q + i * width + b * k;
        double s = 0.0;
        for (unsigned int c = 0; c < k; c++) {
            s += (double)pr[c] * (double)qr[c];
        }
        res[t] = (T)(s * inv_sqrt_m - (double)y[(y_broadcast ? 0 : b) * m + i]);
    }
}

extern "C" __global__ void msense_rank_one_residual_f64(const double *p, const double *q, const double *y,
        double *res, unsigned long long m, unsigned int k, unsigned int count, int y_broadcast, double inv_sqrt_m)
{
    rank_one_residual<double>(p, q, y, res, m, k, count, y_broadcast, inv_sqrt_m);
}

extern "C" __global__ void msense_rank_one_residual_f32(const float *p, const float *q, const float *y,
        float *res, unsigned long long m, unsigned int k, unsigned int count, int y_broadcast, double inv_sqrt_m)
{
    rank_one_residual<float>(p, q, y, res, m, k, count, y_broadcast, inv_sqrt_m);
}

/* Rows of a stacked product scaled by each trajectory's residual (m x count*k):
 *   dst[i, b*k + c] = ((double)res[b*m + i] * inv_sqrt_m) * src[i, b*k + c]
 * i.e. [diag(res_1) Q_1 ... diag(res_B) Q_B]/sqrt(m), the right operand of the gradient GEMMs A^T (diag(res) Q)/sqrt(m)
 * and B^T (diag(res) P)/sqrt(m). One thread per element. */
template <typename T>
__device__ void rank_one_scale_rows(const T *res, const T *src, T *dst, unsigned long long m, unsigned int k,
        unsigned int count, double inv_sqrt_m)
{
    unsigned long long width = (unsigned long long)count * k;
    unsigned long long total = m * width;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    for (unsigned long long t = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        unsigned long long i = t / width;
        unsigned long long b = (t - i * width) / k;
        double r = (double)res[b * m + i] * inv_sqrt_m;
        dst[t] = (T)(r * (double)src[t]);
    }
}

extern "C" __global__ void msense_rank_one_scale_rows_f64(const double *res, const double *src, double *dst,
        unsigned long long m, unsigned int k, unsigned int count, double inv_sqrt_m)
{
    rank_one_scale_rows<double>(res, src, dst, m, k, count, inv_sqrt_m);
}

extern "C" __global__ void msense_rank_one_scale_rows_f32(const float *res, const float *src, float *dst,
        unsigned long long m, unsigned int k, unsigned int count, double inv_sqrt_m)
{
    rank_one_scale_rows<float>(res, src, dst, m, k, count, inv_sqrt_m);
}

/* The rank-one adjoint of trajectory `item`, entry by entry, for ||A*(res)||_F and the dense adjoint:
 *   E[j, l] = scale * sum_i (res_item[i] * a[i, j]) * bm[i, l]      (a m x n1, bm m x n2, i increasing, fp64)
 * with scale = 1/sqrt(m). Each thread takes entries t = j*n2 + l with a grid stride; partial[blockIdx.x] gets the
 * block's sum of E[j, l]^2 (fp64, fixed tree order), and where e is not 0, e[item*n1*n2 + t] = (T)E[j, l].
 * Launched with MSENSE_REDUCE_THREADS threads per block. O(m*n1*n2) work: the host calls it only within a budget. */
template <typename T>
__device__ void rank_one_adjoint(const T *a, const T *bm, const T *res, T *e, double *partial, unsigned long long m,
        unsigned int n1, unsigned int n2, unsigned int item, double scale)
{
    unsigned long long total = (unsigned long long)n1 * n2;
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
    const T *r = res + (unsigned long long)item * m;
    double sq = 0.0;
    for (unsigned long long t = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        unsigned long long j = t / n2;
        unsigned long long l = t - j * n2;
        double s = 0.0;
        for (unsigned long long i = 0; i < m; i++) {
            s += ((double)r[i] * (double)a[i * n1 + j]) * (double)bm[i * n2 + l];
        }
        s = s * scale;
        if (e != 0) {
            e[(unsigned long long)item * total + t] = (T)s;
        }
        sq += s * s;
    }
    sq = block_sum(sq);
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = sq;
    }
}

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_rank_one_adjoint_f64(const double *a,
        const double *bm, const double *res, double *e, double *partial, unsigned long long m, unsigned int n1,
        unsigned int n2, unsigned int item, double scale)
{
    rank_one_adjoint<double>(a, bm, res, e, partial, m, n1, n2, item, scale);
}

extern "C" __global__ void __launch_bounds__(MSENSE_REDUCE_THREADS) msense_rank_one_adjoint_f32(const float *a,
        const float *bm, const float *res, float *e, double *partial, unsigned long long m, unsigned int n1,
        unsigned int n2, unsigned int item, double scale)
{
    rank_one_adjoint<float>(a, bm, res, e, partial, m, n1, n2, item, scale);
}

/* ==== end of the structured operators ============================================================ */
