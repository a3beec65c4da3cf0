// Measurement harness of docs/benchmarks.md (issue-17 section, fourth round): the one-trajectory fp64 fused pass in C over
// 6000 x 10^4 doubles, in blocks of 8 or 4 rows, with and without software prefetch of the next block (into L2, spread over
// the adjoint loop), on the OpenMP threads (rows split evenly), best of 20. It showed that prefetch made the pass slower
// here; the kept pass (native/cpu/sensing_pass.c) has none. Not part of the build:
//   gcc -O3 -march=native -fopenmp -o /tmp/fused_prefetch bench/native/fused_prefetch.c
//   for t in 1 2; do OMP_NUM_THREADS=$t /tmp/fused_prefetch; done
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define L 8
static double hsum(__m512d v) { double t[8]; _mm512_storeu_pd(t, v); double s = t[0]; for (int l = 1; l < 8; l++) s += t[l]; return s; }
// rows [from,to), R rows per block, PF: prefetch distance mode (0 none, 1 next block into L2 during adjoint)
static void pass(const double* a, int n, int from, int to, const double* x, const double* y, double* res, double* acc, int R, int pf) {
  for (int i = from; i + R <= to; i += R) {
    const double* b = a + (size_t) i * n;
    double d[8];
    // dots
    if (R == 8) {
      __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
      for (int j = 0; j + L <= n; j += L) {
        __m512d xv = _mm512_loadu_pd(x + j);
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(b + j), xv, s0);
        s1 = _mm512_fmadd_pd(_mm512_loadu_pd(b + n + j), xv, s1);
        s2 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 2 * n + j), xv, s2);
        s3 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 3 * n + j), xv, s3);
        s4 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 4 * n + j), xv, s4);
        s5 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 5 * n + j), xv, s5);
        s6 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 6 * n + j), xv, s6);
        s7 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 7 * n + j), xv, s7);
      }
      d[0] = hsum(s0); d[1] = hsum(s1); d[2] = hsum(s2); d[3] = hsum(s3); d[4] = hsum(s4); d[5] = hsum(s5); d[6] = hsum(s6); d[7] = hsum(s7);
    } else {
      __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
      for (int j = 0; j + 2 * L <= n; j += 2 * L) {
        __m512d xv = _mm512_loadu_pd(x + j), xw = _mm512_loadu_pd(x + j + L);
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(b + j), xv, s0); t0 = _mm512_fmadd_pd(_mm512_loadu_pd(b + j + L), xw, t0);
        s1 = _mm512_fmadd_pd(_mm512_loadu_pd(b + n + j), xv, s1); t1 = _mm512_fmadd_pd(_mm512_loadu_pd(b + n + j + L), xw, t1);
        s2 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 2 * n + j), xv, s2); t2 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 2 * n + j + L), xw, t2);
        s3 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 3 * n + j), xv, s3); t3 = _mm512_fmadd_pd(_mm512_loadu_pd(b + 3 * n + j + L), xw, t3);
      }
      d[0] = hsum(_mm512_add_pd(s0, t0)); d[1] = hsum(_mm512_add_pd(s1, t1)); d[2] = hsum(_mm512_add_pd(s2, t2)); d[3] = hsum(_mm512_add_pd(s3, t3));
    }
    __m512d v[8];
    for (int q = 0; q < R; q++) { double r = d[q] - y[i + q]; res[i + q] = r; v[q] = _mm512_set1_pd(r); }
    // adjoint; prefetch the next block: pfLines lines per iteration spread over the next R rows
    const char* nb = (const char*) (b + (size_t) R * n);
    size_t blockBytes = (size_t) R * n * 8;
    int iters = n / (4 * L);
    size_t per = pf ? (blockBytes / 64 + iters - 1) / iters : 0; // lines per iteration to cover the whole next block
    if (pf == 2) per = per / 2 + 1; // half of it
    size_t line = 0;
    int j = 0;
    for (; j + 4 * L <= n; j += 4 * L) {
      __m512d e0 = _mm512_loadu_pd(acc + j), e1 = _mm512_loadu_pd(acc + j + L), e2 = _mm512_loadu_pd(acc + j + 2 * L), e3 = _mm512_loadu_pd(acc + j + 3 * L);
      for (int q = 0; q < R; q++) {
        const double* p = b + (size_t) q * n + j;
        e0 = _mm512_fmadd_pd(_mm512_loadu_pd(p), v[q], e0);
        e1 = _mm512_fmadd_pd(_mm512_loadu_pd(p + L), v[q], e1);
        e2 = _mm512_fmadd_pd(_mm512_loadu_pd(p + 2 * L), v[q], e2);
        e3 = _mm512_fmadd_pd(_mm512_loadu_pd(p + 3 * L), v[q], e3);
      }
      _mm512_storeu_pd(acc + j, e0); _mm512_storeu_pd(acc + j + L, e1); _mm512_storeu_pd(acc + j + 2 * L, e2); _mm512_storeu_pd(acc + j + 3 * L, e3);
      if (i + 2 * R <= to) for (size_t k = 0; k < per && line * 64 < blockBytes; k++, line++) {
        // walk the next block row-interleaved: line index -> (row, offset) so that every row's start is fetched first
        size_t row = line % R, off = (line / R) * 64;
        _mm_prefetch(nb + row * (size_t) n * 8 + off, _MM_HINT_T1);
      }
    }
    for (; j < n; j++) { double s = acc[j]; for (int q = 0; q < R; q++) s += (b[(size_t) q * n + j]) * d[q]; acc[j] = s; }
  }
}
static double now() { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char** argv) {
  int m = 6000, n = 10000;
  double* a = aligned_alloc(64, (size_t) m * n * 8);
  for (size_t i = 0; i < (size_t) m * n; i++) a[i] = (double) ((i * 2654435761u) % 1000) * 1e-3 - 0.5;
  double* x = aligned_alloc(64, n * 8); for (int j = 0; j < n; j++) x[j] = (j % 7) * 0.1;
  double* y = calloc(m, 8); double* res = calloc(m, 8);
  int threads = omp_get_max_threads();
  double* acc = aligned_alloc(64, (size_t) threads * n * 8);
  int Rs[] = {8, 4, 4, 8, 4}; int pfs[] = {0, 0, 1, 1, 2};
  for (int round = 0; round < 3; round++) {
    for (int c = 0; c < 5; c++) {
      double best = 1e9;
      for (int it = 0; it < 25; it++) {
        double t0 = now();
        #pragma omp parallel
        {
          int t = omp_get_thread_num(), T = omp_get_num_threads();
          int rows = (m / T) / 8 * 8;
          memset(acc + (size_t) t * n, 0, n * 8);
          pass(a, n, t * rows, t == T - 1 ? m : (t + 1) * rows, x, y, res, acc + (size_t) t * n, Rs[c], pfs[c]);
        }
        double dt = now() - t0;
        if (it >= 5 && dt < best) best = dt;
      }
      printf("round %d, %d threads, R=%d prefetch=%d: %.2f ms (%.1f GB/s)\n", round, threads, Rs[c], pfs[c], best * 1e3, (double) m * n * 8 / best / 1e9);
    }
  }
  return 0;
}
