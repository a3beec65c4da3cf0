package org.msense.core.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The family of the sensing operator 𝒜. */
public enum OperatorKind {
    /** Dense Gaussian: 𝒜(Z)_i = ⟨A_i, Z⟩/√m with A_i entries iid N(0, 1), so E[𝒜*𝒜] = I. */
    GAUSSIAN("gaussian");

    private final String id;

    OperatorKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Parses an operator name; the error lists the accepted ones. */
    public static OperatorKind parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (OperatorKind k : values()) {
            if (k.id.equals(t)) {
                return k;
            }
        }
        throw new InvalidSpecException("operator", "unknown operator '" + text + "'; use one of "
                + Arrays.stream(values()).map(OperatorKind::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
