/*
 * A stand-in libcuda.so.1 for the test emulation: the few driver calls the msense CUDA engine makes,
 * emulated on the host, and kernel launches that run the engine's REAL kernel sources. This file includes
 * native/src/msense_kernels.cu through cuda_host_shim.h (CUDA-on-CPU: blocks, fibers for threads,
 * __syncthreads, shared memory, atomics; see there), so no kernel is re-implemented here; kernels.inc
 * (written by the test from the sources) lists the kernels by name. Device pointers are host addresses.
 * Build: g++ -std=c++17 -shared -fPIC -pthread -ffp-contract=off -I native/src -I <dir of this file>.
 */
#include "cuda_host_shim.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "msense_kernels.cu"

typedef unsigned long long devptr;

/* ---- the emulated device ----------------------------------------------------------------------- */

enum {
    EMU_MULTIPROCESSORS = 4,           /* small, so a cooperative launch has few OS threads */
    EMU_SHARED_OPTIN = 48 * 1024,      /* bytes of dynamic shared memory a block may opt in to */
    EMU_MAX_THREADS = 1024,
};

thread_local msense_dim3 threadIdx;
thread_local msense_dim3 blockIdx;
thread_local msense_dim3 blockDim;
thread_local msense_dim3 gridDim;
thread_local unsigned char *msense_dynamic_shared;

/* ---- the kernels, by name ------------------------------------------------------------------------ */

typedef void (*msense_invoker)(void *function, void **params);

template <typename... A, std::size_t... I>
static void invoke_with(void (*f)(A...), void **params, std::index_sequence<I...>)
{
    f(*static_cast<typename std::remove_reference<A>::type *>(params[I])...);
}

/* Calls kernel f with cuLaunchKernel's parameter array: params[i] points at argument i, of f's type. */
template <typename... A>
static void invoke(void *f, void **params)
{
    invoke_with(reinterpret_cast<void (*)(A...)>(f), params, std::index_sequence_for<A...>{});
}

template <typename... A>
static msense_invoker invoker_of(void (*)(A...))
{
    return &invoke<A...>;
}

struct emu_kernel {
    const char *name;
    void *function;
    msense_invoker invoker;
};

#define MSENSE_EMU_KERNEL(name) {#name, reinterpret_cast<void *>(&name), invoker_of(&name)},
static const emu_kernel KERNELS[] = {
#include "kernels.inc"
};

/* ---- one block: its threads as fibers -------------------------------------------------------------- */

enum { FIBER_STACK = 128 * 1024 };

struct emu_fiber {
    ucontext_t context;
    int parked; /* at __syncthreads */
    int done;
};

struct emu_block_state {
    ucontext_t scheduler;
    std::vector<emu_fiber> fibers;
    std::vector<char *> stacks;
    unsigned int current;
    const emu_kernel *kernel;
    void **params;
};

static thread_local emu_block_state *block_state;

void msense_emu_syncthreads(void)
{
    emu_fiber &f = block_state->fibers[block_state->current];
    f.parked = 1;
    swapcontext(&f.context, &block_state->scheduler);
}

static void fiber_main(void)
{
    emu_block_state *s = block_state;
    s->kernel->invoker(s->kernel->function, s->params);
    s->fibers[s->current].done = 1;
    /* returning resumes uc_link, the scheduler */
}

/* Runs one block (blockIdx, blockDim, gridDim already set) to completion; 0, or 1 when its threads
 * disagree about a barrier (some finished while others wait: undefined behaviour on a GPU). */
static int run_block(const emu_kernel *k, void **params, unsigned char *shared)
{
    static thread_local emu_block_state state;
    unsigned int n = blockDim.x;
    state.fibers.assign(n, emu_fiber());
    while (state.stacks.size() < n) {
        state.stacks.push_back((char *)malloc(FIBER_STACK));
    }
    state.kernel = k;
    state.params = params;
    block_state = &state;
    msense_dynamic_shared = shared;
    for (unsigned int t = 0; t < n; t++) {
        emu_fiber &f = state.fibers[t];
        getcontext(&f.context);
        f.context.uc_stack.ss_sp = state.stacks[t];
        f.context.uc_stack.ss_size = FIBER_STACK;
        f.context.uc_link = &state.scheduler;
        makecontext(&f.context, fiber_main, 0);
    }
    for (unsigned int phase = 0;; phase++) {
        unsigned int parked = 0, done = 0;
        for (unsigned int i = 0; i < n; i++) {
            unsigned int t = phase % 2 == 0 ? i : n - 1 - i;
            emu_fiber &f = state.fibers[t];
            f.parked = 0;
            state.current = t;
            threadIdx = msense_dim3{t, 0, 0};
            swapcontext(&state.scheduler, &f.context);
            parked += f.parked;
            done += f.done;
        }
        if (done == n) {
            return 0;
        }
        if (parked != n) {
            fprintf(stderr, "cuda_emulator: kernel %s: %u of %u threads of block %u finished while the others wait at"
                    " __syncthreads\n", k->name, done, n, blockIdx.x);
            return 1;
        }
    }
}

struct emu_launch {
    const emu_kernel *kernel;
    void **params;
    unsigned int grid, threads, shared, block;
    int failed;
};

static void *run_cooperative_block(void *arg)
{
    emu_launch *l = (emu_launch *)arg;
    std::vector<unsigned char> shared(l->shared + 16);
    blockIdx = msense_dim3{l->block, 0, 0};
    blockDim = msense_dim3{l->threads, 1, 1};
    gridDim = msense_dim3{l->grid, 1, 1};
    l->failed = run_block(l->kernel, l->params, shared.data());
    return NULL;
}

static int launch(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                  unsigned shared, void *stream, void **params, void **extra, int cooperative)
{
    const emu_kernel *k = (const emu_kernel *)f;
    if (gx == 0 || gy != 1 || gz != 1 || bx == 0 || by != 1 || bz != 1 || bx > EMU_MAX_THREADS || extra != NULL
        || shared > EMU_SHARED_OPTIN) {
        return 1; /* CUDA_ERROR_INVALID_VALUE: the engine launches 1D grids only */
    }
    if (!cooperative) {
        std::vector<unsigned char> dynamic(shared + 16);
        blockDim = msense_dim3{bx, 1, 1};
        gridDim = msense_dim3{gx, 1, 1};
        for (unsigned int b = 0; b < gx; b++) {
            blockIdx = msense_dim3{b, 0, 0};
            if (run_block(k, params, dynamic.data()) != 0) {
                return 719; /* CUDA_ERROR_LAUNCH_FAILED */
            }
        }
        return 0;
    }
    if (gx > EMU_MULTIPROCESSORS) {
        return 720; /* CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE */
    }
    std::vector<emu_launch> blocks(gx);
    std::vector<pthread_t> threads(gx);
    for (unsigned int b = 0; b < gx; b++) {
        blocks[b] = emu_launch{k, params, gx, bx, shared, b, 0};
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 1 << 20);
        if (pthread_create(&threads[b], &attr, run_cooperative_block, &blocks[b]) != 0) {
            fprintf(stderr, "cuda_emulator: cannot start a thread for block %u\n", b);
            abort(); /* the started blocks would wait at the grid barrier forever */
        }
        pthread_attr_destroy(&attr);
    }
    int failed = 0;
    for (unsigned int b = 0; b < gx; b++) {
        pthread_join(threads[b], NULL);
        failed |= blocks[b].failed;
    }
    return failed ? 719 : 0;
}

/* ---- the driver API ----------------------------------------------------------------------------------- */

extern "C" {

int cuInit(unsigned int flags) { return 0; }
int cuDriverGetVersion(int *v) { *v = 13000; return 0; }
int cuDeviceGetCount(int *n) { *n = 1; return 0; }
int cuDeviceGet(int *d, int ordinal) { *d = ordinal; return ordinal == 0 ? 0 : 101; /* CUDA_ERROR_INVALID_DEVICE */ }
int cuDeviceGetName(char *name, int len, int dev) { strncpy(name, "Host emulation (stand-in driver)", len); return 0; }
int cuDeviceGetAttribute(int *v, int attribute, int dev)
{
    switch (attribute) {
    case 16: *v = EMU_MULTIPROCESSORS; break;   /* MULTIPROCESSOR_COUNT */
    case 75: *v = 9; break;                      /* COMPUTE_CAPABILITY_MAJOR */
    case 95: *v = 1; break;                      /* COOPERATIVE_LAUNCH */
    case 97: *v = EMU_SHARED_OPTIN; break;       /* MAX_SHARED_MEMORY_PER_BLOCK_OPTIN */
    default: *v = 0;
    }
    return 0;
}
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
    for (const emu_kernel &k : KERNELS) {
        if (strcmp(k.name, name) == 0) {
            *f = (void *)&k;
            return 0;
        }
    }
    return 500; /* CUDA_ERROR_NOT_FOUND */
}
int cuFuncSetAttribute(void *f, int attribute, int value)
{
    /* 8 = MAX_DYNAMIC_SHARED_SIZE_BYTES */
    return attribute == 8 && (value < 0 || value > EMU_SHARED_OPTIN) ? 1 : 0;
}
int cuOccupancyMaxActiveBlocksPerMultiprocessor(int *blocks, void *f, int threads, size_t shared)
{
    *blocks = threads > 0 && threads <= EMU_MAX_THREADS && shared <= EMU_SHARED_OPTIN ? 1 : 0;
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

int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *stream, void **params, void **extra)
{
    return launch(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra, 0);
}
int cuLaunchCooperativeKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                              unsigned shared, void *stream, void **params)
{
    return launch(f, gx, gy, gz, bx, by, bz, shared, stream, params, NULL, 1);
}

} /* extern "C" */
