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
