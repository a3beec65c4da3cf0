package org.msense.core.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Random signs: ±1, balanced and independent of their neighbours, with bounds of five standard deviations (fixed
 * seed, so the test is deterministic; the bounds say how far a correct generator could be), and the mapping of
 * the class documentation checked on one block.
 */
class RandomSignsTest {

    /** Signs are ±1, balanced: the sum of n = 10⁶ independent signs has σ = 1000; it must be within 5σ. */
    @Test
    void signsAreBalancedAndIndependent() {
        double[] d = RandomSigns.signs(9, StreamPurpose.HADAMARD_SIGNS, 1_000_001);
        double sum = 0;
        long changes = 0;
        for (int j = 0; j < d.length; j++) {
            assertTrue(d[j] == 1.0 || d[j] == -1.0);
            sum += d[j];
            if (j > 0 && d[j] != d[j - 1]) {
                changes++;
            }
        }
        assertEquals(0, sum, 5000, "sum of signs");
        assertEquals(500_000, changes, 2500, "sign changes between neighbours (independence)");
        double[] prefix = RandomSigns.signs(9, StreamPurpose.HADAMARD_SIGNS, 7);
        for (int j = 0; j < 7; j++) {
            assertEquals(d[j], prefix[j], "a shorter draw is a prefix of a longer one");
        }
    }

    /** Signs 4q … 4q+3 are the top bits of the four words of Philox block q (counter (q, 0, id, 0)). */
    @Test
    void signsAreTheTopBitsOfThePhiloxWords() {
        long seed = 0x1234_5678_9ABC_DEF0L;
        double[] d = RandomSigns.signs(seed, StreamPurpose.HADAMARD_SIGNS, 12);
        int[] block = new int[4];
        Philox4x32.block(2, 0, StreamPurpose.HADAMARD_SIGNS.id(), 0, (int) seed, (int) (seed >>> 32), block);
        for (int w = 0; w < 4; w++) {
            assertEquals((block[w] >>> 31) == 1 ? -1.0 : 1.0, d[8 + w], "sign " + (8 + w));
        }
    }
}
