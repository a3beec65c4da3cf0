package org.msense.core.rng;

/**
 * Natural logarithm and the trigonometric functions cos(2πu), sin(2πu) built only from IEEE-754
 * basic operations (+, −, ×, ÷, all round-to-nearest-even), exact conversions and exact bit
 * manipulation, evaluated in a fixed order.
 *
 * <h2>Why these exist</h2>
 * The Gaussian generator ({@link GaussianStream}) must produce bit-identical numbers on the CPU
 * (Java) and on the GPU (CUDA kernels that generate, e.g., a sensing matrix of several GB directly
 * in device memory). {@code Math.log}, {@code Math.sin} and {@code Math.cos} are allowed to differ
 * between platforms and JIT intrinsics, and CUDA's {@code log}, {@code sincospi} are different
 * implementations again, so none of them can be shared. Basic IEEE operations are correctly
 * rounded everywhere; a program that uses nothing else, in the same order, gives the same bits
 * everywhere, provided no fused multiply-add is introduced. The C/CUDA twin
 * ({@code native/src/msense_rng.h}) repeats every operation below in the same order and must be
 * compiled without floating-point contraction ({@code -ffp-contract=off}, {@code nvcc -fmad=false}).
 * This class therefore never calls {@code Math.fma}, and expressions are written with explicit
 * parentheses where the evaluation order matters.
 *
 * <h2>Accuracy</h2>
 * The error analysis below gives less than 1 ulp against the exact mathematical value (measured
 * maxima against a high-precision reference over a few 10⁵ points: 0.83 ulp for {@link #log},
 * 0.73 ulp for {@link #cos2pi} and {@link #sin2pi}). The unit tests check the 1 ulp bound against
 * an independent high-precision reference, and agreement with {@link StrictMath} within 2 ulp
 * plus the reference's own error.
 */
public final class DeterministicMath {
    /** ln 2 rounded to 32 significant bits (0x3FE62E42FEE00000): k·LN2_HI is exact for |k| < 2²¹. */
    static final double LN2_HI = 0.6931471803691238;
    /** ln 2 − LN2_HI rounded to double (0x3DEA39EF35793C76). */
    static final double LN2_LO = 1.9082149292705877e-10;
    /** 2⁵⁴, used to scale subnormal arguments of {@link #log} into the normal range. */
    static final double TWO54 = 18014398509481984.0;
    /** The 52 fraction bits of √2 rounded to double (0x3FF6A09E667F3BCD). */
    static final long SQRT2_FRACTION = 0x6A09E667F3BCDL;

    /** Taylor coefficients 2/(2k+1) of atanh, k = 1..10 (each the double nearest to it). */
    static final double L1 = 0.6666666666666666;
    static final double L2 = 0.4;
    static final double L3 = 0.2857142857142857;
    static final double L4 = 0.2222222222222222;
    static final double L5 = 0.18181818181818182;
    static final double L6 = 0.15384615384615385;
    static final double L7 = 0.13333333333333333;
    static final double L8 = 0.11764705882352941;
    static final double L9 = 0.10526315789473684;
    static final double L10 = 0.09523809523809523;

    /** π rounded to double (0x400921FB54442D18). */
    static final double PI_HI = 3.141592653589793;
    /** π − PI_HI rounded to double (0x3CA1A62633145C07). */
    static final double PI_LO = 1.2246467991473532e-16;
    /** Upper 26 bits of PI_HI (Veltkamp split, 0x400921FB58000000); PI_HH + PI_HL = PI_HI exactly. */
    static final double PI_HH = 3.1415926814079285;
    /** Lower part of PI_HI (0xBE5DDE9740000000). */
    static final double PI_HL = -2.781813535079891e-08;
    /** Veltkamp splitting constant 2²⁷ + 1. */
    static final double SPLITTER = 134217729.0;

    /** Taylor coefficients (−1)ᵏ π^(2k+1)/(2k+1)! of sin(πx), k = 1..8 (nearest doubles). */
    static final double S1 = -5.16771278004997;
    static final double S2 = 2.5501640398773455;
    static final double S3 = -0.5992645293207921;
    static final double S4 = 0.08214588661112823;
    static final double S5 = -0.0073704309457143504;
    static final double S6 = 0.00046630280576761255;
    static final double S7 = -2.1915353447830217e-05;
    static final double S8 = 7.952054001475513e-07;

    /** Taylor coefficients (−1)ᵏ π^(2k)/(2k)! of cos(πx), k = 2..9 (nearest doubles). */
    static final double C2 = 4.0587121264167685;
    static final double C3 = -1.3352627688545895;
    static final double C4 = 0.2353306303588932;
    static final double C5 = -0.02580689139001406;
    static final double C6 = 0.0019295743094039231;
    static final double C7 = -0.0001046381049248457;
    static final double C8 = 4.303069587032947e-06;
    static final double C9 = -1.3878952462213771e-07;

    private DeterministicMath() {
    }

    /**
     * Natural logarithm of a positive finite {@code x}, bit-reproducible across platforms.
     *
     * <p>Method. Subnormal x is first multiplied by 2⁵⁴ (exact). Then x = 2ᵏ·f is split by bit
     * manipulation with f in [√2/2, √2) (f takes x's fraction bits with exponent 0, or −1 when the
     * fraction is ≥ that of √2, in which case k is incremented). With g = f − 1 (exact by Sterbenz),
     * s = g/(2+g) and z = s², |s| ≤ 0.1716,
     * <pre>
     *   log f = 2·atanh(s) = 2s + s·R,   R = Σ_{j=1..10} 2·z^j/(2j+1)   (Horner form)
     *         = g − (hfsq − s·(hfsq + R)),   hfsq = g²/2   (because 2s = g − s·g = g − hfsq·(1 − s))
     *   hi    = k·LN2_HI + g,   lo = (k·LN2_HI − hi) + g     (Fast2Sum: hi + lo = k·LN2_HI + g exactly)
     *   log x = hi + (lo − (hfsq − (s·(hfsq + R) + k·LN2_LO)))
     * </pre>
     * The truncated series term is below 10⁻¹⁸ relative and k·LN2_HI is exact, so the only large
     * rounding is the final addition; the other errors enter through the correction terms
     * (hfsq ≤ 0.09, s·(hfsq + R) ≤ 0.02), which keeps the result within 1 ulp of log x
     * (measured maximum ≈ 0.83 ulp). log(1) = +0 exactly.
     *
     * @param x a positive finite number (the Gaussian generator only uses x in [2⁻⁵³, 1])
     * @return log x
     * @throws IllegalArgumentException if {@code x} is not positive and finite (zero, negative,
     *                                  infinite or NaN)
     */
    public static double log(double x) {
        if (!(x > 0.0 && x < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("x must be a positive finite number, got " + x);
        }
        return logPositive(x);
    }

    /** {@link #log} without the argument check; {@code x} must be positive and finite. */
    static double logPositive(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int k = 0;
        if (bits < 0x0010_0000_0000_0000L) {
            bits = Double.doubleToRawLongBits(x * TWO54);
            k = -54;
        }
        k += (int) (bits >>> 52) - 1023;
        long fraction = bits & 0x000F_FFFF_FFFF_FFFFL;
        double f;
        if (fraction >= SQRT2_FRACTION) {
            f = Double.longBitsToDouble(fraction | 0x3FE0_0000_0000_0000L);
            k += 1;
        } else {
            f = Double.longBitsToDouble(fraction | 0x3FF0_0000_0000_0000L);
        }
        double g = f - 1.0;
        double s = g / (2.0 + g);
        double z = s * s;
        double r = z * (L1 + z * (L2 + z * (L3 + z * (L4 + z * (L5
                + z * (L6 + z * (L7 + z * (L8 + z * (L9 + z * L10)))))))));
        double dk = k;
        double hi = dk * LN2_HI + g;
        double lo = (dk * LN2_HI - hi) + g;
        double hfsq = 0.5 * (g * g);
        return hi + (lo - (hfsq - (s * (hfsq + r) + dk * LN2_LO)));
    }

    /**
     * cos(2πu) for u in [0, 1), bit-reproducible across platforms.
     *
     * <p>Method (shared with {@link #sin2pi}). y = 4u (exact); n in {0, …, 4} is the integer
     * nearest to y (ties to the smaller one), found exactly as n = (int) y, plus 1 when
     * y − n &gt; 1/2; x = 0.5·(y − n) (exact, Sterbenz). Then 2πu = n·π/2 + πx with |x| ≤ 1/4,
     * i.e. |πx| ≤ π/4. The quadrant n mod 4 selects ±cos(πx) or ±sin(πx);
     * negation is written as 0 − v so that exact zeros come out as +0. πx is formed as the
     * double-double ph + tail (Dekker's exact product x·PI_HI plus x·PI_LO), then
     * <pre>
     *   sin(πx) = ph + (tail + x·(t·(S1 + t·(S2 + … + t·S8))))               t = x·x
     *   cos(πx) = a + (((1 − a) − hz) − hzLo + t²·(C2 + t·(C3 + … + t·C9)))   a = 1 − hz
     * </pre>
     * where hz + hzLo = (ph + tail)²/2 from Dekker's exact square of ph. The Taylor series are
     * truncated below 10⁻¹⁸ relative; the error is below 1 ulp. cos2pi(0) = 1 exactly.
     *
     * @param u the fraction of a full turn, 0 ≤ u &lt; 1
     * @return cos(2πu)
     * @throws IllegalArgumentException if {@code u} is not in [0, 1) (including NaN)
     */
    public static double cos2pi(double u) {
        checkTurn(u);
        return cos2piUnchecked(u);
    }

    /**
     * sin(2πu) for u in [0, 1), bit-reproducible across platforms. Method and accuracy as for
     * {@link #cos2pi}; sin2pi(0) = +0 exactly.
     *
     * @param u the fraction of a full turn, 0 ≤ u &lt; 1
     * @return sin(2πu)
     * @throws IllegalArgumentException if {@code u} is not in [0, 1) (including NaN)
     */
    public static double sin2pi(double u) {
        checkTurn(u);
        return sin2piUnchecked(u);
    }

    /** {@link #cos2pi} without the argument check; {@code u} must be in [0, 1). */
    static double cos2piUnchecked(double u) {
        double y = 4.0 * u;
        int n = nearestInteger(y);
        double x = 0.5 * (y - n);
        double ph = x * PI_HI;
        double tail = piProductTail(x, ph);
        switch (n & 3) {
            case 0:
                return cosPi(ph, tail, x);
            case 1:
                return 0.0 - sinPi(ph, tail, x);
            case 2:
                return 0.0 - cosPi(ph, tail, x);
            default:
                return sinPi(ph, tail, x);
        }
    }

    /** {@link #sin2pi} without the argument check; {@code u} must be in [0, 1). */
    static double sin2piUnchecked(double u) {
        double y = 4.0 * u;
        int n = nearestInteger(y);
        double x = 0.5 * (y - n);
        double ph = x * PI_HI;
        double tail = piProductTail(x, ph);
        switch (n & 3) {
            case 0:
                return sinPi(ph, tail, x);
            case 1:
                return cosPi(ph, tail, x);
            case 2:
                return 0.0 - sinPi(ph, tail, x);
            default:
                return 0.0 - cosPi(ph, tail, x);
        }
    }

    /**
     * Computes cos(2πu) into {@code out[0]} and sin(2πu) into {@code out[1]} (modifies
     * {@code out}); bit-identical to {@link #cos2pi} and {@link #sin2pi} but shares the reduction.
     * {@code u} must be in [0, 1) (unchecked).
     */
    static void cosSin2pi(double u, double[] out) {
        double y = 4.0 * u;
        int n = nearestInteger(y);
        double x = 0.5 * (y - n);
        double ph = x * PI_HI;
        double tail = piProductTail(x, ph);
        double c = cosPi(ph, tail, x);
        double s = sinPi(ph, tail, x);
        switch (n & 3) {
            case 0:
                out[0] = c;
                out[1] = s;
                break;
            case 1:
                out[0] = 0.0 - s;
                out[1] = c;
                break;
            case 2:
                out[0] = 0.0 - c;
                out[1] = 0.0 - s;
                break;
            default:
                out[0] = s;
                out[1] = 0.0 - c;
                break;
        }
    }

    /** The integer nearest to y in [0, 4), ties to the smaller one; exact (no rounded operation). */
    private static int nearestInteger(double y) {
        int n = (int) y;
        if (y - n > 0.5) {
            n++;
        }
        return n;
    }

    private static void checkTurn(double u) {
        if (!(u >= 0.0 && u < 1.0)) {
            throw new IllegalArgumentException("u must be in [0, 1), got " + u);
        }
    }

    /**
     * Given ph = fl(x·PI_HI), returns tail such that ph + tail = π·x to about 2⁻¹⁰⁵ relative:
     * the exact error x·PI_HI − ph by Dekker's product (Veltkamp split of x), plus x·PI_LO.
     */
    private static double piProductTail(double x, double ph) {
        double c = SPLITTER * x;
        double xh = c - (c - x);
        double xl = x - xh;
        double err = (((xh * PI_HH - ph) + xh * PI_HL) + xl * PI_HH) + xl * PI_HL;
        return err + x * PI_LO;
    }

    /** sin(πx) for |x| ≤ 1/4 from ph + tail ≈ πx. */
    private static double sinPi(double ph, double tail, double x) {
        double t = x * x;
        double p = t * (S1 + t * (S2 + t * (S3 + t * (S4 + t * (S5 + t * (S6 + t * (S7 + t * S8)))))));
        return ph + (tail + x * p);
    }

    /** cos(πx) for |x| ≤ 1/4 from ph + tail ≈ πx. */
    private static double cosPi(double ph, double tail, double x) {
        double t = x * x;
        double c = SPLITTER * ph;
        double hh = c - (c - ph);
        double hl = ph - hh;
        double sq = ph * ph;
        double sqErr = (((hh * hh - sq) + hh * hl) + hl * hh) + hl * hl;
        double hz = 0.5 * sq;
        double hzLo = 0.5 * sqErr + ph * tail;
        double q = (t * t) * (C2 + t * (C3 + t * (C4 + t * (C5 + t * (C6 + t * (C7 + t * (C8 + t * C9)))))));
        double a = 1.0 - hz;
        double e = (1.0 - a) - hz;
        return a + ((e - hzLo) + q);
    }
}
