package org.msense.lab.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes one example of each feature as SVG and PNG, checks that every file is complete, and (when the system
 * property {@code msense.plot.gallery} names a directory) keeps a copy there for visual inspection.
 */
class PlotGalleryTest {

    /** The example plots by file name. */
    static Map<String, LinePlot> gallery() {
        Map<String, LinePlot> out = new LinkedHashMap<>();
        Random rnd = new Random(7);

        // 1. Relative error vs iteration, log y, one curve per α, with a NaN gap and a vertical marker.
        LinePlot error = new LinePlot("Relative error vs iteration").xLabel("iteration")
                .yLabel("‖VWᵀ − X*‖_F / ‖X*‖_F").yLog(true);
        double[] alphas = {1e-1, 1e-2, 1e-3, 1e-4};
        for (int a = 0; a < alphas.length; a++) {
            int n = 1500;
            double[] x = new double[n];
            double[] y = new double[n];
            double plateau = 120 + 60 * a;
            for (int i = 0; i < n; i++) {
                x[i] = i;
                double decay = Math.exp(-Math.max(0, i - plateau) / 40.0);
                y[i] = Math.max(1.0 * decay, 3 * alphas[a] * alphas[a] * 10) * (1 + 0.02 * rnd.nextGaussian());
                if (a == 1 && i > 600 && i < 650) {
                    y[i] = Double.NaN;
                }
            }
            String alpha = String.format(java.util.Locale.ROOT, "%.0e", alphas[a]).replace("e-0", "e-");
            error.add(Series.line("α = " + alpha, x, y));
        }
        error.verticalMarker(120, "end of alignment");
        out.put("error-log-y", error);

        // 2. Final error vs α, log-log, measured markers plus a dashed fitted line.
        double[] as = new double[12];
        double[] errs = new double[12];
        for (int i = 0; i < as.length; i++) {
            as[i] = Math.pow(10, -6 + 0.45 * i);
            errs[i] = 0.8 * Math.pow(as[i], 0.52) * Math.exp(0.15 * rnd.nextGaussian());
        }
        double[] fx = {as[0], as[as.length - 1]};
        double[] fy = {0.8 * Math.pow(fx[0], 0.52), 0.8 * Math.pow(fx[1], 0.52)};
        out.put("error-vs-alpha", new LinePlot("Final error vs initialization scale").xLabel("α")
                .yLabel("relative error").xLog(true).yLog(true)
                .add(Series.markers("measured", as, errs))
                .add(Series.line("fit: slope 0.52", fx, fy).dashed())
                .horizontalLine(1e-3, "tolerance 10^-3"));

        // 3. Phase bands with markers, linear axes.
        int m = 60;
        double[] it = new double[m];
        double[] imb = new double[m];
        double[] imb2 = new double[m];
        for (int i = 0; i < m; i++) {
            it[i] = 10 * i;
            imb[i] = 0.3 + 0.5 * Math.tanh((it[i] - 220) / 60.0) + 0.02 * rnd.nextGaussian();
            imb2[i] = 0.25 + 0.45 * Math.tanh((it[i] - 300) / 50.0) + 0.02 * rnd.nextGaussian();
        }
        out.put("phases", new LinePlot("Imbalance through the phases of gradient descent").xLabel("iteration")
                .yLabel("‖VᵀV − WᵀW‖_F").add(Series.line("μ = 0.1", it, imb).withMarkers())
                .add(Series.markers("μ = 0.05", it, imb2))
                .band(0, 120, "alignment").band(120, 330, "saddle escape").band(330, 590, "local convergence")
                .verticalMarker(330, "escape"));

        // 4. Thirty singular values: four signal ones in colour, the rest grey, with reference levels.
        LinePlot spectrum = new LinePlot("Singular values of VWᵀ — α = 1e-3").xLabel("iteration")
                .yLabel("σ_i(VWᵀ)").yLog(true);
        int steps = 800;
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            t[i] = i;
        }
        double[] sigmaStar = {3.0, 2.0, 1.5, 1.0};
        for (int k = 0; k < 30; k++) {
            double[] s = new double[steps];
            for (int i = 0; i < steps; i++) {
                if (k < 4) {
                    double grow = 1e-3 * Math.exp(i * (0.03 - 0.004 * k));
                    s[i] = 1 / (1 / grow + 1 / sigmaStar[k]);
                } else {
                    s[i] = 1e-3 * Math.exp(-k * 0.05) * Math.exp(-i / (300.0 + 20 * k));
                }
            }
            Series ser = Series.line("σ_" + (k + 1), t, s);
            spectrum.add(k < 4 ? ser.color(k) : ser.gray().noLegend());
        }
        spectrum.add(Series.line("σ_5…σ_30 (nuisance)", new double[0], new double[0]).gray());
        for (int k = 0; k < 4; k++) {
            spectrum.horizontalLine(sigmaStar[k], k == 0 ? "σ(X*)" : "");
        }
        spectrum.horizontalLine(1e-3, "α");
        out.put("spectrum", spectrum);

        // 5. Thirty coloured series: palette cycling with dash patterns, legend hidden by default.
        LinePlot many = new LinePlot("30 trajectories (palette cycling)").xLabel("iteration").yLabel("value");
        for (int k = 0; k < 30; k++) {
            double[] y = new double[200];
            double[] x = new double[200];
            for (int i = 0; i < 200; i++) {
                x[i] = i;
                y[i] = k + 3 * Math.sin(i / 20.0 + k * 0.3);
            }
            many.add(Series.line("k = " + k, x, y));
        }
        out.put("thirty-series", many);

        // 6. No finite data at all.
        out.put("empty", new LinePlot("Nothing to show <&>").xLabel("x").yLabel("y").yLog(true)
                .add(Series.line("nan", new double[] {1, 2}, new double[] {Double.NaN, -1})));

        // 7. Narrow log range and negative linear x.
        double[] nx = new double[100];
        double[] ny = new double[100];
        for (int i = 0; i < 100; i++) {
            nx[i] = -0.5 + i * 0.01;
            ny[i] = 2 + Math.cos(nx[i] * 4);
        }
        out.put("narrow-log", new LinePlot("Narrow log range").xLabel("x").yLabel("y").yLog(true)
                .add(Series.line("2 + cos 4x", nx, ny)));

        // 8. Forty series with long labels and the legend forced on: it moves outside, in columns.
        LinePlot forced = new LinePlot("Forty trajectories, legend forced on").xLabel("iteration").yLabel("σ_1")
                .yLog(true).legend(true);
        for (int k = 0; k < 40; k++) {
            double[] x = new double[100];
            double[] y = new double[100];
            for (int i = 0; i < 100; i++) {
                x[i] = i;
                y[i] = Math.exp(-0.02 * k * i) * (k + 1);
            }
            forced.add(Series.line("trajectory " + (k + 1) + ", μ = 0.0" + (k % 9 + 1), x, y));
        }
        out.put("legend-outside", forced);

        // 9. Very wide log range against large linear abscissae, at a small size.
        double[] bx = new double[50];
        double[] by = new double[50];
        for (int i = 0; i < 50; i++) {
            bx[i] = 1e5 * i;
            by[i] = Math.pow(10, 5 - i);
        }
        out.put("wide-small", new LinePlot("Wide range, 640×420").xLabel("evaluations").yLabel("residual")
                .yLog(true).setSize(640, 420).add(Series.line("residual", bx, by)).add(Series.markers("checkpoints",
                        new double[] {1e6, 2e6, 3e6}, new double[] {1e-5, 1e-15, 1e-25})));
        return out;
    }

    @Test
    void writesEveryExampleAsSvgAndPng(@TempDir Path dir) throws Exception {
        String keep = System.getProperty("msense.plot.gallery");
        Path target = keep == null ? dir : Files.createDirectories(Path.of(keep));
        for (Map.Entry<String, LinePlot> e : gallery().entrySet()) {
            LinePlot plot = e.getValue();
            Path svg = target.resolve(e.getKey() + ".svg");
            Path png = target.resolve(e.getKey() + ".png");
            plot.writeSvg(svg);
            plot.writePng(png);
            assertTrue(Files.readString(svg).trim().endsWith("</svg>"), e.getKey());
            BufferedImage img = read(png);
            assertEquals(plot.width(), img.getWidth(), e.getKey());
            assertEquals(plot.height(), img.getHeight(), e.getKey());
        }
        try (var files = Files.list(target)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")),
                    "temporary files left behind");
        }
    }

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null, "not a PNG: " + png);
        return img;
    }
}
