package org.msense.lab.sweep;

import java.util.Arrays;
import java.util.Locale;
import org.msense.core.spec.InvalidSpecException;

/**
 * A count that a sweep axis or a heatmap axis is measured in, computed from a point's n1, n2 and rank r: the
 * number of measurements m is often given as a multiple of {@code r(n1+n2)} (about the degrees of freedom of a
 * rank-r n1×n2 matrix, which is exactly {@code r(n1+n2−r)}).
 */
public enum Normalizer {
    /** r(n1 + n2). */
    R_N1_PLUS_N2("r(n1+n2)"),
    /** r(n1 + n2 − r): the dimension of the manifold of rank-r n1×n2 matrices. */
    R_N1_PLUS_N2_MINUS_R("r(n1+n2-r)"),
    /** n1·n2: the number of entries. */
    N1_N2("n1*n2");

    private final String text;

    Normalizer(String text) {
        this.text = text;
    }

    /** As a spec writes it, e.g. {@code r(n1+n2)}. */
    public String text() {
        return text;
    }

    /** The count for a matrix of n1×n2 entries and rank r. */
    public long of(int n1, int n2, int r) {
        return switch (this) {
            case R_N1_PLUS_N2 -> (long) r * (n1 + n2);
            case R_N1_PLUS_N2_MINUS_R -> (long) r * (n1 + n2 - r);
            case N1_N2 -> (long) n1 * n2;
        };
    }

    /**
     * Parses {@code r(n1+n2)}, {@code r(n1+n2-r)} or {@code n1*n2} (spaces ignored).
     *
     * @param field names the spec key in the error
     * @throws InvalidSpecException for any other text, listing the choices
     */
    public static Normalizer parse(String text, String field) {
        String t = text == null ? "" : text.replace(" ", "").replace("−", "-").replace("·", "*").toLowerCase(Locale.ROOT);
        for (Normalizer n : values()) {
            if (n.text.equals(t)) {
                return n;
            }
        }
        throw new InvalidSpecException(field, "unknown normalization '" + text + "'; choose one of "
                + String.join(", ", Arrays.stream(values()).map(Normalizer::text).toList()));
    }
}
