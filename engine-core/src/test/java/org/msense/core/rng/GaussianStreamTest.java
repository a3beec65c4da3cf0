package org.msense.core.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class GaussianStreamTest {
    /** Sample size of the statistical tests (2²⁰ ≈ 1.05·10⁶). */
    private static final int N = 1 << 20;
    private static final long SEED = 0x5EED_1234_ABCD_0001L;

    private static double[] sample(GaussianStream stream, long first, int n) {
        double[] z = new double[n];
        stream.fill(first, 1.0, z, 0, n);
        return z;
    }

    // ---------------------------------------------------------------- the mapping itself

    @Test
    void reproducesPinnedValuesOfTheMapping() {
        // Bit patterns defined by the documented mapping (the C twin prints the same ones).
        GaussianStream a = new GaussianStream(42, StreamPurpose.SENSING, 0);
        long[] expectedA = {0xbff0987f7a2c7fe9L, 0xbfe787c82205f921L, 0x3f917c4a4f2199ebL, 0x40009f038adf2fc0L};
        for (int i = 0; i < expectedA.length; i++) {
            assertEquals(expectedA[i], Double.doubleToRawLongBits(a.normal(i)), "index " + i);
        }
        GaussianStream b = new GaussianStream(0x9E3779B97F4A7C15L, StreamPurpose.SGD_NOISE, 17);
        long[] indices = {0, 1, (1L << 33) - 1, 1L << 33, (1L << 33) | 1};
        long[] expectedB = {0xbff9b9d6fbe9cf9aL, 0x3fe2dc7a5a17a217L, 0x3fea5c09f9107577L,
            0x3fdd302da2744c6cL, 0xbfe565d0fbfd4611L};
        for (int i = 0; i < indices.length; i++) {
            assertEquals(expectedB[i], Double.doubleToRawLongBits(b.normal(indices[i])), "index " + indices[i]);
        }
    }

    @Test
    void normalFollowsTheDocumentedBoxMullerMapping() {
        GaussianStream stream = new GaussianStream(-3L, StreamPurpose.NOISE, -5);
        int[] block = new int[4];
        for (long pair : new long[] {0, 1, 12345, (1L << 31) + 7, (1L << 32) - 1, 1L << 32, (1L << 45) + 3}) {
            Philox4x32.block((int) pair, (int) (pair >>> 32), StreamPurpose.NOISE.id(), -5, -3, -1, block);
            long w0 = ((long) block[1] << 32) | (block[0] & 0xFFFF_FFFFL);
            long w1 = ((long) block[3] << 32) | (block[2] & 0xFFFF_FFFFL);
            double u1 = ((w0 >>> 12) + 0.5) * 0x1.0p-52;
            double u2 = ((w1 >>> 12) + 0.5) * 0x1.0p-52;
            double rho = Math.sqrt(-2.0 * DeterministicMath.log(u1));
            assertEquals(rho * DeterministicMath.cos2pi(u2), stream.normal(2 * pair), "pair " + pair);
            assertEquals(rho * DeterministicMath.sin2pi(u2), stream.normal(2 * pair + 1), "pair " + pair);
        }
    }

    @Test
    void uniformIsExactOddMultipleOfTwoToTheMinus53AndSymmetric() {
        assertEquals(0x1.0p-53, GaussianStream.uniform(0, 0));
        assertEquals(1.0 - 0x1.0p-53, GaussianStream.uniform(-1, -1));
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            long w = random.nextLong();
            double u = GaussianStream.uniform((int) w, (int) (w >>> 32));
            assertTrue(u > 0 && u < 1);
            double scaled = u * 0x1.0p53; // exact: an odd integer 2m + 1 with m = w >>> 12
            assertEquals(2 * (w >>> 12) + 1, (long) scaled);
            assertEquals((double) (long) scaled, scaled);
            double mirror = GaussianStream.uniform(~(int) w, ~(int) (w >>> 32));
            assertEquals(1.0, u + mirror); // u(~w) = 1 − u(w), exactly
        }
    }

    // ---------------------------------------------------------------- fill vs normal

    @Test
    void fillDoubleEqualsNormalElementWise() {
        GaussianStream stream = new GaussianStream(SEED, StreamPurpose.SENSING, 3);
        long[] firsts = {0, 1, 2, 7, 1001, (1L << 32) - 3, (1L << 33) - 5, (1L << 33) + 1, Long.MAX_VALUE - 40};
        int[] lengths = {0, 1, 2, 3, 8, 33};
        double[] scales = {1.0, 0.37, -2.5};
        for (long first : firsts) {
            for (int length : lengths) {
                for (int offset : new int[] {0, 1, 4}) {
                    double scale = scales[(int) ((first + length + offset) % scales.length)];
                    double[] dst = new double[offset + length + 3];
                    Arrays.fill(dst, Double.NaN);
                    stream.fill(first, scale, dst, offset, length);
                    for (int i = 0; i < dst.length; i++) {
                        if (i < offset || i >= offset + length) {
                            assertTrue(Double.isNaN(dst[i]), "untouched position " + i);
                        } else {
                            double expected = scale * stream.normal(first + (i - offset));
                            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(dst[i]),
                                    "first " + first + " length " + length + " offset " + offset + " i " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void fillFloatEqualsNormalRoundedOnceToFloat() {
        GaussianStream stream = new GaussianStream(-SEED, StreamPurpose.INIT_V, 0);
        long[] firsts = {0, 1, 5, (1L << 33) - 3, (1L << 32) + 1};
        for (long first : firsts) {
            for (int length : new int[] {0, 1, 2, 5, 64}) {
                for (int offset : new int[] {0, 3}) {
                    double scale = 1.0 / Math.sqrt(7.0);
                    float[] dst = new float[offset + length + 2];
                    Arrays.fill(dst, Float.NaN);
                    stream.fill(first, scale, dst, offset, length);
                    for (int i = 0; i < dst.length; i++) {
                        if (i < offset || i >= offset + length) {
                            assertTrue(Float.isNaN(dst[i]), "untouched position " + i);
                        } else {
                            float expected = (float) (scale * stream.normal(first + (i - offset)));
                            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dst[i]),
                                    "first " + first + " length " + length + " offset " + offset + " i " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void fillOfAWholeRangeEqualsFillOfItsPieces() {
        GaussianStream stream = new GaussianStream(SEED, StreamPurpose.TRUTH_LEFT, 0);
        long first = (1L << 33) - 1000;
        double[] whole = sample(stream, first, 5001);
        double[] pieces = new double[5001];
        int pos = 0;
        SplittableRandom random = new SplittableRandom(1);
        while (pos < pieces.length) {
            int len = Math.min(pieces.length - pos, random.nextInt(0, 40));
            stream.fill(first + pos, 1.0, pieces, pos, len);
            pos += len;
        }
        assertArrayEquals(whole, pieces);
    }

    // ---------------------------------------------------------------- determinism

    @Test
    void sameInputsGiveSameBits() {
        GaussianStream a = new GaussianStream(SEED, StreamPurpose.SGD_SENSING, 99);
        GaussianStream b = new GaussianStream(SEED, StreamPurpose.SGD_SENSING, 99);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        double[] x = sample(a, 17, 10_001);
        double[] y = sample(b, 17, 10_001);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]));
        }
        assertEquals(Double.doubleToRawLongBits(a.normal(123_456_789_012L)),
                Double.doubleToRawLongBits(b.normal(123_456_789_012L)));
    }

    // ---------------------------------------------------------------- distribution

    @Test
    void samplesAreStandardNormal() {
        double[] z = sample(new GaussianStream(SEED, StreamPurpose.SENSING, 0), 0, N);
        double sum = 0;
        double max = 0;
        for (double v : z) {
            sum += v;
            max = Math.max(max, Math.abs(v));
        }
        double mean = sum / N;
        double m2 = 0;
        double m4 = 0;
        int above2 = 0;
        int belowMinus2 = 0;
        for (double v : z) {
            double d = v - mean;
            m2 += d * d;
            m4 += v * v * v * v;
            if (v > 2) {
                above2++;
            } else if (v < -2) {
                belowMinus2++;
            }
        }
        double variance = m2 / (N - 1);
        double fourth = m4 / N;
        // Standard errors: mean 1/√n, variance √(2/n), fourth moment √((E z⁸ − 9)/n) = √(96/n).
        assertEquals(0.0, mean, 5 / Math.sqrt(N), "mean");
        assertEquals(1.0, variance, 5 * Math.sqrt(2.0 / N), "variance");
        assertEquals(3.0, fourth, 5 * Math.sqrt(96.0 / N), "fourth moment");
        // Tail frequencies: P(z > 2) = P(z < −2) = 0.0227501; binomial standard error.
        double p = 0.022750131948179;
        double tailTol = 5 * Math.sqrt(p * (1 - p) / N);
        assertEquals(p, (double) above2 / N, tailTol, "P(z > 2)");
        assertEquals(p, (double) belowMinus2 / N, tailTol, "P(z < -2)");
        // |z| ≤ sqrt(−2 log 2⁻⁵³) by construction.
        assertTrue(max <= Math.sqrt(106 * Math.log(2.0)) + 1e-12, "max |z| = " + max);
        // Kolmogorov–Smirnov distance to Φ; 1.63/√n is the 1 % critical value.
        double[] sorted = z.clone();
        Arrays.sort(sorted);
        double d = 0;
        for (int i = 0; i < N; i++) {
            double f = phi(sorted[i]);
            d = Math.max(d, Math.max((i + 1.0) / N - f, f - (double) i / N));
        }
        assertTrue(d < 1.2 * 1.63 / Math.sqrt(N), "KS distance " + d);
    }

    /**
     * Standard normal CDF via erfc (Abramowitz and Stegun 7.1.26, absolute error below 1.5·10⁻⁷,
     * four orders of magnitude below the KS threshold used here).
     */
    private static double phi(double z) {
        double x = Math.abs(z) / Math.sqrt(2.0);
        double t = 1.0 / (1.0 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erfc = poly * Math.exp(-x * x);
        return z >= 0 ? 1.0 - 0.5 * erfc : 0.5 * erfc;
    }

    private static double correlation(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= y.length;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void differentStreamsAreUncorrelated() {
        // Under independence the sample correlation has standard error 1/√n.
        double tol = 5 / Math.sqrt(N);
        double[] base = sample(new GaussianStream(SEED, StreamPurpose.SENSING, 0), 0, N);
        GaussianStream[] others = {
            new GaussianStream(SEED, StreamPurpose.NOISE, 0),
            new GaussianStream(SEED, StreamPurpose.SENSING, 1),
            new GaussianStream(SEED + 1, StreamPurpose.SENSING, 0),
            new GaussianStream(SEED ^ (1L << 40), StreamPurpose.SENSING, 0), // differs in the high key word only
            new GaussianStream(SEED, StreamPurpose.SGD_SENSING, 0),
        };
        for (GaussianStream other : others) {
            double r = correlation(base, sample(other, 0, N));
            assertTrue(Math.abs(r) < tol, other + ": correlation " + r);
        }
        // Same stream, shifted by one element (the two members of a pair and neighbouring pairs)
        // and by a whole half of the counter space.
        double[] shifted = sample(new GaussianStream(SEED, StreamPurpose.SENSING, 0), 1, N);
        double r1 = correlation(base, shifted);
        assertTrue(Math.abs(r1) < tol, "lag-1 correlation " + r1);
        double[] far = sample(new GaussianStream(SEED, StreamPurpose.SENSING, 0), 1L << 33, N);
        double rFar = correlation(base, far);
        assertTrue(Math.abs(rFar) < tol, "correlation with elements 2^33 further " + rFar);
        // Squares of the two members of a pair (ρ² cos², ρ² sin²): uncorrelated as well, since
        // E[ρ⁴ cos² sin²] = 8·(1/8) = 1 = E[ρ² cos²]·E[ρ² sin²].
        double[] even = new double[N / 2];
        double[] odd = new double[N / 2];
        for (int i = 0; i < N / 2; i++) {
            even[i] = base[2 * i] * base[2 * i];
            odd[i] = base[2 * i + 1] * base[2 * i + 1];
        }
        double rSq = correlation(even, odd);
        assertTrue(Math.abs(rSq) < 5 / Math.sqrt(N / 2.0), "correlation of squares within pairs " + rSq);
    }

    // ---------------------------------------------------------------- argument checks

    @Test
    void rejectsBadArguments() {
        GaussianStream stream = new GaussianStream(1, StreamPurpose.SENSING, 0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.normal(-1))
                .getMessage().contains("index"));
        double[] d = new double[10];
        float[] f = new float[10];
        assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.fill(-2, 1, d, 0, 1))
                .getMessage().contains("firstIndex"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.fill(0, 1, f, 0, -1))
                .getMessage().contains("length"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.fill(Long.MAX_VALUE - 1, 1, d, 0, 3))
                .getMessage().contains("firstIndex + length"));
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> stream.fill(0, 1, d, 8, 3))
                .getMessage().contains("offset"));
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> stream.fill(0, 1, f, -1, 2))
                .getMessage().contains("offset"));
        assertTrue(assertThrows(NullPointerException.class, () -> stream.fill(0, 1, (double[]) null, 0, 0))
                .getMessage().contains("dst"));
        assertTrue(assertThrows(NullPointerException.class, () -> stream.fill(0, 1, (float[]) null, 0, 0))
                .getMessage().contains("dst"));
        assertTrue(assertThrows(NullPointerException.class, () -> new GaussianStream(1, null, 0))
                .getMessage().contains("purpose"));
        // The last representable index is allowed.
        stream.fill(Long.MAX_VALUE, 1, d, 9, 1);
        assertEquals(stream.normal(Long.MAX_VALUE), d[9]);
        assertNotEquals(0.0, d[9]);
    }

    @Test
    void purposeIdsAreStableAndDistinct() {
        int[] expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
        StreamPurpose[] purposes = {StreamPurpose.TRUTH_LEFT, StreamPurpose.TRUTH_RIGHT, StreamPurpose.SENSING,
            StreamPurpose.NOISE, StreamPurpose.INIT_V, StreamPurpose.INIT_W, StreamPurpose.SGD_SENSING,
            StreamPurpose.SGD_NOISE, StreamPurpose.COMPLETION_ENTRIES, StreamPurpose.HADAMARD_SIGNS,
            StreamPurpose.HADAMARD_ROWS, StreamPurpose.RANK_ONE_LEFT, StreamPurpose.RANK_ONE_RIGHT,
            StreamPurpose.PERTURBATION};
        assertEquals(purposes.length, StreamPurpose.values().length);
        for (int i = 0; i < purposes.length; i++) {
            assertEquals(expected[i], purposes[i].id(), purposes[i].name());
        }
    }
}
