package org.msense.core.rng;

/**
 * Random signs ±1 from the Philox generator, e.g. the diagonal D of the subsampled Hadamard operator. Like
 * {@link GaussianStream} this is a reproducibility contract (another backend may regenerate them): all words are
 * unsigned 32-bit and the key is (k0, k1) = (low, high 32 bits of the seed). Sign j (j ≥ 0) reads the block with
 * counter (c0, c1, c2, c3) = (low 32 bits of q, high 32 bits of q, purpose id, 0) for q = j >>> 2 and its word
 * x_{j mod 4}: the sign is −1 when the word's top bit is set, +1 otherwise.
 */
public final class RandomSigns {
    private RandomSigns() {
    }

    /**
     * The signs d_0 … d_{n−1} (each ±1.0) of the stream {@code (seed, purpose)}; a shorter draw is a prefix of a
     * longer one.
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
        for (long q = 0; 4 * q < n; q++) {
            Philox4x32.block((int) q, (int) (q >>> 32), purpose.id(), 0, (int) seed, (int) (seed >>> 32), block);
            for (int w = 0; w < 4 && 4 * q + w < n; w++) {
                out[(int) (4 * q + w)] = block[w] < 0 ? -1.0 : 1.0;
            }
        }
        return out;
    }
}
