package org.msense.lab.plot;

import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * Colours, dash patterns and marker shapes of the plots. The eight series colours are the Okabe–Ito palette,
 * which stays distinguishable under the common forms of colour-vision deficiency (black is softened to dark
 * grey and yellow darkened so that both read well on white). Style index {@code i} uses colour {@code i mod 8};
 * each time the colours are exhausted the next dash pattern (and, for markers, the next shape) is used, so 40
 * indices are all distinct.
 */
public final class Palette {
    public static final Color BLUE = new Color(0x0072B2);
    public static final Color VERMILLION = new Color(0xD55E00);
    public static final Color BLUISH_GREEN = new Color(0x009E73);
    public static final Color REDDISH_PURPLE = new Color(0xCC79A7);
    public static final Color ORANGE = new Color(0xE69F00);
    public static final Color SKY_BLUE = new Color(0x56B4E9);
    /** Okabe–Ito black, softened. */
    public static final Color BLACK = new Color(0x333333);
    /** Okabe–Ito yellow, darkened. */
    public static final Color YELLOW = new Color(0xC4B000);

    /** The series colours in the order style indices use them (neighbours contrast well). */
    private static final Color[] COLORS = {BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE, SKY_BLUE, BLACK, YELLOW};

    /** Context series such as nuisance singular values. */
    public static final Color GRAY = new Color(0xA6A6A6);
    /** Dashed reference lines, marker lines and their labels. */
    public static final Color REFERENCE = new Color(0x555555);
    public static final Color GRID = new Color(0xE2E2E2);
    public static final Color LEGEND_BORDER = new Color(0xBBBBBB);
    public static final Color TEXT = Color.BLACK;

    /** Fill colours of bands, drawn translucent. */
    private static final Color[] BANDS = {SKY_BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, BLUE, VERMILLION};

    /** Dash patterns in units of the line width; {@code null} is solid. */
    private static final float[][] DASHES = {
        null,
        {3.5f, 2.0f},
        {1.0f, 1.6f},
        {4.5f, 1.6f, 1.0f, 1.6f},
        {8.0f, 2.5f},
    };

    /** The pattern of {@link Series#dashed()}, in units of the line width. */
    static final float[] DASHED = {3.5f, 2.0f};

    private Palette() {
    }

    /** Number of distinct series colours. */
    public static int size() {
        return COLORS.length;
    }

    /** Colour of style index {@code i}. */
    public static Color color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    /** Fill colour of the {@code i}-th band (opaque; drawn translucent). */
    static Color band(int i) {
        return BANDS[Math.floorMod(i, BANDS.length)];
    }

    /** Dash pattern of style index {@code i} in units of the line width, or {@code null} for solid. */
    static float[] dash(int i) {
        return DASHES[Math.floorMod(Math.floorDiv(i, COLORS.length), DASHES.length)];
    }

    /** Marker shape of style index {@code i}, centred on the origin, {@code size} pixels across. */
    static Shape marker(int i, double size) {
        double r = size / 2;
        return switch (Math.floorMod(Math.floorDiv(i, COLORS.length), 4)) {
            case 0 -> new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
            case 1 -> new Rectangle2D.Double(-0.9 * r, -0.9 * r, 1.8 * r, 1.8 * r);
            case 2 -> polygon(new double[] {0, 1.1 * r, -1.1 * r}, new double[] {-1.15 * r, 0.75 * r, 0.75 * r});
            default -> polygon(new double[] {0, 1.05 * r, 0, -1.05 * r}, new double[] {-1.25 * r, 0, 1.25 * r, 0});
        };
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int k = 1; k < xs.length; k++) {
            p.lineTo(xs[k], ys[k]);
        }
        p.closePath();
        return p;
    }

    /** Scales a pattern given in units of the line width to pixels. */
    static float[] scale(float[] pattern, double width) {
        if (pattern == null) {
            return null;
        }
        float[] out = new float[pattern.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) Math.max(0.01, pattern[k] * width);
        }
        return out;
    }
}
