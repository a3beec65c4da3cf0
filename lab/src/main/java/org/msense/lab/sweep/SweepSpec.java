package org.msense.lab.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.msense.core.spec.InvalidSpecException;
import org.msense.lab.io.Json;
import org.msense.lab.io.JsonException;
import org.msense.lab.run.Failures;
import org.msense.lab.run.Parameter;
import org.msense.lab.run.RunConfig;
import org.msense.lab.run.RunParameters;

/**
 * A sweep as its JSON file gives it: a run config (the keys of {@code msense run}, see {@link RunParameters}) in
 * which any parameter may be an axis, plus what counts as success and what to plot.
 *
 * <p>Axes: a JSON array ({@code "rank": [1, 2, 3]}), an integer range ({@code "seed": {"range": [1, 20]}}, both
 * ends included, optional {@code "step"}), or for {@code measurements} multiples of a count of the point
 * ({@code "measurements": {"per": "r(n1+n2)", "values": [1, 2, 3]}}: m = round(v · r(n1+n2)) with the point's r,
 * n1, n2; see {@link Normalizer}). A scalar is fixed for every point. The points are the Cartesian product of the
 * axes, the first axis outermost.
 *
 * <p>{@code "success": {"relative_error_below": 1e-3}}: a point succeeds when its trajectory did not diverge and
 * its final relative error ‖VWᵀ − X*‖_F/‖X*‖_F is below the threshold. {@code "heatmap": {"x": "measurements",
 * "y": "rank", "x_over": "r(n1+n2)", "theory_c": 2}}: the success fraction per cell over the two axes (x divided by
 * the count {@code x_over} of each point, optional), with the line m = C·r(n1+n2) (in the units of x) where
 * {@code theory_c} is given.
 */
public final class SweepSpec {
    /** Keys of a spec that are not run parameters. */
    public static final String SUCCESS = "success";
    public static final String HEATMAP = "heatmap";

    /** Run parameters a sweep decides itself (where the points go, how progress is shown) or cannot sweep over. */
    private static final Set<String> REFUSED = Set.of("out", "overwrite", "progress", "export-npy", "problem-from");

    /**
     * One axis of the sweep.
     *
     * @param name   the run parameter, e.g. {@code rank}
     * @param values the values in order: Integer, Long, Double or String as the parameter's kind (a list kind's
     *               single element: Double for {@code alpha}, Long for {@code init-seed}); for a {@code per} axis the
     *               multipliers (Double)
     * @param per    for {@code measurements}: the count the values multiply, else null
     */
    public record Axis(String name, List<Object> values, Normalizer per) {
        public Axis {
            values = List.copyOf(values);
        }
    }

    /**
     * The heatmap to draw.
     *
     * @param x       the axis across
     * @param y       the axis up
     * @param xOver   divide x by this count of each point (null: plot x as it is)
     * @param yOver   divide y by this count of each point (null: plot y as it is)
     * @param theoryC draw the line m = C·r(n1+n2) with this C (NaN: none); x must be {@code measurements}
     */
    public record Heatmap(String x, String y, Normalizer xOver, Normalizer yOver, double theoryC) {
    }

    private final RunConfig base;
    private final List<Axis> axes;
    private final double successBelow;
    private final Heatmap heatmap;
    private final JsonNode tree;

    private SweepSpec(RunConfig base, List<Axis> axes, double successBelow, Heatmap heatmap, JsonNode tree) {
        this.base = base;
        this.axes = List.copyOf(axes);
        this.successBelow = successBelow;
        this.heatmap = heatmap;
        this.tree = tree;
    }

    /**
     * Reads a spec file.
     *
     * @throws InvalidSpecException naming the file, the line and the key at fault
     */
    public static SweepSpec read(Path file) {
        if (Files.isDirectory(file)) {
            throw new InvalidSpecException("spec", file + " is a directory; give the sweep's JSON file");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidSpecException("spec", "file not found: " + file);
        } catch (IOException e) {
            throw new InvalidSpecException("spec", "cannot read " + file + ": " + Failures.describe(e));
        }
        return parse(text, file.getFileName().toString());
    }

    /**
     * Parses the text of a spec.
     *
     * @param source names the text in messages (the file name)
     */
    public static SweepSpec parse(String text, String source) {
        List<Json.Member> members;
        JsonNode tree;
        try {
            members = Json.readObject(text, source);
            tree = Json.readTree(text, source);
        } catch (JsonException e) {
            throw new InvalidSpecException("spec", e.getMessage());
        }
        RunConfig base = new RunConfig();
        List<Axis> axes = new ArrayList<>();
        double success = Double.NaN;
        JsonNode heatmapNode = null;
        String heatmapWhere = null;
        for (Json.Member m : members) {
            String where = source + " line " + m.line();
            String key = m.key();
            if (key.equals(SUCCESS)) {
                success = success(m.value(), where);
                continue;
            }
            if (key.equals(HEATMAP)) {
                heatmapNode = m.value();
                heatmapWhere = where;
                continue;
            }
            Parameter p = RunParameters.byName(key);
            if (p == null || key.equals("config")) {
                List<String> s = new ArrayList<>(RunParameters.suggestions(key));
                for (String own : List.of(SUCCESS, HEATMAP)) {
                    if (RunParameters.editDistance(own, key) <= 2) {
                        s.add(own);
                    }
                }
                throw new InvalidSpecException(key, where + ": unknown key" + (s.isEmpty()
                        ? "; a sweep spec holds the parameters of msense run (msense run --help), \"success\" and \"heatmap\""
                        : "; did you mean " + String.join(" or ", s) + "?"));
            }
            if (REFUSED.contains(key)) {
                throw new InvalidSpecException(key, where + ": a sweep decides \"" + key + "\" itself"
                        + (key.equals("out") ? "; give the directory with --out" : "; leave it out of the spec"));
            }
            JsonNode v = m.value();
            if (v.isArray() || v.isObject()) {
                if (key.equals("alpha-w")) {
                    throw new InvalidSpecException(key, where + ": \"alpha-w\" cannot be an axis; sweep \"alpha\""
                            + " (α_W follows it) or give one value");
                }
                axes.add(axis(p, v, where));
            } else {
                base.set(key, p.fromJson(v, where));
            }
        }
        if (axes.isEmpty()) {
            throw new InvalidSpecException("spec", source + ": no axis; give at least one parameter as a list, e.g."
                    + " \"rank\": [1, 2, 3] or \"seed\": {\"range\": [1, 10]}");
        }
        Heatmap heatmap = heatmapNode == null ? null : heatmap(heatmapNode, heatmapWhere, axes, success);
        for (String name : SweepPlan.BATCH) {
            Object v = base.get(name);
            boolean axis = axes.stream().anyMatch(a -> a.name().equals(name));
            int n = v instanceof double[] d ? d.length : v instanceof long[] l ? l.length : 1;
            if (!axis && n > 1) { // only a default can be a list here: msense run's α sweep
                throw new InvalidSpecException(name, source + ": msense run's default \"" + name + "\" is a list of "
                        + n + " values (" + RunParameters.byName(name).format(v) + "); in a sweep give it: one value for"
                        + " every point, or a list to make it an axis");
            }
        }
        return new SweepSpec(base, axes, success, heatmap, tree);
    }

    private static double success(JsonNode v, String where) {
        JsonNode t = v.get("relative_error_below");
        if (!v.isObject() || v.size() != 1 || t == null || !t.isNumber() || !(t.doubleValue() > 0)
                || !Double.isFinite(t.doubleValue())) {
            throw new InvalidSpecException(SUCCESS, where + ": give {\"relative_error_below\": THRESHOLD} with a"
                    + " threshold > 0, got " + v);
        }
        return t.doubleValue();
    }

    private static Axis axis(Parameter p, JsonNode v, String where) {
        String what = where + ": \"" + p.name() + "\"";
        if (p.kind() == Parameter.Kind.FLAG || p.kind() == Parameter.Kind.PATH) {
            throw new InvalidSpecException(p.name(), what + " cannot be an axis; give one value");
        }
        List<Object> values = new ArrayList<>();
        Normalizer per = null;
        if (v.isArray()) {
            if (v.isEmpty()) {
                throw new InvalidSpecException(p.name(), what + " is an empty list; give at least one value");
            }
            for (JsonNode e : v) {
                if (e.isArray() || e.isObject()) {
                    throw new InvalidSpecException(p.name(), what + " must list single values, got " + e);
                }
                values.add(single(p, e, where));
            }
        } else if (v.has("range")) {
            JsonNode r = v.get("range");
            JsonNode step = v.get("step");
            Set<String> keys = new HashSet<>();
            v.fieldNames().forEachRemaining(keys::add);
            keys.removeAll(Set.of("range", "step"));
            boolean integral = switch (p.kind()) {
                case INT, LONG, LONG_LIST -> true;
                default -> false;
            };
            if (!integral || !keys.isEmpty() || !r.isArray() || r.size() != 2 || !r.get(0).isIntegralNumber()
                    || !r.get(1).isIntegralNumber() || (step != null && (!step.isIntegralNumber() || step.longValue() < 1))
                    || r.get(1).longValue() < r.get(0).longValue()) {
                throw new InvalidSpecException(p.name(), what + " must be {\"range\": [FIRST, LAST]} (integers, FIRST ≤"
                        + " LAST, both included; optional \"step\": N ≥ 1)" + (integral ? "" : " for an integer parameter")
                        + ", got " + v);
            }
            long s = step == null ? 1 : step.longValue();
            if ((r.get(1).longValue() - r.get(0).longValue()) / s >= 100_000) {
                throw new InvalidSpecException(p.name(), what + " has more than 100000 values");
            }
            for (long x = r.get(0).longValue(); x <= r.get(1).longValue(); x += s) {
                values.add(single(p, Json.mapper().getNodeFactory().numberNode(x), where));
            }
        } else if (v.has("per")) {
            if (!p.name().equals("measurements")) {
                throw new InvalidSpecException(p.name(), what + ": {\"per\": …} is for \"measurements\" only");
            }
            JsonNode vals = v.get("values");
            if (v.size() != 2 || !v.get("per").isTextual() || vals == null || !vals.isArray() || vals.isEmpty()) {
                throw new InvalidSpecException(p.name(), what + " must be {\"per\": \"r(n1+n2)\", \"values\": [1, 2, …]},"
                        + " got " + v);
            }
            per = Normalizer.parse(v.get("per").textValue(), p.name());
            for (JsonNode e : vals) {
                if (!e.isNumber() || !(e.doubleValue() > 0) || !Double.isFinite(e.doubleValue())) {
                    throw new InvalidSpecException(p.name(), what + ": the multipliers of \"per\" must be numbers > 0,"
                            + " got " + e);
                }
                values.add(e.doubleValue());
            }
        } else {
            throw new InvalidSpecException(p.name(), what + " must be a value, a list [..], {\"range\": [FIRST, LAST]}"
                    + (p.name().equals("measurements") ? " or {\"per\": \"r(n1+n2)\", \"values\": [..]}" : "")
                    + ", got " + v);
        }
        if (new HashSet<>(values).size() != values.size()) {
            throw new InvalidSpecException(p.name(), what + " lists a value twice: " + v);
        }
        return new Axis(p.name(), values, per);
    }

    /** One value of an axis, typed as the parameter's kind (a list kind's single element). */
    private static Object single(Parameter p, JsonNode e, String where) {
        Object o = p.fromJson(e, where);
        if (o instanceof double[] d) {
            return d[0];
        }
        if (o instanceof long[] l) {
            return l[0];
        }
        return o;
    }

    private static Heatmap heatmap(JsonNode h, String where, List<Axis> axes, double success) {
        Set<String> known = Set.of("x", "y", "x_over", "y_over", "theory_c");
        List<String> unknown = new ArrayList<>();
        h.fieldNames().forEachRemaining(n -> {
            if (!known.contains(n)) {
                unknown.add(n);
            }
        });
        if (!h.isObject() || !unknown.isEmpty() || !h.path("x").isTextual() || !h.path("y").isTextual()) {
            throw new InvalidSpecException(HEATMAP, where + ": give {\"x\": AXIS, \"y\": AXIS} with optional"
                    + " \"x_over\", \"y_over\" (e.g. \"r(n1+n2)\") and \"theory_c\"" + (unknown.isEmpty() ? ""
                    : "; unknown key(s) " + String.join(", ", unknown)));
        }
        if (Double.isNaN(success)) {
            throw new InvalidSpecException(HEATMAP, where + ": a heatmap shows the success fraction; give"
                    + " \"success\": {\"relative_error_below\": THRESHOLD} too");
        }
        String x = h.get("x").textValue();
        String y = h.get("y").textValue();
        List<String> names = axes.stream().map(Axis::name).toList();
        for (String a : List.of(x, y)) {
            if (!names.contains(a)) {
                throw new InvalidSpecException(HEATMAP, where + ": \"" + a + "\" is not an axis of the sweep (axes: "
                        + String.join(", ", names) + ")");
            }
        }
        if (x.equals(y)) {
            throw new InvalidSpecException(HEATMAP, where + ": x and y are both \"" + x + "\"; give two axes");
        }
        Normalizer xOver = h.has("x_over") ? Normalizer.parse(h.get("x_over").asText(), HEATMAP + ".x_over") : null;
        Normalizer yOver = h.has("y_over") ? Normalizer.parse(h.get("y_over").asText(), HEATMAP + ".y_over") : null;
        double c = Double.NaN;
        if (h.has("theory_c")) {
            if (!h.get("theory_c").isNumber() || !(h.get("theory_c").doubleValue() > 0) || !x.equals("measurements")) {
                throw new InvalidSpecException(HEATMAP, where + ": \"theory_c\" draws m = C·r(n1+n2): it needs a number"
                        + " > 0 and \"x\": \"measurements\"");
            }
            c = h.get("theory_c").doubleValue();
        }
        return new Heatmap(x, y, xOver, yOver, c);
    }

    /** The fixed parameters (a copy): defaults, overridden by the spec's scalar values. */
    public RunConfig base() {
        return base.copy();
    }

    /** The axes in the order of the file. */
    public List<Axis> axes() {
        return axes;
    }

    /** The success threshold on the final relative error, NaN when the spec gives none. */
    public double successBelow() {
        return successBelow;
    }

    /** The heatmap to draw, or null. */
    public Heatmap heatmap() {
        return heatmap;
    }

    /** The spec as a JSON tree, to compare two specs (key order does not matter) and to store one. */
    public JsonNode tree() {
        return tree.deepCopy();
    }

    /** The names of the axes. */
    public List<String> axisNames() {
        return Collections.unmodifiableList(axes.stream().map(Axis::name).toList());
    }
}
