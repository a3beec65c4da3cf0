package org.msense.lab.plot;

import java.util.Objects;

/**
 * One data series of a {@link LinePlot}: a polyline, markers, or both, through the points
 * {@code (x[i], y[i])}. Points whose coordinates are NaN, infinite or (on a logarithmic axis) not positive
 * are skipped, and a line is broken there rather than drawn across the gap.
 *
 * <p>Instances are immutable: the factories copy the arrays and every styling method returns a new series.
 * The label may use the light markup of plot text: {@code σ_4} or {@code x_{max}} for subscripts,
 * {@code 10^-3} or {@code X^{*}} for superscripts (a subscript or superscript is one character, a run of
 * digits with an optional leading minus, or a braced group); {@code \_} and {@code \^} are literal.
 */
public final class Series {
    enum Kind {
        LINE, MARKERS, LINE_AND_MARKERS
    }

    private final String label;
    private final double[] x;
    private final double[] y;
    private final Kind kind;
    private final int colorIndex;
    private final boolean gray;
    private final boolean dashed;
    private final boolean inLegend;
    private final double widthScale;

    private Series(String label, double[] x, double[] y, Kind kind, int colorIndex, boolean gray, boolean dashed,
            boolean inLegend, double widthScale) {
        this.label = label;
        this.x = x;
        this.y = y;
        this.kind = kind;
        this.colorIndex = colorIndex;
        this.gray = gray;
        this.dashed = dashed;
        this.inLegend = inLegend;
        this.widthScale = widthScale;
    }

    /**
     * A solid line through the points, coloured from the palette in the order series are added.
     *
     * @param label legend text ({@code null} or blank: no legend entry)
     * @param x abscissae, copied
     * @param y ordinates, copied; same length as {@code x}
     * @throws IllegalArgumentException if the lengths differ
     */
    public static Series line(String label, double[] x, double[] y) {
        return create(label, x, y, Kind.LINE);
    }

    /**
     * Markers only, one per point, no connecting line.
     *
     * @param label legend text ({@code null} or blank: no legend entry)
     * @param x abscissae, copied
     * @param y ordinates, copied; same length as {@code x}
     * @throws IllegalArgumentException if the lengths differ
     */
    public static Series markers(String label, double[] x, double[] y) {
        return create(label, x, y, Kind.MARKERS);
    }

    private static Series create(String label, double[] x, double[] y, Kind kind) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y differ in length: " + x.length + " vs " + y.length);
        }
        return new Series(label == null ? "" : label, x.clone(), y.clone(), kind, -1, false, false, true, 1.0);
    }

    /** This series with a marker drawn at every point in addition to the line (or markers only, as before). */
    public Series withMarkers() {
        Kind k = kind == Kind.MARKERS ? Kind.MARKERS : Kind.LINE_AND_MARKERS;
        return new Series(label, x, y, k, colorIndex, gray, dashed, inLegend, widthScale);
    }

    /**
     * This series with an explicit palette index instead of the next automatic one. Indices beyond the
     * eight palette colours cycle the colours with a different dash pattern (markers: a different shape).
     *
     * @param paletteIndex 0 or more
     * @throws IllegalArgumentException if negative
     */
    public Series color(int paletteIndex) {
        if (paletteIndex < 0) {
            throw new IllegalArgumentException("palette index must be ≥ 0: " + paletteIndex);
        }
        return new Series(label, x, y, kind, paletteIndex, false, dashed, inLegend, widthScale);
    }

    /**
     * This series in light grey with a thinner line, for context curves (e.g. nuisance singular values).
     * Grey series are drawn beneath the coloured ones and take no palette index.
     */
    public Series gray() {
        return new Series(label, x, y, kind, -1, true, dashed, inLegend, widthScale);
    }

    /** This series with a dashed line (e.g. a fitted line), overriding the dash pattern of its palette index. */
    public Series dashed() {
        return new Series(label, x, y, kind, colorIndex, gray, true, inLegend, widthScale);
    }

    /** This series without a legend entry. */
    public Series noLegend() {
        return new Series(label, x, y, kind, colorIndex, gray, dashed, false, widthScale);
    }

    /**
     * This series with its line width (and marker size) multiplied by {@code factor}.
     *
     * @param factor in (0, 10]
     * @throws IllegalArgumentException otherwise
     */
    public Series width(double factor) {
        if (!(factor > 0 && factor <= 10)) {
            throw new IllegalArgumentException("width factor must be in (0, 10]: " + factor);
        }
        return new Series(label, x, y, kind, colorIndex, gray, dashed, inLegend, factor);
    }

    /** The legend text as given (never {@code null}). */
    public String label() {
        return label;
    }

    /** Number of points, including those that are not drawn. */
    public int size() {
        return x.length;
    }

    /** Whether the series has a legend entry: not hidden and with a non-blank label. */
    public boolean inLegend() {
        return inLegend && !label.isBlank();
    }

    double[] xs() {
        return x;
    }

    double[] ys() {
        return y;
    }

    Kind kind() {
        return kind;
    }

    /** Explicit palette index, or -1 for automatic. */
    int colorIndex() {
        return colorIndex;
    }

    boolean isGray() {
        return gray;
    }

    boolean isDashed() {
        return dashed;
    }

    double widthScale() {
        return widthScale;
    }

    boolean drawsLine() {
        return kind != Kind.MARKERS;
    }

    boolean drawsMarkers() {
        return kind != Kind.LINE;
    }
}
