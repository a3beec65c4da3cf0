// The native streaming-read floor of docs/benchmarks.md (issue-17 section): a sum over 1 GiB of doubles with AVX2
// loads on OpenMP threads, best of 8, to set beside `msense bench`'s own floor. Not part of the build:
//   gcc -O3 -mavx2 -fopenmp -o /tmp/stream_read bench/native/stream_read.c && OMP_NUM_THREADS=2 /tmp/stream_read
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
    size_t n = (size_t)1 << 27; /* 1 GiB of doubles */
    double *a = aligned_alloc(64, n * sizeof(double));
#pragma omp parallel for
    for (size_t i = 0; i < n; i++) a[i] = (double)(i & 1023) * 1e-3;
    double best = 1e30, sink = 0;
    for (int rep = 0; rep < 8; rep++) {
        double t0 = omp_get_wtime(), total = 0;
#pragma omp parallel reduction(+ : total)
        {
            __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
#pragma omp for schedule(static)
            for (size_t i = 0; i < n; i += 16) {
                s0 = _mm256_add_pd(s0, _mm256_load_pd(a + i));
                s1 = _mm256_add_pd(s1, _mm256_load_pd(a + i + 4));
                s2 = _mm256_add_pd(s2, _mm256_load_pd(a + i + 8));
                s3 = _mm256_add_pd(s3, _mm256_load_pd(a + i + 12));
            }
            double t[4];
            _mm256_storeu_pd(t, _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
            total += t[0] + t[1] + t[2] + t[3];
        }
        double dt = omp_get_wtime() - t0;
        sink += total;
        if (dt < best) best = dt;
    }
    printf("native streaming read, %d threads: %.1f GB/s (best of 8, 1 GiB; checksum %g)\n", omp_get_max_threads(),
           n * sizeof(double) / best / 1e9, sink);
    return 0;
}
