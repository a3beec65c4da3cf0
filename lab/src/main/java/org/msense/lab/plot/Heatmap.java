package org.msense.lab.plot;

import java.awt.AWTError;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * A heatmap of values in [0, 1] on a grid of cells (a success fraction per cell of a phase diagram), drawn by
 * JFreeChart's {@link XYBlockRenderer} from white (0) to dark blue (1), each cell labelled with its text
 * ({@code 3/5}), the columns and rows labelled with their values, cells without a value left grey, and optional
 * lines over the grid (a theory line) in cell coordinates: column i spans [i − ½, i + ½]. Written as PNG or SVG like
 * {@link LinePlot}; a mutable builder, not thread-safe.
 */
public final class Heatmap {
    private static final Color EMPTY = new Color(0xDD, 0xDD, 0xDD);
    private static final Color FULL = new Color(0x08, 0x30, 0x6B);

    private record Cell(int column, int row, double value, String text) {
    }

    private record Line(double[] xs, double[] ys, String label) {
    }

    private final String title;
    private String subtitle = "";
    private String xLabel = "";
    private String yLabel = "";
    private String scaleLabel = "";
    private final String[] columns;
    private final String[] rows;
    private final List<Cell> cells = new ArrayList<>();
    private final List<Line> lines = new ArrayList<>();
    private int width = 1000;
    private int height = 750;

    /**
     * @param columns the labels of the columns, left to right
     * @param rows    the labels of the rows, bottom to top
     */
    public Heatmap(String title, List<String> columns, List<String> rows) {
        this.title = title;
        this.columns = columns.toArray(new String[0]);
        this.rows = rows.toArray(new String[0]);
    }

    public Heatmap subtitle(String text) {
        subtitle = text == null ? "" : text;
        return this;
    }

    public Heatmap xLabel(String text) {
        xLabel = text;
        return this;
    }

    public Heatmap yLabel(String text) {
        yLabel = text;
        return this;
    }

    /** The title of the colour scale, e.g. {@code success fraction}. */
    public Heatmap scaleLabel(String text) {
        scaleLabel = text;
        return this;
    }

    /** Size in pixels (PNG) and user units (SVG). */
    public Heatmap setSize(int w, int h) {
        width = w;
        height = h;
        return this;
    }

    /**
     * Sets a cell.
     *
     * @param value in [0, 1]
     * @param text  drawn in the cell (e.g. {@code 4/5}), or empty
     */
    public Heatmap cell(int column, int row, double value, String text) {
        if (column < 0 || column >= columns.length || row < 0 || row >= rows.length || !(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("cell (" + column + ", " + row + ") = " + value + " is outside the "
                    + columns.length + "×" + rows.length + " grid or [0, 1]");
        }
        cells.add(new Cell(column, row, value, text));
        return this;
    }

    /** Adds a dashed line through points given in cell coordinates (column, row). */
    public Heatmap line(double[] xs, double[] ys, String label) {
        lines.add(new Line(xs.clone(), ys.clone(), label));
        return this;
    }

    /**
     * The heatmap as an SVG document, text kept as text.
     *
     * @throws PlotException if Java2D cannot draw here (no fonts)
     */
    public String toSvg() throws PlotException {
        try {
            SVGGraphics2D g = LinePlot.svgCanvas(width, height);
            chart().draw(g, new Rectangle2D.Double(0, 0, width, height));
            return g.getSVGDocument();
        } catch (RuntimeException | LinkageError | InternalError | AWTError e) {
            throw PlotException.of(e);
        }
    }

    /**
     * The heatmap as PNG.
     *
     * @throws PlotException if Java2D cannot draw here (no fonts)
     */
    public byte[] toPng() throws PlotException {
        try {
            return LinePlot.png(chart(), width, height);
        } catch (RuntimeException | LinkageError | InternalError | AWTError e) {
            throw PlotException.of(e);
        }
    }

    /** From white (0) to {@link #FULL} (1), linearly in each channel. */
    private static final class Scale implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double v) {
            double t = Math.max(0, Math.min(1, Double.isNaN(v) ? 0 : v));
            return new Color(mix(255, FULL.getRed(), t), mix(255, FULL.getGreen(), t), mix(255, FULL.getBlue(), t));
        }

        private static int mix(int a, int b, double t) {
            return (int) Math.round(a + (b - a) * t);
        }
    }

    private JFreeChart chart() {
        LinePlot.preferHeadless();
        TextUtils.setUseDrawRotatedStringWorkaround(false);
        String family = ChartBuilder.family();
        double s = Math.max(0.5, Math.min(3, Math.min(width / 1000.0, height / 750.0)));
        Font titleFont = new Font(family, Font.PLAIN, (int) Math.round(24 * s));
        Font labelFont = new Font(family, Font.PLAIN, (int) Math.round(20 * s));
        Font tickFont = new Font(family, Font.PLAIN, (int) Math.round(17 * s));
        Font cellFont = new Font(family, Font.PLAIN, (int) Math.round(15 * s));

        DefaultXYZDataset data = new DefaultXYZDataset();
        double[][] xyz = new double[3][cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            xyz[0][i] = cells.get(i).column();
            xyz[1][i] = cells.get(i).row();
            xyz[2][i] = cells.get(i).value();
        }
        data.addSeries("cells", xyz);
        XYBlockRenderer blocks = new XYBlockRenderer();
        blocks.setPaintScale(new Scale());
        blocks.setBlockWidth(1);
        blocks.setBlockHeight(1);
        blocks.setDefaultSeriesVisibleInLegend(false);

        SymbolAxis x = new SymbolAxis(PlotText.parse(xLabel).simple(), columns);
        SymbolAxis y = new SymbolAxis(PlotText.parse(yLabel).simple(), rows);
        for (SymbolAxis a : List.of(x, y)) {
            a.setGridBandsVisible(false);
            a.setLabelFont(labelFont);
            a.setTickLabelFont(tickFont);
        }
        x.setRange(-0.5, columns.length - 0.5);
        y.setRange(-0.5, rows.length - 0.5);
        XYPlot plot = new XYPlot(data, x, y, blocks);
        plot.setBackgroundPaint(EMPTY);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlinePaint(Color.GRAY);
        for (Cell c : cells) {
            if (c.text().isEmpty()) {
                continue;
            }
            XYTextAnnotation a = new XYTextAnnotation(c.text(), c.column(), c.row());
            a.setFont(cellFont);
            a.setPaint(c.value() > 0.55 ? Color.WHITE : Color.BLACK);
            plot.addAnnotation(a);
        }
        if (!lines.isEmpty()) {
            DefaultXYDataset lineData = new DefaultXYDataset();
            XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer(true, false);
            for (int i = 0; i < lines.size(); i++) {
                Line l = lines.get(i);
                lineData.addSeries(l.label(), new double[][] {l.xs(), l.ys()});
                lineRenderer.setSeriesPaint(i, new Color(0xD6, 0x27, 0x28));
                lineRenderer.setSeriesStroke(i, new BasicStroke((float) (3 * s), BasicStroke.CAP_ROUND,
                        BasicStroke.JOIN_ROUND, 1f, new float[] {(float) (10 * s), (float) (6 * s)}, 0f));
            }
            plot.setDataset(1, lineData);
            plot.setRenderer(1, lineRenderer);
            plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD); // the lines over the cells
        }
        JFreeChart chart = new JFreeChart(PlotText.parse(title).simple(), titleFont, plot, !lines.isEmpty());
        chart.setBackgroundPaint(Color.WHITE);
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(tickFont);
            chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        }
        if (!subtitle.isEmpty()) {
            chart.addSubtitle(new TextTitle(PlotText.parse(subtitle).simple(), tickFont));
        }
        NumberAxis scaleAxis = new NumberAxis(scaleLabel);
        scaleAxis.setRange(0, 1);
        scaleAxis.setTickLabelFont(tickFont);
        scaleAxis.setLabelFont(tickFont);
        PaintScaleLegend legend = new PaintScaleLegend(new Scale(), scaleAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(18 * s);
        legend.setMargin(40 * s, 10 * s, 40 * s, 10 * s);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        return chart;
    }
}
