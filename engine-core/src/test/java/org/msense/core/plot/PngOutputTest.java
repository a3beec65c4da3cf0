package org.msense.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngOutputTest {

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(img != null, "not a PNG");
        return img;
    }

    @Test
    void pngHasTheConfiguredSize(@TempDir Path dir) throws Exception {
        LinePlot p = new LinePlot("size").add(Series.line("s", PlotFixtures.range(3), new double[] {1, 3, 2}));
        Path f = dir.resolve("plot.png");
        p.writePng(f);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(LinePlot.DEFAULT_WIDTH, img.getWidth());
        assertEquals(LinePlot.DEFAULT_HEIGHT, img.getHeight());

        p.setSize(900, 500).writePng(f);
        img = ImageIO.read(f.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(500, img.getHeight());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void firstSeriesColourAppearsOnlyInsideThePlotArea() throws Exception {
        double[] x = PlotFixtures.range(200);
        double[] y = new double[200];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.sin(i / 15.0) * 5 + i / 10.0;
        }
        LinePlot p = new LinePlot("colour").xLabel("x").yLabel("y").legend(false).add(Series.line("s", x, y));
        PlotLayout layout = p.layout();
        PlotLayout.Box area = layout.plotArea();
        BufferedImage img = decode(p.toPng());
        int color = Palette.color(0);
        int inside = 0;
        int outside = 0;
        for (int py = 0; py < img.getHeight(); py++) {
            for (int px = 0; px < img.getWidth(); px++) {
                if ((img.getRGB(px, py) & 0xFFFFFF) != color) {
                    continue;
                }
                boolean in = px >= area.x() - 1 && px <= area.x() + area.w() + 1 && py >= area.y() - 1
                        && py <= area.y() + area.h() + 1;
                if (in) {
                    inside++;
                } else {
                    outside++;
                }
            }
        }
        assertTrue(inside > 500, "pixels of the series colour inside: " + inside);
        assertEquals(0, outside);
    }

    @Test
    void constantOnALogAxisLandsOnTheExpectedRow() throws Exception {
        double[] x = PlotFixtures.range(11);
        double[] flat = new double[11];
        java.util.Arrays.fill(flat, 1e-2);
        double[] spread = new double[11];
        for (int i = 0; i < 11; i++) {
            spread[i] = Math.pow(10, -4 + 0.4 * i);
        }
        LinePlot p = new LinePlot("row").yLog(true).legend(false).add(Series.line("flat", x, flat))
                .add(Series.line("spread", x, spread));
        PlotLayout layout = p.layout();
        assertEquals(1e-4, layout.yAxis().lo());
        assertEquals(1.0, layout.yAxis().hi());
        PlotLayout.Box area = layout.plotArea();
        // 10⁻² is halfway between 10⁻⁴ and 10⁰.
        double expected = area.y() + area.h() / 2;
        BufferedImage img = decode(p.toPng());
        int color = Palette.color(0);
        // The spread series crosses 10⁻² in the middle, so look left and right of it.
        for (double fx : new double[] {0.15, 0.3, 0.75, 0.9}) {
            int column = (int) Math.round(area.x() + fx * area.w());
            double sum = 0;
            int n = 0;
            for (int py = 0; py < img.getHeight(); py++) {
                if ((img.getRGB(column, py) & 0xFFFFFF) == color) {
                    sum += py;
                    n++;
                }
            }
            assertTrue(n > 0, "no pixel of the series in column " + column);
            assertEquals(expected, sum / n, 3.0);
        }
    }

    @Test
    void java2dFailuresBecomePlotExceptions() {
        PlotException e = assertThrows(PlotException.class, () -> Java2dCanvas.render(100, 100, c -> {
            throw new InternalError("Fontconfig head is null");
        }));
        assertTrue(e.getMessage().contains("Fontconfig head is null"), e.getMessage());
        PlotException l = assertThrows(PlotException.class, () -> Java2dCanvas.render(100, 100, c -> {
            throw new NoClassDefFoundError("sun/awt/X11FontManager");
        }));
        assertTrue(l.getMessage().contains("X11FontManager"));
    }

    @Test
    void nothingIsWrittenWhenTheDirectoryIsMissing(@TempDir Path dir) {
        LinePlot p = new LinePlot("x").add(Series.line("s", PlotFixtures.range(2), new double[] {1, 2}));
        assertThrows(IOException.class, () -> p.writePng(dir.resolve("missing/plot.png")));
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void emptyPlotRendersToo() throws Exception {
        LinePlot p = new LinePlot("empty").yLog(true).add(Series.line("s", new double[] {Double.NaN},
                new double[] {Double.NEGATIVE_INFINITY}));
        BufferedImage img = decode(p.toPng());
        assertEquals(LinePlot.DEFAULT_WIDTH, img.getWidth());
    }
}
