/*
 * A stand-in libcuda.so.1 that emulates, on the host, the few driver calls the msense CUDA engine makes,
 * and the engine's kernels by name (re-implemented serially here; the generator uses the same
 * msense_rng.h as the device code). Test use only: it lets the Java side of the CUDA engine (argument
 * marshalling, pointers, strides, the GEMM mapping with the cuBLAS stand-in) run end to end without a GPU.
 * Device pointers are host addresses. Build: gcc -shared -fPIC -ffp-contract=off -I native/src.
 */
#include <stdlib.h>
#include <string.h>
#include "msense_rng.h"

typedef unsigned long long devptr;

int cuInit(unsigned int flags) { return 0; }
int cuDriverGetVersion(int *v) { *v = 13000; return 0; }
int cuDeviceGetCount(int *n) { *n = 1; return 0; }
int cuDeviceGet(int *d, int ordinal) { *d = ordinal; return ordinal == 0 ? 0 : 101; /* CUDA_ERROR_INVALID_DEVICE */ }
int cuDeviceGetName(char *name, int len, int dev) { strncpy(name, "Host emulation (stand-in driver)", len); return 0; }
int cuDeviceGetAttribute(int *v, int attribute, int dev) { *v = attribute == 75 ? 9 : 0; return 0; }
int cuDeviceTotalMem_v2(size_t *bytes, int dev) { *bytes = (size_t)8 << 30; return 0; }
int cuDevicePrimaryCtxRetain(void **ctx, int dev) { *ctx = (void *)0x10; return 0; }
int cuDevicePrimaryCtxRelease_v2(int dev) { return 0; }
int cuCtxSetCurrent(void *ctx) { return ctx == (void *)0x10 ? 0 : 201; /* CUDA_ERROR_INVALID_CONTEXT */ }
int cuCtxSynchronize(void) { return 0; }
int cuMemGetInfo_v2(size_t *free_bytes, size_t *total) { *free_bytes = (size_t)6 << 30; *total = (size_t)8 << 30; return 0; }

int cuModuleLoadData(void **module, const void *image)
{
    const unsigned char *b = (const unsigned char *)image;
    if (b[0] != 0x50 || b[1] != 0xED || b[2] != 0x55 || b[3] != 0xBA) {
        return 200; /* CUDA_ERROR_INVALID_IMAGE: not a fatbin */
    }
    *module = (void *)0x20;
    return 0;
}
int cuModuleUnload(void *module) { return 0; }
int cuModuleGetFunction(void **f, void *module, const char *name)
{
    if (strncmp(name, "msense_", 7) != 0) {
        return 500; /* CUDA_ERROR_NOT_FOUND */
    }
    *f = strdup(name);
    return 0;
}

int cuMemAlloc_v2(devptr *p, size_t bytes)
{
    void *m = malloc(bytes);
    if (m == NULL) {
        return 2; /* CUDA_ERROR_OUT_OF_MEMORY */
    }
    memset(m, 0xFF, bytes); /* NaN patterns: uninitialized device memory must not look like zeros */
    *p = (devptr)m;
    return 0;
}
int cuMemFree_v2(devptr p) { free((void *)p); return 0; }
int cuMemcpyHtoD_v2(devptr dst, const void *src, size_t n) { memcpy((void *)dst, src, n); return 0; }
int cuMemcpyDtoH_v2(void *dst, devptr src, size_t n) { memcpy(dst, (const void *)src, n); return 0; }
int cuMemcpyDtoD_v2(devptr dst, devptr src, size_t n) { memcpy((void *)dst, (const void *)src, n); return 0; }

#define ARG(type, i) (*(type *)params[i])

int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *stream, void **params, void **extra)
{
    const char *name = (const char *)f;
    unsigned long long k;
    if (gx == 0 || gy != 1 || gz != 1 || bx == 0 || by != 1 || bz != 1 || bx > 1024 || extra != NULL) {
        return 1; /* CUDA_ERROR_INVALID_VALUE: the engine launches 1D grids only */
    }
    if (strcmp(name, "msense_fill_gaussian_f64") == 0 || strcmp(name, "msense_fill_gaussian_f32") == 0) {
        unsigned long long seed = ARG(unsigned long long, 0);
        unsigned int purpose = ARG(unsigned int, 1), substream = ARG(unsigned int, 2);
        unsigned long long first = ARG(unsigned long long, 3), count = ARG(unsigned long long, 4);
        double scale = ARG(double, 5);
        for (k = 0; k < count; k++) {
            double z = scale * msense_normal(seed, purpose, substream, first + k);
            if (name[strlen(name) - 2] == '6') {
                ARG(double *, 6)[k] = z;
            } else {
                ARG(float *, 6)[k] = (float)z;
            }
        }
        return 0;
    }
    if (strcmp(name, "msense_subtract_f64") == 0 || strcmp(name, "msense_subtract_f32") == 0) {
        unsigned long long item = ARG(unsigned long long, 2), count = ARG(unsigned long long, 3);
        int bc = ARG(int, 4);
        for (k = 0; k < item * count; k++) {
            unsigned long long yi = bc ? k % item : k;
            if (name[strlen(name) - 2] == '6') {
                ARG(double *, 0)[k] = ARG(double *, 0)[k] - ARG(double *, 1)[yi];
            } else {
                ARG(float *, 0)[k] = ARG(float *, 0)[k] - ARG(float *, 1)[yi];
            }
        }
        return 0;
    }
    if (strcmp(name, "msense_scale_add_f64") == 0 || strcmp(name, "msense_scale_add_f32") == 0) {
        const double *alpha = ARG(double *, 2);
        unsigned long long item = ARG(unsigned long long, 3), count = ARG(unsigned long long, 4);
        int bc = ARG(int, 5);
        for (k = 0; k < item * count; k++) {
            unsigned long long b = k / item, xi = bc ? k - b * item : k;
            if (name[strlen(name) - 2] == '6') {
                double a = alpha[b];
                if (a != 0) ARG(double *, 0)[k] = ARG(double *, 0)[k] + a * ARG(double *, 1)[xi];
            } else {
                float a = (float)alpha[b];
                if (a != 0) ARG(float *, 0)[k] = ARG(float *, 0)[k] + a * ARG(float *, 1)[xi];
            }
        }
        return 0;
    }
    if (strcmp(name, "msense_squared_distances_f64") == 0 || strcmp(name, "msense_squared_distances_f32") == 0) {
        unsigned long long item = ARG(unsigned long long, 2), b, i;
        int bc = ARG(int, 3);
        double *out = ARG(double *, 4);
        int f64 = name[strlen(name) - 2] == '6';
        for (b = 0; b < gx; b++) {
            double s = 0;
            for (i = 0; i < item; i++) {
                double x = f64 ? ARG(double *, 0)[b * item + i] : ARG(float *, 0)[b * item + i];
                double r = 0;
                if (ARG(void *, 1) != NULL) {
                    unsigned long long ri = (bc ? 0 : b * item) + i;
                    r = f64 ? ARG(double *, 1)[ri] : ARG(float *, 1)[ri];
                }
                s += (x - r) * (x - r);
            }
            out[b] = s;
        }
        return 0;
    }
    return 98; /* CUDA_ERROR_INVALID_HANDLE: unknown kernel */
}
