package org.msense.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The stop rule of {@link KernelWarmUp}, on calls whose duration is scripted (sleeps, not a JIT). */
class KernelWarmUpTest {
    /** A call that sleeps 20 ms for its first {@code slow} calls and 1 ms after: the interpreted, then compiled kernel. */
    private static Runnable compiledAfter(int slow, int[] count) {
        return () -> LockSupport.parkNanos(count[0]++ < slow ? 20_000_000L : 1_000_000L);
    }

    @Test
    void stopsOneGroupAfterTheCallsBecameFastAndStayedFast() {
        int[] count = {0};
        int calls = KernelWarmUp.untilSteady(compiledAfter(25, count), 300, 10_000_000_000L);
        // fast from call 26: the group 31–40 is the first with no improvement over the calls before it
        assertEquals(40, calls);
        assertEquals(calls, count[0]);
    }

    @Test
    void aCallThatNeverGetsFasterRunsToTheCallLimit() {
        int[] count = {0};
        int calls = KernelWarmUp.untilSteady(compiledAfter(0, count), 50, 10_000_000_000L);
        assertEquals(50, calls, "an already compiled kernel: no 4× drop, so the limit ends it");
    }

    @Test
    void theTimeBudgetEndsAWarmUpThatNeverSettles() {
        int[] count = {0};
        int calls = KernelWarmUp.untilSteady(compiledAfter(Integer.MAX_VALUE, count), 1000, 200_000_000L);
        // 20 ms calls in a 0.2 s budget: at most 10 calls and the one under way (sleeps never end early)
        assertTrue(calls >= 1 && calls <= 11, "stopped by the budget after " + calls + " calls");
    }
}
