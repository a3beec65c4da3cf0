/*
 * cuda_host_shim.h - CUDA-on-CPU: compiles the engine's real kernel sources (the .cu files of native/src) with g++ for
 * the test emulation (cuda_emulator.cpp), so the stand-in driver runs the same code that nvcc compiles.
 *
 * Execution model (what CUDA guarantees, nothing more), all on the calling OS thread:
 *   - threads are fibers (stack switching without system calls, x86-64); a fiber runs until __syncthreads,
 *     where it parks; when every thread of its block has parked, the block is released (a barrier). Rounds
 *     alternate between ascending and descending thread order, so a kernel that reads another thread's
 *     shared-memory write without a barrier in between sees the wrong value in one of the two orders;
 *   - an ordinary launch runs its blocks one after another; a cooperative launch runs all its blocks at once
 *     (all resident, as cuLaunchCooperativeKernel guarantees), their fibers interleaved, so a grid-wide
 *     barrier built from atomics and __threadfence really synchronizes them: the kernels' wait
 *     (MSENSE_WAIT_WHILE_EQUAL, a poll on the GPU) yields to the other fibers;
 *   - the dynamic shared memory is per block (msense_dynamic_shared). Static __shared__ variables are per OS
 *     thread, which is per block for ordinary launches only: a cooperative kernel must use dynamic shared
 *     memory (the fused pass does);
 *   - atomics are the compiler's __atomic builtins; __threadfence is a full fence.
 * Floating point: compile with -ffp-contract=off (as nvcc -fmad=false): every operation rounds like IEEE.
 */
#ifndef MSENSE_CUDA_HOST_SHIM_H
#define MSENSE_CUDA_HOST_SHIM_H

#define MSENSE_HOST_SHIM 1


struct msense_dim3 {
    unsigned int x, y, z;
};

/* The launch coordinates of the running fiber, set by the scheduler before it resumes a fiber. */
extern thread_local msense_dim3 threadIdx;
extern thread_local msense_dim3 blockIdx;
extern thread_local msense_dim3 blockDim;
extern thread_local msense_dim3 gridDim;
/* The dynamic shared memory of the running block. */
extern thread_local unsigned char *msense_dynamic_shared;

/* Parks the running fiber until every thread of its block has reached the barrier. */
void msense_emu_syncthreads(void);

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __shared__ static thread_local
#define __syncthreads() msense_emu_syncthreads()
#define __threadfence() __atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Hands the processor to the other fibers (a waiting thread of a cooperative launch). */
void msense_emu_yield(void);

/* The grid barrier's wait and wake: the waiting fiber yields until the word changes. */
#define MSENSE_WAIT_WHILE_EQUAL(word, value) \
    while (*(word) == (value)) {             \
        msense_emu_yield();                  \
    }
#define MSENSE_WAKE_ALL(word)

/* Loads that bypass L1 on a GPU; the host has one coherent memory. */
template <typename T>
static inline T __ldcg(const T *p) { return *p; }

static inline unsigned int atomicAdd(unsigned int *p, unsigned int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline unsigned int atomicExch(unsigned int *p, unsigned int v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }

#endif
