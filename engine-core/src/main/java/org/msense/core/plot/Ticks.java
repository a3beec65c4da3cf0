package org.msense.core.plot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Axis ranges and tick marks, independent of pixels.
 *
 * <p>Linear axes get "nice" steps {1, 2, 5}·10ⁿ; labels are built from exact decimals so that they carry no
 * floating-point noise, with a common number of decimals ({@code 0.0, 0.2, …, 1.0}), plain integers up to
 * 10⁶ ({@code 2000}) and {@code 2×10⁶}, {@code 1×10⁶} style beyond (or below 10⁻³).
 *
 * <p>Logarithmic axes are snapped outward to whole decades, or to half-decades when the data span less than
 * one decade; an end that would lie more than half a decade beyond the data moves in to the nearest 2·10ⁿ
 * or 5·10ⁿ outside the data instead (so [3·10⁻⁷, 2] becomes [10⁻⁷, 2] and [3·10⁻⁷, 8] becomes
 * [10⁻⁷, 10¹]). Decades are labelled {@code 10⁻³} (Unicode superscripts); when the range is wide only every
 * k-th decade is labelled; minor ticks at 2…9 are added when the range spans at most six decades; ranges of
 * at most two decades label intermediate values (1, 2, 5 or all of 1…9) so that an axis never has fewer
 * than two labels.
 */
final class Ticks {
    /** A tick at {@code value} (data units); {@code label == null} for an unlabelled tick. */
    record Tick(double value, String label, boolean major) {
        boolean labelled() {
            return label != null;
        }
    }

    /** An axis range {@code [lo, hi]} in data units and its ticks in increasing order. */
    record Scale(double lo, double hi, boolean log, List<Tick> ticks) {
        List<Tick> labelled() {
            return ticks.stream().filter(Tick::labelled).toList();
        }
    }

    /** Largest magnitude handled; larger finite values are clamped so that spans stay finite. */
    static final double LIMIT = 1e300;
    static final double LOG_MIN = 1e-300;

    private static final int[] NICE = {1, 2, 5};
    private static final int[][] LOG_MANTISSAS = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 5}, {1, 3}, {1}};
    private static final int[] DECADE_STEPS = {1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200};
    private static final double EPS = 1e-9;

    private Ticks() {
    }

    /**
     * Ticks of a linear axis.
     *
     * @param lo smallest value to show (finite)
     * @param hi largest value to show (finite; swapped with {@code lo} if smaller)
     * @param maxLabels at most this many labelled ticks (at least 2 are allowed)
     * @param snap widen the range outward to the nearest ticks; otherwise keep {@code [lo, hi]} and place the
     *     ticks inside it
     */
    static Scale linear(double lo, double hi, int maxLabels, boolean snap) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("range must be finite: [" + lo + ", " + hi + "]");
        }
        lo = clamp(lo, -LIMIT, LIMIT);
        hi = clamp(hi, -LIMIT, LIMIT);
        if (hi < lo) {
            double t = lo;
            lo = hi;
            hi = t;
        }
        int max = Math.max(2, maxLabels);
        double span = hi - lo;
        double mag = Math.max(Math.abs(lo), Math.abs(hi));
        if (!(span > mag * 1e-9)) {
            double c = lo + span / 2;
            double d = c == 0 ? 1 : Math.abs(c) * 0.1;
            lo = c - d;
            hi = c + d;
            span = hi - lo;
            snap = true;
        }
        int e = (int) Math.floor(Math.log10(span / max)) - 1;
        for (int guard = 0; guard < 64; guard++, e++) {
            for (int m : NICE) {
                BigDecimal step = BigDecimal.valueOf(m).scaleByPowerOfTen(e);
                double st = step.doubleValue();
                long a = snap ? (long) Math.floor(lo / st + EPS) : (long) Math.ceil(lo / st - EPS);
                long b = snap ? (long) Math.ceil(hi / st - EPS) : (long) Math.floor(hi / st + EPS);
                if (b - a + 1 <= max) {
                    return linearScale(a, b, step, e, snap ? null : new double[] {lo, hi});
                }
            }
        }
        throw new IllegalStateException("no tick step found for [" + lo + ", " + hi + "]");
    }

    private static Scale linearScale(long a, long b, BigDecimal step, int stepExponent, double[] fixed) {
        List<BigDecimal> values = new ArrayList<>();
        for (long k = a; k <= b; k++) {
            values.add(step.multiply(BigDecimal.valueOf(k)));
        }
        double maxAbs = 0;
        for (BigDecimal v : values) {
            maxAbs = Math.max(maxAbs, Math.abs(v.doubleValue()));
        }
        boolean sci = maxAbs >= 1e6 || (maxAbs > 0 && maxAbs < 1e-3);
        List<Tick> ticks = new ArrayList<>();
        for (BigDecimal v : values) {
            ticks.add(new Tick(v.doubleValue(), sci ? sciLabel(v, stepExponent) : plainLabel(v, stepExponent), true));
        }
        double lo = fixed != null ? fixed[0] : values.get(0).doubleValue();
        double hi = fixed != null ? fixed[1] : values.get(values.size() - 1).doubleValue();
        return new Scale(lo, hi, false, List.copyOf(ticks));
    }

    /** {@code v} with {@code max(0, -stepExponent)} decimals, a true minus sign, no "-0". */
    static String plainLabel(BigDecimal v, int stepExponent) {
        BigDecimal r = v.setScale(Math.max(0, -stepExponent), RoundingMode.HALF_EVEN);
        if (r.signum() == 0) {
            r = r.abs();
        }
        return minus(r.toPlainString());
    }

    /** {@code m×10ⁿ} with as many mantissa decimals as the step needs. */
    static String sciLabel(BigDecimal v, int stepExponent) {
        if (v.signum() == 0) {
            return "0";
        }
        BigDecimal s = v.stripTrailingZeros();
        int exp = s.precision() - s.scale() - 1;
        BigDecimal mant = s.movePointLeft(exp).setScale(Math.max(0, exp - stepExponent), RoundingMode.HALF_EVEN);
        String m = minus(mant.toPlainString());
        return m + "×10" + superscript(exp);
    }

    /**
     * Ticks of a logarithmic axis.
     *
     * @param lo smallest value to show (positive, finite)
     * @param hi largest value to show (positive, finite; swapped with {@code lo} if smaller)
     * @param maxLabels at most this many labelled ticks (at least 2 are allowed)
     * @param snap widen the range outward to decades (half-decades below one decade); otherwise keep it
     */
    static Scale log(double lo, double hi, int maxLabels, boolean snap) {
        if (!(lo > 0) || !(hi > 0) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("log range must be positive and finite: [" + lo + ", " + hi + "]");
        }
        lo = clamp(lo, LOG_MIN, LIMIT);
        hi = clamp(hi, LOG_MIN, LIMIT);
        if (hi < lo) {
            double t = lo;
            lo = hi;
            hi = t;
        }
        int max = Math.max(2, maxLabels);
        double l0 = Math.log10(lo);
        double l1 = Math.log10(hi);
        double a;
        double b;
        double loValue;
        double hiValue;
        boolean snapped = snap || l1 - l0 <= 1e-6;
        if (!snapped) {
            a = l0;
            b = l1;
            loValue = lo;
            hiValue = hi;
        } else if (l1 - l0 >= 1 - EPS) {
            int na = (int) Math.floor(l0 + EPS);
            int nb = (int) Math.ceil(l1 - EPS);
            a = na;
            b = nb;
            loValue = decade(na);
            hiValue = decade(nb);
            // An end more than half a decade beyond the data moves in to 5·10ⁿ or 2·10ⁿ instead.
            if (l0 - na > 0.5 + EPS) {
                int m = l0 - na >= Math.log10(5) - EPS ? 5 : 2;
                a = na + Math.log10(m);
                loValue = mantissa(m, na);
            }
            if (nb - l1 > 0.5 + EPS) {
                int m = l1 - (nb - 1) <= Math.log10(2) + EPS ? 2 : 5;
                b = nb - 1 + Math.log10(m);
                hiValue = mantissa(m, nb - 1);
            }
        } else {
            a = Math.floor(2 * l0 + EPS) / 2;
            b = Math.ceil(2 * l1 - EPS) / 2;
            if (b <= a) {
                a -= 0.5;
                b += 0.5;
            }
            loValue = power(a);
            hiValue = power(b);
        }
        double range = b - a;
        List<Tick> ticks = new ArrayList<>();
        List<Double> labelledLogs = new ArrayList<>();
        boolean labelledDecadesOnly = true;
        int decadeStep;
        if (range <= 2 + EPS) {
            for (int[] set : LOG_MANTISSAS) {
                List<int[]> cand = mantissaTicks(a, b, set);
                if (cand.size() >= 2 && cand.size() <= max && minGap(cand) >= 0.5 * range / (max - 1) - EPS) {
                    boolean plain = true;
                    for (int[] mn : cand) {
                        plain &= mn[1] >= -2 && mn[1] <= 3;
                    }
                    for (int[] mn : cand) {
                        BigDecimal v = BigDecimal.valueOf(mn[0]).scaleByPowerOfTen(mn[1]);
                        String label = plain ? v.toPlainString()
                                : (mn[0] == 1 ? "" : mn[0] + "×") + "10" + superscript(mn[1]);
                        ticks.add(new Tick(v.doubleValue(), label, true));
                        labelledLogs.add(Math.log10(mn[0]) + mn[1]);
                    }
                    labelledDecadesOnly = false;
                    break;
                }
            }
        }
        if (labelledDecadesOnly) {
            int n0 = (int) Math.ceil(a - EPS);
            int n1 = (int) Math.floor(b + EPS);
            decadeStep = 0;
            for (int k : DECADE_STEPS) {
                int count = 0;
                for (int n = n0; n <= n1; n++) {
                    if (Math.floorMod(n, k) == 0) {
                        count++;
                    }
                }
                if (count <= max) {
                    decadeStep = k;
                    break;
                }
            }
            if (decadeStep == 0) {
                decadeStep = (int) Math.ceil((n1 - n0 + 1.0) / max / 100) * 100;
            }
            for (int n = n0; n <= n1; n++) {
                if (Math.floorMod(n, decadeStep) == 0) {
                    ticks.add(new Tick(decade(n), "10" + superscript(n), true));
                    labelledLogs.add((double) n);
                } else if (range <= 100) {
                    ticks.add(new Tick(decade(n), null, false));
                }
            }
        }
        if (range <= 6 + EPS) {
            for (int n = (int) Math.floor(a) - 1; n <= (int) Math.ceil(b); n++) {
                for (int m = 1; m <= 9; m++) {
                    double l = Math.log10(m) + n;
                    if (l < a - EPS || l > b + EPS || contains(labelledLogs, l)) {
                        continue;
                    }
                    if (m == 1 && !labelledDecadesOnly) {
                        ticks.add(new Tick(decade(n), null, true));
                    } else if (m > 1) {
                        ticks.add(new Tick(mantissa(m, n), null, false));
                    }
                }
            }
        }
        ticks.sort(Comparator.comparingDouble(Tick::value));
        return new Scale(loValue, hiValue, true, List.copyOf(ticks));
    }

    private static List<int[]> mantissaTicks(double a, double b, int[] set) {
        List<int[]> out = new ArrayList<>();
        for (int n = (int) Math.floor(a) - 1; n <= (int) Math.ceil(b); n++) {
            for (int m : set) {
                double l = Math.log10(m) + n;
                if (l >= a - EPS && l <= b + EPS) {
                    out.add(new int[] {m, n});
                }
            }
        }
        return out;
    }

    private static double minGap(List<int[]> cand) {
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 1; i < cand.size(); i++) {
            double l0 = Math.log10(cand.get(i - 1)[0]) + cand.get(i - 1)[1];
            double l1 = Math.log10(cand.get(i)[0]) + cand.get(i)[1];
            gap = Math.min(gap, l1 - l0);
        }
        return gap;
    }

    private static boolean contains(List<Double> logs, double l) {
        for (double x : logs) {
            if (Math.abs(x - l) < 1e-6) {
                return true;
            }
        }
        return false;
    }

    /** m·10ⁿ as the double nearest to the decimal. */
    static double mantissa(int m, int n) {
        return BigDecimal.valueOf(m).scaleByPowerOfTen(n).doubleValue();
    }

    /** 10ⁿ exactly as a double (the nearest double to the decimal). */
    static double decade(int n) {
        return Double.parseDouble("1e" + n);
    }

    private static double power(double l) {
        return l == Math.rint(l) ? decade((int) l) : Math.pow(10, l);
    }

    /** The integer {@code n} in Unicode superscript digits, with a superscript minus (⁻). */
    static String superscript(int n) {
        String digits = Integer.toString(n);
        StringBuilder sb = new StringBuilder(digits.length());
        for (char c : digits.toCharArray()) {
            sb.append(switch (c) {
                case '-' -> '⁻';
                case '0' -> '⁰';
                case '1' -> '¹';
                case '2' -> '²';
                case '3' -> '³';
                case '4' -> '⁴';
                case '5' -> '⁵';
                case '6' -> '⁶';
                case '7' -> '⁷';
                case '8' -> '⁸';
                default -> '⁹';
            });
        }
        return sb.toString();
    }

    private static String minus(String s) {
        return s.startsWith("-") ? "−" + s.substring(1) : s;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
