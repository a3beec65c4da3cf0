package org.msense.core.rng;

/**
 * An indexable stream of independent standard normal N(0, 1) numbers, computed by a
 * counter-based generator so that any element can be produced independently, in any order, on
 * the CPU or on the GPU, with bit-identical results.
 *
 * <h2>Exact mapping</h2>
 * This is a reproducibility contract: the CUDA kernels ({@code native/src/msense_rng.h}) compute
 * the same function and must stay bit-identical. All integers below are unsigned; {@code >>>} is
 * a logical shift.
 * <ol>
 *   <li>Key: k0 = low 32 bits of {@code seed}, k1 = high 32 bits of {@code seed}.</li>
 *   <li>Element {@code index} belongs to the pair p = index >>> 1. Counter: c0 = low 32 bits of p,
 *       c1 = high 32 bits of p, c2 = {@code purpose.id()}, c3 = {@code substream} (its 32 bits read
 *       as unsigned).</li>
 *   <li>(x0, x1, x2, x3) = {@link Philox4x32#block Philox4x32-10}(c0, c1, c2, c3; k0, k1).</li>
 *   <li>w0 = x1·2³² + x0 and w1 = x3·2³² + x2 (64-bit).</li>
 *   <li>u1 = ((w0 >>> 12) + 0.5)·2⁻⁵² and u2 = ((w1 >>> 12) + 0.5)·2⁻⁵². The top 52 bits of w
 *       form an integer m &lt; 2⁵², so m + 0.5 = (2m + 1)/2 has at most 53 significant bits and is
 *       exact in double, as is the scaling by a power of two: u is exactly (2m + 1)·2⁻⁵³, in
 *       [2⁻⁵³, 1 − 2⁻⁵³], strictly inside (0, 1) and symmetric about 1/2. (Using the top 53 bits
 *       would need 54 significant bits and round.)</li>
 *   <li>ρ = sqrt(−2·{@link DeterministicMath#log log}(u1)) (sqrt correctly rounded).</li>
 *   <li>Even index: ρ·{@link DeterministicMath#cos2pi cos2pi}(u2); odd index:
 *       ρ·{@link DeterministicMath#sin2pi sin2pi}(u2) — the Box–Muller transform.</li>
 * </ol>
 * Each step is a single correctly rounded IEEE operation in a fixed order, so the result does not
 * depend on the platform. ρ ≤ sqrt(−2·log 2⁻⁵³) ≈ 8.57, which bounds |normal| and is far beyond
 * any tail probed by the engine.
 *
 * @param seed      the 64-bit generator key (any value)
 * @param purpose   what the stream is used for (selects counter word 2); not null
 * @param substream an independent sub-stream number, e.g. an SGD step (its 32 bits are used as
 *                  an unsigned integer; any value)
 */
public record GaussianStream(long seed, StreamPurpose purpose, int substream) {

    /**
     * Creates the stream; nothing is computed until elements are requested.
     *
     * @param seed      the 64-bit generator key (any value)
     * @param purpose   what the stream is used for; not null
     * @param substream the sub-stream number (32 bits, read as unsigned)
     * @throws NullPointerException if {@code purpose} is null
     */
    public GaussianStream {
        if (purpose == null) {
            throw new NullPointerException("purpose must not be null");
        }
    }

    /**
     * Returns element {@code index} of the stream, a standard normal number (mapping in the class
     * documentation).
     *
     * @param index the element index, ≥ 0
     * @return the index-th N(0, 1) value
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public double normal(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be ≥ 0, got " + index);
        }
        int[] block = new int[4];
        long pair = index >>> 1;
        Philox4x32.block((int) pair, (int) (pair >>> 32), purpose.id(), substream,
                (int) seed, (int) (seed >>> 32), block);
        double rho = radius(block[0], block[1]);
        double u2 = uniform(block[2], block[3]);
        return (index & 1) == 0
                ? rho * DeterministicMath.cos2piUnchecked(u2)
                : rho * DeterministicMath.sin2piUnchecked(u2);
    }

    /**
     * Writes {@code dst[offset + i] = scale * normal(firstIndex + i)} for i in [0, length); the
     * product is one rounded double multiplication. Modifies {@code dst} in that range only. Each
     * Philox block and each logarithm is computed once per pair of elements; no allocation per
     * element.
     *
     * @param firstIndex index of the first element, ≥ 0, with firstIndex + length − 1 ≤ Long.MAX_VALUE
     * @param scale      factor applied to every element (e.g. a standard deviation)
     * @param dst        destination array (modified)
     * @param offset     first position written in {@code dst}
     * @param length     number of elements, ≥ 0
     * @throws NullPointerException      if {@code dst} is null
     * @throws IllegalArgumentException  if {@code firstIndex} or {@code length} is negative, or the
     *                                   last index would exceed Long.MAX_VALUE
     * @throws IndexOutOfBoundsException if [offset, offset + length) is not inside {@code dst}
     */
    public void fill(long firstIndex, double scale, double[] dst, int offset, int length) {
        if (dst == null) {
            throw new NullPointerException("dst must not be null");
        }
        checkFill(firstIndex, dst.length, offset, length);
        if (length == 0) {
            return;
        }
        int[] block = new int[4];
        double[] pair = new double[2];
        long index = firstIndex;
        int pos = offset;
        int end = offset + length;
        if ((index & 1) != 0) {
            pairAt(index >>> 1, block, pair);
            dst[pos++] = scale * pair[1];
            index++;
        }
        while (end - pos >= 2) {
            pairAt(index >>> 1, block, pair);
            dst[pos] = scale * pair[0];
            dst[pos + 1] = scale * pair[1];
            pos += 2;
            index += 2;
        }
        if (pos < end) {
            pairAt(index >>> 1, block, pair);
            dst[pos] = scale * pair[0];
        }
    }

    /**
     * Writes {@code dst[offset + i] = (float) (scale * normal(firstIndex + i))} for i in
     * [0, length): the product is taken in double and rounded once to float. Modifies {@code dst}
     * in that range only. Arguments and exceptions as for
     * {@link #fill(long, double, double[], int, int)}.
     *
     * @param firstIndex index of the first element, ≥ 0
     * @param scale      factor applied to every element
     * @param dst        destination array (modified)
     * @param offset     first position written in {@code dst}
     * @param length     number of elements, ≥ 0
     */
    public void fill(long firstIndex, double scale, float[] dst, int offset, int length) {
        if (dst == null) {
            throw new NullPointerException("dst must not be null");
        }
        checkFill(firstIndex, dst.length, offset, length);
        if (length == 0) {
            return;
        }
        int[] block = new int[4];
        double[] pair = new double[2];
        long index = firstIndex;
        int pos = offset;
        int end = offset + length;
        if ((index & 1) != 0) {
            pairAt(index >>> 1, block, pair);
            dst[pos++] = (float) (scale * pair[1]);
            index++;
        }
        while (end - pos >= 2) {
            pairAt(index >>> 1, block, pair);
            dst[pos] = (float) (scale * pair[0]);
            dst[pos + 1] = (float) (scale * pair[1]);
            pos += 2;
            index += 2;
        }
        if (pos < end) {
            pairAt(index >>> 1, block, pair);
            dst[pos] = (float) (scale * pair[0]);
        }
    }

    /** Both elements 2·pair and 2·pair + 1 into out[0], out[1]; block is scratch. */
    private void pairAt(long pair, int[] block, double[] out) {
        Philox4x32.block((int) pair, (int) (pair >>> 32), purpose.id(), substream,
                (int) seed, (int) (seed >>> 32), block);
        double rho = radius(block[0], block[1]);
        DeterministicMath.cosSin2pi(uniform(block[2], block[3]), out);
        out[0] = rho * out[0];
        out[1] = rho * out[1];
    }

    /** ρ = sqrt(−2·log u1) with u1 formed from the words x0 (low) and x1 (high). */
    private static double radius(int lo, int hi) {
        return Math.sqrt(-2.0 * DeterministicMath.logPositive(uniform(lo, hi)));
    }

    /**
     * The uniform number ((w >>> 12) + 0.5)·2⁻⁵² of the 64-bit word w = hi·2³² + lo (both
     * unsigned); exact, in [2⁻⁵³, 1 − 2⁻⁵³].
     */
    static double uniform(int lo, int hi) {
        long w = ((long) hi << 32) | (lo & 0xFFFF_FFFFL);
        return ((w >>> 12) + 0.5) * 0x1.0p-52;
    }

    private static void checkFill(long firstIndex, int dstLength, int offset, int length) {
        if (firstIndex < 0) {
            throw new IllegalArgumentException("firstIndex must be ≥ 0, got " + firstIndex);
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must be ≥ 0, got " + length);
        }
        if (length > 0 && firstIndex > Long.MAX_VALUE - (length - 1)) {
            throw new IllegalArgumentException("firstIndex + length − 1 exceeds Long.MAX_VALUE: firstIndex="
                    + firstIndex + ", length=" + length);
        }
        if (offset < 0 || offset > dstLength - length) {
            throw new IndexOutOfBoundsException("offset " + offset + " and length " + length
                    + " do not fit in dst of length " + dstLength);
        }
    }
}
