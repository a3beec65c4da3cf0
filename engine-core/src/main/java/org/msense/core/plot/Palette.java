package org.msense.core.plot;

/**
 * Colours, dash patterns and marker shapes. The eight colours are the Okabe–Ito palette, which stays
 * distinguishable under the common forms of colour-vision deficiency (black is softened to dark grey and
 * yellow darkened so that both read well on white). Style index {@code i} uses colour {@code i mod 8}; each
 * time the colours are exhausted the next dash pattern (and, for markers, the next shape) is used, so 40
 * indices are all distinct.
 */
final class Palette {
    /** Okabe–Ito, in an order where neighbours contrast well. */
    static final int[] COLORS = {
        0x0072B2, // blue
        0xD55E00, // vermillion
        0x009E73, // bluish green
        0xCC79A7, // reddish purple
        0xE69F00, // orange
        0x56B4E9, // sky blue
        0x333333, // black (softened)
        0xC4B000, // yellow (darkened)
    };

    /** Dash patterns in units of the line width; {@code null} is solid. */
    private static final double[][] DASHES = {
        null,
        {3.5, 2.0},
        {1.0, 1.6},
        {4.5, 1.6, 1.0, 1.6},
        {8.0, 2.5},
    };

    /** The pattern of {@link Series#dashed()}, in units of the line width. */
    static final double[] DASHED = {3.5, 2.0};

    static final int GRAY = 0xA6A6A6;
    static final int TEXT = 0x000000;
    static final int SOFT_TEXT = 0x333333;
    static final int REFERENCE = 0x555555;
    static final int GRID = 0xE2E2E2;
    static final int FRAME = 0x000000;
    static final int WHITE = 0xFFFFFF;
    static final int LEGEND_BORDER = 0xBBBBBB;
    static final int NOTE = 0x777777;

    private Palette() {
    }

    /** Colour of style index {@code i} (0xRRGGBB). */
    static int color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    /** Dash pattern of style index {@code i} in units of the line width, or {@code null} for solid. */
    static double[] dash(int i) {
        return DASHES[Math.floorMod(Math.floorDiv(i, COLORS.length), DASHES.length)];
    }

    /** Marker shape of style index {@code i}. */
    static Canvas.Marker marker(int i) {
        Canvas.Marker[] shapes = Canvas.Marker.values();
        return shapes[Math.floorMod(Math.floorDiv(i, COLORS.length), shapes.length)];
    }

    /** Fill colour of the {@code i}-th band (drawn translucent). */
    static int band(int i) {
        int[] bands = {0x56B4E9, 0xE69F00, 0x009E73, 0xCC79A7, 0x0072B2, 0xD55E00};
        return bands[Math.floorMod(i, bands.length)];
    }

    /** {@code #rrggbb}. */
    static String hex(int rgb) {
        return String.format("#%06x", rgb & 0xFFFFFF);
    }

    /** Scales a pattern given in units of the line width to pixels. */
    static double[] scale(double[] pattern, double width) {
        if (pattern == null) {
            return null;
        }
        double[] out = new double[pattern.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = pattern[i] * width;
        }
        return out;
    }
}
