package org.msense.lab.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.msense.lab.io.AtomicFiles;

/**
 * The finished points of a sweep, read from the run directories of its groups, and {@code results.csv}: one row
 * per finished point with its axis values and its trajectory's final diagnostics (no wall times, so that two runs of
 * one sweep give the same file wherever and however they ran).
 */
public final class SweepResults {
    /** The results table in a sweep directory. */
    public static final String CSV = "results.csv";
    /** The final diagnostics written per point, as summary.json names them (under {@code final}). */
    static final List<String> DIAGNOSTICS = List.of("relative_error", "loss", "imbalance_fro", "imbalance_spectral",
            "signal_error", "nuisance_norm", "norm_v", "norm_w", "grad_norm");

    /**
     * One finished point.
     *
     * @param point      the point
     * @param status     its trajectory's status (completed, converged, diverged, …)
     * @param iterations steps its trajectory took
     * @param last       its final diagnostics (the {@code final} object of summary.json; may be empty)
     * @param success    whether it meets the spec's criterion (false when the spec has none)
     */
    public record Row(SweepPlan.Point point, String status, int iterations, JsonNode last, boolean success) {
        /** The final relative error, NaN when unknown. */
        public double relativeError() {
            JsonNode e = last.get("relative_error");
            return e == null || !e.isNumber() ? Double.NaN : e.doubleValue();
        }
    }

    private SweepResults() {
    }

    /**
     * The finished points of {@code plan} in {@code sweepDir}, in plan order: those of every group whose run
     * directory holds an ended run of the group's configuration.
     */
    public static List<Row> read(SweepPlan plan, Path sweepDir) throws IOException {
        List<Row> rows = new ArrayList<>();
        double threshold = plan.spec().successBelow();
        for (SweepPlan.Group g : plan.groups()) {
            if (PointDirectory.state(sweepDir, g) != PointDirectory.State.DONE) {
                continue;
            }
            JsonNode trajectories = PointDirectory.summary(PointDirectory.of(sweepDir, g)).path("trajectories");
            for (SweepPlan.Point p : g.points()) {
                JsonNode t = trajectories.path(p.trajectory());
                String status = t.path("status").asText("unknown");
                JsonNode last = t.path("final");
                Row row = new Row(p, status, t.path("iterations").asInt(), last, false);
                double e = row.relativeError();
                boolean success = !Double.isNaN(threshold) && !status.equals("diverged") && e < threshold;
                rows.add(new Row(p, status, row.iterations(), last, success));
            }
        }
        return rows;
    }

    /** Writes {@code results.csv} (atomically) for the rows of {@code plan}. */
    public static void writeCsv(SweepPlan plan, List<Row> rows, Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> axes = plan.spec().axisNames();
        sb.append("point,run,trajectory");
        axes.forEach(a -> sb.append(',').append(a));
        sb.append(",status,iterations,success");
        DIAGNOSTICS.forEach(d -> sb.append(',').append(d));
        sb.append('\n');
        for (Row r : rows) {
            sb.append(r.point().index()).append(',').append(r.point().group()).append(',').append(r.point().trajectory());
            for (String a : axes) {
                sb.append(',').append(SweepPlan.format(r.point().values().get(a)));
            }
            sb.append(',').append(r.status()).append(',').append(r.iterations()).append(',')
                    .append(Double.isNaN(plan.spec().successBelow()) ? "" : r.success() ? "1" : "0");
            for (String d : DIAGNOSTICS) {
                JsonNode v = r.last().get(d);
                sb.append(',').append(v == null || !v.isNumber() ? "NaN" : Double.toString(v.doubleValue()));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
