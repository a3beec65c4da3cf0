package org.msense.core.backend;

/**
 * Repeats a call until its time stops falling: the way to get a JIT-compiled engine's kernels compiled on a small
 * problem before the timed steps of a large one. On the JVM the CPU engine's vector kernels run interpreted, hundreds
 * of times slower, until the optimizing compiler has compiled them; the first pass over a large 𝒜 would otherwise
 * be spent mostly in that state.
 *
 * <p>The rule: calls go in groups of {@value #GROUP}; after at least {@value #MIN_CALLS} calls the warm-up stops when
 * the fastest call of the latest group is no more than 10 % faster than the fastest call before it and the fastest
 * call so far is at least 4× faster than the first (the kernels went from interpreted to compiled and stay there);
 * it also stops after {@code maxCalls} calls or {@code budgetNanos} (an engine whose first call is already fast —
 * compiled before, or a GPU — spends at most {@code maxCalls} fast calls).
 */
final class KernelWarmUp {
    static final int GROUP = 10;
    static final int MIN_CALLS = 30;

    private KernelWarmUp() {
    }

    /** Runs {@code call} as described above and returns the number of calls made. */
    static int untilSteady(Runnable call, int maxCalls, long budgetNanos) {
        return untilSteady(call, maxCalls, budgetNanos, System::nanoTime);
    }

    /** The same with the times read from {@code clock} (nanoseconds), so that the rule can be tested on scripted times. */
    static int untilSteady(Runnable call, int maxCalls, long budgetNanos, java.util.function.LongSupplier clock) {
        long start = clock.getAsLong();
        long first = -1;
        long bestBefore = Long.MAX_VALUE;
        long bestGroup = Long.MAX_VALUE;
        int calls = 0;
        while (calls < maxCalls && clock.getAsLong() - start < budgetNanos) {
            long t0 = clock.getAsLong();
            call.run();
            long t = clock.getAsLong() - t0;
            if (first < 0) {
                first = t;
            }
            calls++;
            bestGroup = Math.min(bestGroup, t);
            if (calls % GROUP == 0) {
                long best = Math.min(bestBefore, bestGroup);
                if (calls >= MIN_CALLS && bestGroup >= 0.9 * bestBefore && 4 * best <= first) {
                    break;
                }
                bestBefore = best;
                bestGroup = Long.MAX_VALUE;
            }
        }
        return calls;
    }
}
