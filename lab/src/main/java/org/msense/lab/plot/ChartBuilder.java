package org.msense.lab.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.font.TextAttribute;
import java.text.AttributedString;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYDataRangeAnnotation;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.Block;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.BlockContainer;
import org.jfree.chart.block.FlowArrangement;
import org.jfree.chart.block.LabelBlock;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.CompositeTitle;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.Size2D;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.ui.VerticalAlignment;
import org.jfree.data.Range;
import org.jfree.data.xy.DefaultXYDataset;

/**
 * Turns a {@link LinePlot} into a JFreeChart {@link XYPlot}: one dataset with the grey series first (drawn
 * beneath) and the coloured ones after, a fixed legend in the order the series were added, dashed labelled
 * reference lines and translucent labelled bands as markers.
 *
 * <p>Axis ranges and linear ticks are JFreeChart's own (auto range with margins, standard tick units); the
 * references take part in the auto range through {@link XYDataRangeAnnotation}s. The one layout decision made
 * here is which corner of the plot area the legend goes in: the one that covers the fewest data points
 * ({@link #placeLegend}). Needs fonts: every step may fail where Java2D has none.
 */
final class ChartBuilder {
    static final String NO_DATA = "no finite values";
    private static final String PREFERRED_FONT = "DejaVu Sans";
    /** Margin of a log axis, a fraction of its span in decades: room above curves that start at the top. */
    static final double LOG_MARGIN = 0.05;
    /** Margin of a linear axis that needs one (values or markers at its ends). */
    private static final double LINEAR_MARGIN = 0.04;
    private static volatile String family;

    /** A series with its resolved style and its points, undrawable ones (NaN, ∞, ≤ 0 on a log axis) as NaN. */
    private record Styled(Series series, Color color, BasicStroke stroke, Shape marker, double[] xs, double[] ys) {
        boolean hasPoints() {
            for (double y : ys) {
                if (!Double.isNaN(y)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final LinePlot p;
    private final int width;
    private final int height;
    private final double s;
    private final double pad;
    private final Font titleFont;
    private final Font labelFont;
    private final Font tickFont;
    private final Font legendFont;
    private final Font noteFont;
    private final double lineWidth;
    private final List<Styled> drawn = new ArrayList<>();
    private final List<Styled> added = new ArrayList<>();
    /** Where the reference labels are, roughly, in axis fractions: places the legend should not cover. */
    private final List<double[]> labelSpots = new ArrayList<>();

    private XYPlot plot;
    private JFreeChart chart;
    private Graphics2D g2;

    ChartBuilder(LinePlot p) {
        this.p = p;
        width = p.width();
        height = p.height();
        s = Math.max(0.4, Math.min(4, Math.min(width / 1200.0, height / 800.0)));
        // Text shrinks less than the page so that small plots stay readable.
        double f = Math.pow(s, 0.75);
        pad = 16 * s;
        String fam = family();
        titleFont = new Font(fam, Font.PLAIN, 1).deriveFont((float) (26 * f));
        labelFont = titleFont.deriveFont((float) (22 * f));
        tickFont = titleFont.deriveFont((float) (19 * f));
        legendFont = titleFont.deriveFont((float) (18 * f));
        noteFont = titleFont.deriveFont((float) (16 * f));
        lineWidth = 2.4 * s;
    }

    /** "DejaVu Sans" where installed (the font of the published figures), else the logical sans-serif font. */
    static String family() {
        String f = family;
        if (f == null) {
            Font d = new Font(PREFERRED_FONT, Font.PLAIN, 12);
            f = PREFERRED_FONT.equalsIgnoreCase(d.getFamily(Locale.ROOT)) ? PREFERRED_FONT : Font.SANS_SERIF;
            family = f;
        }
        return f;
    }

    /**
     * Builds the chart and places its legend, measuring text and drawing once on {@code scratch} (any graphics
     * with this font system; nothing drawn there is kept).
     */
    JFreeChart build(Graphics2D scratch) {
        this.g2 = scratch;
        resolveStyles();
        boolean noData = drawn.stream().noneMatch(Styled::hasPoints);

        DefaultXYDataset data = new DefaultXYDataset();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setDrawSeriesLineAsPath(true);
        renderer.setDefaultSeriesVisibleInLegend(false);
        for (Styled st : drawn) {
            if (!st.hasPoints()) {
                continue;
            }
            int k = data.getSeriesCount();
            data.addSeries("series " + k, new double[][] {st.xs(), st.ys()});
            renderer.setSeriesPaint(k, st.color());
            renderer.setSeriesStroke(k, st.stroke());
            renderer.setSeriesLinesVisible(k, st.series().drawsLine());
            renderer.setSeriesShapesVisible(k, st.series().drawsMarkers());
            renderer.setSeriesShape(k, st.marker());
            renderer.setSeriesShapesFilled(k, true);
        }
        boolean markers = drawn.stream().anyMatch(st -> st.hasPoints() && st.series().drawsMarkers());
        plot = new XYPlot(noData ? null : data, axis(p.isXLog(), true, p.xLabelText(), markers ? LINEAR_MARGIN : 0),
                axis(p.isYLog(), false, p.yLabelText(), LINEAR_MARGIN), renderer);
        plot.setNoDataMessage(NO_DATA);
        plot.setNoDataMessageFont(labelFont);
        plot.setNoDataMessagePaint(Palette.REFERENCE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.BLACK);
        plot.setOutlineStroke(new BasicStroke((float) (1.3 * s)));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setInsets(new RectangleInsets(0, 0, 0, 0));
        BasicStroke gridStroke = new BasicStroke((float) Math.max(1, s));
        plot.setDomainGridlinesVisible(p.showGrid());
        plot.setRangeGridlinesVisible(p.showGrid());
        plot.setDomainGridlinePaint(Palette.GRID);
        plot.setRangeGridlinePaint(Palette.GRID);
        plot.setDomainGridlineStroke(gridStroke);
        plot.setRangeGridlineStroke(gridStroke);
        includeInRange(noData);
        plot.configureDomainAxes();
        plot.configureRangeAxes();
        fixRange(plot.getDomainAxis(), p.fixedXRange(), p.isXLog());
        fixRange(plot.getRangeAxis(), p.fixedYRange(), p.isYLog());
        addMarkers();
        plot.setFixedLegendItems(legendItems());

        chart = new JFreeChart(null, null, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        // Extra room on the right for the half of the last x tick label that overhangs the plot area.
        chart.setPadding(new RectangleInsets(pad, pad, pad, pad + 1.2 * tickFont.getSize2D()));
        PlotText titleText = PlotText.parse(p.titleText());
        if (!titleText.isBlank()) {
            CompositeTitle title = title(titleText, titleFont);
            double w = ((RichTextBlock) title.getContainer().getBlocks().get(0)).textWidth(g2);
            double avail = width - 2 * pad;
            if (w > avail) {
                chart.removeSubtitle(title);
                title(titleText, titleFont.deriveFont((float) (titleFont.getSize2D() * Math.max(0.6, avail / w))));
            }
        }
        if (!p.subtitleText().isBlank()) {
            TextTitle sub = new TextTitle(PlotText.parse(p.subtitleText()).simple(), labelFont, Palette.VERMILLION,
                    RectangleEdge.TOP, TextTitle.DEFAULT_HORIZONTAL_ALIGNMENT, VerticalAlignment.CENTER,
                    new RectangleInsets(0, 0, 0.5 * labelFont.getSize2D(), 0));
            chart.addSubtitle(chart.getSubtitleCount(), sub);
        }
        placeLegend(legendTitle());
        return chart;
    }

    /**
     * Makes the auto ranges include the references (horizontal lines, vertical markers, finite band ends) and,
     * when no point is drawable, the x values of every series, so that such a plot still spans the iterations
     * that ran.
     */
    private void includeInRange(boolean noData) {
        for (LinePlot.Reference r : p.horizontalLines()) {
            if (accepts(r.value(), p.isYLog())) {
                plot.addAnnotation(new XYDataRangeAnnotation(null, new Range(r.value(), r.value())), false);
            }
        }
        List<Double> xs = new ArrayList<>();
        p.verticalMarkers().forEach(m -> xs.add(m.value()));
        p.bands().forEach(b -> {
            xs.add(b.from());
            xs.add(b.to());
        });
        if (noData) {
            p.series().forEach(se -> {
                for (double x : se.xs()) {
                    xs.add(x);
                }
            });
        }
        for (double x : xs) {
            if (accepts(x, p.isXLog())) {
                plot.addAnnotation(new XYDataRangeAnnotation(new Range(x, x), null), false);
            }
        }
    }

    private static void fixRange(ValueAxis axis, double[] fixed, boolean log) {
        if (fixed != null && accepts(fixed[0], log) && accepts(fixed[1], log) && fixed[0] != fixed[1]) {
            axis.setRange(Math.min(fixed[0], fixed[1]), Math.max(fixed[0], fixed[1]));
        }
    }

    private CompositeTitle title(PlotText text, Font font) {
        BlockContainer box = new BlockContainer(new FlowArrangement());
        box.add(new RichTextBlock(text, font, Palette.TEXT));
        CompositeTitle t = new CompositeTitle(box);
        t.setPosition(RectangleEdge.TOP);
        t.setPadding(new RectangleInsets(0, 0, 0.55 * titleFont.getSize2D(), 0));
        chart.addSubtitle(0, t);
        return t;
    }

    // ---------------------------------------------------------------- series and axes

    private void resolveStyles() {
        List<Styled> gray = new ArrayList<>();
        List<Styled> colored = new ArrayList<>();
        int auto = 0;
        double markerSize = 9 * s;
        for (Series series : p.series()) {
            double ws = series.widthScale();
            double[] xs = series.xs().clone();
            double[] ys = series.ys().clone();
            for (int i = 0; i < xs.length; i++) {
                if (!accepts(xs[i], p.isXLog()) || !accepts(ys[i], p.isYLog())) {
                    xs[i] = Double.NaN;
                    ys[i] = Double.NaN;
                }
            }
            Styled st;
            if (series.isGray()) {
                double w = 0.6 * lineWidth * ws;
                st = new Styled(series, Palette.GRAY, stroke(w, series.isDashed() ? Palette.DASHED : null),
                        Palette.marker(0, 0.8 * markerSize * ws), xs, ys);
                gray.add(st);
            } else {
                int idx = series.colorIndex() >= 0 ? series.colorIndex() : auto++;
                double w = lineWidth * ws;
                st = new Styled(series, Palette.color(idx), stroke(w, series.isDashed() ? Palette.DASHED : Palette.dash(idx)),
                        Palette.marker(idx, markerSize * ws), xs, ys);
                colored.add(st);
            }
            added.add(st);
        }
        drawn.addAll(gray);
        drawn.addAll(colored);
    }

    private static BasicStroke stroke(double w, float[] pattern) {
        float[] dash = Palette.scale(pattern, w);
        return new BasicStroke((float) w, dash == null ? BasicStroke.CAP_ROUND : BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    static boolean accepts(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /**
     * An auto-ranged axis: a {@link DecadeAxis} with a margin of {@value #LOG_MARGIN} of its span in decades
     * on both ends, or a {@link NumberAxis} with JFreeChart's standard tick units and {@code margin}.
     */
    private ValueAxis axis(boolean log, boolean horizontal, String label, double margin) {
        ValueAxis a;
        if (log) {
            a = new DecadeAxis(null);
            a.setLowerMargin(LOG_MARGIN);
            a.setUpperMargin(LOG_MARGIN);
        } else {
            NumberAxis n = new NumberAxis(null);
            n.setAutoRangeIncludesZero(false);
            // The margin also below zero: markers at 0 are not cut in half, values at 0 do not sit on the frame.
            n.setAutoRangeStickyZero(false);
            DecimalFormatSymbols sym = DecimalFormatSymbols.getInstance(Locale.ROOT);
            sym.setMinusSign('−');
            n.setNumberFormatOverride(new DecimalFormat("0.######", sym));
            n.setLowerMargin(margin);
            n.setUpperMargin(margin);
            a = n;
        }
        PlotText text = PlotText.parse(label);
        if (!text.isBlank()) {
            if (text.needsRuns()) {
                a.setAttributedLabel(attributed(text, labelFont));
            } else {
                a.setLabel(text.unicode());
            }
        }
        a.setLabelFont(labelFont);
        a.setLabelPaint(Palette.TEXT);
        a.setLabelInsets(new RectangleInsets(0.3 * labelFont.getSize2D(), 0.3 * labelFont.getSize2D(),
                0.3 * labelFont.getSize2D(), 0.3 * labelFont.getSize2D()));
        a.setTickLabelFont(tickFont);
        a.setTickLabelPaint(Palette.TEXT);
        // Wide insets along the axis: JFreeChart's tick unit selection then keeps labels well apart.
        double t = tickFont.getSize2D();
        a.setTickLabelInsets(horizontal ? new RectangleInsets(0.3 * t, 1.5 * t, 0.3 * t, 1.5 * t)
                : new RectangleInsets(1.2 * t, 0.3 * t, 1.2 * t, 0.3 * t));
        a.setAxisLineVisible(false);
        a.setTickMarkPaint(Color.BLACK);
        a.setTickMarkStroke(new BasicStroke((float) (1.2 * s)));
        a.setTickMarkInsideLength(0);
        a.setTickMarkOutsideLength((float) (8 * s));
        a.setMinorTickMarkInsideLength(0);
        a.setMinorTickMarkOutsideLength((float) (4.5 * s));
        return a;
    }

    /** The text with its scripts smaller and lowered or raised (for axis labels that Unicode cannot write). */
    static AttributedString attributed(PlotText text, Font font) {
        StringBuilder all = new StringBuilder();
        text.runs().forEach(r -> all.append(r.text()));
        AttributedString as = new AttributedString(all.toString());
        as.addAttribute(TextAttribute.FAMILY, font.getFamily(Locale.ROOT));
        as.addAttribute(TextAttribute.SIZE, font.getSize2D());
        int at = 0;
        for (PlotText.Run r : text.runs()) {
            int end = at + r.text().length();
            if (r.shift() != 0) {
                as.addAttribute(TextAttribute.SUPERSCRIPT,
                        r.shift() < 0 ? TextAttribute.SUPERSCRIPT_SUB : TextAttribute.SUPERSCRIPT_SUPER, at, end);
            }
            at = end;
        }
        return as;
    }

    // ---------------------------------------------------------------- references and legend

    /**
     * Bands as labelled {@link IntervalMarker}s (label at the top, at the end of the axis for a narrow band that
     * reaches it), horizontal lines as dashed
     * {@link ValueMarker}s labelled at an end, above or below the line, where the label covers
     * no other line and no other label (else no other label), vertical markers labelled right of their top (left near the
     * right edge).
     */
    private void addMarkers() {
        ValueAxis x = plot.getDomainAxis();
        List<LinePlot.Band> bands = p.bands();
        for (int i = 0; i < bands.size(); i++) {
            LinePlot.Band b = bands.get(i);
            // An infinite or (on a log axis) non-positive end reaches the edge of the plot.
            double from = accepts(b.from(), p.isXLog()) ? Math.max(b.from(), x.getLowerBound()) : x.getLowerBound();
            double to = accepts(b.to(), p.isXLog()) ? Math.min(b.to(), x.getUpperBound()) : x.getUpperBound();
            if (Double.isNaN(b.from()) || Double.isNaN(b.to()) || !(to > from)) {
                continue;
            }
            Color c = Palette.band(i);
            IntervalMarker m = new IntervalMarker(from, to, new Color(c.getRed(), c.getGreen(), c.getBlue(), 33));
            m.setOutlinePaint(null);
            // A narrow band at an end of the axis has its label there, so that it stays inside the plot.
            boolean narrow = fraction(x, to, p.isXLog()) - fraction(x, from, p.isXLog()) < 0.15;
            boolean left = narrow && from <= x.getLowerBound();
            boolean right = narrow && !left && to >= x.getUpperBound();
            if (label(m, b.label(), left ? RectangleAnchor.TOP_LEFT : right ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.TOP,
                    left ? TextAnchor.TOP_LEFT : right ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_CENTER)) {
                labelSpots.add(new double[] {(fraction(x, from, p.isXLog()) + fraction(x, to, p.isXLog())) / 2, 1});
            }
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
        BasicStroke dashed = new BasicStroke((float) (1.4 * s), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {(float) (7 * s), (float) (4.5 * s)}, 0f);
        List<Double> lines = new ArrayList<>();
        for (LinePlot.Reference r : p.horizontalLines()) {
            if (accepts(r.value(), p.isYLog())) {
                lines.add(fraction(plot.getRangeAxis(), r.value(), p.isYLog()));
            }
        }
        // A label's height as a fraction of the plot area's (about three quarters of the page).
        double h = 1.3 * noteFont.getSize2D() / (0.75 * height);
        List<double[]> taken = new ArrayList<>();
        for (LinePlot.Reference r : p.horizontalLines()) {
            if (accepts(r.value(), p.isYLog())) {
                ValueMarker m = new ValueMarker(r.value(), Palette.REFERENCE, dashed);
                plot.addRangeMarker(m, Layer.BACKGROUND);
                double f = fraction(plot.getRangeAxis(), r.value(), p.isYLog());
                // Above the right end, above the left end, below the right end, below the left end: the first
                // that covers no other line and no label placed before, else the first that covers no label.
                for (int i = 0; i < 8 && !r.label().isBlank(); i++) {
                    int k = i % 4;
                    boolean right = k % 2 == 0;
                    double[] slot = {right ? 1 : 0, k < 2 ? f : f - h, k < 2 ? f + h : f};
                    boolean free = (i >= 4 || lines.stream().noneMatch(o -> o != f && o > slot[1] && o < slot[2]))
                            && taken.stream().noneMatch(t -> t[0] == slot[0] && t[1] < slot[2] && slot[1] < t[2]);
                    if (free || i == 7) {
                        taken.add(slot);
                        label(m, r.label(), k < 2 ? (right ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.TOP_LEFT)
                                : right ? RectangleAnchor.BOTTOM_RIGHT : RectangleAnchor.BOTTOM_LEFT,
                                k < 2 ? (right ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT)
                                : right ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
                        labelSpots.add(new double[] {right ? 1 : 0, (slot[1] + slot[2]) / 2});
                        labelSpots.add(new double[] {right ? 0.92 : 0.08, (slot[1] + slot[2]) / 2});
                        break;
                    }
                }
            }
        }
        for (LinePlot.Reference r : p.verticalMarkers()) {
            if (accepts(r.value(), p.isXLog())) {
                ValueMarker m = new ValueMarker(r.value(), Palette.REFERENCE, dashed);
                double f = fraction(x, r.value(), p.isXLog());
                boolean right = f < 0.75;
                if (label(m, r.label(), right ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.TOP_LEFT,
                        right ? TextAnchor.TOP_LEFT : TextAnchor.TOP_RIGHT)) {
                    labelSpots.add(new double[] {f, 1});
                    labelSpots.add(new double[] {right ? f + 0.05 : f - 0.05, 1});
                }
                plot.addDomainMarker(m, Layer.BACKGROUND);
            }
        }
    }

    /** Labels the marker unless {@code label} is blank; returns whether it did. */
    private boolean label(Marker m, String label, RectangleAnchor anchor, TextAnchor text) {
        if (label.isBlank()) {
            return false;
        }
        m.setLabel(PlotText.parse(label).simple());
        m.setLabelFont(noteFont);
        m.setLabelPaint(Palette.REFERENCE);
        m.setLabelBackgroundColor(new Color(255, 255, 255, 190));
        double gap = 0.35 * noteFont.getSize2D();
        m.setLabelOffset(new RectangleInsets(gap, gap, gap, gap));
        m.setLabelAnchor(anchor);
        m.setLabelTextAnchor(text);
        return true;
    }

    /** Where {@code v} lies on the axis: 0 at the lower bound, 1 at the upper (in log space on a log axis). */
    private static double fraction(ValueAxis axis, double v, boolean log) {
        if (log) {
            return Math.log10(v / axis.getLowerBound()) / Math.log10(axis.getUpperBound() / axis.getLowerBound());
        }
        return (v - axis.getLowerBound()) / axis.getRange().getLength();
    }

    /**
     * Puts the legend in the corner of the plot area that covers the fewest data points (points along lines and
     * reference lines included, grey series counting less) and no reference label, or to the right of the plot
     * area when even that corner would cover a tenth of the data or a label, or the legend does not fit inside.
     */
    private void placeLegend(LegendTitle legend) {
        if (legend == null) {
            return;
        }
        ChartRenderingInfo info = new ChartRenderingInfo(null);
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height), info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        Size2D size = legend.arrange(g2, RectangleConstraint.NONE);
        double m = 0.6 * legendFont.getSize2D();
        double w = (size.getWidth() + 2 * m) / area.getWidth();
        double h = (size.getHeight() + 2 * m) / area.getHeight();
        // Corners as (x, y) of the corner in axis fractions, y upwards: top right, top left, bottom left, bottom right.
        double[][] corners = {{1, 1}, {0, 1}, {0, 0}, {1, 0}};
        RectangleAnchor[] anchors = {RectangleAnchor.TOP_RIGHT, RectangleAnchor.TOP_LEFT, RectangleAnchor.BOTTOM_LEFT,
            RectangleAnchor.BOTTOM_RIGHT};
        double[] covered = new double[corners.length];
        double total = 0;
        for (double[] pt : samples()) {
            total += pt[2];
            for (int c = 0; c < corners.length; c++) {
                covered[c] += Math.abs(pt[0] - corners[c][0]) <= w && Math.abs(pt[1] - corners[c][1]) <= h ? pt[2] : 0;
            }
        }
        for (double[] pt : labelSpots) {
            for (int c = 0; c < corners.length; c++) {
                // A hidden reference label outweighs all the data.
                covered[c] += Math.abs(pt[0] - corners[c][0]) <= w && Math.abs(pt[1] - corners[c][1]) <= h ? total + 1 : 0;
            }
        }
        int best = 0;
        for (int c = 1; c < corners.length; c++) {
            best = covered[c] < covered[best] - 1e-9 ? c : best;
        }
        legend.setMargin(new RectangleInsets(m, m, m, m));
        if (w < 1 && h < 1 && covered[best] <= 0.1 * total) {
            plot.addAnnotation(new XYTitleAnnotation(corners[best][0], corners[best][1], legend, anchors[best]), false);
        } else {
            // The chart gives a title on the right the full height: end it level with the plot area.
            legend.setMargin(new RectangleInsets(0, 0.8 * pad, Math.max(0, height - pad - area.getMaxY()), 0));
            chart.addSubtitle(legend);
        }
    }

    /**
     * What the legend may cover, as (x, y, weight) in axis fractions: every drawable point and eight points
     * along each line segment (grey series at 0.3), and points along the reference lines (at 0.5).
     */
    private List<double[]> samples() {
        ValueAxis xa = plot.getDomainAxis();
        ValueAxis ya = plot.getRangeAxis();
        List<double[]> out = new ArrayList<>();
        for (Styled st : drawn) {
            double weight = st.series().isGray() ? 0.3 : 1;
            double qx = Double.NaN;
            double qy = Double.NaN;
            for (int i = 0; i < st.xs().length; i++) {
                if (Double.isNaN(st.xs()[i])) {
                    qx = Double.NaN;
                    continue;
                }
                double fx = fraction(xa, st.xs()[i], p.isXLog());
                double fy = fraction(ya, st.ys()[i], p.isYLog());
                out.add(new double[] {fx, fy, weight});
                for (int k = 1; st.series().drawsLine() && !Double.isNaN(qx) && k < 8; k++) {
                    out.add(new double[] {qx + k * (fx - qx) / 8, qy + k * (fy - qy) / 8, weight});
                }
                qx = fx;
                qy = fy;
            }
        }
        for (int k = 0; k <= 20; k++) {
            for (LinePlot.Reference r : p.horizontalLines()) {
                if (accepts(r.value(), p.isYLog())) {
                    out.add(new double[] {k / 20.0, fraction(ya, r.value(), p.isYLog()), 0.5});
                }
            }
            for (LinePlot.Reference r : p.verticalMarkers()) {
                if (accepts(r.value(), p.isXLog())) {
                    out.add(new double[] {fraction(xa, r.value(), p.isXLog()), k / 20.0, 0.5});
                }
            }
        }
        return out;
    }

    private LegendItemCollection legendItems() {
        LegendItemCollection items = new LegendItemCollection();
        double sample = 2.4 * legendFont.getSize2D();
        for (Styled st : added) {
            if (!st.series().inLegend()) {
                continue;
            }
            PlotText text = PlotText.parse(st.series().label());
            Series se = st.series();
            // The description keeps the markup, for labels that need runs of smaller text (see Legend).
            LegendItem item = new LegendItem(text.simple(), st.series().label(), null, null, se.drawsMarkers(), st.marker(),
                    true, st.color(), false, st.color(), st.stroke(), se.drawsLine(),
                    new Line2D.Double(-sample / 2, 0, sample / 2, 0), st.stroke(), st.color());
            items.add(item);
        }
        return items;
    }

    /** The legend, or {@code null} when none is shown. */
    private LegendTitle legendTitle() {
        LegendItemCollection items = plot.getFixedLegendItems();
        Boolean show = p.legendSetting();
        if (items.getItemCount() == 0 || !(show == null ? items.getItemCount() <= LinePlot.AUTO_LEGEND_LIMIT : show)) {
            return null;
        }
        Legend l = new Legend(plot);
        l.setPosition(RectangleEdge.RIGHT);
        l.setItemFont(legendFont);
        l.setItemPaint(Palette.TEXT);
        l.setBackgroundPaint(new Color(255, 255, 255, 217));
        l.setFrame(new BlockBorder(Math.max(1, s), Math.max(1, s), Math.max(1, s), Math.max(1, s), Palette.LEGEND_BORDER));
        double u = legendFont.getSize2D();
        l.setPadding(new RectangleInsets(0.35 * u, 0.5 * u, 0.35 * u, 0.6 * u));
        l.setItemLabelPadding(new RectangleInsets(0.12 * u, 0.45 * u, 0.12 * u, 0.1 * u));
        l.setLegendItemGraphicPadding(new RectangleInsets(0, 0.3 * u, 0, 0));
        l.setVerticalAlignment(VerticalAlignment.TOP);
        return l;
    }

    /** A legend whose labels are drawn by {@link RichTextBlock} where Unicode cannot write their scripts. */
    private static final class Legend extends LegendTitle {
        private static final long serialVersionUID = 1L;

        Legend(XYPlot source) {
            super(source);
        }

        @Override
        protected Block createLegendItemBlock(LegendItem item) {
            Block block = super.createLegendItemBlock(item);
            PlotText text = PlotText.parse(item.getDescription());
            if (!text.needsRuns() || !(block instanceof BlockContainer outer)) {
                return block;
            }
            // JFreeChart wraps the item (graphic and label) in a centring container.
            BlockContainer c = outer.getBlocks().size() == 1 && outer.getBlocks().get(0) instanceof BlockContainer inner
                    ? inner : outer;
            List<Block> parts = new ArrayList<>();
            for (Object o : c.getBlocks()) {
                parts.add((Block) o);
            }
            c.clear();
            for (Block b : parts) {
                if (b instanceof LabelBlock label) {
                    RichTextBlock rich = new RichTextBlock(text, getItemFont(), getItemPaint());
                    rich.setPadding(label.getPadding());
                    c.add(rich);
                } else {
                    c.add(b, getLegendItemGraphicEdge());
                }
            }
            return block;
        }
    }
}
