package org.msense.lab.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.text.AttributedString;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.awt.font.TextAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.Block;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.BlockContainer;
import org.jfree.chart.block.FlowArrangement;
import org.jfree.chart.block.LabelBlock;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.CompositeTitle;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.Size2D;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.ui.VerticalAlignment;
import org.jfree.data.xy.DefaultXYDataset;

/**
 * Turns a {@link LinePlot} into a JFreeChart {@link XYPlot}: one dataset with the grey series first (drawn
 * beneath) and the coloured ones after, a fixed legend in the order the series were added, dashed reference
 * lines and translucent bands as markers, and axes whose ranges are fitted to every drawable point and
 * reference (log axes to whole decades unless that wastes much room, a margin where markers are drawn).
 *
 * <p>{@link #build(Graphics2D)} draws the chart once onto a scratch graphics to learn where the data area
 * lies, then places the annotation labels and the legend where they hide the least data: inside the plot area
 * (a corner, or the middle of an edge when that is clearly better), or to its right when every place inside
 * would hide a lot. Needs fonts: every step may fail where Java2D has none.
 */
final class ChartBuilder {
    static final String NO_DATA = "no finite data";
    private static final String PREFERRED_FONT = "DejaVu Sans";
    private static volatile String family;

    /** A series with its resolved style and its points, undrawable ones (NaN, ∞, ≤ 0 on a log axis) as NaN. */
    private record Styled(Series series, Color color, BasicStroke stroke, Shape marker, double markerSize,
            double[] xs, double[] ys) {
        boolean hasPoints() {
            for (int i = 0; i < xs.length; i++) {
                if (!Double.isNaN(xs[i])) {
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
    private final List<Rectangle2D> labelBoxes = new ArrayList<>();

    private XYPlot plot;
    private JFreeChart chart;
    private CompositeTitle title;
    private LegendTitle legend;
    private Rectangle2D area;
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
     * Builds the chart and lays out its labels and legend, measuring text and drawing once on {@code scratch}
     * (any graphics with this font system; nothing drawn there is kept).
     */
    JFreeChart build(Graphics2D scratch) {
        this.g2 = scratch;
        resolveStyles();
        double[] xr = range(true);
        double[] yr = range(false);
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
        plot = new XYPlot(noData ? null : data, axis(p.isXLog(), p.xLabelText(), xr), axis(p.isYLog(), p.yLabelText(), yr),
                renderer);
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
            title = title(titleText, titleFont);
            double w = ((RichTextBlock) title.getContainer().getBlocks().get(0)).textWidth(g2);
            double avail = width - 2 * pad;
            if (w > avail) {
                chart.removeSubtitle(title);
                title = title(titleText, titleFont.deriveFont((float) (titleFont.getSize2D() * Math.max(0.6, avail / w))));
            }
        }
        legend = legendTitle();

        area = dataArea();
        if (chooseLinearTicks()) {
            area = dataArea();
        }
        placeReferenceLabels();
        placeLegend();
        return chart;
    }

    /** Draws the chart on the scratch graphics and returns where its data area lies. */
    private Rectangle2D dataArea() {
        ChartRenderingInfo info = new ChartRenderingInfo(null);
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height), info);
        return info.getPlotInfo().getDataArea();
    }

    /**
     * Gives each linear axis a tick step of 1, 2 or 5 times a power of ten: the smallest with at most 8
     * intervals whose labels keep apart. Returns whether one was set (the tick labels may change the layout).
     */
    private boolean chooseLinearTicks() {
        boolean set = false;
        if (plot.getDomainAxis() instanceof NumberAxis x) {
            FontMetrics fm = g2.getFontMetrics(tickFont);
            NumberFormat f = x.getNumberFormatOverride();
            double label = Math.max(fm.stringWidth(f.format(x.getLowerBound())), fm.stringWidth(f.format(x.getUpperBound())));
            x.setTickUnit(new NumberTickUnit(step(x.getRange().getLength(), area.getWidth(),
                    label + 1.2 * tickFont.getSize2D())), false, true);
            set = true;
        }
        if (plot.getRangeAxis() instanceof NumberAxis y) {
            y.setTickUnit(new NumberTickUnit(step(y.getRange().getLength(), area.getHeight(),
                    1.8 * tickFont.getSize2D())), false, true);
            set = true;
        }
        return set;
    }

    /** The smallest step 1, 2 or 5 × 10^k with at most 8 intervals over {@code span} and {@code need} pixels apart. */
    static double step(double span, double length, double need) {
        double raw = Math.max(span / 8, span * need / Math.max(1, length));
        double decade = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * decade >= raw * (1 - 1e-9)) {
                return m * decade;
            }
        }
        return 10 * decade;
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
                        Palette.marker(0, 0.8 * markerSize * ws), 0.8 * markerSize * ws, xs, ys);
                gray.add(st);
            } else {
                int idx = series.colorIndex() >= 0 ? series.colorIndex() : auto++;
                double w = lineWidth * ws;
                st = new Styled(series, Palette.color(idx), stroke(w, series.isDashed() ? Palette.DASHED : Palette.dash(idx)),
                        Palette.marker(idx, markerSize * ws), markerSize * ws, xs, ys);
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
     * The range of an axis: the fixed one when usable; else every drawable point and reference, a log axis
     * widened to whole decades (unless that adds more than a tenth of the span) and a linear vertical one by 4 %,
     * with a margin on both axes where markers are drawn (so that none is cut in half).
     */
    private double[] range(boolean horizontal) {
        boolean log = horizontal ? p.isXLog() : p.isYLog();
        double[] fixed = horizontal ? p.fixedXRange() : p.fixedYRange();
        if (fixed != null && accepts(fixed[0], log) && accepts(fixed[1], log) && fixed[0] != fixed[1]) {
            return new double[] {Math.min(fixed[0], fixed[1]), Math.max(fixed[0], fixed[1])};
        }
        double[] r = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        boolean markers = false;
        for (Styled st : drawn) {
            double[] v = horizontal ? st.xs() : st.ys();
            for (double d : v) {
                if (!Double.isNaN(d)) {
                    widen(r, d);
                    markers |= st.series().drawsMarkers();
                }
            }
        }
        if (horizontal) {
            p.verticalMarkers().forEach(m -> widenIf(r, m.value(), log));
            p.bands().forEach(b -> {
                widenIf(r, b.from(), log);
                widenIf(r, b.to(), log);
            });
        } else {
            p.horizontalLines().forEach(m -> widenIf(r, m.value(), log));
        }
        if (!(r[0] <= r[1])) {
            return log ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (log) {
            double lo = Math.log10(r[0]);
            double hi = Math.log10(r[1]);
            double span = Math.max(hi - lo, 0.5);
            double a;
            double b;
            if (markers) {
                double m = Math.max(0.1, 0.04 * span);
                a = lo - m;
                b = hi + m;
            } else {
                // Whole decades unless that adds more than a tenth of the span: then a 2 % margin.
                a = lo - Math.floor(lo + 1e-9) <= 0.1 * span ? Math.floor(lo + 1e-9) : lo - 0.02 * span;
                b = Math.ceil(hi - 1e-9) - hi <= 0.1 * span ? Math.ceil(hi - 1e-9) : hi + 0.02 * span;
            }
            if (b - a < 1e-9) {
                // One value, a power of ten: the decades on either side.
                a -= 1;
                b += 1;
            }
            return new double[] {Math.pow(10, a), Math.pow(10, b)};
        }
        double span = r[1] - r[0];
        if (span == 0) {
            double d = r[0] == 0 ? 1 : 0.1 * Math.abs(r[0]);
            return new double[] {r[0] - d, r[1] + d};
        }
        double m = markers ? 0.04 * span : horizontal ? 0 : 0.04 * span;
        return new double[] {r[0] - m, r[1] + m};
    }

    private static void widen(double[] r, double v) {
        r[0] = Math.min(r[0], v);
        r[1] = Math.max(r[1], v);
    }

    private static void widenIf(double[] r, double v, boolean log) {
        if (accepts(v, log)) {
            widen(r, v);
        }
    }

    private ValueAxis axis(boolean log, String label, double[] range) {
        ValueAxis a;
        if (log) {
            a = new DecadeAxis(null);
        } else {
            NumberAxis n = new NumberAxis(null);
            n.setAutoRangeIncludesZero(false);
            DecimalFormatSymbols sym = DecimalFormatSymbols.getInstance(Locale.ROOT);
            sym.setMinusSign('−');
            n.setNumberFormatOverride(new DecimalFormat("0.######", sym));
            a = n;
        }
        a.setRange(range[0], range[1]);
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
        a.setTickLabelInsets(new RectangleInsets(0.3 * tickFont.getSize2D(), 0.3 * tickFont.getSize2D(),
                0.3 * tickFont.getSize2D(), 0.3 * tickFont.getSize2D()));
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

    private void addMarkers() {
        List<LinePlot.Band> bands = p.bands();
        for (int i = 0; i < bands.size(); i++) {
            LinePlot.Band b = bands.get(i);
            double[] x = bandInterval(b);
            if (x == null) {
                continue;
            }
            Color c = Palette.band(i);
            IntervalMarker m = new IntervalMarker(x[0], x[1], new Color(c.getRed(), c.getGreen(), c.getBlue(), 33));
            m.setOutlinePaint(null);
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
        BasicStroke dashed = new BasicStroke((float) (1.4 * s), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {(float) (7 * s), (float) (4.5 * s)}, 0f);
        for (LinePlot.Reference r : p.horizontalLines()) {
            if (accepts(r.value(), p.isYLog())) {
                plot.addRangeMarker(new ValueMarker(r.value(), Palette.REFERENCE, dashed), Layer.BACKGROUND);
            }
        }
        for (LinePlot.Reference r : p.verticalMarkers()) {
            if (accepts(r.value(), p.isXLog())) {
                plot.addDomainMarker(new ValueMarker(r.value(), Palette.REFERENCE, dashed), Layer.BACKGROUND);
            }
        }
    }

    /** The band's x interval clipped to the axis, or {@code null} when none of it is visible. */
    private double[] bandInterval(LinePlot.Band b) {
        ValueAxis x = plot.getDomainAxis();
        double lo = x.getLowerBound();
        double hi = x.getUpperBound();
        double from = b.from() == Double.NEGATIVE_INFINITY || p.isXLog() && b.from() <= 0 ? lo : b.from();
        double to = b.to() == Double.POSITIVE_INFINITY ? hi : b.to();
        if (!accepts(from, p.isXLog()) || !accepts(to, p.isXLog())) {
            return null;
        }
        from = Math.max(lo, from);
        to = Math.min(hi, to);
        return to > from ? new double[] {from, to} : null;
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

    // ---------------------------------------------------------------- placement

    private double px(double x) {
        return plot.getDomainAxis().valueToJava2D(x, area, plot.getDomainAxisEdge());
    }

    private double py(double y) {
        return plot.getRangeAxis().valueToJava2D(y, area, plot.getRangeAxisEdge());
    }

    private double dataX(double px) {
        return plot.getDomainAxis().java2DToValue(px, area, plot.getDomainAxisEdge());
    }

    private double dataY(double py) {
        return plot.getRangeAxis().java2DToValue(py, area, plot.getRangeAxisEdge());
    }

    /**
     * Labels of horizontal lines go at one end, above or below the line, where they hide the least data;
     * labels of vertical markers at the top, right of the line (left near the right edge); labels of bands at
     * the top of their visible part.
     */
    private void placeReferenceLabels() {
        FontMetrics fm = g2.getFontMetrics(noteFont);
        double h = fm.getAscent() + fm.getDescent();
        double gap = 0.3 * noteFont.getSize2D();
        double inset = 0.4 * noteFont.getSize2D();
        List<LinePlot.Band> bands = p.bands();
        for (LinePlot.Band b : bands) {
            double[] x = bandInterval(b);
            if (x == null || b.label().isBlank()) {
                continue;
            }
            String t = PlotText.parse(b.label()).simple();
            double w = fm.getStringBounds(t, g2).getWidth();
            double cx = Math.max(area.getMinX() + w / 2 + inset, Math.min(area.getMaxX() - w / 2 - inset,
                    (px(x[0]) + px(x[1])) / 2));
            label(t, new Rectangle2D.Double(cx - w / 2, area.getMinY() + gap, w, h));
        }
        for (LinePlot.Reference r : p.verticalMarkers()) {
            if (r.label().isBlank() || !accepts(r.value(), p.isXLog())) {
                continue;
            }
            String t = PlotText.parse(r.label()).simple();
            double w = fm.getStringBounds(t, g2).getWidth();
            double x = px(r.value());
            if (x < area.getMinX() || x > area.getMaxX()) {
                continue;
            }
            List<Rectangle2D> boxes = new ArrayList<>();
            for (double top : new double[] {area.getMinY() + gap, area.getMaxY() - gap - h}) {
                boxes.add(new Rectangle2D.Double(x + gap, top, w, h));
                boxes.add(new Rectangle2D.Double(x - gap - w, top, w, h));
            }
            best(t, boxes);
        }
        for (LinePlot.Reference r : p.horizontalLines()) {
            if (r.label().isBlank() || !accepts(r.value(), p.isYLog())) {
                continue;
            }
            double y = py(r.value());
            if (y < area.getMinY() - 0.5 || y > area.getMaxY() + 0.5) {
                continue;
            }
            String t = PlotText.parse(r.label()).simple();
            double w = fm.getStringBounds(t, g2).getWidth();
            List<Rectangle2D> boxes = new ArrayList<>();
            for (double left : new double[] {area.getMaxX() - inset - w, area.getMinX() + inset}) {
                boxes.add(new Rectangle2D.Double(left, y - gap - h, w, h));
                boxes.add(new Rectangle2D.Double(left, y + gap, w, h));
            }
            best(t, boxes);
        }
    }

    /** Labels {@code text} in the first of the boxes inside the plot area that hides the least. */
    private void best(String text, List<Rectangle2D> boxes) {
        Rectangle2D best = null;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int i = 0; i < boxes.size(); i++) {
            Rectangle2D box = boxes.get(i);
            if (area.contains(box)) {
                double score = ink(box) + obstacles(box) + 0.25 * i;
                if (score < bestScore) {
                    bestScore = score;
                    best = box;
                }
            }
        }
        if (best != null) {
            label(text, best);
        }
    }

    private void label(String text, Rectangle2D box) {
        XYTextAnnotation a = new XYTextAnnotation(text, dataX(box.getCenterX()), dataY(box.getCenterY()));
        a.setFont(noteFont);
        a.setPaint(Palette.REFERENCE);
        a.setTextAnchor(TextAnchor.CENTER);
        a.setBackgroundPaint(new Color(255, 255, 255, 190));
        a.setOutlineVisible(false);
        plot.addAnnotation(a, false);
        labelBoxes.add(box);
    }

    /**
     * Puts the legend inside the plot area where it hides the least data (corners first), or to the right of
     * the plot area when that would hide more than about twice its width in line length.
     */
    private void placeLegend() {
        if (legend == null) {
            return;
        }
        Size2D size = legend.arrange(g2, RectangleConstraint.NONE);
        double w = size.getWidth();
        double h = size.getHeight();
        double m = 0.6 * legendFont.getSize2D();
        double l = area.getMinX() + m;
        double r = area.getMaxX() - m - w;
        double t = area.getMinY() + m;
        double b = area.getMaxY() - m - h;
        double cx = area.getCenterX() - w / 2;
        double cy = area.getCenterY() - h / 2;
        double[][] spots = {{r, t}, {l, t}, {l, b}, {r, b}, {r, cy}, {l, cy}, {cx, t}, {cx, b}};
        double[] best = null;
        double bestScore = Double.POSITIVE_INFINITY;
        if (w <= area.getWidth() - 2 * m && h <= area.getHeight() - 2 * m) {
            for (int i = 0; i < spots.length; i++) {
                Rectangle2D probe = new Rectangle2D.Double(spots[i][0] - 4 * s, spots[i][1] - 4 * s, w + 8 * s, h + 8 * s);
                // An edge position must hide clearly less than a corner to be chosen.
                double score = ink(probe) + obstacles(probe) + (i < 4 ? 0 : 2 * legendFont.getSize2D());
                if (score < bestScore - 1e-9) {
                    bestScore = score;
                    best = spots[i];
                }
            }
        }
        if (best == null || bestScore > 2 * w) {
            // The chart gives a title on the right the full height: end it level with the plot area.
            legend.setMargin(new RectangleInsets(0, 0.8 * pad, Math.max(0, height - pad - area.getMaxY()), 0));
            chart.addSubtitle(legend);
            return;
        }
        double rx = (dataX(best[0]) - plot.getDomainAxis().getLowerBound()) / plot.getDomainAxis().getRange().getLength();
        double ry = (dataY(best[1]) - plot.getRangeAxis().getLowerBound()) / plot.getRangeAxis().getRange().getLength();
        plot.addAnnotation(new XYTitleAnnotation(rx, ry, legend, RectangleAnchor.TOP_LEFT), false);
    }

    /** Penalty for covering a placed label: far above any amount of hidden data. */
    private double obstacles(Rectangle2D box) {
        double score = 0;
        for (Rectangle2D o : labelBoxes) {
            if (o.intersects(box)) {
                Rectangle2D i = o.createIntersection(box);
                score += 1e5 + i.getWidth() * i.getHeight();
            }
        }
        return score;
    }

    /**
     * How much ink a box would hide: the length in pixels of data lines inside it (grey lines count less),
     * markers as a few pixels each, reference lines at half weight.
     */
    private double ink(Rectangle2D box) {
        double score = 0;
        for (Styled st : drawn) {
            double weight = st.series().isGray() ? 0.3 : 1;
            double[] xs = st.xs();
            double[] ys = st.ys();
            double qx = Double.NaN;
            double qy = Double.NaN;
            for (int i = 0; i < xs.length; i++) {
                double cx = Double.isNaN(xs[i]) ? Double.NaN : px(xs[i]);
                double cy = Double.isNaN(ys[i]) ? Double.NaN : py(ys[i]);
                if (Double.isNaN(cx) || Double.isNaN(cy)) {
                    qx = Double.NaN;
                    continue;
                }
                if (st.series().drawsMarkers() && box.contains(cx, cy)) {
                    score += weight * 2 * st.markerSize();
                }
                if (st.series().drawsLine() && !Double.isNaN(qx) && box.intersectsLine(qx, qy, cx, cy)) {
                    double len = Math.hypot(cx - qx, cy - qy);
                    int n = (int) Math.min(10_000, Math.ceil(len / 3));
                    for (int j = 0; j < n; j++) {
                        double f = (j + 0.5) / n;
                        if (box.contains(qx + f * (cx - qx), qy + f * (cy - qy))) {
                            score += weight * len / n;
                        }
                    }
                }
                qx = cx;
                qy = cy;
            }
        }
        for (LinePlot.Reference r : p.horizontalLines()) {
            if (accepts(r.value(), p.isYLog())) {
                double y = py(r.value());
                if (y >= box.getMinY() && y <= box.getMaxY()) {
                    score += 0.5 * (Math.min(box.getMaxX(), area.getMaxX()) - Math.max(box.getMinX(), area.getMinX()));
                }
            }
        }
        for (LinePlot.Reference r : p.verticalMarkers()) {
            if (accepts(r.value(), p.isXLog())) {
                double x = px(r.value());
                if (x >= box.getMinX() && x <= box.getMaxX()) {
                    score += 0.5 * (Math.min(box.getMaxY(), area.getMaxY()) - Math.max(box.getMinY(), area.getMinY()));
                }
            }
        }
        return score;
    }
}
