package org.msense.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgOutputTest {

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> elements(Document d, String name) {
        NodeList nl = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            out.add((Element) nl.item(i));
        }
        return out;
    }

    /** The series group of the series labelled {@code label}. */
    static Element seriesGroup(Document d, String label) {
        for (Element g : elements(d, "g")) {
            if ("series".equals(g.getAttribute("class")) && label.equals(g.getAttribute("data-label"))) {
                return g;
            }
        }
        throw new AssertionError("no series group " + label);
    }

    static int polylines(Element g) {
        return g.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline").getLength();
    }

    /** Concatenated text content of every text element. */
    static List<String> texts(Document d) {
        return elements(d, "text").stream().map(Element::getTextContent).toList();
    }

    @Test
    void wellFormedWithEscapedTextTitleLabelsAndLegend() throws Exception {
        LinePlot p = new LinePlot("Error <α> & \"β\" 'γ'").xLabel("iteration & more").yLabel("a < b")
                .add(Series.line("first <1>", PlotFixtures.range(5), new double[] {1, 2, 3, 4, 5}))
                .add(Series.line("second & co", PlotFixtures.range(5), new double[] {5, 4, 3, 2, 1}));
        String svg = p.toSvg();
        Document d = parse(svg);
        assertEquals("svg", d.getDocumentElement().getLocalName());
        assertEquals("1200", d.getDocumentElement().getAttribute("width"));
        assertEquals(SvgCanvas.FONT_FAMILY, d.getDocumentElement().getAttribute("font-family"));
        List<String> t = texts(d);
        assertTrue(t.contains("Error <α> & \"β\" 'γ'"), t.toString());
        assertTrue(t.contains("iteration & more"));
        assertTrue(t.contains("a < b"));
        assertTrue(t.contains("first <1>"));
        assertTrue(t.contains("second & co"));
        assertTrue(svg.contains("&lt;α&gt; &amp; &quot;β&quot;"));
        assertEquals("Error <α> & \"β\" 'γ'", elements(d, "title").get(0).getTextContent());

        Element legend = elements(d, "g").stream().filter(g -> "legend".equals(g.getAttribute("class"))).findFirst()
                .orElseThrow();
        String legendText = legend.getTextContent();
        assertTrue(legendText.contains("first <1>") && legendText.contains("second & co"));
        assertEquals(1, polylines(seriesGroup(d, "first <1>")));
        assertEquals(1, polylines(seriesGroup(d, "second & co")));
    }

    @Test
    void nanAndNonPositivePointsSplitSeriesOnALogAxis() throws Exception {
        double[] y = {1, 2, Double.NaN, 3, 4, 0, 5, 6, -1, 7, 8, Double.POSITIVE_INFINITY, 9, 10};
        LinePlot log = new LinePlot("split").yLog(true).add(Series.line("s", PlotFixtures.range(y.length), y));
        Document d = parse(log.toSvg());
        // Runs of drawable points: {1,2} {3,4} {5,6} {7,8} {9,10}.
        assertEquals(5, polylines(seriesGroup(d, "s")));

        LinePlot lin = new LinePlot("split").add(Series.line("s", PlotFixtures.range(y.length), y));
        // On a linear axis 0 and −1 are drawable: {1,2} {3,4,0,5,6,−1,7,8} {9,10}.
        assertEquals(3, polylines(seriesGroup(parse(lin.toSvg()), "s")));
    }

    @Test
    void nanInXSplitsToo() throws Exception {
        double[] x = {0, 1, Double.NaN, 3, 4};
        LinePlot p = new LinePlot("x").xLog(true).add(Series.line("s", x, new double[] {1, 2, 3, 4, 5}));
        // x = 0 is not drawable on a log axis either: {1} alone becomes a dot, then {3,4}.
        Document d = parse(p.toSvg());
        Element g = seriesGroup(d, "s");
        assertEquals(1, polylines(g));
        assertEquals(1, g.getElementsByTagNameNS("http://www.w3.org/2000/svg", "circle").getLength());
    }

    @Test
    void markersSeriesDrawsOneMarkerPerDrawablePoint() throws Exception {
        LinePlot p = new LinePlot("m").xLog(true).yLog(true)
                .add(Series.markers("measured", new double[] {1e-3, 1e-2, 1e-1, -1},
                        new double[] {1, 2, Double.NaN, 4}))
                .add(Series.line("fit", new double[] {1e-3, 1e-1}, new double[] {1, 3}).dashed());
        Document d = parse(p.toSvg());
        Element m = seriesGroup(d, "measured");
        assertEquals(0, polylines(m));
        assertEquals(2, m.getElementsByTagNameNS("http://www.w3.org/2000/svg", "circle").getLength());
        Element fit = (Element) seriesGroup(d, "fit").getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline")
                .item(0);
        assertFalse(fit.getAttribute("stroke-dasharray").isEmpty());
    }

    @Test
    void emptyAndNonFiniteDataGiveAnEmptyPlotWithANote() throws Exception {
        LinePlot p = new LinePlot("nothing").yLog(true)
                .add(Series.line("nan", new double[] {Double.NaN, 1, 2}, new double[] {1, Double.NaN, -5}))
                .add(Series.line("empty", new double[0], new double[0]))
                .verticalMarker(Double.NaN, "v").horizontalLine(-1, "h").band(Double.NaN, Double.POSITIVE_INFINITY, "b")
                .xRange(Double.NaN, 3).yRange(-1, 1);
        Document d = parse(p.toSvg());
        assertTrue(texts(d).contains(PlotLayout.NO_DATA));
        assertEquals(0, polylines(seriesGroup(d, "nan")));

        Document none = parse(new LinePlot(null).toSvg());
        assertTrue(texts(none).contains(PlotLayout.NO_DATA));
    }

    @Test
    void legendIsHiddenForManyEntriesUnlessRequested() throws Exception {
        LinePlot p = new LinePlot("many");
        for (int k = 0; k < 13; k++) {
            p.add(Series.line("s" + k, PlotFixtures.range(3), new double[] {k, k + 1, k}));
        }
        assertTrue(elements(parse(p.toSvg()), "g").stream().noneMatch(g -> "legend".equals(g.getAttribute("class"))));
        p.legend(true);
        assertTrue(elements(parse(p.toSvg()), "g").stream().anyMatch(g -> "legend".equals(g.getAttribute("class"))));

        LinePlot hidden = new LinePlot("one").add(Series.line("only", PlotFixtures.range(3), new double[] {1, 2, 3}).noLegend());
        assertTrue(elements(parse(hidden.toSvg()), "g").stream()
                .noneMatch(g -> "legend".equals(g.getAttribute("class"))));
    }

    @Test
    void logTickLabelsUseSuperscripts() throws Exception {
        LinePlot p = new LinePlot("log").yLog(true).add(Series.line("s", PlotFixtures.range(3), new double[] {1e-5, 1e-3, 1}));
        List<String> t = texts(parse(p.toSvg()));
        assertTrue(t.contains("10⁻³"), t.toString());
        assertTrue(t.contains("10⁰"));
    }

    @Test
    void subscriptMarkupBecomesASmallerLoweredSpan() throws Exception {
        LinePlot p = new LinePlot("σ_4").add(Series.line("s", PlotFixtures.range(2), new double[] {1, 2}));
        Element title = elements(parse(p.toSvg()), "text").stream().filter(e -> e.getTextContent().equals("σ4"))
                .findFirst().orElseThrow();
        NodeList spans = title.getElementsByTagNameNS("http://www.w3.org/2000/svg", "tspan");
        assertEquals(2, spans.getLength());
        Element sub = (Element) spans.item(1);
        assertTrue(Double.parseDouble(sub.getAttribute("dy")) > 0);
        double titleSize = Double.parseDouble(title.getAttribute("font-size"));
        assertTrue(Double.parseDouble(sub.getAttribute("font-size")) < titleSize);
    }

    @Test
    void writeSvgReplacesTheFileAtomically(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("plot.svg");
        Files.writeString(f, "old");
        new LinePlot("new").add(Series.line("s", PlotFixtures.range(2), new double[] {1, 2})).writeSvg(f);
        assertTrue(Files.readString(f).startsWith("<?xml"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
        assertThrows(IOException.class, () -> new LinePlot("x").writeSvg(dir.resolve("missing/plot.svg")));
    }

    @Test
    void anEmptySeriesStillHasALegendEntry() throws Exception {
        LinePlot p = new LinePlot("legend only").yLog(true)
                .add(Series.line("σ_1", PlotFixtures.range(3), new double[] {1, 2, 3}).color(0))
                .add(Series.line("σ_2", PlotFixtures.range(3), new double[] {0.1, 0.2, 0.3}).gray().noLegend())
                .add(Series.line("σ_2…σ_30 (nuisance)", new double[0], new double[0]).gray());
        Document d = parse(p.toSvg());
        Element legend = elements(d, "g").stream().filter(g -> "legend".equals(g.getAttribute("class"))).findFirst()
                .orElseThrow();
        assertTrue(legend.getTextContent().contains("σ2…σ30 (nuisance)"), legend.getTextContent());
        assertFalse(legend.getTextContent().contains("σ2σ"));
        assertEquals(2, legend.getElementsByTagNameNS("http://www.w3.org/2000/svg", "line").getLength());
    }

    @Test
    void coordinatesAndTextAreWrittenSafely() {
        assertEquals("12", SvgCanvas.num(12));
        assertEquals("-0.5", SvgCanvas.num(-0.5));
        assertEquals("3.14", SvgCanvas.num(3.14159));
        assertEquals("0.05", SvgCanvas.num(0.049999));
        assertEquals("0", SvgCanvas.num(-0.001));
        assertEquals("0", SvgCanvas.num(Double.NaN));
        assertEquals("&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos;", SvgCanvas.escape("<a> & \"b\" 'c'"));
        assertEquals("x\uFFFDy\uFFFD", SvgCanvas.escape("x\u0001y\uD800"));
        assertEquals("😀", SvgCanvas.escape("😀"));
    }

    @Test
    void arraysAreCopied() throws Exception {
        double[] y = {1, 2, 3};
        Series s = Series.line("s", PlotFixtures.range(3), y);
        y[1] = Double.NaN;
        assertEquals(1, polylines(seriesGroup(parse(new LinePlot("c").add(s).toSvg()), "s")));
        assertThrows(IllegalArgumentException.class, () -> Series.line("bad", new double[2], new double[3]));
    }
}
