package org.msense.core.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The family of the sensing operator 𝒜. */
public enum OperatorKind {
    /** Dense Gaussian: 𝒜(Z)_i = ⟨A_i, Z⟩/√m with A_i entries iid N(0, 1), so E[𝒜*𝒜] = I; stored m × n1·n2. */
    GAUSSIAN("gaussian"),
    /** The same numbers as {@link #GAUSSIAN} for the same seed, regenerated from the Philox stream on every pass. */
    GAUSSIAN_IMPLICIT("gaussian-implicit"),
    /**
     * Subsampled randomized Walsh–Hadamard: 𝒜(Z)_i = √(N/m)·(H D vec(Z))_{s_i}, N = 2^⌈log2 n1·n2⌉ (zero-padded),
     * D random signs, H orthonormal, s_1..s_m distinct rows.
     */
    HADAMARD("hadamard"),
    /** Matrix completion: 𝒜(Z)_i = √(n1·n2/m)·Z_{j_i l_i}, m distinct entries drawn uniformly. */
    COMPLETION("completion"),
    /** Rank-one projections: 𝒜(Z)_i = a_iᵀ Z b_i/√m, a_i ~ N(0, I_n1), b_i ~ N(0, I_n2). */
    RANK_ONE("rank-one");

    private final String id;

    OperatorKind(String id) {
        this.id = id;
    }

    /** Whether this operator is stored as the dense m × n1·n2 matrix (only {@link #GAUSSIAN}). */
    public boolean dense() {
        return this == GAUSSIAN;
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
