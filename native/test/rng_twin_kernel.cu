/*
 * CUDA twin of rng_twin.c: rng_twin_cuda SEED PURPOSE SUBSTREAM FIRST COUNT prints COUNT lines,
 * the 64-bit IEEE pattern (16 hex digits) of msense_normal(...) computed on the GPU. Its output
 * must equal rng_twin's and GaussianStream's bit for bit.
 *
 * Build: nvcc -fmad=false -O2 -o rng_twin_cuda rng_twin_kernel.cu
 * (device-code check only: nvcc -fmad=false -ptx -arch=sm_90 -x cu rng_twin_kernel.cu)
 */
#include <stdio.h>
#include <stdlib.h>

#include "../src/msense_rng.h"

/* out[i] = msense_normal(seed, purpose, substream, first + i), i < count; one thread per pair. */
__global__ void msense_rng_twin_kernel(unsigned long long seed, unsigned int purpose,
                                       unsigned int substream, unsigned long long first,
                                       unsigned long long count, double *out)
{
    unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) {
        out[i] = msense_normal(seed, purpose, substream, first + i);
    }
}

/* out[2p], out[2p + 1] = both elements of pair (first_pair + p), p < pairs. */
__global__ void msense_rng_twin_pair_kernel(unsigned long long seed, unsigned int purpose,
                                            unsigned int substream, unsigned long long first_pair,
                                            unsigned long long pairs, double *out)
{
    unsigned long long p = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (p < pairs) {
        msense_normal_pair_t z = msense_normal_pair(seed, purpose, substream, first_pair + p);
        out[2 * p] = z.z0;
        out[2 * p + 1] = z.z1;
    }
}

int main(int argc, char **argv)
{
    unsigned long long seed, purpose, substream, first, count, i;
    double *device_out = NULL;
    double *host_out;
    unsigned int threads = 256;
    if (argc != 6) {
        fprintf(stderr, "usage: rng_twin_cuda SEED PURPOSE SUBSTREAM FIRST COUNT\n");
        return 2;
    }
    seed = strtoull(argv[1], NULL, 0);
    purpose = strtoull(argv[2], NULL, 0);
    substream = strtoull(argv[3], NULL, 0);
    first = strtoull(argv[4], NULL, 0);
    count = strtoull(argv[5], NULL, 0);
    if (count == 0) {
        return 0;
    }
    host_out = (double *)malloc(count * sizeof(double));
    if (host_out == NULL || cudaMalloc((void **)&device_out, count * sizeof(double)) != cudaSuccess) {
        fprintf(stderr, "rng_twin_cuda: out of memory\n");
        return 1;
    }
    msense_rng_twin_kernel<<<(unsigned int)((count + threads - 1) / threads), threads>>>(
        seed, (unsigned int)purpose, (unsigned int)substream, first, count, device_out);
    if (cudaMemcpy(host_out, device_out, count * sizeof(double), cudaMemcpyDeviceToHost) != cudaSuccess) {
        fprintf(stderr, "rng_twin_cuda: %s\n", cudaGetErrorString(cudaGetLastError()));
        return 1;
    }
    {
        /* The pair kernel must agree with the element kernel (exit status 3 otherwise). */
        unsigned long long first_pair = first >> 1;
        unsigned long long pairs = ((first + count - 1) >> 1) - first_pair + 1;
        double *device_pairs = NULL;
        double *host_pairs = (double *)malloc(2 * pairs * sizeof(double));
        if (host_pairs == NULL
            || cudaMalloc((void **)&device_pairs, 2 * pairs * sizeof(double)) != cudaSuccess) {
            fprintf(stderr, "rng_twin_cuda: out of memory\n");
            return 1;
        }
        msense_rng_twin_pair_kernel<<<(unsigned int)((pairs + threads - 1) / threads), threads>>>(
            seed, (unsigned int)purpose, (unsigned int)substream, first_pair, pairs, device_pairs);
        if (cudaMemcpy(host_pairs, device_pairs, 2 * pairs * sizeof(double), cudaMemcpyDeviceToHost)
            != cudaSuccess) {
            fprintf(stderr, "rng_twin_cuda: %s\n", cudaGetErrorString(cudaGetLastError()));
            return 1;
        }
        for (i = 0; i < count; i++) {
            double z = host_pairs[first + i - 2 * first_pair];
            if (msense_double_bits(z) != msense_double_bits(host_out[i])) {
                fprintf(stderr, "rng_twin_cuda: pair kernel disagrees at index %llu\n", first + i);
                return 3;
            }
        }
        cudaFree(device_pairs);
        free(host_pairs);
    }
    for (i = 0; i < count; i++) {
        printf("%016llx\n", msense_double_bits(host_out[i]));
    }
    cudaFree(device_out);
    free(host_out);
    return 0;
}
