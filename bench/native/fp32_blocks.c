// Measurement harness of docs/benchmarks.md (issue-17 section, fourth round): the fused pass over an fp32-stored operator
// (6000 x 10240 floats, fp64 x and sums, widening on load) in C, with blocks of R rows and adjoint tiles of W vectors, on
// the OpenMP threads taking 16 chunks as the engine does, best of 20. None was faster than the Java pass, so fp32 storage
// stays on it. Not part of the build:
//   gcc -O3 -march=native -ffp-contract=fast -fopenmp -o /tmp/fp32_blocks bench/native/fp32_blocks.c && OMP_NUM_THREADS=2 /tmp/fp32_blocks
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
typedef double v8d __attribute__((vector_size(64), aligned(8)));
typedef float v8f __attribute__((vector_size(32), aligned(4)));
typedef float v16f __attribute__((vector_size(64), aligned(4)));
#define LD(p) (*(const v8d *)(p))
#define LF(p) (__builtin_convertvector(*(const v8f *)(p), v8d))
#define LANES(v) ((((((((v)[0] + (v)[1]) + (v)[2]) + (v)[3]) + (v)[4]) + (v)[5]) + (v)[6]) + (v)[7])
#define PASS(NAME, R, W)                                                                                  \
static void NAME(const float *a, int n, int from, int to, const double *x, const double *y, double *res, double *acc) { \
  for (int i = from; i + R <= to; i += R) {                                                               \
    const float *b = a + (size_t)i * n;                                                                   \
    v8d s[R];                                                                                             \
    for (int q = 0; q < R; q++) s[q] = (v8d){0};                                                          \
    int j = 0;                                                                                            \
    for (; j + 8 <= n; j += 8) { v8d xv = LD(x + j); for (int q = 0; q < R; q++) s[q] += LF(b + (size_t)q * n + j) * xv; } \
    double r[R];                                                                                          \
    for (int q = 0; q < R; q++) { r[q] = LANES(s[q]) - y[i + q]; res[i + q] = r[q]; }                     \
    v8d v[R];                                                                                             \
    for (int q = 0; q < R; q++) v[q] = (v8d){r[q], r[q], r[q], r[q], r[q], r[q], r[q], r[q]};             \
    for (j = 0; j + 8 * W <= n; j += 8 * W) {                                                             \
      v8d e[W];                                                                                           \
      for (int w = 0; w < W; w++) e[w] = LD(acc + j + 8 * w);                                             \
      for (int q = 0; q < R; q++) for (int w = 0; w < W; w++) e[w] += LF(b + (size_t)q * n + j + 8 * w) * v[q]; \
      for (int w = 0; w < W; w++) *(v8d *)(acc + j + 8 * w) = e[w];                                       \
    }                                                                                                     \
  }                                                                                                       \
}
PASS(p8w4, 8, 4)
PASS(p8w8, 8, 8)
PASS(p16w4, 16, 4)
PASS(p16w2, 16, 2)
PASS(p4w4, 4, 4)
typedef void (*passfn)(const float *, int, int, int, const double *, const double *, double *, double *);
static double now() { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main() {
  int m = 6000, n = 10240;
  float *a = aligned_alloc(64, (size_t)m * n * 4);
  for (size_t i = 0; i < (size_t)m * n; i++) a[i] = (float)((i * 2654435761u) % 1000) * 1e-3f - 0.5f;
  double *x = aligned_alloc(64, n * 8); for (int j = 0; j < n; j++) x[j] = (j % 7) * 0.1;
  double *y = calloc(m, 8), *res = calloc(m, 8);
  int chunks = 16, rows = 384; // 16 chunks of 384 rows (multiple of 16) -> 6144 > 6000, clipped
  double *acc = aligned_alloc(64, (size_t)chunks * n * 8);
  passfn fns[] = {p8w4, p8w8, p16w4, p16w2, p4w4};
  const char *names[] = {"R8 W4", "R8 W8", "R16 W4", "R16 W2", "R4 W4"};
  for (int round = 0; round < 3; round++) {
    printf("round %d:", round);
    for (int f = 0; f < 5; f++) {
      double t[25];
      for (int it = 0; it < 25; it++) {
        double t0 = now();
        #pragma omp parallel for schedule(dynamic, 1)
        for (int c = 0; c < chunks; c++) {
          int from = c * rows, to = from + rows < m ? from + rows : m;
          if (from >= to) continue;
          memset(acc + (size_t)c * n, 0, n * 8);
          fns[f](a, n, from, to, x, y, res, acc + (size_t)c * n);
        }
        t[it] = now() - t0;
      }
      double best = 1e9; for (int it = 5; it < 25; it++) if (t[it] < best) best = t[it];
      printf("  %s %.2f", names[f], best * 1e3);
    }
    printf(" ms\n");
  }
  return 0;
}
