package org.msense.lab.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.AWTError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plots of a job: written in pairs, and skipped with one warning when Java2D cannot draw. */
class FigureWriterTest {
    /** A Java class name or a throwable's simple name in a message is a leak. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(java|javax|sun|jdk)\\.|Error\\b|Exception\\b");

    private static LinePlot plot() {
        return new LinePlot("p").add(Series.line("s", PlotFixtures.range(3), new double[] {1, 2, 3}));
    }

    /** A renderer that fails the way AWT does on a host without fonts. */
    private static FigureWriter.Renderer failing(Supplier<Throwable> failure, int[] calls) {
        return new FigureWriter.Renderer() {
            @Override
            public String svg(LinePlot plot) throws PlotException {
                calls[0]++;
                throw PlotException.of(failure.get());
            }

            @Override
            public byte[] png(LinePlot plot) throws PlotException {
                calls[0]++;
                throw PlotException.of(failure.get());
            }
        };
    }

    @Test
    void writesSvgAndPng(@TempDir Path dir) {
        List<String> warnings = new ArrayList<>();
        FigureWriter w = new FigureWriter(warnings::add);
        List<Path> files = w.write(plot(), dir, "error");
        assertEquals(List.of(dir.resolve("error.svg"), dir.resolve("error.png")), files);
        assertTrue(warnings.isEmpty(), warnings.toString());
        assertFalse(w.skipping());
    }

    @Test
    void withoutFontsEveryPlotIsSkippedWithOneWarning(@TempDir Path dir) throws Exception {
        List<Supplier<Throwable>> failures = List.of(
                () -> new UnsatisfiedLinkError("/usr/lib/jvm/java-17-openjdk-amd64/lib/libfontmanager.so: "
                        + "libfreetype.so.6: cannot open shared object file: No such file or directory"),
                () -> new NoClassDefFoundError("Could not initialize class sun.awt.X11FontManager"),
                () -> new InternalError("Fontconfig head is null, check your fonts or fonts configuration"),
                () -> new AWTError("Toolkit not found: sun.awt.X11.XToolkit"),
                () -> new java.awt.HeadlessException(),
                () -> new IllegalStateException("wrapped", new UnsatisfiedLinkError("no fontmanager in system library path")));
        for (Supplier<Throwable> failure : failures) {
            List<String> warnings = new ArrayList<>();
            int[] calls = {0};
            FigureWriter w = new FigureWriter(warnings::add, failing(failure, calls));
            for (String name : List.of("error", "imbalance", "spectrum-00", "spectrum-01")) {
                assertTrue(w.write(plot(), dir, name).isEmpty());
            }
            String what = failure.get().toString();
            assertTrue(w.skipping(), what);
            assertEquals(1, calls[0], "drawing is not tried again after " + what);
            assertEquals(1, warnings.size(), warnings.toString());
            String line = warnings.get(0);
            assertTrue(line.startsWith("plots skipped: "), line);
            assertFalse(line.contains("\n"), line);
            assertFalse(JAVA_NAME.matcher(line).find(), "no Java class name: " + line);
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
        List<String> one = new ArrayList<>();
        new FigureWriter(one::add, failing(() -> new UnsatisfiedLinkError("/usr/lib/jvm/x/lib/libfontmanager.so: "
                + "libfreetype.so.6: cannot open shared object file"), new int[1])).write(plot(), dir, "x");
        assertTrue(one.get(0).contains("(libfontmanager.so: libfreetype.so.6: cannot open shared object file)"), one.get(0));
    }

    @Test
    void otherFailuresCostOnlyThatPlot(@TempDir Path dir) {
        List<String> warnings = new ArrayList<>();
        boolean[] fail = {true};
        FigureWriter w = new FigureWriter(warnings::add, new FigureWriter.Renderer() {
            @Override
            public String svg(LinePlot plot) throws PlotException {
                if (fail[0]) {
                    throw PlotException.of(new IllegalArgumentException("Requires 'lower' < 'upper'."));
                }
                return plot.toSvg();
            }

            @Override
            public byte[] png(LinePlot plot) throws PlotException {
                return plot.toPng();
            }
        }).context("alpha: ");
        assertTrue(w.write(plot(), dir, "bad").isEmpty());
        fail[0] = false;
        assertEquals(2, w.write(plot(), dir, "good").size());
        assertFalse(w.skipping());
        assertEquals(List.of("alpha: could not draw bad: the chart could not be drawn (Requires 'lower' < 'upper'.)"),
                warnings);
    }

    @Test
    void aMissingDirectoryIsAWarningPerFile(@TempDir Path dir) {
        List<String> warnings = new ArrayList<>();
        assertTrue(new FigureWriter(warnings::add).write(plot(), dir.resolve("missing"), "error").isEmpty());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("could not write error.svg: "), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("could not write error.png: "), warnings.get(1));
    }
}
