package org.msense.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The stop rule of {@link KernelWarmUp}, on scripted call times (a fake clock that each call advances). */
class KernelWarmUpTest {
    private static final long MS = 1_000_000L;

    /** A clock in ns and a call that advances it by {@code slowNanos} for its first {@code slow} calls, 1 ms after. */
    private static final class Script {
        long now;
        int calls;
        final int slow;
        final long slowNanos;

        Script(int slow, long slowNanos) {
            this.slow = slow;
            this.slowNanos = slowNanos;
        }

        void call() {
            now += calls++ < slow ? slowNanos : MS;
        }

        int run(int maxCalls, long budgetNanos) {
            return KernelWarmUp.untilSteady(this::call, maxCalls, budgetNanos, () -> now);
        }
    }

    @Test
    void stopsOneGroupAfterTheCallsBecameFastAndStayedFast() {
        Script s = new Script(25, 20 * MS);
        // fast from call 26: the group 31–40 is the first with no improvement over the calls before it
        assertEquals(40, s.run(300, 10_000 * MS));
        assertEquals(40, s.calls);
    }

    @Test
    void aCallThatNeverGetsFasterRunsToTheCallLimit() {
        assertEquals(50, new Script(0, 0).run(50, 10_000 * MS), "already compiled: no 4× drop, so the limit ends it");
    }

    @Test
    void aDropOfLessThanFourTimesIsNotTakenForTheCompilation() {
        // 3 ms, then 1 ms: faster, but not the interpreted-to-compiled drop the rule waits for
        assertEquals(200, new Script(25, 3 * MS).run(200, 10_000 * MS));
    }

    @Test
    void theTimeBudgetEndsAWarmUpThatNeverSettles() {
        // 20 ms calls in a 200 ms budget: ten calls, then the budget is spent
        assertEquals(10, new Script(Integer.MAX_VALUE, 20 * MS).run(1000, 200 * MS));
    }
}
