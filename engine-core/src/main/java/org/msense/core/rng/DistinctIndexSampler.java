package org.msense.core.rng;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Draws m distinct integers uniformly from {0, …, N−1}, deterministically from (seed, purpose): the sample is
 * the set of the first m distinct values of the candidate stream c_0, c_1, … defined below, returned in
 * ascending order. Every backend that needs the same sample (CPU, CUDA, NumPy) computes the same set.
 *
 * <h2>Candidate stream</h2>
 * Candidate p uses the Philox block q = p &gt;&gt;&gt; 1 with the counter and key of {@link GaussianStream}
 * (c0, c1 = low and high 32 bits of q, c2 = {@code purpose.id()}, c3 = substream 0; key = seed). An even p takes
 * w = x1·2³² + x0, an odd p w = x3·2³² + x2 (unsigned 64-bit); its top 63 bits r = w &gt;&gt;&gt; 1 are accepted
 * when r &lt; L = ⌊(2⁶³ − 1)/N⌋·N (so that r mod N is exactly uniform) and then c_p = r mod N; a rejected
 * candidate (probability N/2⁶³ at most) is skipped.
 *
 * <h2>Algorithm</h2>
 * Generate T ≥ m candidates (T = m + ⌈1.5·m²/N⌉ + 16 at first, enough in expectation: about m²/(2N) duplicates
 * occur), sort the packed keys value·2³² + position, keep the first position of every distinct value, and if
 * there are at least m distinct values keep the m with the smallest first positions; otherwise grow T by half and
 * start again. The result does not depend on T or on the thread count. Cost O(T log T) time and 12·T bytes; for
 * m = 4·10⁶ of N = 4·10⁸ that is one pass of about 4.06·10⁶ candidates.
 */
public final class DistinctIndexSampler {
    private static final long NONE = Long.MAX_VALUE;

    private DistinctIndexSampler() {
    }

    /**
     * The sample, ascending.
     *
     * @param seed       generator key
     * @param purpose    stream purpose (counter word 2)
     * @param population N ≥ 1 (at most 2³¹ − 1, so that values fit an int)
     * @param count      m, 1 ≤ m ≤ N
     * @throws IllegalArgumentException if the sizes are out of range
     */
    public static int[] sample(long seed, StreamPurpose purpose, long population, int count) {
        if (population < 1 || population > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("population N must be between 1 and 2³¹ − 1, got " + population);
        }
        if (count < 1 || count > population) {
            throw new IllegalArgumentException("cannot draw " + count + " distinct values out of " + population
                    + "; the count must be between 1 and N");
        }
        long tries = count + (long) Math.ceil(1.5 * (double) count * count / population) + 16;
        while (true) {
            if (tries >= (1L << 31)) {
                throw new IllegalArgumentException("drawing " + count + " distinct values out of " + population
                        + " needs more than 2³¹ candidates; use fewer measurements");
            }
            int[] found = attempt(seed, purpose, population, count, (int) tries);
            if (found != null) {
                return found;
            }
            tries += tries / 2;
        }
    }

    /** The first {@code count} distinct values among the first {@code tries} candidates, or null if fewer. */
    private static int[] attempt(long seed, StreamPurpose purpose, long population, int count, int tries) {
        long limit = (Long.MAX_VALUE / population) * population;
        long[] keys = new long[tries];
        int blocks = (tries + 1) / 2;
        int chunk = 1 << 14;
        IntStream.range(0, (blocks + chunk - 1) / chunk).parallel().forEach(c -> {
            int[] x = new int[4];
            int k0 = (int) seed;
            int k1 = (int) (seed >>> 32);
            for (int q = c * chunk; q < Math.min(blocks, (c + 1) * chunk); q++) {
                Philox4x32.block(q, 0, purpose.id(), 0, k0, k1, x);
                for (int half = 0; half < 2; half++) {
                    int p = 2 * q + half;
                    if (p >= tries) {
                        break;
                    }
                    long w = half == 0 ? ((long) x[1] << 32) | (x[0] & 0xFFFF_FFFFL)
                            : ((long) x[3] << 32) | (x[2] & 0xFFFF_FFFFL);
                    long r = w >>> 1;
                    keys[p] = r < limit ? ((r % population) << 32) | p : NONE;
                }
            }
        });
        Arrays.parallelSort(keys);
        // first position of each distinct value (keys sorted by value, then position)
        int[] values = new int[tries];
        int[] firstPosition = new int[tries];
        int distinct = 0;
        long previous = -1;
        for (long key : keys) {
            if (key == NONE) {
                break;
            }
            long value = key >>> 32;
            if (value != previous) {
                values[distinct] = (int) value;
                firstPosition[distinct] = (int) key;
                distinct++;
                previous = value;
            }
        }
        if (distinct < count) {
            return null;
        }
        int[] sortedPositions = Arrays.copyOf(firstPosition, distinct);
        Arrays.parallelSort(sortedPositions);
        int threshold = sortedPositions[count - 1];
        int[] out = new int[count];
        int n = 0;
        for (int i = 0; i < distinct; i++) {
            if (firstPosition[i] <= threshold) {
                out[n++] = values[i];
            }
        }
        return out;
    }
}
