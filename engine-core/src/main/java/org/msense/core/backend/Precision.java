package org.msense.core.backend;

import java.util.Locale;

/** Floating-point format of the data a backend stores and computes with. */
public enum Precision {
    /** IEEE binary64, unit roundoff 2⁻⁵³. */
    FP64("fp64", 8, 0x1p-53),
    /** IEEE binary32, unit roundoff 2⁻²⁴. */
    FP32("fp32", 4, 0x1p-24);

    private final String id;
    private final int bytes;
    private final double unitRoundoff;

    Precision(String id, int bytes, double unitRoundoff) {
        this.id = id;
        this.bytes = bytes;
        this.unitRoundoff = unitRoundoff;
    }

    /** The name used on the command line and in configs: {@code fp64} or {@code fp32}. */
    public String id() {
        return id;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Unit roundoff u (half the machine epsilon): |fl(x) − x| ≤ u·|x|. */
    public double unitRoundoff() {
        return unitRoundoff;
    }

    /**
     * Parses {@code fp64} or {@code fp32} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Precision parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.id.equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + text + "'; use fp64 or fp32");
    }

    @Override
    public String toString() {
        return id;
    }
}
