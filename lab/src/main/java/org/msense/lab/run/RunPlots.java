package org.msense.lab.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.msense.core.algorithm.StopRule;
import org.msense.core.algorithm.TrajectoryStatus;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.lab.plot.FigureWriter;
import org.msense.lab.plot.LinePlot;
import org.msense.lab.plot.Series;
import org.msense.core.spec.BatchSpec;

/**
 * The plots of a run, each as PNG and SVG: {@code error} (relative error vs iteration, log scale, one
 * curve per trajectory), {@code imbalance} (‖VᵀV − WᵀW‖_F vs iteration) and, per trajectory,
 * {@code spectrum-<i>} (every singular value of VWᵀ vs iteration: the r signal ones in colour, the
 * nuisance ones in grey, σ(X*) and α as dashed references).
 *
 * <p>A trajectory that diverged is named "(diverged at iteration N)" in the legends and its spectrum's title, and
 * its last drawable point is marked in the error and imbalance plots; the
 * plots of a run that did not complete carry the subtitle "(partial: interrupted at iteration N)" (or "failed").
 */
public final class RunPlots {
    private RunPlots() {
    }

    /**
     * Writes the plots into {@code dir} and returns the files written. Drawing needs Java2D with fonts: where it
     * has none (e.g. a bare server), no plot is written and one warning says why, once for all of them.
     *
     * @param history every record of the run, in order
     * @param status the run's status ({@code completed}, {@code interrupted}, {@code failed}, …): any other than
     *               {@code completed} marks the plots as partial, with the last iteration recorded
     * @param warnings receives one line per problem
     */
    public static List<Path> write(Path dir, BatchSpec spec, double[] sigmaStar, List<DiagnosticRecord> history,
            String status, List<String> warnings) {
        List<String> labels = new ArrayList<>(TrajectoryLabels.of(spec.trajectories()));
        int batch = spec.size();
        String partial = partial(status, history);
        List<Path> files = new ArrayList<>();
        FigureWriter figures = new FigureWriter(warnings::add);

        LinePlot error = new LinePlot("Relative error ‖VWᵀ − X*‖_F / ‖X*‖_F").xLabel("iteration").yLabel("relative error")
                .yLog(true).subtitle(partial);
        LinePlot imbalance = new LinePlot("Imbalance ‖VᵀV − WᵀW‖_F").xLabel("iteration").yLabel("‖VᵀV − WᵀW‖_F").yLog(true)
                .subtitle(partial);
        for (int b = 0; b < batch; b++) {
            List<DiagnosticRecord> rs = of(history, b);
            int at = divergedAt(rs);
            if (at >= 0) {
                labels.set(b, labels.get(b) + " (diverged at iteration " + at + ")");
            }
            double[] x = x(rs);
            double[] relativeError = column(rs, DiagnosticRecord::relativeError);
            double[] imbalanceFro = column(rs, DiagnosticRecord::imbalanceFro);
            error.add(Series.line(labels.get(b), x, relativeError).color(b));
            imbalance.add(Series.line(labels.get(b), x, imbalanceFro).color(b));
            if (at >= 0) {
                // Its last drawable point marked: a trajectory that diverged early may have no line to see.
                error.add(lastPoint(x, relativeError).color(b));
                imbalance.add(lastPoint(x, imbalanceFro).color(b));
            }
        }
        files.addAll(figures.write(error, dir, "error"));
        files.addAll(figures.write(imbalance, dir, "imbalance"));

        for (int b = 0; b < batch && !figures.skipping(); b++) {
            List<DiagnosticRecord> rs = of(history, b);
            if (rs.isEmpty()) {
                continue;
            }
            LinePlot sp = spectrumPlot("Singular values of VWᵀ — " + labels.get(b), rs, sigmaStar,
                    spec.trajectories().get(b).alphaV()).subtitle(partial);
            files.addAll(figures.write(sp, dir, String.format("spectrum-%02d", b)));
        }
        return files;
    }

    /**
     * Every singular value of VWᵀ against iteration for one trajectory's records (non-empty): the r = |σ*| signal
     * ones in colour, drawn over the nuisance ones in grey (one legend entry for those), σ(X*) and α as dashed lines.
     */
    public static LinePlot spectrumPlot(String title, List<DiagnosticRecord> rs, double[] sigmaStar, double alpha) {
        int r = sigmaStar.length;
        int count = rs.get(0).singularValues().length;
        LinePlot sp = new LinePlot(title).xLabel("iteration").yLabel("σ_i(VWᵀ)").yLog(true);
        for (int i = count; i > r; i--) {
            final int idx = i;
            sp.add(Series.line("σ_" + i, x(rs), column(rs, d -> d.singularValue(idx))).gray().noLegend());
        }
        for (int i = 1; i <= Math.min(r, count); i++) {
            final int idx = i;
            sp.add(Series.line("σ_" + i, x(rs), column(rs, d -> d.singularValue(idx))).color(i - 1));
        }
        if (count > r) {
            sp.add(Series.line("σ_" + (r + 1) + " … σ_" + count + " (nuisance)", new double[0], new double[0]).gray());
        }
        boolean allEqual = java.util.Arrays.stream(sigmaStar).allMatch(v -> v == sigmaStar[0]);
        for (int i = 0; i < r; i++) {
            sp.horizontalLine(sigmaStar[i], allEqual ? (i == 0 ? "σ(X*)" : "") : "σ_" + (i + 1) + "(X*)");
        }
        sp.horizontalLine(alpha, "α");
        return sp;
    }

    /**
     * The iteration at which the engine's stop rule finds the records diverged (not finite, or the loss grown
     * beyond {@value StopRule#GROWTH_LIMIT} times the first), or -1.
     */
    static int divergedAt(List<DiagnosticRecord> rs) {
        StopRule rule = new StopRule(0);
        for (DiagnosticRecord r : rs) {
            if (rule.classify(r, rs.get(0).loss()) == TrajectoryStatus.DIVERGED) {
                return r.iteration();
            }
        }
        return -1;
    }

    /** A marker without legend entry at the last point with a finite positive value (none if there is none). */
    static Series lastPoint(double[] x, double[] y) {
        for (int i = y.length - 1; i >= 0; i--) {
            if (Double.isFinite(y[i]) && y[i] > 0) {
                return Series.markers("", new double[] {x[i]}, new double[] {y[i]}).noLegend();
            }
        }
        return Series.markers("", new double[0], new double[0]).noLegend();
    }

    /**
     * "(partial: interrupted at iteration N)" for a run that stopped early, else empty (a diverged run ran to its
     * end; its legends say which trajectories diverged).
     */
    static String partial(String status, List<DiagnosticRecord> history) {
        if (status == null || status.equals("completed") || status.equals("diverged") || history.isEmpty()) {
            return "";
        }
        int last = history.stream().mapToInt(DiagnosticRecord::iteration).max().getAsInt();
        return "(partial: " + status + " at iteration " + last + ")";
    }

    private static List<DiagnosticRecord> of(List<DiagnosticRecord> history, int b) {
        return history.stream().filter(d -> d.trajectory() == b).toList();
    }

    private static double[] x(List<DiagnosticRecord> rs) {
        return rs.stream().mapToDouble(DiagnosticRecord::iteration).toArray();
    }

    private static double[] column(List<DiagnosticRecord> rs, java.util.function.ToDoubleFunction<DiagnosticRecord> f) {
        return rs.stream().mapToDouble(f).toArray();
    }
}
