package org.msense.lab.reproduce;

import java.util.Locale;

/**
 * One verified prediction of an experiment: a measured value compared with a threshold derived from the
 * theory. A NaN measurement never passes.
 *
 * @param name       what is checked, in words
 * @param measured   the measured value
 * @param comparison how it is compared with the threshold
 * @param threshold  the bound (the lower bound for {@link Comparison#BETWEEN})
 * @param upper      the upper bound for {@link Comparison#BETWEEN}; NaN otherwise
 * @param rationale  where the threshold comes from
 * @param pass       whether the measured value satisfies the comparison
 */
public record Check(String name, double measured, Comparison comparison, double threshold, double upper, String rationale,
        boolean pass) {

    /** How a measured value is compared with its threshold. */
    public enum Comparison {
        AT_MOST("≤"), AT_LEAST("≥"), LESS_THAN("<"), BETWEEN("in");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        /** The mathematical symbol, e.g. ≤. */
        public String symbol() {
            return symbol;
        }
    }

    /** Passes when measured ≤ threshold. */
    public static Check atMost(String name, double measured, double threshold, String rationale) {
        return new Check(name, measured, Comparison.AT_MOST, threshold, Double.NaN, rationale, measured <= threshold);
    }

    /** Passes when measured ≥ threshold. */
    public static Check atLeast(String name, double measured, double threshold, String rationale) {
        return new Check(name, measured, Comparison.AT_LEAST, threshold, Double.NaN, rationale, measured >= threshold);
    }

    /** Passes when measured &lt; threshold. */
    public static Check lessThan(String name, double measured, double threshold, String rationale) {
        return new Check(name, measured, Comparison.LESS_THAN, threshold, Double.NaN, rationale, measured < threshold);
    }

    /** Passes when lower ≤ measured ≤ upper. */
    public static Check between(String name, double measured, double lower, double upper, String rationale) {
        return new Check(name, measured, Comparison.BETWEEN, lower, upper, rationale, measured >= lower && measured <= upper);
    }

    /** The threshold as text, e.g. {@code ≤ 0.01} or {@code in [0.5, 2]}. */
    public String thresholdText() {
        if (comparison == Comparison.BETWEEN) {
            return "in [" + format(threshold) + ", " + format(upper) + "]";
        }
        return comparison.symbol() + " " + format(threshold);
    }

    /** A number in the short form reports use (4 significant digits). */
    public static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e7) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
        }
        String[] parts = String.format(Locale.ROOT, "%.3e", v).split("e");
        String mantissa = new java.math.BigDecimal(parts[0]).stripTrailingZeros().toPlainString();
        return mantissa + "e" + Integer.parseInt(parts[1]);
    }
}
