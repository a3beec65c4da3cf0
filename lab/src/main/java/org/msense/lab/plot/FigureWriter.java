package org.msense.lab.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.msense.lab.io.AtomicFiles;

/**
 * Writes plots as {@code NAME.svg} and {@code NAME.png}, for a job that writes several (a run, a reproduce
 * suite) and must go on without them when they cannot be drawn. Problems become warnings, one line each.
 * When Java2D is unusable (typically a server without fonts), the first plot records one warning saying why
 * and every later plot is skipped without another: the job's data files do not depend on plots.
 */
public final class FigureWriter {
    /** Draws a plot's two outputs; the real one is {@link LinePlot#toSvg()} and {@link LinePlot#toPng()}. */
    interface Renderer {
        String svg(LinePlot plot) throws PlotException;

        byte[] png(LinePlot plot) throws PlotException;
    }

    private static final Renderer CHARTS = new Renderer() {
        @Override
        public String svg(LinePlot plot) throws PlotException {
            return plot.toSvg();
        }

        @Override
        public byte[] png(LinePlot plot) throws PlotException {
            return plot.toPng();
        }
    };

    /** Why Java2D could not start in {@link #prepare()}, or {@code null}. */
    private static volatile PlotException startupFailure;
    private static boolean prepared;

    private final Consumer<String> warnings;
    private final Renderer renderer;
    private String context = "";
    private boolean unavailable;

    /** @param warnings receives one line per problem */
    public FigureWriter(Consumer<String> warnings) {
        this(warnings, CHARTS);
    }

    FigureWriter(Consumer<String> warnings, Renderer renderer) {
        this.warnings = warnings;
        this.renderer = renderer;
    }

    /**
     * Starts Java2D and the chart library by drawing a tiny chart. Call it before a job that will plot begins:
     * plots drawn later then find AWT running, also while the JVM shuts down after Ctrl-C or SIGTERM (AWT cannot
     * start then: it registers shutdown hooks of its own). Where it cannot start (no fonts), it remembers why,
     * and writers skip their plots with that reason. Runs once per process; later calls return at once.
     */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        LinePlot tiny = new LinePlot("σ_1").setSize(200, 200)
                .add(Series.line("α", new double[] {1, 2}, new double[] {1, 2}));
        try {
            tiny.toSvg();
            tiny.toPng();
        } catch (PlotException e) {
            if (e.graphicsUnavailable()) {
                startupFailure = e;
            }
        }
    }

    /** A prefix for the warnings about single figures (e.g. {@code "alpha: "}); empty by default. */
    public FigureWriter context(String prefix) {
        this.context = prefix == null ? "" : prefix;
        return this;
    }

    /** Whether plots are being skipped because Java2D cannot draw here. */
    public boolean skipping() {
        return unavailable;
    }

    /**
     * Draws {@code plot} and writes it as {@code dir/name.svg} and {@code dir/name.png} (each atomically).
     *
     * @return the files written: both, one when the other could not be written, or none
     */
    public List<Path> write(LinePlot plot, Path dir, String name) {
        List<Path> files = new ArrayList<>();
        if (unavailable) {
            return files;
        }
        if (startupFailure != null && renderer == CHARTS) {
            skip(startupFailure);
            return files;
        }
        String svg;
        byte[] png;
        try {
            svg = renderer.svg(plot);
            png = renderer.png(plot);
        } catch (PlotException e) {
            if (e.graphicsUnavailable()) {
                skip(e);
            } else {
                warnings.accept(context + "could not draw " + name + ": " + e.getMessage());
            }
            return files;
        }
        save(dir.resolve(name + ".svg"), svg.getBytes(StandardCharsets.UTF_8), files);
        save(dir.resolve(name + ".png"), png, files);
        return files;
    }

    /**
     * Draws {@code heatmap} and writes it as {@code dir/name.svg} and {@code dir/name.png} (each atomically), with
     * the same handling of problems as {@link #write(LinePlot, Path, String)}.
     *
     * @return the files written: both, one when the other could not be written, or none
     */
    public List<Path> write(Heatmap heatmap, Path dir, String name) {
        List<Path> files = new ArrayList<>();
        if (unavailable) {
            return files;
        }
        if (startupFailure != null) {
            skip(startupFailure);
            return files;
        }
        String svg;
        byte[] png;
        try {
            svg = heatmap.toSvg();
            png = heatmap.toPng();
        } catch (PlotException e) {
            if (e.graphicsUnavailable()) {
                skip(e);
            } else {
                warnings.accept(context + "could not draw " + name + ": " + e.getMessage());
            }
            return files;
        }
        save(dir.resolve(name + ".svg"), svg.getBytes(StandardCharsets.UTF_8), files);
        save(dir.resolve(name + ".png"), png, files);
        return files;
    }

    private void skip(PlotException why) {
        unavailable = true;
        warnings.accept("plots skipped: " + why.getMessage()
                + "; the data files are complete. Installing fonts (e.g. fonts-dejavu-core) lets plots be drawn");
    }

    private void save(Path file, byte[] content, List<Path> files) {
        try {
            AtomicFiles.write(file, out -> out.write(content));
            files.add(file);
        } catch (IOException e) {
            String m = e.getMessage();
            warnings.accept(context + "could not write " + file.getFileName() + ": " + (m == null ? "I/O error" : m));
        }
    }
}
