package org.msense.core.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Random signs and distinct indices: structure (distinct, ascending, in range), determinism per seed, and
 * the statistics a uniform draw must have, with bounds of several standard deviations (fixed seeds, so
 * the tests are deterministic; the bounds say how far a correct generator could be).
 */
class DiscreteDrawsTest {

    @Test
    void distinctIndicesAreSortedDistinctAndInRange() {
        int[] s = DiscreteDraws.distinctSorted(5, StreamPurpose.HADAMARD_ROWS, 1000, 1500);
        assertEquals(1000, s.length);
        for (int i = 0; i < s.length; i++) {
            assertTrue(s[i] >= 0 && s[i] < 1500, "index in range");
            assertTrue(i == 0 || s[i] > s[i - 1], "strictly ascending");
        }
        assertArrayEquals(s, DiscreteDraws.distinctSorted(5, StreamPurpose.HADAMARD_ROWS, 1000, 1500), "same seed, same set");
        int[] all = DiscreteDraws.distinctSorted(5, StreamPurpose.HADAMARD_ROWS, 64, 64);
        for (int i = 0; i < 64; i++) {
            assertEquals(i, all[i], "m = N keeps every index");
        }
    }

    /**
     * Each index is kept with probability m/N: over T seeds its count is Binomial(T, m/N). With N = 32,
     * m = 8, T = 4000 the mean is 1000 and σ ≈ 27.4; every count must lie within 5σ.
     */
    @Test
    void everyIndexIsEquallyLikely() {
        int bigN = 32;
        int m = 8;
        int trials = 4000;
        int[] count = new int[bigN];
        for (int t = 0; t < trials; t++) {
            for (int i : DiscreteDraws.distinctSorted(1000 + t, StreamPurpose.HADAMARD_ROWS, m, bigN)) {
                count[i]++;
            }
        }
        double mean = (double) trials * m / bigN;
        double sigma = Math.sqrt(trials * (m / (double) bigN) * (1 - m / (double) bigN));
        for (int i = 0; i < bigN; i++) {
            assertEquals(mean, count[i], 5 * sigma, "count of index " + i);
        }
    }

    /** Signs are ±1, balanced: the sum of n = 10⁶ independent signs has σ = 1000; it must be within 5σ. */
    @Test
    void signsAreBalanced() {
        double[] d = DiscreteDraws.signs(9, StreamPurpose.HADAMARD_SIGNS, 1_000_001);
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
        double[] prefix = DiscreteDraws.signs(9, StreamPurpose.HADAMARD_SIGNS, 7);
        for (int j = 0; j < 7; j++) {
            assertEquals(d[j], prefix[j], "a shorter draw is a prefix of a longer one");
        }
    }

    @Test
    void rejectsMoreIndicesThanTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiscreteDraws.distinctSorted(1, StreamPurpose.HADAMARD_ROWS, 10, 9));
        assertTrue(e.getMessage().contains("10 distinct indices"), e.getMessage());
    }
}
