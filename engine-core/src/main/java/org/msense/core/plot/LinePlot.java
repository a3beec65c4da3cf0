package org.msense.core.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.msense.core.io.AtomicFiles;

/**
 * A two-dimensional line/scatter plot with linear or logarithmic axes, written as SVG (no dependencies) or
 * PNG (Java2D). Typical use:
 *
 * <pre>{@code
 * new LinePlot("Relative error vs iteration")
 *     .xLabel("iteration").yLabel("‖VWᵀ − X*‖_F / ‖X*‖_F").yLog(true)
 *     .add(Series.line("α = 1e-3", iterations, errors))
 *     .verticalMarker(120, "end of alignment")
 *     .writeSvg(dir.resolve("error.svg"));
 * }</pre>
 *
 * <p>Axis ranges are fitted to every drawable point and reference (vertical markers, horizontal lines,
 * bands): linear axes are widened to "nice" ticks, logarithmic ones to whole decades (half-decades for
 * narrow data). Points that are NaN, infinite or, on a log axis, not positive are skipped and lines are
 * broken there. A plot without any drawable point still renders, with the note "no finite data".
 *
 * <p>Text (title, axis labels, legend and annotation labels) may use {@code _x}/{@code ^x} for subscripts
 * and superscripts, see {@link Series}. The legend is drawn inside the plot area where it hides the least
 * data (a corner, or the middle of an edge when that is clearly better), or to the right of the plot area
 * when it does not fit inside; by default it is shown when there are at most
 * {@value #AUTO_LEGEND_LIMIT} entries.
 *
 * <p>A {@code LinePlot} is a mutable builder; it is not thread-safe. Each output is computed from one
 * layout, so SVG and PNG of the same plot agree.
 */
public final class LinePlot {
    /** Default raster size in pixels; SVG uses the same user units. */
    public static final int DEFAULT_WIDTH = 1200;
    public static final int DEFAULT_HEIGHT = 800;
    /** Legends with more entries are hidden unless {@link #legend(boolean) legend(true)} is called. */
    public static final int AUTO_LEGEND_LIMIT = 12;

    record Reference(double value, String label) {
    }

    record Band(double from, double to, String label) {
    }

    private String title;
    private String xLabel = "";
    private String yLabel = "";
    private boolean xLog;
    private boolean yLog;
    private double[] xRange;
    private double[] yRange;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> verticalMarkers = new ArrayList<>();
    private final List<Reference> horizontalLines = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();
    private Boolean legend;
    private boolean grid = true;
    private int width = DEFAULT_WIDTH;
    private int height = DEFAULT_HEIGHT;

    /** @param title text above the plot ({@code null} or empty: none) */
    public LinePlot(String title) {
        this.title = title == null ? "" : title;
    }

    /** Replaces the title. */
    public LinePlot title(String text) {
        this.title = text == null ? "" : text;
        return this;
    }

    /** Label under the horizontal axis. */
    public LinePlot xLabel(String text) {
        this.xLabel = text == null ? "" : text;
        return this;
    }

    /** Label left of the vertical axis, reading bottom to top. */
    public LinePlot yLabel(String text) {
        this.yLabel = text == null ? "" : text;
        return this;
    }

    /** Logarithmic horizontal axis (base 10); non-positive x values are then skipped. */
    public LinePlot xLog(boolean log) {
        this.xLog = log;
        return this;
    }

    /** Logarithmic vertical axis (base 10); non-positive y values are then skipped. */
    public LinePlot yLog(boolean log) {
        this.yLog = log;
        return this;
    }

    /**
     * Fixes the horizontal range instead of fitting it to the data; data outside is clipped. Ignored when it
     * is not usable (not finite, empty, or not positive on a log axis).
     */
    public LinePlot xRange(double lo, double hi) {
        this.xRange = new double[] {lo, hi};
        return this;
    }

    /** Fixes the vertical range, like {@link #xRange}. */
    public LinePlot yRange(double lo, double hi) {
        this.yRange = new double[] {lo, hi};
        return this;
    }

    /** Adds a series; series are drawn in the order added (grey ones first, beneath the others). */
    public LinePlot add(Series s) {
        series.add(Objects.requireNonNull(s, "series"));
        return this;
    }

    /**
     * A dashed vertical line across the plot at {@code x} (data units) with a label along it (empty: no
     * label). Not drawn when {@code x} is not drawable.
     */
    public LinePlot verticalMarker(double x, String label) {
        verticalMarkers.add(new Reference(x, label == null ? "" : label));
        return this;
    }

    /**
     * A dashed horizontal reference line at {@code y} (data units) with a label at one end (empty: no
     * label). Not drawn when {@code y} is not drawable.
     */
    public LinePlot horizontalLine(double y, String label) {
        horizontalLines.add(new Reference(y, label == null ? "" : label));
        return this;
    }

    /**
     * A translucent shaded interval {@code [from, to]} of x (data units) spanning the plot height, with a
     * label at its top (empty: no label). An infinite end extends to the edge of the plot.
     */
    public LinePlot band(double from, double to, String label) {
        bands.add(new Band(Math.min(from, to), Math.max(from, to), label == null ? "" : label));
        return this;
    }

    /** Shows or hides the legend, overriding the default (shown when it has at most 12 entries). */
    public LinePlot legend(boolean show) {
        this.legend = show;
        return this;
    }

    /** Light grid lines at the labelled ticks (default on). */
    public LinePlot grid(boolean show) {
        this.grid = show;
        return this;
    }

    /**
     * Sets the size of the PNG in pixels (and of the SVG in user units); fonts and lines scale with it.
     *
     * @throws IllegalArgumentException unless both are in [200, 8000]
     */
    public LinePlot setSize(int width, int height) {
        if (width < 200 || height < 200 || width > 8000 || height > 8000) {
            throw new IllegalArgumentException("plot size must be within [200, 8000] px: " + width + "×" + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /** Width of the PNG in pixels (and of the SVG in user units). */
    public int width() {
        return width;
    }

    /** Height of the PNG in pixels (and of the SVG in user units). */
    public int height() {
        return height;
    }

    /** The series added so far, in order (unmodifiable). */
    public List<Series> series() {
        return Collections.unmodifiableList(series);
    }

    /** The plot as a standalone SVG document. Needs no AWT. */
    public String toSvg() {
        PlotLayout layout = layout();
        SvgCanvas canvas = new SvgCanvas(width, height, RichText.parse(title).plain());
        layout.draw(canvas);
        return canvas.finish();
    }

    /**
     * Writes the plot as SVG (UTF-8). The file is replaced atomically (see {@link AtomicFiles}): written to a
     * temporary file in the same directory, then moved over {@code file}, so readers never see a partial
     * file. Needs no AWT.
     *
     * @throws IOException if the file cannot be written (e.g. its directory does not exist)
     */
    public void writeSvg(Path file) throws IOException {
        writeAtomically(file, toSvg().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Renders the plot with Java2D (headless unless the application configured AWT otherwise) and encodes it
     * as PNG of {@link #width()}×{@link #height()} pixels.
     *
     * @throws PlotException if Java2D cannot render here (e.g. no fonts); the SVG output is unaffected
     */
    public byte[] toPng() throws PlotException {
        Java2dCanvas.preferHeadless();
        return Java2dCanvas.png(layout());
    }

    /**
     * Writes the plot as PNG, atomically like {@link #writeSvg}.
     *
     * @throws PlotException if Java2D cannot render here; nothing is written then
     * @throws IOException if the file cannot be written
     */
    public void writePng(Path file) throws IOException, PlotException {
        byte[] png = toPng();
        writeAtomically(file, png);
    }

    /** Computes the layout of the current state. */
    PlotLayout layout() {
        return PlotLayout.of(this);
    }

    String titleText() {
        return title;
    }

    String xLabelText() {
        return xLabel;
    }

    String yLabelText() {
        return yLabel;
    }

    boolean isXLog() {
        return xLog;
    }

    boolean isYLog() {
        return yLog;
    }

    double[] fixedXRange() {
        return xRange;
    }

    double[] fixedYRange() {
        return yRange;
    }

    List<Reference> verticalMarkers() {
        return verticalMarkers;
    }

    List<Reference> horizontalLines() {
        return horizontalLines;
    }

    List<Band> bands() {
        return bands;
    }

    /** {@code null}: automatic. */
    Boolean legendSetting() {
        return legend;
    }

    boolean showGrid() {
        return grid;
    }

    private static void writeAtomically(Path file, byte[] content) throws IOException {
        AtomicFiles.write(file, out -> out.write(content));
    }
}
