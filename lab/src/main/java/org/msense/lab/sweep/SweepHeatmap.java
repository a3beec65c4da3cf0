package org.msense.lab.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.msense.lab.plot.FigureWriter;
import org.msense.lab.plot.Heatmap;
import org.msense.lab.run.Parameter;
import org.msense.lab.run.RunConfig;

/**
 * The phase diagram of a sweep: for the two axes its spec names ({@link SweepSpec.Heatmap}), the fraction of the
 * finished points of each cell that succeed, as {@code success.png} and {@code success.svg} in the sweep directory.
 * A value divided by {@code x_over} (or {@code y_over}) is that point's value over the count of its own n1, n2, r,
 * e.g. m / r(n1+n2). Cells without a finished point stay grey. With {@code theory_c} the line m = C·r(n1+n2) is
 * drawn through each row, at the column position of that m (linear between columns).
 */
public final class SweepHeatmap {
    /** The base name of the figure files. */
    public static final String NAME = "success";

    private SweepHeatmap() {
    }

    /** Whether the spec asks for a heatmap. */
    public static boolean wanted(SweepPlan plan) {
        return plan.spec().heatmap() != null;
    }

    /**
     * Draws the heatmap of {@code rows} and writes it into {@code sweepDir}; problems (no fonts) go to
     * {@code warnings}, one line each.
     */
    public static void write(SweepPlan plan, List<SweepResults.Row> rows, Path sweepDir, Consumer<String> warnings) {
        FigureWriter.prepare();
        new FigureWriter(warnings).write(build(plan, rows), sweepDir, NAME);
    }

    /** One cell's counts. */
    private static final class Count {
        int finished;
        int succeeded;
    }

    /** The heatmap of the finished points {@code rows} of {@code plan}. */
    static Heatmap build(SweepPlan plan, List<SweepResults.Row> rows) {
        SweepSpec.Heatmap h = plan.spec().heatmap();
        Map<String, SweepPlan.Group> groups = new HashMap<>();
        plan.groups().forEach(g -> groups.put(g.name(), g));
        List<Object> xs = new ArrayList<>();
        List<Object> ys = new ArrayList<>();
        for (SweepPlan.Point p : plan.points()) {
            RunConfig c = groups.get(p.group()).config();
            add(xs, coordinate(p, h.x(), h.xOver(), c));
            add(ys, coordinate(p, h.y(), h.yOver(), c));
        }
        sort(xs);
        sort(ys);
        Map<List<Integer>, Count> counts = new LinkedHashMap<>();
        for (SweepResults.Row r : rows) {
            RunConfig c = groups.get(r.point().group()).config();
            int i = xs.indexOf(coordinate(r.point(), h.x(), h.xOver(), c));
            int j = ys.indexOf(coordinate(r.point(), h.y(), h.yOver(), c));
            Count n = counts.computeIfAbsent(List.of(i, j), k -> new Count());
            n.finished++;
            n.succeeded += r.success() ? 1 : 0;
        }
        int finished = rows.size();
        Heatmap map = new Heatmap("Success fraction over " + label(h.x(), h.xOver()) + " and " + label(h.y(), h.yOver()),
                xs.stream().map(SweepHeatmap::text).toList(), ys.stream().map(SweepHeatmap::text).toList())
                .xLabel(label(h.x(), h.xOver())).yLabel(label(h.y(), h.yOver())).scaleLabel("fraction of points that succeed")
                .subtitle("success: final relative error ‖VWᵀ − X*‖_F/‖X*‖_F < " + Parameter.formatDouble(plan.spec().successBelow())
                        + "; " + finished + " of " + plan.points().size() + " points finished");
        counts.forEach((cell, n) -> map.cell(cell.get(0), cell.get(1), n.succeeded / (double) n.finished,
                n.succeeded + "/" + n.finished));
        if (!Double.isNaN(h.theoryC())) {
            theoryLine(plan, h, xs, ys, groups, map);
        }
        return map;
    }

    /** The line m = C·r(n1+n2) in cell coordinates: in each row, the column position of that m for the row's points. */
    private static void theoryLine(SweepPlan plan, SweepSpec.Heatmap h, List<Object> xs, List<Object> ys,
            Map<String, SweepPlan.Group> groups, Heatmap map) {
        if (xs.stream().anyMatch(v -> !(v instanceof Number))) {
            return;
        }
        double[] columns = xs.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
        List<Double> lx = new ArrayList<>();
        List<Double> ly = new ArrayList<>();
        for (int j = 0; j < ys.size(); j++) {
            final int row = j;
            SweepPlan.Point p = plan.points().stream().filter(q -> coordinate(q, h.y(), h.yOver(),
                    groups.get(q.group()).config()).equals(ys.get(row))).findFirst().orElseThrow();
            RunConfig c = groups.get(p.group()).config();
            double m = h.theoryC() * Normalizer.R_N1_PLUS_N2.of(c.getInt("n1"), c.getInt("n2"), c.getInt("rank"));
            double x = h.xOver() == null ? m : m / h.xOver().of(c.getInt("n1"), c.getInt("n2"), c.getInt("rank"));
            double at = position(columns, x);
            lx.add(at);
            ly.add(j - 0.5);
            lx.add(at);
            ly.add(j + 0.5);
        }
        map.line(lx.stream().mapToDouble(Double::doubleValue).toArray(), ly.stream().mapToDouble(Double::doubleValue).toArray(),
                "m = " + Parameter.formatDouble(h.theoryC()) + "·r(n1+n2)");
    }

    /** Where value {@code x} falls on columns at 0, 1, …: linear between neighbours, clamped to the grid's edges. */
    static double position(double[] columns, double x) {
        if (columns.length == 1 || x <= columns[0]) {
            return columns.length == 1 ? 0 : Math.max(-0.5, (x - columns[0]) / (columns[1] - columns[0]));
        }
        for (int i = 1; i < columns.length; i++) {
            if (x <= columns[i]) {
                return i - 1 + (x - columns[i - 1]) / (columns[i] - columns[i - 1]);
            }
        }
        int n = columns.length;
        return Math.min(n - 0.5, n - 1 + (x - columns[n - 1]) / (columns[n - 1] - columns[n - 2]));
    }

    /** A point's value on an axis: a number (divided by its count when normalized) or text. */
    private static Object coordinate(SweepPlan.Point p, String axis, Normalizer over, RunConfig c) {
        Object v = p.values().get(axis);
        if (!(v instanceof Number n)) {
            return v;
        }
        if (over == null) {
            return n.doubleValue();
        }
        return n.doubleValue() / over.of(c.getInt("n1"), c.getInt("n2"), c.getInt("rank"));
    }

    private static void add(List<Object> values, Object v) {
        if (!values.contains(v)) {
            values.add(v);
        }
    }

    /** Numbers ascending; text stays in the order of the axis. */
    private static void sort(List<Object> values) {
        if (values.stream().allMatch(v -> v instanceof Double)) {
            values.sort(Comparator.comparingDouble(v -> (Double) v));
        }
    }

    private static String text(Object v) {
        return v instanceof Double d ? Parameter.formatDouble(Math.round(d * 1e6) / 1e6) : String.valueOf(v);
    }

    private static String label(String axis, Normalizer over) {
        String name = axis.equals("measurements") ? "m" : axis.equals("rank") ? "r" : axis;
        return over == null ? name : name + " / " + over.text();
    }
}
