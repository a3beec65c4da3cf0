package org.msense.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlotLayoutTest {

    @Test
    void fortySeriesGetFortyDistinctStyles() {
        LinePlot p = new LinePlot("40");
        for (int k = 0; k < 40; k++) {
            p.add(Series.line("s" + k, PlotFixtures.range(2), new double[] {k, k}));
        }
        Set<String> styles = new HashSet<>();
        for (StyledSeries st : p.layout().styled()) {
            styles.add(st.rgb + Arrays.toString(st.dash));
        }
        assertEquals(40, styles.size());
    }

    @Test
    void explicitColourAndGreyOverrideTheAutomaticOrder() {
        LinePlot p = new LinePlot("c").add(Series.line("a", PlotFixtures.range(2), new double[] {1, 2}))
                .add(Series.line("b", PlotFixtures.range(2), new double[] {1, 2}).color(3))
                .add(Series.line("g", PlotFixtures.range(2), new double[] {1, 2}).gray())
                .add(Series.line("c", PlotFixtures.range(2), new double[] {1, 2}));
        List<StyledSeries> st = p.layout().styled();
        // Grey is drawn first; automatic colours skip explicit and grey series.
        assertEquals("g", st.get(0).series.label());
        assertEquals(Palette.GRAY, st.get(0).rgb);
        assertEquals(Palette.color(0), st.get(1).rgb);
        assertEquals(Palette.color(3), st.get(2).rgb);
        assertEquals(Palette.color(1), st.get(3).rgb);
    }

    @Test
    void legendAvoidsTheData() {
        // Data fill the upper left; the lower right is empty.
        double[] x = PlotFixtures.range(100);
        double[] y = new double[100];
        for (int i = 0; i < 100; i++) {
            y[i] = 100 - i;
        }
        LinePlot p = new LinePlot("legend").add(Series.line("falling", x, y))
                .add(Series.line("also falling", x, Arrays.stream(y).map(v -> v * 0.95).toArray()));
        PlotLayout l = p.layout();
        PlotLayout.Legend legend = l.legend();
        assertNotNull(legend);
        assertTrue(legend.inside());
        PlotLayout.Box area = l.plotArea();
        PlotLayout.Box box = legend.box();
        boolean upperRight = box.x() + box.w() > area.x() + 0.75 * area.w() && box.y() < area.y() + 0.25 * area.h();
        boolean lowerLeft = box.x() < area.x() + 0.25 * area.w() && box.y() + box.h() > area.y() + 0.75 * area.h();
        assertTrue(upperRight || lowerLeft, box.toString());
        // Its box lies inside the plot area.
        assertTrue(box.x() >= area.x() && box.x() + box.w() <= area.x() + area.w());
        assertTrue(box.y() >= area.y() && box.y() + box.h() <= area.y() + area.h());
    }

    @Test
    void legendThatWouldHideMuchDataMovesOutside() {
        LinePlot p = new LinePlot("outside").legend(true);
        for (int k = 0; k < 40; k++) {
            double[] y = new double[50];
            for (int i = 0; i < 50; i++) {
                y[i] = k + Math.sin(i / 5.0);
            }
            p.add(Series.line("a rather long label number " + k, PlotFixtures.range(50), y));
        }
        PlotLayout l = p.layout();
        assertNotNull(l.legend());
        assertFalse(l.legend().inside());
        PlotLayout.Box area = l.plotArea();
        assertTrue(l.legend().box().x() >= area.x() + area.w());
        assertTrue(l.legend().box().x() + l.legend().box().w() <= p.width());
    }

    @Test
    void noLegendWithoutLabelledSeries() {
        LinePlot p = new LinePlot("none").add(Series.line("", PlotFixtures.range(3), new double[] {1, 2, 3}))
                .add(Series.line("hidden", PlotFixtures.range(3), new double[] {1, 2, 3}).noLegend());
        assertNull(p.layout().legend());
    }

    @Test
    void rangesIncludeReferencesAndRespectFixedRanges() {
        LinePlot p = new LinePlot("refs").add(Series.line("s", PlotFixtures.range(10), PlotFixtures.range(10))).horizontalLine(25, "h")
                .verticalMarker(-5, "v");
        PlotLayout l = p.layout();
        assertTrue(l.yAxis().hi() >= 25);
        assertTrue(l.xAxis().lo() <= -5);

        LinePlot fixed = new LinePlot("fixed").add(Series.line("s", PlotFixtures.range(10), PlotFixtures.range(10))).xRange(2, 4).yRange(3, 5);
        PlotLayout f = fixed.layout();
        assertEquals(2, f.xAxis().lo());
        assertEquals(4, f.xAxis().hi());
        assertEquals(3, f.yAxis().lo());
        assertEquals(5, f.yAxis().hi());
        // The line is clipped to (a margin around) the plot area: every vertex stays near it.
        PlotLayout.Box area = f.plotArea();
        for (StyledSeries.Poly poly : f.styled().get(0).polys) {
            for (int i = 0; i < poly.n; i++) {
                assertTrue(poly.xs[i] >= area.x() - 50 && poly.xs[i] <= area.x() + area.w() + 50);
                assertTrue(poly.ys[i] >= area.y() - 50 && poly.ys[i] <= area.y() + area.h() + 50);
            }
        }
    }

    @Test
    void tickLabelsDoNotOverlap() {
        LinePlot p = new LinePlot("ticks").setSize(400, 300).add(Series.line("s", new double[] {0, 123456789},
                new double[] {0, 1}));
        PlotLayout l = p.layout();
        List<Ticks.Tick> xs = l.xAxis().scale().labelled();
        assertTrue(xs.size() >= 2);
        for (int i = 1; i < xs.size(); i++) {
            double gap = l.xAxis().toPixel(xs.get(i).value()) - l.xAxis().toPixel(xs.get(i - 1).value());
            double ts = l.tickSize();
            double half = (TextMetrics.width(xs.get(i).label(), ts, false)
                    + TextMetrics.width(xs.get(i - 1).label(), ts, false)) / 2;
            assertTrue(gap >= half + ts, "labels too close: " + xs);
        }
    }

    @Test
    void thinningKeepsEndsAndTheExtremesOfEveryPixelColumn() {
        StyledSeries.Poly p = new StyledSeries.Poly();
        java.util.Random rnd = new java.util.Random(3);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 1000; i++) {
            double y = rnd.nextDouble() * 100;
            min = Math.min(min, y);
            max = Math.max(max, y);
            p.add(10 + i / 100.0, y);
        }
        StyledSeries.Poly t = StyledSeries.thin(p);
        assertTrue(t.n <= 4 * 10, "kept " + t.n);
        assertEquals(p.xs[0], t.xs[0]);
        assertEquals(p.ys[0], t.ys[0]);
        assertEquals(p.ys[p.n - 1], t.ys[t.n - 1]);
        double tMin = Double.POSITIVE_INFINITY;
        double tMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < t.n; i++) {
            tMin = Math.min(tMin, t.ys[i]);
            tMax = Math.max(tMax, t.ys[i]);
            assertTrue(i == 0 || t.xs[i] >= t.xs[i - 1]);
        }
        assertEquals(min, tMin);
        assertEquals(max, tMax);
    }

    @Test
    void clipSegmentKeepsTheVisiblePart() {
        double[] out = new double[4];
        assertEquals(-1, StyledSeries.clipSegment(-10, -10, -5, -5, 0, 0, 10, 10, out));
        assertEquals(0, StyledSeries.clipSegment(1, 1, 9, 9, 0, 0, 10, 10, out));
        assertEquals(3, StyledSeries.clipSegment(-10, 5, 20, 5, 0, 0, 10, 10, out));
        assertEquals(0, out[0], 1e-12);
        assertEquals(10, out[2], 1e-12);
        assertEquals(5, out[1], 1e-12);
    }
}
