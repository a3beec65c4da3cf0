/*
 * cuda_host_shim.h - CUDA-on-CPU: compiles the engine's real kernel sources (the .cu files of native/src) with g++ for
 * the test emulation (cuda_emulator.cpp), so the stand-in driver runs the same code that nvcc compiles.
 *
 * Execution model (what CUDA guarantees, nothing more):
 *   - a block's threads are fibers (ucontext) on one OS thread; a fiber runs until __syncthreads, where it
 *     parks; when every thread of the block has parked, all resume (a barrier). The fibers of a phase run
 *     in ascending thread order on even phases and descending order on odd ones, so a kernel that reads
 *     another thread's shared-memory write without a barrier in between sees the wrong value on one of
 *     the two orders;
 *   - __shared__ variables are per OS thread (thread_local), so concurrent blocks do not share them; the
 *     dynamic shared memory of a launch is a per-block buffer under the name msense_dynamic_shared;
 *   - an ordinary launch runs its blocks one after another; a cooperative launch runs every block on its
 *     own OS thread at once (all resident, as cuLaunchCooperativeKernel guarantees), so grid-wide
 *     barriers built from atomics and __threadfence really synchronize concurrent blocks;
 *   - atomics are the compiler's sequentially consistent __atomic builtins; __threadfence is a full fence.
 * Floating point: compile with -ffp-contract=off (as nvcc -fmad=false): every operation rounds like IEEE.
 */
#ifndef MSENSE_CUDA_HOST_SHIM_H
#define MSENSE_CUDA_HOST_SHIM_H

#define MSENSE_HOST_SHIM 1

#include <sched.h>

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
#define MSENSE_SPIN_WAIT() sched_yield()

static inline unsigned int atomicAdd(unsigned int *p, unsigned int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline unsigned int atomicExch(unsigned int *p, unsigned int v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }

#endif
