package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.msense.core.backend.Precision;

/**
 * The fused pass's geometry ({@link FusedPassPlan}): every column has one owner block, a wave's tile and residuals
 * fit the shared memory, 𝒜 is counted once, and the plan refuses what the kernel cannot do.
 */
class FusedPassPlanTest {
    /** An H100 SXM: 132 multiprocessors, 227 KiB of opt-in shared memory per block. */
    private static final int SMS = 132;
    private static final int OPTIN = 232_448;

    @Test
    void columnsAreCoveredOnceAndAWaveFitsTheSharedMemory() {
        for (Precision p : Precision.values()) {
            for (int count : new int[] {1, 8, 32}) {
                for (long[] mn : new long[][] {{12_800, 65_536}, {400, 300}, {7, 5}, {1, 1_000_000}}) {
                    FusedPassPlan plan = FusedPassPlan.of(p, mn[0], mn[1], count, SMS, 1, OPTIN, true);
                    assertNotNull(plan, p + " " + count + " " + mn[0] + "×" + mn[1]);
                    assertTrue((long) plan.blocks() * plan.chunk() >= mn[1], plan.toString());
                    assertTrue((long) (plan.blocks() - 1) * plan.chunk() < mn[1] || plan.blocks() == 1, plan.toString());
                    assertTrue(plan.wave() >= 1 && plan.wave() <= mn[0], plan.toString());
                    assertEquals(plan.wave() * (plan.chunk() * p.bytes() + 8L * count), plan.sharedBytes());
                    assertTrue(plan.sharedBytes() <= OPTIN, plan.toString());
                    assertEquals(mn[0] * mn[1] * p.bytes(), plan.operatorBytes(), "𝒜 is read exactly once");
                    assertEquals(2 * ((mn[0] + plan.wave() - 1) / plan.wave()), plan.barriers());
                    assertEquals((long) plan.blocks() * plan.wave() * count, plan.partialDoubles());
                    assertEquals(p == Precision.FP64 ? 0 : count * mn[1], plan.accumulatorDoubles());
                }
            }
        }
    }

    @Test
    void theLargeBenchProblemReadsTheOperatorOnceWithModestOtherTraffic() {
        // n1 = n2 = 256, m = 12,800, B = 8: the other traffic (mostly E's fp64 accumulator, L2-resident) stays a
        // fraction of the operator's bytes.
        for (Precision p : Precision.values()) {
            FusedPassPlan plan = FusedPassPlan.of(p, 12_800, 65_536, 8, SMS, 1, OPTIN, true);
            assertTrue(plan.otherBytes() < plan.operatorBytes(), plan.describe());
        }
    }

    @Test
    void refusesWhatTheKernelCannotRun() {
        assertNull(FusedPassPlan.of(Precision.FP64, 100, 100, 1, SMS, 1, OPTIN, false), "no cooperative launch");
        assertNull(FusedPassPlan.of(Precision.FP64, 100, 100, 1, SMS, 0, OPTIN, true), "no resident block");
        // A chunk of 4 columns × 8 bytes + 8 bytes of residual = 40 bytes per row: 39 bytes cannot hold one row.
        assertNull(FusedPassPlan.of(Precision.FP64, 100, 4 * SMS, 1, SMS, 1, 39, true), "a row too wide");
        assertNotNull(FusedPassPlan.of(Precision.FP64, 100, 4 * SMS, 1, SMS, 1, 40, true));
    }
}
