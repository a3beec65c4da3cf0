package org.msense.core.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class DeterministicMathTest {
    /** Working precision of the reference: 80 significant digits (≈ 265 bits). */
    private static final MathContext MC = new MathContext(80);
    private static final BigDecimal PI = new BigDecimal(
            "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798");
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static final BigDecimal EPS = new BigDecimal("1e-85");
    private static final BigDecimal LN2 = twoAtanh(BigDecimal.ONE.divide(BigDecimal.valueOf(3), MC));

    /** Smallest and largest value of the generator's uniform numbers: 2⁻⁵³ and 1 − 2⁻⁵³. */
    private static final double U_MIN = 0x1.0p-53;
    private static final double U_MAX = 1.0 - 0x1.0p-53;

    // ---------------------------------------------------------------- high-precision reference

    /** 2·atanh(y) = log((1 + y)/(1 − y)) by its Taylor series, |y| ≤ 1/3. */
    private static BigDecimal twoAtanh(BigDecimal y) {
        BigDecimal y2 = y.multiply(y, MC);
        BigDecimal power = y;
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; power.abs().compareTo(EPS) > 0; k++) {
            sum = sum.add(power.divide(BigDecimal.valueOf(2L * k + 1), MC), MC);
            power = power.multiply(y2, MC);
        }
        return sum.multiply(TWO, MC);
    }

    /** log x to about 80 digits for positive finite x: x = 2ᵉ·m, m in [1, 2), log m = 2·atanh((m−1)/(m+1)). */
    static BigDecimal exactLog(double x) {
        int e = 0;
        double m = x;
        if (m < Double.MIN_NORMAL) {
            m *= 0x1.0p54;
            e -= 54;
        }
        int exponent = Math.getExponent(m);
        m = Math.scalb(m, -exponent);
        e += exponent;
        BigDecimal bm = new BigDecimal(m);
        BigDecimal y = bm.subtract(BigDecimal.ONE).divide(bm.add(BigDecimal.ONE), MC);
        return LN2.multiply(BigDecimal.valueOf(e), MC).add(twoAtanh(y), MC);
    }

    /** {cos(2πu), sin(2πu)} to about 78 digits by the Taylor series at 2πu, 0 ≤ u &lt; 1. */
    static BigDecimal[] exactCosSin2pi(double u) {
        BigDecimal theta = new BigDecimal(u).multiply(TWO).multiply(PI, MC);
        BigDecimal cos = BigDecimal.ZERO;
        BigDecimal sin = BigDecimal.ZERO;
        BigDecimal term = BigDecimal.ONE; // θᵏ/k!
        for (int k = 0; k < 20 || term.abs().compareTo(EPS) > 0; k++) {
            switch (k & 3) {
                case 0 -> cos = cos.add(term, MC);
                case 1 -> sin = sin.add(term, MC);
                case 2 -> cos = cos.subtract(term, MC);
                default -> sin = sin.subtract(term, MC);
            }
            term = term.multiply(theta, MC).divide(BigDecimal.valueOf(k + 1), MC);
        }
        return new BigDecimal[] {cos, sin};
    }

    /** |value − exact| in units of the last place of the exact value's binade. */
    static double ulpError(double value, BigDecimal exact) {
        double rounded = exact.doubleValue();
        double ulp = Math.ulp(rounded);
        if (rounded != 0 && Math.getExponent(rounded) > Double.MIN_EXPONENT
                && Math.abs(rounded) == Math.scalb(1.0, Math.getExponent(rounded))
                && exact.abs().compareTo(new BigDecimal(Math.abs(rounded))) < 0) {
            ulp *= 0.5; // exact value lies in the binade below the power of two it rounds to
        }
        return new BigDecimal(value).subtract(exact).abs()
                .divide(new BigDecimal(ulp), MathContext.DECIMAL64).doubleValue();
    }

    // ---------------------------------------------------------------- constants

    @Test
    void constantsHaveTheDocumentedBitPatterns() {
        assertEquals(0x3FE62E42FEE00000L, Double.doubleToRawLongBits(DeterministicMath.LN2_HI));
        assertEquals(0x3DEA39EF35793C76L, Double.doubleToRawLongBits(DeterministicMath.LN2_LO));
        assertEquals(0x400921FB54442D18L, Double.doubleToRawLongBits(DeterministicMath.PI_HI));
        assertEquals(0x3CA1A62633145C07L, Double.doubleToRawLongBits(DeterministicMath.PI_LO));
        assertEquals(0x400921FB58000000L, Double.doubleToRawLongBits(DeterministicMath.PI_HH));
        assertEquals(0xBE5DDE9740000000L, Double.doubleToRawLongBits(DeterministicMath.PI_HL));
        assertEquals(DeterministicMath.PI_HI, DeterministicMath.PI_HH + DeterministicMath.PI_HL);
        assertEquals(Double.doubleToRawLongBits(Math.sqrt(2.0)) & 0x000F_FFFF_FFFF_FFFFL,
                DeterministicMath.SQRT2_FRACTION);
        // LN2_HI has 32 significant bits, so k·LN2_HI is exact for every exponent k.
        assertEquals(0, Double.doubleToRawLongBits(DeterministicMath.LN2_HI) & ((1L << 21) - 1));
    }

    @Test
    void polynomialCoefficientsAreTheNearestDoublesToTheirTaylorValues() {
        double[] l = {DeterministicMath.L1, DeterministicMath.L2, DeterministicMath.L3, DeterministicMath.L4,
            DeterministicMath.L5, DeterministicMath.L6, DeterministicMath.L7, DeterministicMath.L8,
            DeterministicMath.L9, DeterministicMath.L10};
        for (int k = 1; k <= l.length; k++) {
            BigDecimal exact = TWO.divide(BigDecimal.valueOf(2L * k + 1), MC);
            assertEquals(exact.doubleValue(), l[k - 1], "L" + k);
        }
        double[] s = {DeterministicMath.S1, DeterministicMath.S2, DeterministicMath.S3, DeterministicMath.S4,
            DeterministicMath.S5, DeterministicMath.S6, DeterministicMath.S7, DeterministicMath.S8};
        double[] c = {DeterministicMath.C2, DeterministicMath.C3, DeterministicMath.C4, DeterministicMath.C5,
            DeterministicMath.C6, DeterministicMath.C7, DeterministicMath.C8, DeterministicMath.C9};
        BigDecimal power = BigDecimal.ONE; // π^j / j!
        for (int j = 1; j <= 18; j++) {
            power = power.multiply(PI, MC).divide(BigDecimal.valueOf(j), MC);
            BigDecimal signed = ((j / 2) % 2 == 0) ? power : power.negate();
            if (j % 2 == 1 && j >= 3) {
                assertEquals(signed.doubleValue(), s[(j - 3) / 2], "S" + (j - 1) / 2);
            } else if (j % 2 == 0 && j >= 4) {
                assertEquals(signed.doubleValue(), c[(j - 4) / 2], "C" + j / 2);
            }
        }
    }

    // ---------------------------------------------------------------- log

    private static List<Double> logPoints() {
        List<Double> xs = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(20240601L);
        for (int i = 0; i < 150; i++) {
            xs.add(((random.nextLong() >>> 12) + 0.5) * 0x1.0p-52); // generator-type values
        }
        for (int i = 0; i < 100; i++) {
            xs.add(Math.scalb(0.5 + random.nextDouble(), random.nextInt(-1074, 1024)));
        }
        for (int e = -60; e <= 4; e++) { // powers of two, their neighbours, the √2 boundary
            double p = Math.scalb(1.0, e);
            xs.add(p);
            xs.add(Math.nextUp(p));
            xs.add(Math.nextDown(p));
            double r = Math.scalb(Math.sqrt(2.0), e);
            xs.add(r);
            xs.add(Math.nextDown(r));
        }
        for (int j = 1; j <= 60; j += 3) { // near 1 on both sides
            xs.add(1.0 + Math.scalb(1.0, -j) * (1 + random.nextDouble()));
            xs.add(1.0 - Math.scalb(1.0, -j) * (1 + random.nextDouble()) / 2);
        }
        xs.add(U_MIN);
        xs.add(U_MAX);
        xs.add(Math.nextUp(1.0));
        xs.add(Double.MIN_VALUE);
        xs.add(Double.MIN_NORMAL);
        xs.add(Math.nextDown(Double.MIN_NORMAL));
        xs.add(Double.MAX_VALUE);
        xs.add(0.7071); // k = −1, f near √2: the hardest region for the reduction
        xs.add(0.70710678);
        return xs;
    }

    @Test
    void logIsWithinOneUlpOfTheExactValue() {
        double worst = 0;
        double worstX = Double.NaN;
        for (double x : logPoints()) {
            double error = ulpError(DeterministicMath.log(x), exactLog(x));
            if (error > worst) {
                worst = error;
                worstX = x;
            }
        }
        System.out.printf("DeterministicMath.log: max error %.3f ulp (at %s) against an 80-digit reference%n",
                worst, Double.toHexString(worstX));
        assertTrue(worst < 1.0, "max error " + worst + " ulp at x = " + worstX);
    }

    @Test
    void logAgreesWithStrictMathWithinTwoUlpOnAMillionPoints() {
        SplittableRandom random = new SplittableRandom(7L);
        long worst = 0;
        int differing = 0;
        int n = 1_200_000;
        for (int i = 0; i < n; i++) {
            double x = switch (i % 4) {
                case 0 -> ((random.nextLong() >>> 12) + 0.5) * 0x1.0p-52;
                case 1 -> random.nextDouble() + 0x1.0p-60;
                case 2 -> Math.scalb(0.5 + random.nextDouble(), random.nextInt(-1080, 1023));
                default -> 1.0 + (random.nextDouble() - 0.5) * Math.scalb(1.0, -random.nextInt(1, 55));
            };
            if (!(x > 0) || Double.isInfinite(x)) {
                continue;
            }
            double ours = DeterministicMath.log(x);
            double strict = StrictMath.log(x);
            long distance = ulpDistance(ours, strict);
            if (distance != 0) {
                differing++;
            }
            worst = Math.max(worst, distance);
        }
        System.out.printf("DeterministicMath.log vs StrictMath.log: max %d ulp, %d of %d differ%n",
                worst, differing, n);
        // Both are within 1 ulp of the exact value, so they are at most 2 (in practice 1) apart.
        assertTrue(worst <= 2, "max distance " + worst + " ulp");
    }

    /** Number of doubles between a and b (same sign assumed, as for these comparisons). */
    private static long ulpDistance(double a, double b) {
        if (a == b) {
            return 0;
        }
        assertTrue(Math.signum(a) == Math.signum(b), a + " vs " + b);
        return Math.abs(Double.doubleToRawLongBits(a) - Double.doubleToRawLongBits(b));
    }

    @Test
    void logEdgeCases() {
        assertEquals(0L, Double.doubleToRawLongBits(DeterministicMath.log(1.0)), "log 1 = +0");
        for (int e = -1074; e <= 1023; e++) {
            double x = Math.scalb(1.0, e);
            double expected = exactLog(x).doubleValue();
            assertTrue(ulpDistance(DeterministicMath.log(x), expected) <= 1, "log 2^" + e);
        }
        assertEquals(-53 * Math.log(2.0), DeterministicMath.log(U_MIN), 1e-13);
        assertTrue(DeterministicMath.log(U_MAX) < 0);
        assertTrue(DeterministicMath.log(Math.nextUp(1.0)) > 0);
        assertEquals(-0x1.0p-53, DeterministicMath.log(U_MAX), 0x1.0p-105); // log(1 − ε) ≈ −ε
    }

    @Test
    void logRejectsArgumentsOutsideItsDomain() {
        for (double bad : new double[] {0.0, -0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DeterministicMath.log(bad));
            assertTrue(e.getMessage().startsWith("x must be"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- cos2pi / sin2pi

    private static List<Double> turnPoints() {
        List<Double> us = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(314159L);
        for (int i = 0; i < 150; i++) {
            us.add(((random.nextLong() >>> 12) + 0.5) * 0x1.0p-52); // generator-type values
        }
        for (int i = 0; i < 60; i++) {
            us.add(random.nextDouble());
        }
        for (int k = 0; k <= 8; k++) { // multiples of 1/8: zeros, extrema, quadrant switches
            double center = k / 8.0;
            for (int j : new int[] {10, 25, 40, 52, 54}) {
                double delta = Math.scalb(1.0, -j) * (1 + random.nextDouble());
                if (center - delta >= 0) {
                    us.add(center - delta);
                }
                if (center + delta < 1) {
                    us.add(center + delta);
                }
            }
            if (center < 1) {
                us.add(Math.nextUp(center));
                if (center > 0) {
                    us.add(Math.nextDown(center));
                }
            }
        }
        us.add(U_MIN);
        us.add(U_MAX);
        us.add(Math.nextDown(1.0));
        us.add(0x1.0p-30);
        us.add(0x1.0p-200);
        us.add(Double.MIN_NORMAL);
        return us;
    }

    @Test
    void cos2piAndSin2piAreWithinOneUlpOfTheExactValues() {
        double worstCos = 0;
        double worstSin = 0;
        double worstCosU = Double.NaN;
        double worstSinU = Double.NaN;
        for (double u : turnPoints()) {
            BigDecimal[] exact = exactCosSin2pi(u);
            double c = ulpError(DeterministicMath.cos2pi(u), exact[0]);
            double s = ulpError(DeterministicMath.sin2pi(u), exact[1]);
            if (c > worstCos) {
                worstCos = c;
                worstCosU = u;
            }
            if (s > worstSin) {
                worstSin = s;
                worstSinU = u;
            }
        }
        System.out.printf("DeterministicMath.cos2pi: max error %.3f ulp (at %s), sin2pi: %.3f ulp (at %s)%n",
                worstCos, Double.toHexString(worstCosU), worstSin, Double.toHexString(worstSinU));
        assertTrue(worstCos < 1.0, "cos2pi max error " + worstCos + " ulp at u = " + worstCosU);
        assertTrue(worstSin < 1.0, "sin2pi max error " + worstSin + " ulp at u = " + worstSinU);
    }

    @Test
    void cos2piAndSin2piAgreeWithStrictMathOnAMillionPoints() {
        // Reference: StrictMath at θ = 2πv (v = u or u − 1, exact) corrected to first order for
        // the rounding of θ: θ = th + tl with tl = fma(2π_hi, v, −th) + 2π_lo·v, so
        // cos(θ) ≈ cos(th) − sin(th)·tl and sin(θ) ≈ sin(th) + cos(th)·tl. Its own error is below
        // ulp(cos th) (StrictMath) + ½ulp(correction) + ½ulp(result); the tolerance is 2 ulp plus that.
        final double twoPiHi = 2 * Math.PI;
        final double twoPiLo = 2 * DeterministicMath.PI_LO;
        SplittableRandom random = new SplittableRandom(2718281828L);
        double worstCos = 0;
        double worstSin = 0;
        int n = 1_200_000;
        for (int i = 0; i < n; i++) {
            double u = switch (i % 3) {
                case 0 -> ((random.nextLong() >>> 12) + 0.5) * 0x1.0p-52;
                case 1 -> random.nextDouble();
                default -> {
                    double center = random.nextInt(9) / 8.0;
                    double delta = (random.nextDouble() - 0.5) * Math.scalb(1.0, -random.nextInt(3, 54));
                    double v = center + delta;
                    yield v >= 0 && v < 1 ? v : random.nextDouble();
                }
            };
            double v = u < 0.5 ? u : u - 1.0;
            double th = twoPiHi * v;
            double tl = Math.fma(twoPiHi, v, -th) + twoPiLo * v;
            double cosTh = StrictMath.cos(th);
            double sinTh = StrictMath.sin(th);
            double cosCorr = -sinTh * tl;
            double sinCorr = cosTh * tl;
            double refCos = cosTh + cosCorr;
            double refSin = sinTh + sinCorr;
            double c = DeterministicMath.cos2pi(u);
            double s = DeterministicMath.sin2pi(u);
            double tolCos = 2.5 * Math.ulp(refCos) + Math.ulp(cosTh) + 0.5 * Math.ulp(cosCorr);
            double tolSin = 2.5 * Math.ulp(refSin) + Math.ulp(sinTh) + 0.5 * Math.ulp(sinCorr);
            double dc = Math.abs(c - refCos);
            double ds = Math.abs(s - refSin);
            if (!(dc <= tolCos) || !(ds <= tolSin)) {
                throw new AssertionError(String.format(
                        "u = %s: cos2pi %s vs %s (tol %s), sin2pi %s vs %s (tol %s)", Double.toHexString(u),
                        c, refCos, tolCos, s, refSin, tolSin));
            }
            if (refCos != 0) {
                worstCos = Math.max(worstCos, dc / Math.ulp(refCos));
            }
            if (refSin != 0) {
                worstSin = Math.max(worstSin, ds / Math.ulp(refSin));
            }
        }
        System.out.printf("cos2pi/sin2pi vs corrected StrictMath over %d points: max %.2f / %.2f ulp%n",
                n, worstCos, worstSin);
    }

    @Test
    void trigEdgeCases() {
        assertEquals(1.0, DeterministicMath.cos2pi(0.0));
        assertEquals(0L, Double.doubleToRawLongBits(DeterministicMath.sin2pi(0.0)), "sin2pi(0) = +0");
        assertEquals(0.0, DeterministicMath.cos2pi(0.25));
        assertEquals(1.0, DeterministicMath.sin2pi(0.25));
        assertEquals(-1.0, DeterministicMath.cos2pi(0.5));
        assertEquals(0L, Double.doubleToRawLongBits(DeterministicMath.sin2pi(0.5)), "sin2pi(1/2) = +0");
        assertEquals(0.0, DeterministicMath.cos2pi(0.75));
        assertEquals(-1.0, DeterministicMath.sin2pi(0.75));
        // Just below a full turn: cos → 1, sin → −2π·2⁻⁵³.
        assertEquals(1.0, DeterministicMath.cos2pi(U_MAX));
        assertEquals(-2 * Math.PI * 0x1.0p-53, DeterministicMath.sin2pi(U_MAX), 0x1.0p-104);
        assertEquals(1.0, DeterministicMath.cos2pi(U_MIN));
        assertEquals(2 * Math.PI * 0x1.0p-53, DeterministicMath.sin2pi(U_MIN), 0x1.0p-104);
        assertEquals(2 * Math.PI * Double.MIN_NORMAL, DeterministicMath.sin2pi(Double.MIN_NORMAL),
                4 * Double.MIN_VALUE);
    }

    @Test
    void generatorValuesAreExactlySymmetric() {
        // For u = (2m+1)·2⁻⁵³ the reduction of 1 − u mirrors that of u exactly, so
        // cos2pi(1 − u) = cos2pi(u) and sin2pi(1 − u) = −sin2pi(u) bit for bit; also
        // cos² + sin² = 1 to a few ulp.
        SplittableRandom random = new SplittableRandom(99L);
        for (int i = 0; i < 200_000; i++) {
            double u = ((random.nextLong() >>> 12) + 0.5) * 0x1.0p-52;
            double mirrored = 1.0 - u;
            double c = DeterministicMath.cos2pi(u);
            double s = DeterministicMath.sin2pi(u);
            assertEquals(Double.doubleToRawLongBits(c),
                    Double.doubleToRawLongBits(DeterministicMath.cos2pi(mirrored)), "u = " + u);
            assertEquals(Double.doubleToRawLongBits(-s),
                    Double.doubleToRawLongBits(DeterministicMath.sin2pi(mirrored)), "u = " + u);
            assertEquals(1.0, c * c + s * s, 4 * Math.ulp(1.0), "u = " + u);
        }
    }

    @Test
    void sharedReductionGivesTheSameBitsAsTheSingleFunctions() {
        SplittableRandom random = new SplittableRandom(5L);
        double[] out = new double[2];
        for (int i = 0; i < 100_000; i++) {
            double u = i % 2 == 0 ? random.nextDouble() : ((random.nextLong() >>> 12) + 0.5) * 0x1.0p-52;
            DeterministicMath.cosSin2pi(u, out);
            assertEquals(Double.doubleToRawLongBits(DeterministicMath.cos2pi(u)), Double.doubleToRawLongBits(out[0]));
            assertEquals(Double.doubleToRawLongBits(DeterministicMath.sin2pi(u)), Double.doubleToRawLongBits(out[1]));
        }
    }

    @Test
    void trigRejectsArgumentsOutsideOneTurn() {
        for (double bad : new double[] {-0x1.0p-60, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                    () -> DeterministicMath.cos2pi(bad));
            assertTrue(c.getMessage().startsWith("u must be"), c.getMessage());
            IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                    () -> DeterministicMath.sin2pi(bad));
            assertTrue(s.getMessage().startsWith("u must be"), s.getMessage());
        }
    }
}
