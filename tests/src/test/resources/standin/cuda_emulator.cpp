/*
 * A stand-in libcuda.so.1 for the test emulation: the few driver calls the msense CUDA engine makes,
 * emulated on the host, and kernel launches that run the engine's REAL kernel sources. This file includes
 * native/src/msense_kernels.cu through cuda_host_shim.h (CUDA-on-CPU: blocks, fibers for threads,
 * __syncthreads, shared memory, atomics; see there), so no kernel is re-implemented here; kernels.inc
 * (written by the test from the sources) lists the kernels by name. Device pointers are host addresses.
 * Build: g++ -std=c++17 -shared -fPIC -pthread -ffp-contract=off -I native/src -I <dir of this file>.
 */
#include "cuda_host_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

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

/* Switches stacks: saves the callee-saved registers, MXCSR and the x87 control word on the current stack, stores
 * the stack pointer in *save, and resumes the context whose stack pointer is next (saved the same way, or laid out
 * by fiber_stack_init). No system call (ucontext's swapcontext saves the signal mask with one). x86-64 System V. */
extern "C" void msense_emu_switch(void **save, void *next);
__asm__(
    ".text\n"
    ".globl msense_emu_switch\n"
    ".type msense_emu_switch,@function\n"
    "msense_emu_switch:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    subq $8, %rsp\n"
    "    stmxcsr (%rsp)\n"
    "    fnstcw 4(%rsp)\n"
    "    movq %rsp, (%rdi)\n"
    "    movq %rsi, %rsp\n"
    "    ldmxcsr (%rsp)\n"
    "    fldcw 4(%rsp)\n"
    "    addq $8, %rsp\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    ".size msense_emu_switch, .-msense_emu_switch\n");

struct emu_fiber {
    void *sp;   /* saved stack pointer while not running */
    int parked; /* at __syncthreads */
    int done;
};

/* The fibers of the blocks being run: blocks × threads, block-major. */
struct emu_run {
    void *scheduler_sp;
    std::vector<emu_fiber> fibers;
    std::vector<char *> stacks;
    std::vector<unsigned char *> shared; /* each block's dynamic shared memory */
    unsigned int first_block, threads, current;
    const emu_kernel *kernel;
    void **params;
};

static thread_local emu_run *running;

void msense_emu_syncthreads(void)
{
    emu_fiber &f = running->fibers[running->current];
    f.parked = 1;
    msense_emu_switch(&f.sp, running->scheduler_sp);
}

void msense_emu_yield(void)
{
    emu_fiber &f = running->fibers[running->current];
    msense_emu_switch(&f.sp, running->scheduler_sp);
}

/* The first code a fiber runs: the kernel, then back to the scheduler for good. */
static void fiber_main(void)
{
    running->kernel->invoker(running->kernel->function, running->params);
    emu_fiber &f = running->fibers[running->current];
    f.done = 1;
    msense_emu_switch(&f.sp, running->scheduler_sp);
    abort(); /* a finished fiber is never resumed */
}

/* Lays out a fresh stack so that msense_emu_switch "returns" into fiber_main with the ABI's alignment. */
static void *fiber_stack_init(char *stack)
{
    uintptr_t top = ((uintptr_t)(stack + FIBER_STACK)) & ~(uintptr_t)15;
    void **sp = (void **)(top - 16);      /* the return-address slot is 16-byte aligned: entry sees rsp = 8 mod 16 */
    sp[0] = (void *)&fiber_main;          /* popped by ret */
    sp[1] = NULL;
    sp -= 6;                              /* rbp, rbx, r12, r13, r14, r15 (popped in reverse order) */
    for (int i = 0; i < 6; i++) {
        sp[i] = NULL;
    }
    sp -= 1;                              /* MXCSR (round to nearest, all exceptions masked), x87 control word */
    unsigned int control[2] = {0x1F80u, 0x037Fu};
    memcpy(sp, control, sizeof control);
    return sp;
}

/*
 * Runs blocks [first, first + count) of a launch (gridDim, blockDim set) to completion, all at once: every round
 * resumes each fiber that is neither finished nor parked at __syncthreads, until it parks, finishes, or yields in a
 * grid-barrier wait; a block whose live threads have all parked is released. Rounds alternate between ascending and
 * descending (block, thread) order. Returns 0, or 1 when the threads of a block disagree about a barrier (some
 * finished while others wait: undefined behaviour on a GPU) or when no fiber can make progress (a deadlock).
 */
static int run_blocks(const emu_kernel *k, void **params, unsigned int first, unsigned int count, unsigned int shared)
{
    static thread_local emu_run run;
    unsigned int n = blockDim.x;
    size_t total = (size_t)count * n;
    run.fibers.assign(total, emu_fiber());
    while (run.stacks.size() < total) {
        run.stacks.push_back((char *)malloc(FIBER_STACK));
    }
    std::vector<std::vector<unsigned char>> memory(count, std::vector<unsigned char>(shared + 16));
    run.shared.assign(count, NULL);
    for (unsigned int b = 0; b < count; b++) {
        run.shared[b] = memory[b].data();
    }
    run.first_block = first;
    run.threads = n;
    run.kernel = k;
    run.params = params;
    running = &run;
    for (size_t f = 0; f < total; f++) {
        run.fibers[f].sp = fiber_stack_init(run.stacks[f]);
    }
    for (unsigned int round = 0;; round++) {
        int progress = 0;
        for (size_t i = 0; i < total; i++) {
            size_t f = round % 2 == 0 ? i : total - 1 - i;
            emu_fiber &fiber = run.fibers[f];
            if (fiber.done || fiber.parked) {
                continue;
            }
            unsigned int b = (unsigned int)(f / n);
            run.current = (unsigned int)f;
            blockIdx = msense_dim3{first + b, 0, 0};
            threadIdx = msense_dim3{(unsigned int)(f - (size_t)b * n), 0, 0};
            msense_dynamic_shared = run.shared[b];
            msense_emu_switch(&run.scheduler_sp, fiber.sp);
            progress |= fiber.parked | fiber.done;
        }
        unsigned int finished = 0;
        for (unsigned int b = 0; b < count; b++) {
            unsigned int parked = 0, done = 0;
            for (unsigned int t = 0; t < n; t++) {
                parked += run.fibers[(size_t)b * n + t].parked;
                done += run.fibers[(size_t)b * n + t].done;
            }
            if (done == n) {
                finished++;
            } else if (parked + done == n) {
                if (done > 0) {
                    fprintf(stderr, "cuda_emulator: kernel %s: %u of %u threads of block %u finished while the others"
                            " wait at __syncthreads\n", k->name, done, n, first + b);
                    return 1;
                }
                for (unsigned int t = 0; t < n; t++) {
                    run.fibers[(size_t)b * n + t].parked = 0;
                }
                progress = 1;
            }
        }
        if (finished == count) {
            return 0;
        }
        if (!progress) {
            fprintf(stderr, "cuda_emulator: kernel %s: deadlock (every live thread waits and none can proceed)\n",
                    k->name);
            return 1;
        }
    }
}

static int launch(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                  unsigned shared, void *stream, void **params, void **extra, int cooperative)
{
    const emu_kernel *k = (const emu_kernel *)f;
    if (gx == 0 || gy != 1 || gz != 1 || bx == 0 || by != 1 || bz != 1 || bx > EMU_MAX_THREADS || extra != NULL
        || shared > EMU_SHARED_OPTIN) {
        return 1; /* CUDA_ERROR_INVALID_VALUE: the engine launches 1D grids only */
    }
    if (cooperative && gx > EMU_MULTIPROCESSORS) {
        return 720; /* CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE */
    }
    blockDim = msense_dim3{bx, 1, 1};
    gridDim = msense_dim3{gx, 1, 1};
    if (cooperative) {
        return run_blocks(k, params, 0, gx, shared) == 0 ? 0 : 719; /* CUDA_ERROR_LAUNCH_FAILED */
    }
    for (unsigned int b = 0; b < gx; b++) {
        if (run_blocks(k, params, b, 1, shared) != 0) {
            return 719;
        }
    }
    return 0;
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
