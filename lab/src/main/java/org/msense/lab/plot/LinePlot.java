package org.msense.lab.plot;

import java.awt.AWTError;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.text.TextUtils;
import org.jfree.svg.SVGGraphics2D;
import org.msense.lab.io.AtomicFiles;

/**
 * A chart definition: a two-dimensional line/scatter plot with linear or logarithmic axes, drawn by JFreeChart
 * ({@link #toChart()}) and written as PNG (Java2D) or SVG (JFreeSVG) from that one definition. Typical use:
 *
 * <pre>{@code
 * new LinePlot("Relative error vs iteration")
 *     .xLabel("iteration").yLabel("‖VWᵀ − X*‖_F / ‖X*‖_F").yLog(true)
 *     .add(Series.line("α = 1e-3", iterations, errors))
 *     .verticalMarker(120, "end of alignment")
 *     .writeSvg(dir.resolve("error.svg"));
 * }</pre>
 *
 * <p>Axis ranges are JFreeChart's auto ranges over every drawable point and reference (vertical markers,
 * horizontal lines, finite band ends): logarithmic axes get a margin of a twentieth of their span in decades at
 * both ends (so that a curve starting at 10⁰ does not sit on the frame) and are labelled with powers of ten
 * (10⁻³), a vertical linear one a margin of 4 %; where markers are drawn the horizontal one too. Points that are
 * NaN, infinite or, on a log axis, not positive are dropped and lines are broken there. A plot without any
 * drawable point still renders, spanning the x values of its series, with the note "no finite values".
 *
 * <p>Text (title, axis labels, legend and annotation labels) may use {@code _x}/{@code ^x} for subscripts
 * and superscripts, see {@link Series}. The legend lists the series in the order they were added; it is drawn
 * in the corner of the plot area that covers the fewest data points, or to the right of the plot area when
 * every corner would cover much; by default it is shown when there are at most {@value #AUTO_LEGEND_LIMIT}
 * entries. Labels of reference lines sit above the line at its right end (at the left end when close to another).
 *
 * <p>Every output needs Java2D with fonts (text is measured with them, for SVG too); where it has none, the
 * output methods throw {@link PlotException}. A {@code LinePlot} is a mutable builder; it is not thread-safe.
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
    private String subtitle = "";
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

    /**
     * A line under the title, drawn in a warning colour: e.g. that the plot shows a run that stopped early
     * ({@code null} or empty: none).
     */
    public LinePlot subtitle(String text) {
        this.subtitle = text == null ? "" : text;
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

    /**
     * The plot as a standalone SVG document (JFreeSVG), text kept as text.
     *
     * @throws PlotException if Java2D cannot draw here (e.g. no fonts: text is measured with them)
     */
    public String toSvg() throws PlotException {
        try {
            JFreeChart chart = chart();
            SVGGraphics2D g = svgGraphics();
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
            return g.getSVGDocument();
        } catch (RuntimeException | LinkageError | InternalError | AWTError e) {
            throw PlotException.of(e);
        }
    }

    /**
     * Writes the plot as SVG (UTF-8). The file is replaced atomically (see {@link AtomicFiles}): written to a
     * temporary file in the same directory, then moved over {@code file}, so readers never see a partial
     * file.
     *
     * @throws PlotException if Java2D cannot draw here; nothing is written then
     * @throws IOException if the file cannot be written (e.g. its directory does not exist)
     */
    public void writeSvg(Path file) throws IOException, PlotException {
        writeAtomically(file, toSvg().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Renders the plot with Java2D (headless unless the application configured AWT otherwise) and encodes it
     * as PNG of {@link #width()}×{@link #height()} pixels.
     *
     * @throws PlotException if Java2D cannot draw here (e.g. no fonts)
     */
    public byte[] toPng() throws PlotException {
        try {
            return png(chart(), width, height);
        } catch (RuntimeException | LinkageError | InternalError | AWTError e) {
            throw PlotException.of(e);
        }
    }

    /**
     * Draws a chart with Java2D on a {@code width}×{@code height} image and encodes it as PNG (for every chart of
     * this package, so that they look alike).
     */
    static byte[] png(JFreeChart chart, int width, int height) throws PlotException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new PlotException("no PNG encoder is available");
            }
        } catch (IOException e) {
            throw new PlotException("PNG encoding failed (" + PlotException.detail(e, "I/O error") + ")");
        }
        return bytes.toByteArray();
    }

    /**
     * Writes the plot as PNG, atomically like {@link #writeSvg}.
     *
     * @throws PlotException if Java2D cannot draw here; nothing is written then
     * @throws IOException if the file cannot be written
     */
    public void writePng(Path file) throws IOException, PlotException {
        byte[] png = toPng();
        writeAtomically(file, png);
    }

    /**
     * The JFreeChart definition both outputs draw: labels and legend already placed for this size.
     *
     * @throws PlotException if Java2D cannot draw here
     */
    public JFreeChart toChart() throws PlotException {
        try {
            return chart();
        } catch (RuntimeException | LinkageError | InternalError | AWTError e) {
            throw PlotException.of(e);
        }
    }

    private JFreeChart chart() {
        preferHeadless();
        // Rotated text (the y-axis label) drawn with drawString, so that SVG keeps it as text, not outlines.
        TextUtils.setUseDrawRotatedStringWorkaround(false);
        return new ChartBuilder(this).build(svgGraphics());
    }

    /** An SVG canvas of this size; also the scratch surface of the layout pass, so SVG and PNG agree. */
    private SVGGraphics2D svgGraphics() {
        return svgCanvas(width, height);
    }

    /** An SVG canvas of that size with the settings of every chart of this package (fixed ids, two decimals). */
    static SVGGraphics2D svgCanvas(int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        // Fixed ids (the default prefix is random), so that the same plot gives the same file.
        g.setDefsKeyPrefix("msense-");
        // Two decimals are a hundredth of a pixel; the default writes every digit of a double.
        g.setGeomDoubleConverter(LinePlot::decimals);
        g.setTransformDoubleConverter(LinePlot::decimals);
        g.setFontFunction(f -> f.equalsIgnoreCase(Font.SANS_SERIF) || f.equalsIgnoreCase(Font.DIALOG) ? "sans-serif"
                : f + ", sans-serif");
        return g;
    }

    static String decimals(double v) {
        double r = Math.round(v * 100) / 100.0;
        if (r == Math.rint(r) && Math.abs(r) < 1e15) {
            return Long.toString((long) r);
        }
        return Double.toString(r);
    }

    /** Makes AWT start headless unless the application chose otherwise; before any AWT toolkit starts. */
    static void preferHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    String titleText() {
        return title;
    }

    String subtitleText() {
        return subtitle;
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
