package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.AWTError;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job: `msense run` with no parameters shows the seed phenomenon and writes a complete run directory. */
class DefaultRunTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void defaultRunWritesEverythingAndErrorsFallWithAlpha() throws Exception {
        Path out = tmp.resolve("run");
        CliRunner r = CliRunner.run("run", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        for (String f : List.of("config.json", "metrics.csv", "spectrum.csv", "summary.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String noText = textRenderingProblem();
        if (noText == null) {
            for (String plot : List.of("error.svg", "imbalance.svg", "spectrum-03.svg", "error.png", "imbalance.png",
                    "spectrum-00.png")) {
                assertTrue(Files.size(out.resolve(plot)) > 0, plot);
            }
        } else {
            assertEquals(1, r.err().lines().filter(l -> l.contains("plots skipped")).count(), "Java2D cannot draw text here ("
                    + noText + "), so the run must say once why there are no plots: " + r.err());
        }
        Map<String, Object> s = RunDirectoryFiles.summary(out);
        assertEquals("completed", s.get("status"));
        assertEquals("cpu", s.get("backend"));
        assertEquals("fp64", s.get("precision"));
        Map<String, Object> timing = (Map<String, Object>) s.get("timing");
        for (String k : List.of("setup_s", "iterate_s", "ms_per_iteration")) {
            assertTrue(((Number) timing.get(k)).doubleValue() > 0, k);
        }
        List<Map<String, Object>> ts = (List<Map<String, Object>>) s.get("trajectories");
        assertEquals(4, ts.size());
        double prevAlpha = Double.POSITIVE_INFINITY;
        double prevError = Double.POSITIVE_INFINITY;
        for (Map<String, Object> t : ts) {
            for (String k : List.of("alpha_v", "alpha_w", "step_size", "seed", "status", "iterations", "final")) {
                assertTrue(t.containsKey(k), k);
            }
            double alpha = ((Number) t.get("alpha_v")).doubleValue();
            double err = ((Number) ((Map<String, Object>) t.get("final")).get("relative_error")).doubleValue();
            assertTrue(alpha < prevAlpha);
            assertTrue(err < prevError, "final error must fall as α falls: α=" + alpha + " error " + err);
            prevAlpha = alpha;
            prevError = err;
        }
        // 4 trajectories × (1000/10 + 1) logged iterations
        assertEquals(4 * 101, RunDirectoryFiles.metrics(out).size());
        assertTrue(r.out().contains("rel. error"), "a table of final errors is printed: " + r.out());
        // the resolved config reruns the same experiment
        Path again = tmp.resolve("again");
        CliRunner r2 = CliRunner.run("run", "--config", out.resolve("config.json").toString(), "--out", again.toString(),
                "--iterations", "50", "--no-plots");
        assertEquals(0, r2.status(), r2.err());
        List<double[]> a = RunDirectoryFiles.metrics(out);
        List<double[]> b = RunDirectoryFiles.metrics(again);
        int err = RunDirectoryFiles.column(out, "relative_error");
        for (int i = 0; i < 8; i++) { // t = 0 and t = 10 of all four trajectories
            assertEquals(a.get(i)[err], b.get(i)[err], 0.0, "same config, same backend: identical numbers (row " + i + ")");
        }
    }

    /**
     * Why Java2D cannot draw text in this JVM, or null when it can. Plots need it (the FreeType library and a font
     * on the host, e.g. a bare compute node running the offline bundle may lack them), SVG as well as PNG.
     */
    private static String textRenderingProblem() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        try {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            try {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.drawString("α1", 0, 12);
            } finally {
                g.dispose();
            }
            return null;
        } catch (RuntimeException | LinkageError | InternalError | AWTError e) {
            return e.toString();
        }
    }
}
