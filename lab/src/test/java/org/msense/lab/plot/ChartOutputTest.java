package org.msense.lab.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** What the chart facade writes: PNG and SVG of the one JFreeChart definition. */
class ChartOutputTest {

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // The document names the SVG 1.0 DTD; it is not needed to check well-formedness (and is not fetched).
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** The text of every text element, in document (drawing) order. */
    static List<String> texts(String svg) throws Exception {
        NodeList nl = parse(svg).getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            out.add(nl.item(i).getTextContent());
        }
        return out;
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(img != null, "not a PNG");
        return img;
    }

    private static double[] decay(int n, double rate) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.exp(-rate * i);
        }
        return y;
    }

    @Test
    void pngDecodesAtTheRequestedSizeAndShowsTheSeries(@TempDir Path dir) throws Exception {
        LinePlot p = new LinePlot("size").xLabel("iteration").yLabel("error").yLog(true)
                .add(Series.line("first", PlotFixtures.range(100), decay(100, 0.1)));
        Path f = dir.resolve("plot.png");
        p.writePng(f);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(LinePlot.DEFAULT_WIDTH, img.getWidth());
        assertEquals(LinePlot.DEFAULT_HEIGHT, img.getHeight());
        int series = 0;
        int dark = 0;
        int blue = Palette.color(0).getRGB() & 0xFFFFFF;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                series += rgb == blue ? 1 : 0;
                dark += (rgb & 0xFF) < 100 && ((rgb >> 8) & 0xFF) < 100 ? 1 : 0;
            }
        }
        assertTrue(series > 500, "pixels in the first series colour: " + series);
        assertTrue(dark > 2000, "frame and text make dark pixels: " + dark);
        assertEquals(Color.WHITE.getRGB(), img.getRGB(2, 2), "white background");

        p.setSize(900, 500).writePng(f);
        img = ImageIO.read(f.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(500, img.getHeight());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "written atomically, no temporary file left");
        }
        assertThrows(IOException.class, () -> p.writePng(dir.resolve("missing/plot.png")));
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void svgIsWellFormedWithEscapedTextAndTheLegendInOrder() throws Exception {
        LinePlot p = new LinePlot("Error <α> & \"β\"").xLabel("iteration & more").yLabel("a < b")
                .add(Series.line("first <1>", PlotFixtures.range(5), new double[] {1, 2, 3, 4, 5}))
                .add(Series.line("grey & co", PlotFixtures.range(5), new double[] {2, 2, 2, 2, 2}).gray())
                .add(Series.line("third", PlotFixtures.range(5), new double[] {5, 4, 3, 2, 1}));
        String svg = p.toSvg();
        Document d = parse(svg);
        assertEquals("svg", d.getDocumentElement().getLocalName());
        assertEquals("1200", d.getDocumentElement().getAttribute("width"));
        List<String> t = texts(svg);
        for (String s : List.of("Error <α> & \"β\"", "iteration & more", "a < b")) {
            assertTrue(t.contains(s), s + " in " + t);
        }
        // Grey series are drawn first, but the legend keeps the order the series were added.
        int a = t.indexOf("first <1>");
        int b = t.indexOf("grey & co");
        int c = t.indexOf("third");
        assertTrue(a >= 0 && a < b && b < c, t.toString());
        assertEquals(svg, p.toSvg(), "the same plot gives the same document");
    }

    @Test
    void greySeriesAreDrawnBeneathAndTheLegendFollowsTheOrderAdded() throws Exception {
        LinePlot p = new LinePlot("order").yLog(true)
                .add(Series.line("σ_1", PlotFixtures.range(3), new double[] {1, 2, 3}).color(0))
                .add(Series.line("σ_2", PlotFixtures.range(3), new double[] {1e-3, 1e-3, 1e-3}).gray().noLegend())
                .add(Series.line("σ_3 … σ_30 (nuisance)", new double[0], new double[0]).gray());
        XYPlot plot = p.toChart().getXYPlot();
        XYDataset data = plot.getDataset();
        assertEquals(2, data.getSeriesCount(), "the empty series has no data, only a legend entry");
        assertEquals(Palette.GRAY, plot.getRenderer().getSeriesPaint(0), "grey first, beneath");
        assertEquals(Palette.color(0), plot.getRenderer().getSeriesPaint(1));
        LegendItemCollection legend = plot.getFixedLegendItems();
        assertEquals(2, legend.getItemCount());
        assertEquals("σ₁", legend.get(0).getLabel());
        assertEquals("σ₃ … σ₃₀ (nuisance)", legend.get(1).getLabel());
    }

    @Test
    void logAxesAreLabelledWithPowersOfTen() throws Exception {
        LinePlot p = new LinePlot("log").yLog(true)
                .add(Series.line("s", PlotFixtures.range(3), new double[] {1e-5, 1e-3, 1}));
        assertTrue(p.toChart().getXYPlot().getRangeAxis() instanceof LogAxis);
        List<String> t = texts(p.toSvg());
        for (String s : List.of("10⁰", "10⁻¹", "10⁻³", "10⁻⁵")) {
            assertTrue(t.contains(s), s + " in " + t);
        }
        // Thirty decades on a small plot: only every few are labelled, still powers of ten.
        LinePlot wide = new LinePlot("wide").yLog(true).setSize(400, 300)
                .add(Series.line("s", PlotFixtures.range(2), new double[] {1e-30, 1}));
        List<String> w = texts(wide.toSvg()).stream().filter(s -> s.startsWith("10")).toList();
        assertTrue(w.size() >= 3 && w.size() < 31, w.toString());
        assertTrue(w.contains("10⁰"), w.toString());
        // Less than a decade: some multiples carry decimal labels.
        LinePlot narrow = new LinePlot("narrow").yLog(true)
                .add(Series.line("s", PlotFixtures.range(2), new double[] {1.5, 3}));
        assertTrue(texts(narrow.toSvg()).containsAll(List.of("2", "3")));
    }

    @Test
    void nonPositiveValuesOnALogAxisAreDroppedNotDrawn() throws Exception {
        double[] y = {1, 2, Double.NaN, 3, 0, 5, -1, 7, Double.POSITIVE_INFINITY, 9};
        LinePlot log = new LinePlot("split").yLog(true).add(Series.line("s", PlotFixtures.range(y.length), y));
        XYDataset d = log.toChart().getXYPlot().getDataset();
        for (int i = 0; i < y.length; i++) {
            boolean drawable = Double.isFinite(y[i]) && y[i] > 0;
            assertEquals(drawable, !Double.isNaN(d.getYValue(0, i)), "point " + i);
        }
        double lower = log.toChart().getXYPlot().getRangeAxis().getLowerBound();
        assertTrue(lower > 0.5 && lower < 1, "range from the positive data, with a margin: " + lower);
        decode(log.toPng());
        parse(log.toSvg());
        // On a linear axis 0 and −1 are drawable.
        XYDataset lin = new LinePlot("lin").add(Series.line("s", PlotFixtures.range(y.length), y)).toChart().getXYPlot()
                .getDataset();
        assertEquals(0.0, lin.getYValue(0, 4));
        assertEquals(-1.0, lin.getYValue(0, 6));
    }

    @Test
    void referenceLinesBandsAndMarkersAreLabelled() throws Exception {
        LinePlot p = new LinePlot("references").yLog(true)
                .add(Series.line("error", PlotFixtures.range(100), decay(100, 0.1)))
                .horizontalLine(1e-2, "target 10^-2").horizontalLine(-1, "not drawable")
                .verticalMarker(40, "end of growth").band(0, 20, "alignment").band(20, Double.POSITIVE_INFINITY, "refinement");
        List<String> t = texts(p.toSvg());
        for (String s : List.of("target 10⁻²", "end of growth", "alignment", "refinement")) {
            assertTrue(t.contains(s), s + " in " + t);
        }
        assertFalse(t.contains("not drawable"));
        XYPlot plot = p.toChart().getXYPlot();
        assertEquals(1, plot.getRangeMarkers(org.jfree.chart.ui.Layer.BACKGROUND).size());
        assertEquals(3, plot.getDomainMarkers(org.jfree.chart.ui.Layer.BACKGROUND).size());
    }

    @Test
    void labelsOfCloseReferenceLinesTakeDifferentPlaces() throws Exception {
        LinePlot p = new LinePlot("close").yLog(true)
                .add(Series.line("σ_1", PlotFixtures.range(100), decay(100, 0.2)))
                .horizontalLine(1, "σ_1(X*)").horizontalLine(0.8, "σ_2(X*)").horizontalLine(0.64, "σ_3(X*)");
        List<org.jfree.chart.ui.RectangleAnchor> anchors = new ArrayList<>();
        for (Object o : p.toChart().getXYPlot().getRangeMarkers(org.jfree.chart.ui.Layer.BACKGROUND)) {
            anchors.add(((org.jfree.chart.plot.Marker) o).getLabelAnchor());
        }
        assertEquals(3, anchors.size());
        assertEquals(3, new java.util.HashSet<>(anchors).size(), "each label in its own place: " + anchors);
    }

    @Test
    void scriptsBecomeUnicodeOrSmallerRuns() throws Exception {
        LinePlot p = new LinePlot("σ_12 and ‖X‖_F").yLabel("σ_i(VWᵀ)")
                .add(Series.line("σ_{noise} = 0.1", PlotFixtures.range(2), new double[] {1, 2}))
                .add(Series.line("α_V = α_W", PlotFixtures.range(2), new double[] {2, 1}));
        List<String> t = texts(p.toSvg());
        assertTrue(t.contains("σᵢ(VWᵀ)"), t.toString());
        assertTrue(t.contains("σₙₒᵢₛₑ = 0.1"), t.toString());
        // No Unicode subscript F, V or W: the title and that legend label are drawn as runs.
        int title = t.indexOf("σ₁₂ and ‖X‖");
        assertTrue(title >= 0 && t.get(title + 1).equals("F"), t.toString());
        int alpha = t.indexOf("α");
        assertTrue(alpha >= 0 && t.subList(alpha, alpha + 4).equals(List.of("α", "V", " = α", "W")), t.toString());
    }

    @Test
    void emptyPlotsRenderWithANote() throws Exception {
        LinePlot p = new LinePlot("nothing").yLog(true)
                .add(Series.line("nan", new double[] {Double.NaN, 1, 2}, new double[] {1, Double.NaN, -5}))
                .verticalMarker(Double.NaN, "v").band(Double.NaN, Double.POSITIVE_INFINITY, "b")
                .xRange(Double.NaN, 3).yRange(-1, 1);
        assertTrue(texts(p.toSvg()).contains(ChartBuilder.NO_DATA));
        assertEquals(LinePlot.DEFAULT_WIDTH, decode(p.toPng()).getWidth());
        assertTrue(texts(new LinePlot(null).toSvg()).contains(ChartBuilder.NO_DATA));
    }

    @Test
    void logAxesLeaveHeadroomAboveTheLargestValueAndReference() throws Exception {
        // Curves starting at 1 and a reference line at the top must not sit on the frame.
        LinePlot p = new LinePlot("headroom").yLog(true).add(Series.line("error", PlotFixtures.range(100), decay(100, 0.1)));
        double top = p.toChart().getXYPlot().getRangeAxis().getUpperBound();
        assertTrue(Math.log10(top) >= 0.02, "upper bound " + top + " leaves no room above 10⁰");
        LinePlot ref = new LinePlot("reference").yLog(true)
                .add(Series.line("σ_1", PlotFixtures.range(100), decay(100, -0.01))).horizontalLine(10, "σ(X*)");
        double refTop = ref.toChart().getXYPlot().getRangeAxis().getUpperBound();
        assertTrue(Math.log10(refTop) >= 1.02, "upper bound " + refTop + " leaves no room above the reference at 10");
    }

    @Test
    void aSinglePointGetsAnAxisAroundIt() throws Exception {
        for (boolean log : new boolean[] {false, true}) {
            LinePlot p = new LinePlot("one record").yLog(log).add(Series.line("s", new double[] {0}, new double[] {1e-3}));
            XYPlot plot = p.toChart().getXYPlot();
            for (var axis : List.of(plot.getDomainAxis(), plot.getRangeAxis())) {
                assertTrue(axis.getRange().getLength() > 0, axis.getRange().toString());
            }
            assertTrue(plot.getRangeAxis().getLowerBound() < 1e-3 && plot.getRangeAxis().getUpperBound() > 1e-3);
            assertTrue(log || plot.getRangeAxis().getRange().getLength() < 1, "linear: around the value");
            assertTrue(!log || plot.getRangeAxis().getUpperBound() / plot.getRangeAxis().getLowerBound() > 3,
                    "log: at least half a decade " + plot.getRangeAxis().getRange());
            decode(p.toPng());
        }
    }

    @Test
    void aPlotWithoutFiniteValuesSpansTheIterationsThatRanAndSaysSo() throws Exception {
        double[] nan = new double[41];
        java.util.Arrays.fill(nan, Double.NaN);
        double[] x = new double[41];
        for (int i = 0; i < x.length; i++) {
            x[i] = 10 * i;
        }
        LinePlot p = new LinePlot("diverged").yLog(true).add(Series.line("σ_1", x, nan)).horizontalLine(1, "σ(X*)");
        XYPlot plot = p.toChart().getXYPlot();
        assertEquals(0, plot.getDomainAxis().getLowerBound(), 1e-9, "x from the first iteration");
        assertTrue(plot.getDomainAxis().getUpperBound() >= 400 && plot.getDomainAxis().getUpperBound() <= 420,
                "x to the last iteration: " + plot.getDomainAxis().getRange());
        assertTrue(texts(p.toSvg()).contains("no finite values"));
    }

    @Test
    void legendIsHiddenForManyEntriesUnlessRequested() throws Exception {
        LinePlot p = new LinePlot("many");
        for (int k = 0; k < 13; k++) {
            p.add(Series.line("series " + k, PlotFixtures.range(3), new double[] {k, k + 1, k}));
        }
        assertFalse(texts(p.toSvg()).contains("series 0"));
        p.legend(true);
        List<String> t = texts(p.toSvg());
        assertTrue(t.contains("series 0") && t.contains("series 12"), t.toString());
        LinePlot one = new LinePlot("one").add(Series.line("only", PlotFixtures.range(3), new double[] {1, 2, 3}))
                .legend(false);
        assertFalse(texts(one.toSvg()).contains("only"));
    }

    @Test
    void fixedRangesWin() throws Exception {
        JFreeChart c = new LinePlot("r").xRange(10, 0).yRange(-2, 2)
                .add(Series.line("s", PlotFixtures.range(50), decay(50, 0.1))).toChart();
        assertEquals(0, c.getXYPlot().getDomainAxis().getLowerBound());
        assertEquals(10, c.getXYPlot().getDomainAxis().getUpperBound());
        assertEquals(-2, c.getXYPlot().getRangeAxis().getLowerBound());
    }

    @Test
    void seriesCopyTheirArraysAndCheckLengths() throws Exception {
        double[] y = {1, 2, 3};
        Series s = Series.line("s", PlotFixtures.range(3), y);
        y[1] = Double.NaN;
        assertEquals(2.0, new LinePlot("c").add(s).toChart().getXYPlot().getDataset().getYValue(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Series.line("bad", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new LinePlot("x").setSize(100, 100));
    }
}
