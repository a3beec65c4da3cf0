package org.msense.core.plot;

/**
 * The drawing operations a {@link PlotLayout} needs, in pixel coordinates with the origin at the top left
 * and y pointing down. Colours are 0xRRGGBB. Implementations: {@link SvgCanvas} and {@link Java2dCanvas}.
 */
interface Canvas {
    /** Horizontal alignment of text relative to its anchor point (along the text direction when rotated). */
    enum Anchor {
        START, MIDDLE, END
    }

    /** Marker shapes, centred on the data point. */
    enum Marker {
        CIRCLE, SQUARE, TRIANGLE, DIAMOND
    }

    /**
     * How a line is stroked.
     *
     * @param rgb colour
     * @param width line width in pixels
     * @param dash dash pattern in pixels (on, off, …), or {@code null} for solid
     * @param opacity 0…1
     */
    record Stroke(int rgb, double width, double[] dash, double opacity) {
        static Stroke solid(int rgb, double width) {
            return new Stroke(rgb, width, null, 1);
        }
    }

    /**
     * Font of a piece of text (the family is the canvas's sans-serif font).
     *
     * @param size font size in pixels
     * @param bold bold weight
     * @param rgb colour
     */
    record TextStyle(double size, boolean bold, int rgb) {
    }

    /** Starts a logical group (e.g. one series); {@code kind} names what it holds, {@code label} may be empty. */
    void beginGroup(String kind, String label);

    void endGroup();

    void line(double x1, double y1, double x2, double y2, Stroke stroke);

    /** Open polyline through the first {@code n} points. */
    void polyline(double[] xs, double[] ys, int n, Stroke stroke);

    /**
     * A filled marker.
     *
     * @param size diameter (circle) or edge length of the enclosing square, in pixels
     */
    void marker(Marker shape, double x, double y, double size, int rgb);

    /**
     * Filled and/or outlined axis-aligned rectangle.
     *
     * @param fillRgb fill colour
     * @param fillOpacity 0 for no fill
     * @param border outline, or {@code null} for none
     */
    void rect(double x, double y, double w, double h, int fillRgb, double fillOpacity, Stroke border);

    /**
     * Text with its baseline through {@code y}, aligned at {@code x} according to {@code anchor}, rotated by
     * {@code angleDeg} degrees (clockwise on screen, e.g. -90 reads bottom to top) about {@code (x, y)}.
     */
    void text(RichText text, double x, double y, TextStyle style, Anchor anchor, double angleDeg);

    /** Restricts subsequent drawing to the rectangle, until {@link #unclip()}. */
    void clip(double x, double y, double w, double h);

    void unclip();
}
