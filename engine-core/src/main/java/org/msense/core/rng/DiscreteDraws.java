package org.msense.core.rng;

import java.util.BitSet;

/**
 * Discrete random draws from the Philox generator: random signs and a uniformly random set of distinct
 * indices. Like {@link GaussianStream} these are a reproducibility contract (another backend may
 * regenerate them): all words are unsigned 32-bit, the key is (k0, k1) = (low, high 32 bits of the seed).
 *
 * <h2>Signs</h2>
 * Sign j (j ≥ 0) reads block q = j >>> 2 with counter (c0, c1, c2, c3) = (low 32 bits of q, high 32 bits
 * of q, purpose id, 0) and word x_{j mod 4}: the sign is −1 when the word's top bit is set, +1 otherwise.
 *
 * <h2>Distinct indices (Floyd's algorithm)</h2>
 * A set S of m distinct indices in [0, N), every m-subset equally likely (up to the 2⁻³² bias below): for
 * step t = 0 … m−1 let j = N − m + t, read the block with counter (t, 0, purpose id, 0), w = x1·2³² + x0
 * (64 bits), draw u = ⌊w·(j + 1)/2⁶⁴⌋ ∈ [0, j] (the high 64 bits of the 128-bit product); add u to S, or j
 * when u is already in S. The result is returned sorted ascending. The draw of u is biased by at most
 * (j + 1)/2⁶⁴ ≤ 2⁻³³ in probability, far below anything a test can see.
 */
public final class DiscreteDraws {
    private DiscreteDraws() {
    }

    /**
     * The signs D_0 … D_{n−1} (each ±1.0) of the stream {@code (seed, purpose)}; mapping in the class
     * documentation.
     *
     * @param seed    the generator key
     * @param purpose the stream purpose (counter word 2); not null
     * @param n       how many signs, ≥ 0
     * @return a new array of n values, each +1.0 or −1.0
     * @throws IllegalArgumentException if n is negative
     */
    public static double[] signs(long seed, StreamPurpose purpose, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("the number of signs must be ≥ 0, got " + n);
        }
        double[] out = new double[n];
        int[] block = new int[4];
        for (int q = 0; 4 * (long) q < n; q++) {
            Philox4x32.block(q, 0, purpose.id(), 0, (int) seed, (int) (seed >>> 32), block);
            for (int w = 0; w < 4 && 4 * q + w < n; w++) {
                out[4 * q + w] = block[w] < 0 ? -1.0 : 1.0;
            }
        }
        return out;
    }

    /**
     * m distinct indices drawn uniformly from [0, total), sorted ascending (Floyd's algorithm on the stream
     * {@code (seed, purpose)}; mapping in the class documentation). Uses total/8 bytes of scratch.
     *
     * @param seed    the generator key
     * @param purpose the stream purpose (counter word 2); not null
     * @param m       how many indices, 0 ≤ m ≤ total
     * @param total   the size of the range, ≥ 0
     * @return a new ascending array of m distinct indices in [0, total)
     * @throws IllegalArgumentException if m or total is negative or m &gt; total
     */
    public static int[] distinctSorted(long seed, StreamPurpose purpose, int m, int total) {
        if (total < 0 || m < 0 || m > total) {
            throw new IllegalArgumentException("cannot draw " + m + " distinct indices from [0, " + total
                    + "): need 0 ≤ m ≤ " + total + " (lower the measurements or raise the dimensions)");
        }
        BitSet chosen = new BitSet(total);
        int[] block = new int[4];
        for (int t = 0; t < m; t++) {
            int j = total - m + t;
            Philox4x32.block(t, 0, purpose.id(), 0, (int) seed, (int) (seed >>> 32), block);
            long w = ((long) block[1] << 32) | (block[0] & 0xFFFF_FFFFL);
            int u = (int) Math.multiplyHigh(w, j + 1L);
            if (w < 0) {
                // unsigned product: w_unsigned = w + 2⁶⁴, so the high word grows by (j + 1)
                u += j + 1;
            }
            chosen.set(chosen.get(u) ? j : u);
        }
        int[] out = new int[m];
        int k = 0;
        for (int i = chosen.nextSetBit(0); i >= 0; i = chosen.nextSetBit(i + 1)) {
            out[k++] = i;
        }
        return out;
    }
}
