package org.msense.core.spec;

import java.util.Locale;

/**
 * Variance of the entries of the Gaussian matrices G_V (n1×k) and G_W (n2×k) in
 * V₀ = α_V·G_V, W₀ = α_W·G_W.
 */
public enum InitNormalization {
    /** Entries N(0, 1/k): each row of V₀ has norm ≈ α_V (the default). */
    PER_WIDTH("1/k"),
    /** Entries N(0, 1/n1) for G_V and N(0, 1/n2) for G_W: each column has norm ≈ α. */
    PER_DIMENSION("1/n"),
    /** Entries N(0, 1). */
    UNIT("1");

    private final String id;

    InitNormalization(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Standard deviation of the entries of G for a factor with {@code rows} rows and width {@code k}. */
    public double stddev(int rows, int k) {
        return switch (this) {
            case PER_WIDTH -> 1.0 / Math.sqrt(k);
            case PER_DIMENSION -> 1.0 / Math.sqrt(rows);
            case UNIT -> 1.0;
        };
    }

    /** Parses {@code 1/k}, {@code 1/n} or {@code 1}. */
    public static InitNormalization parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (InitNormalization n : values()) {
            if (n.id.equals(t)) {
                return n;
            }
        }
        throw new InvalidSpecException("init", "unknown normalization '" + text + "'; use 1/k, 1/n or 1");
    }

    @Override
    public String toString() {
        return id;
    }
}
