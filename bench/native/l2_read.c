// The cache read rate of docs/benchmarks.md (issue-17 section, fourth round): every OpenMP thread sums its own buffer of
// KB kibibytes (32: L1, 512: L2 on the machines we measured) with AVX2 loads, over and over, and prints its rate. If the
// rate per thread stays the same on two threads as on one, the two threads have caches of their own (not two hardware
// threads of one core). Not part of the build:
//   gcc -O3 -mavx2 -fopenmp -o /tmp/l2_read bench/native/l2_read.c
//   for t in 1 2; do OMP_NUM_THREADS=$t /tmp/l2_read 512; done
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    size_t kb = argc > 1 ? (size_t)atoi(argv[1]) : 512;
    size_t n = kb * 1024 / 8;
    if (n < 16) {
        fprintf(stderr, "usage: l2_read KB (at least 1)\n");
        return 2;
    }
    long reps = 1000000000L / (long)n; /* 8 GB read per thread */
#pragma omp parallel
    {
        double *a = aligned_alloc(64, n * sizeof(double));
        for (size_t i = 0; i < n; i++) a[i] = (double)(i & 1023) * 1e-9;
        __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
#pragma omp barrier
        double t0 = omp_get_wtime();
        for (long r = 0; r < reps; r++)
            for (size_t i = 0; i + 16 <= n; i += 16) {
                s0 = _mm256_add_pd(s0, _mm256_load_pd(a + i));
                s1 = _mm256_add_pd(s1, _mm256_load_pd(a + i + 4));
                s2 = _mm256_add_pd(s2, _mm256_load_pd(a + i + 8));
                s3 = _mm256_add_pd(s3, _mm256_load_pd(a + i + 12));
            }
        double t = omp_get_wtime() - t0;
        double out[4];
        _mm256_storeu_pd(out, _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
#pragma omp critical
        printf("thread %d of %d: %zu KiB buffer, %.1f GB/s (checksum %g)\n", omp_get_thread_num(), omp_get_num_threads(), kb,
               (double)n * 8 * reps / t / 1e9, out[0]);
        free(a);
    }
    return 0;
}
