/*
 * msense_rng.h - counter-based Gaussian generator shared by host C code and CUDA kernels.
 *
 * This header MUST stay bit-identical to the Java classes
 *   org.msense.core.rng.Philox4x32, org.msense.core.rng.DeterministicMath,
 *   org.msense.core.rng.GaussianStream
 * (same constants, same operations, same evaluation order). Any change here or there must be
 * made on both sides; GaussianStreamCTwinTest compares the two bit for bit.
 *
 * Floating-point contraction must be disabled, otherwise a*b+c may be fused into an FMA and the
 * bits change:
 *   gcc/clang:  -ffp-contract=off   (and never -ffast-math / -Ofast)
 *   nvcc:       -fmad=false
 * Only IEEE-754 basic operations (+, -, *, /, sqrt; round to nearest even), exact integer/double
 * conversions and exact bit reinterpretation are used, so the results do not depend on the
 * platform's libm or on CUDA's math library.
 *
 * Mapping (see GaussianStream's documentation): element `index` of stream (seed, purpose,
 * substream) uses the pair p = index >> 1 and the Philox4x32-10 block with counter
 * (lo32(p), hi32(p), purpose, substream) and key (lo32(seed), hi32(seed)); with
 * w0 = x1:x0, w1 = x3:x2, u = ((w >> 12) + 0.5) * 2^-52, rho = sqrt(-2 log u1),
 * even index -> rho * cos(2 pi u2), odd index -> rho * sin(2 pi u2).
 */
#ifndef MSENSE_RNG_H
#define MSENSE_RNG_H

#if defined(__FAST_MATH__)
#error "msense_rng.h must not be compiled with -ffast-math: it relies on exact IEEE-754 semantics"
#endif

#if defined(__CUDACC__)
#define MSENSE_HD __host__ __device__ __forceinline__
#else
#define MSENSE_HD static inline
#endif

#if !defined(__CUDACC_RTC__) /* NVRTC (native/build-cuda12.sh) has no system headers; sqrt is built in */
#include <math.h>
#include <string.h>
#endif

/* The code assumes 32-bit unsigned int and 64-bit unsigned long long (true on every CUDA
 * platform and on LP64/LLP64 hosts). */
typedef char msense_rng_check_uint_is_32_bits[(sizeof(unsigned int) == 4) ? 1 : -1];
typedef char msense_rng_check_ull_is_64_bits[(sizeof(unsigned long long) == 8) ? 1 : -1];

/* ---- Philox4x32-10 (Random123) ---------------------------------------------------------- */
#define MSENSE_PHILOX_M0 0xD2511F53u
#define MSENSE_PHILOX_M1 0xCD9E8D57u
#define MSENSE_PHILOX_W0 0x9E3779B9u
#define MSENSE_PHILOX_W1 0xBB67AE85u

/* ---- DeterministicMath constants (decimal literals that round to the listed bit patterns) ---- */
#define MSENSE_LN2_HI 0.6931471803691238          /* 0x3FE62E42FEE00000 */
#define MSENSE_LN2_LO 1.9082149292705877e-10      /* 0x3DEA39EF35793C76 */
#define MSENSE_TWO54 18014398509481984.0          /* 2^54 */
#define MSENSE_SQRT2_FRACTION 0x6A09E667F3BCDull  /* fraction bits of sqrt(2) */
#define MSENSE_L1 0.6666666666666666
#define MSENSE_L2 0.4
#define MSENSE_L3 0.2857142857142857
#define MSENSE_L4 0.2222222222222222
#define MSENSE_L5 0.18181818181818182
#define MSENSE_L6 0.15384615384615385
#define MSENSE_L7 0.13333333333333333
#define MSENSE_L8 0.11764705882352941
#define MSENSE_L9 0.10526315789473684
#define MSENSE_L10 0.09523809523809523
#define MSENSE_PI_HI 3.141592653589793            /* 0x400921FB54442D18 */
#define MSENSE_PI_LO 1.2246467991473532e-16       /* 0x3CA1A62633145C07 */
#define MSENSE_PI_HH 3.1415926814079285           /* 0x400921FB58000000 */
#define MSENSE_PI_HL (-2.781813535079891e-08)     /* 0xBE5DDE9740000000 */
#define MSENSE_SPLITTER 134217729.0               /* 2^27 + 1 */
#define MSENSE_S1 (-5.16771278004997)
#define MSENSE_S2 2.5501640398773455
#define MSENSE_S3 (-0.5992645293207921)
#define MSENSE_S4 0.08214588661112823
#define MSENSE_S5 (-0.0073704309457143504)
#define MSENSE_S6 0.00046630280576761255
#define MSENSE_S7 (-2.1915353447830217e-05)
#define MSENSE_S8 7.952054001475513e-07
#define MSENSE_C2 4.0587121264167685
#define MSENSE_C3 (-1.3352627688545895)
#define MSENSE_C4 0.2353306303588932
#define MSENSE_C5 (-0.02580689139001406)
#define MSENSE_C6 0.0019295743094039231
#define MSENSE_C7 (-0.0001046381049248457)
#define MSENSE_C8 4.303069587032947e-06
#define MSENSE_C9 (-1.3878952462213771e-07)
#define MSENSE_TWO_M52 2.220446049250313080847263336181640625e-16 /* 2^-52, exact */

/* Philox4x32-10: counter (c0..c3), key (k0, k1) -> out[0..3]. */
MSENSE_HD void msense_philox4x32_10(unsigned int c0, unsigned int c1, unsigned int c2,
                                    unsigned int c3, unsigned int k0, unsigned int k1,
                                    unsigned int out[4])
{
    unsigned int x0 = c0, x1 = c1, x2 = c2, x3 = c3;
    int round;
    for (round = 0; round < 10; round++) {
        unsigned long long p0, p1;
        unsigned int y0, y2;
        if (round > 0) {
            k0 += MSENSE_PHILOX_W0;
            k1 += MSENSE_PHILOX_W1;
        }
        p0 = (unsigned long long)MSENSE_PHILOX_M0 * (unsigned long long)x0;
        p1 = (unsigned long long)MSENSE_PHILOX_M1 * (unsigned long long)x2;
        y0 = (unsigned int)(p1 >> 32) ^ x1 ^ k0;
        y2 = (unsigned int)(p0 >> 32) ^ x3 ^ k1;
        x1 = (unsigned int)p1;
        x3 = (unsigned int)p0;
        x0 = y0;
        x2 = y2;
    }
    out[0] = x0;
    out[1] = x1;
    out[2] = x2;
    out[3] = x3;
}

/* Exact reinterpretation of a double's bits and back. */
MSENSE_HD unsigned long long msense_double_bits(double d)
{
#if defined(__CUDA_ARCH__)
    return (unsigned long long)__double_as_longlong(d);
#else
    unsigned long long b;
    memcpy(&b, &d, sizeof b);
    return b;
#endif
}

MSENSE_HD double msense_bits_double(unsigned long long b)
{
#if defined(__CUDA_ARCH__)
    return __longlong_as_double((long long)b);
#else
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
#endif
}

/* Natural logarithm of a positive finite x (the generator uses x in [2^-53, 1]); < 1 ulp.
 * Same algorithm and order as DeterministicMath.log; no argument check here. */
MSENSE_HD double msense_log(double x)
{
    unsigned long long bits = msense_double_bits(x);
    unsigned long long fraction;
    int k = 0;
    double f, g, s, z, r, dk, hi, lo, hfsq;
    if (bits < 0x0010000000000000ull) {
        bits = msense_double_bits(x * MSENSE_TWO54);
        k = -54;
    }
    k += (int)(bits >> 52) - 1023;
    fraction = bits & 0x000FFFFFFFFFFFFFull;
    if (fraction >= MSENSE_SQRT2_FRACTION) {
        f = msense_bits_double(fraction | 0x3FE0000000000000ull);
        k += 1;
    } else {
        f = msense_bits_double(fraction | 0x3FF0000000000000ull);
    }
    g = f - 1.0;
    s = g / (2.0 + g);
    z = s * s;
    r = z * (MSENSE_L1 + z * (MSENSE_L2 + z * (MSENSE_L3 + z * (MSENSE_L4 + z * (MSENSE_L5
        + z * (MSENSE_L6 + z * (MSENSE_L7 + z * (MSENSE_L8 + z * (MSENSE_L9 + z * MSENSE_L10)))))))));
    dk = (double)k;
    hi = dk * MSENSE_LN2_HI + g;
    lo = (dk * MSENSE_LN2_HI - hi) + g;
    hfsq = 0.5 * (g * g);
    return hi + (lo - (hfsq - (s * (hfsq + r) + dk * MSENSE_LN2_LO)));
}

/* ph + tail = pi * x, with ph = fl(x * PI_HI) (Dekker product plus x * PI_LO). */
MSENSE_HD double msense_pi_product_tail(double x, double ph)
{
    double c = MSENSE_SPLITTER * x;
    double xh = c - (c - x);
    double xl = x - xh;
    double err = (((xh * MSENSE_PI_HH - ph) + xh * MSENSE_PI_HL) + xl * MSENSE_PI_HH) + xl * MSENSE_PI_HL;
    return err + x * MSENSE_PI_LO;
}

/* sin(pi x), |x| <= 1/4. */
MSENSE_HD double msense_sinpi_kernel(double ph, double tail, double x)
{
    double t = x * x;
    double p = t * (MSENSE_S1 + t * (MSENSE_S2 + t * (MSENSE_S3 + t * (MSENSE_S4 + t * (MSENSE_S5
        + t * (MSENSE_S6 + t * (MSENSE_S7 + t * MSENSE_S8)))))));
    return ph + (tail + x * p);
}

/* cos(pi x), |x| <= 1/4. */
MSENSE_HD double msense_cospi_kernel(double ph, double tail, double x)
{
    double t = x * x;
    double c = MSENSE_SPLITTER * ph;
    double hh = c - (c - ph);
    double hl = ph - hh;
    double sq = ph * ph;
    double sq_err = (((hh * hh - sq) + hh * hl) + hl * hh) + hl * hl;
    double hz = 0.5 * sq;
    double hz_lo = 0.5 * sq_err + ph * tail;
    double q = (t * t) * (MSENSE_C2 + t * (MSENSE_C3 + t * (MSENSE_C4 + t * (MSENSE_C5 + t * (MSENSE_C6
        + t * (MSENSE_C7 + t * (MSENSE_C8 + t * MSENSE_C9)))))));
    double a = 1.0 - hz;
    double e = (1.0 - a) - hz;
    return a + ((e - hz_lo) + q);
}

/* cos(2 pi u) and sin(2 pi u) for u in [0, 1); either output pointer may be NULL. */
MSENSE_HD void msense_cossin2pi(double u, double *cos_out, double *sin_out)
{
    double y = 4.0 * u;
    int n = (int)y; /* nearest integer to y, ties to the smaller one; exact */
    double x;
    if (y - (double)n > 0.5) {
        n++;
    }
    x = 0.5 * (y - (double)n);
    double ph = x * MSENSE_PI_HI;
    double tail = msense_pi_product_tail(x, ph);
    double c = msense_cospi_kernel(ph, tail, x);
    double s = msense_sinpi_kernel(ph, tail, x);
    double co, si;
    switch (n & 3) {
    case 0:
        co = c;
        si = s;
        break;
    case 1:
        co = 0.0 - s;
        si = c;
        break;
    case 2:
        co = 0.0 - c;
        si = 0.0 - s;
        break;
    default:
        co = s;
        si = 0.0 - c;
        break;
    }
    if (cos_out) {
        *cos_out = co;
    }
    if (sin_out) {
        *sin_out = si;
    }
}

/* cos(2 pi u) for u in [0, 1); < 1 ulp; cos2pi(0) = 1. */
MSENSE_HD double msense_cos2pi(double u)
{
    double c;
    msense_cossin2pi(u, &c, 0);
    return c;
}

/* sin(2 pi u) for u in [0, 1); < 1 ulp; sin2pi(0) = +0. */
MSENSE_HD double msense_sin2pi(double u)
{
    double s;
    msense_cossin2pi(u, 0, &s);
    return s;
}

/* ((w >> 12) + 0.5) * 2^-52: exact, in [2^-53, 1 - 2^-53]. */
MSENSE_HD double msense_uniform_open(unsigned long long w)
{
    return ((double)(w >> 12) + 0.5) * MSENSE_TWO_M52;
}

/* The Philox block of pair p of stream (seed, purpose, substream). */
MSENSE_HD void msense_stream_block(unsigned long long seed, unsigned int purpose,
                                   unsigned int substream, unsigned long long pair,
                                   unsigned int out[4])
{
    msense_philox4x32_10((unsigned int)pair, (unsigned int)(pair >> 32), purpose, substream,
                         (unsigned int)seed, (unsigned int)(seed >> 32), out);
}

/* Element `index` of the Gaussian stream (seed, purpose, substream); purpose is the Java
 * StreamPurpose id. Bit-identical to GaussianStream.normal(index). */
MSENSE_HD double msense_normal(unsigned long long seed, unsigned int purpose,
                               unsigned int substream, unsigned long long index)
{
    unsigned int x[4];
    double u1, u2, rho, v;
    msense_stream_block(seed, purpose, substream, index >> 1, x);
    u1 = msense_uniform_open(((unsigned long long)x[1] << 32) | x[0]);
    u2 = msense_uniform_open(((unsigned long long)x[3] << 32) | x[2]);
    rho = sqrt(-2.0 * msense_log(u1));
    v = (index & 1ull) == 0 ? msense_cos2pi(u2) : msense_sin2pi(u2);
    return rho * v;
}

/* Both elements of a pair: z0 = element 2 * pair, z1 = element 2 * pair + 1. */
typedef struct msense_normal_pair_t {
    double z0;
    double z1;
} msense_normal_pair_t;

MSENSE_HD msense_normal_pair_t msense_normal_pair(unsigned long long seed, unsigned int purpose,
                                                  unsigned int substream, unsigned long long pair)
{
    unsigned int x[4];
    double u1, u2, rho, c, s;
    msense_normal_pair_t result;
    msense_stream_block(seed, purpose, substream, pair, x);
    u1 = msense_uniform_open(((unsigned long long)x[1] << 32) | x[0]);
    u2 = msense_uniform_open(((unsigned long long)x[3] << 32) | x[2]);
    rho = sqrt(-2.0 * msense_log(u1));
    msense_cossin2pi(u2, &c, &s);
    result.z0 = rho * c;
    result.z1 = rho * s;
    return result;
}

#endif /* MSENSE_RNG_H */
