package org.msense.core.rng;

/**
 * The Philox4x32-10 counter-based block function of Random123 (Salmon, Moraes, Dror and Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3", SC'11).
 *
 * <p>It maps a 128-bit counter {@code (x0, x1, x2, x3)} and a 64-bit key {@code (k0, k1)} to 128
 * pseudo-random bits. All words are unsigned 32-bit integers carried in Java {@code int}s; every
 * operation is exact integer arithmetic modulo 2³², so the same function written in C or CUDA
 * yields the same bits.
 *
 * <p>One round, with the multipliers {@code M0 = 0xD2511F53} and {@code M1 = 0xCD9E8D57} and
 * {@code hi(a·b)} / {@code lo(a·b)} the upper / lower 32 bits of the exact 64-bit product:
 * <pre>
 *   x0' = hi(M1·x2) ^ x1 ^ k0
 *   x1' = lo(M1·x2)
 *   x2' = hi(M0·x0) ^ x3 ^ k1
 *   x3' = lo(M0·x0)
 * </pre>
 * Ten rounds are applied; the first uses the key as given and before each of the nine later
 * rounds the key is advanced by the Weyl increments {@code k0 += 0x9E3779B9},
 * {@code k1 += 0xBB67AE85} (mod 2³²).
 */
public final class Philox4x32 {
    /** Multiplier applied to word 0. */
    static final int M0 = 0xD2511F53;
    /** Multiplier applied to word 2. */
    static final int M1 = 0xCD9E8D57;
    /** Weyl increment of key word 0 (golden ratio). */
    static final int W0 = 0x9E3779B9;
    /** Weyl increment of key word 1 (√3 − 1). */
    static final int W1 = 0xBB67AE85;
    /** Number of rounds. */
    static final int ROUNDS = 10;

    private static final long MASK = 0xFFFF_FFFFL;
    private static final long M0_U = M0 & MASK;
    private static final long M1_U = M1 & MASK;

    private Philox4x32() {
    }

    /**
     * Computes one Philox4x32-10 block.
     *
     * @param c0  counter word 0
     * @param c1  counter word 1
     * @param c2  counter word 2
     * @param c3  counter word 3
     * @param k0  key word 0
     * @param k1  key word 1
     * @param out receives the output words x0..x3 in {@code out[0..3]} (modified; must have
     *            length ≥ 4, elements beyond index 3 are left untouched)
     * @throws NullPointerException     if {@code out} is null
     * @throws IllegalArgumentException if {@code out.length < 4}
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        if (out == null) {
            throw new NullPointerException("out must not be null");
        }
        if (out.length < 4) {
            throw new IllegalArgumentException("out must have length ≥ 4, got " + out.length);
        }
        int x0 = c0;
        int x1 = c1;
        int x2 = c2;
        int x3 = c3;
        int key0 = k0;
        int key1 = k1;
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                key0 += W0;
                key1 += W1;
            }
            long p0 = M0_U * (x0 & MASK);
            long p1 = M1_U * (x2 & MASK);
            int y0 = (int) (p1 >>> 32) ^ x1 ^ key0;
            int y2 = (int) (p0 >>> 32) ^ x3 ^ key1;
            x1 = (int) p1;
            x3 = (int) p0;
            x0 = y0;
            x2 = y2;
        }
        out[0] = x0;
        out[1] = x1;
        out[2] = x2;
        out[3] = x3;
    }
}
