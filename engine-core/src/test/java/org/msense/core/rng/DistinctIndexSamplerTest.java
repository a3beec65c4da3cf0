package org.msense.core.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link DistinctIndexSampler} against a plain reading of its definition: walk the candidate stream one by one and
 * keep the first m distinct accepted values.
 */
class DistinctIndexSamplerTest {

    /** The definition, candidate by candidate (the sampler itself works by sorting batches of candidates). */
    private static int[] reference(long seed, StreamPurpose purpose, long n, int m) {
        long limit = (Long.MAX_VALUE / n) * n;
        Set<Integer> seen = new LinkedHashSet<>();
        int[] x = new int[4];
        for (int q = 0; seen.size() < m; q++) {
            Philox4x32.block(q, 0, purpose.id(), 0, (int) seed, (int) (seed >>> 32), x);
            for (int half = 0; half < 2 && seen.size() < m; half++) {
                long w = half == 0 ? ((long) x[1] << 32) | (x[0] & 0xFFFF_FFFFL) : ((long) x[3] << 32) | (x[2] & 0xFFFF_FFFFL);
                long r = w >>> 1;
                if (r < limit) {
                    seen.add((int) (r % n));
                }
            }
        }
        return seen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    @Test
    void matchesTheDefinitionWithManyDuplicates() {
        // m²/(2N) ≈ 1250 duplicates among the first 5000 candidates: the first attempt may fall short and grow
        int[] got = DistinctIndexSampler.sample(7, StreamPurpose.COMPLETION_ENTRIES, 10_000, 5_000);
        assertArrayEquals(reference(7, StreamPurpose.COMPLETION_ENTRIES, 10_000, 5_000), got);
    }

    @Test
    void matchesTheDefinitionOnALargePopulation() {
        int[] got = DistinctIndexSampler.sample(-3L, StreamPurpose.COMPLETION_ENTRIES, 400_000_000L, 20_000);
        assertArrayEquals(reference(-3L, StreamPurpose.COMPLETION_ENTRIES, 400_000_000L, 20_000), got);
        for (int i = 1; i < got.length; i++) {
            assertEquals(true, got[i] > got[i - 1], "strictly increasing");
        }
    }

    @Test
    void takingEveryValueGivesThePopulation() {
        int[] got = DistinctIndexSampler.sample(1, StreamPurpose.COMPLETION_ENTRIES, 64, 64);
        for (int i = 0; i < 64; i++) {
            assertEquals(i, got[i]);
        }
    }

    @Test
    void refusesImpossibleCounts() {
        assertThrows(IllegalArgumentException.class, () -> DistinctIndexSampler.sample(1, StreamPurpose.COMPLETION_ENTRIES, 10, 11));
        assertThrows(IllegalArgumentException.class, () -> DistinctIndexSampler.sample(1, StreamPurpose.COMPLETION_ENTRIES, 10, 0));
    }
}
