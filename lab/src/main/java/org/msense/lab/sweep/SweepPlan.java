package org.msense.lab.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InvalidSpecException;
import org.msense.lab.run.Parameter;
import org.msense.lab.run.RunConfig;
import org.msense.lab.run.RunPlan;

/**
 * The points of a {@link SweepSpec} and how they run: points that share a problem and differ only in α, step size,
 * damping (λ or c) or init seed form one {@link Group}, which runs as one batch of trajectories on the engine (every
 * pass over 𝒜 serves them all) and writes one ordinary run directory, {@code points/NAME}. The group's trajectories
 * are its points in the order {@link RunPlan} makes them (α outermost, then step size, damping, init seed).
 *
 * <p>Shards ({@link #shard}) split the groups deterministically into N parts of about equal estimated cost
 * (iterations × batch size × m·n1·n2, plus the generation of 𝒜): the groups sorted by cost, largest first, each to
 * the part with the least cost so far (the lowest index among equals).
 */
public final class SweepPlan {
    /** The parameters whose values are trajectories of one batch rather than problems of their own. */
    public static final Set<String> BATCH = Set.of("alpha", "step-size", "lambda", "damping", "init-seed");
    /** The name of the one group of a sweep whose axes are all batch parameters. */
    public static final String SINGLE_GROUP = "batch";

    /**
     * One point: a trajectory of its group.
     *
     * @param index      its place among all points of the sweep (the row of results.csv)
     * @param group      the name of its group
     * @param trajectory its index in the group's batch
     * @param values     the value of each axis at this point (measurements resolved to m), in the spec's axis order
     */
    public record Point(int index, String group, int trajectory, Map<String, Object> values) {
    }

    /**
     * A batch of points that share a problem: one run.
     *
     * @param name   the run directory's name under {@code points/}, made of its axis values ({@code rank-2_seed-3})
     * @param config the run's config (its {@code out} not yet set)
     * @param points its points, in trajectory order
     * @param cost   the estimated cost (arbitrary units, for balancing shards and the time left)
     */
    public record Group(String name, RunConfig config, List<Point> points, double cost) {
        public Group {
            points = List.copyOf(points);
        }
    }

    private final SweepSpec spec;
    private final List<Group> groups;
    private final List<Point> points;

    private SweepPlan(SweepSpec spec, List<Group> groups) {
        this.spec = spec;
        this.groups = List.copyOf(groups);
        List<Point> all = new ArrayList<>();
        groups.forEach(g -> all.addAll(g.points()));
        this.points = List.copyOf(all);
    }

    /**
     * Expands a spec into its groups and points, checking every group's config as {@code msense run} would.
     *
     * @throws InvalidSpecException naming the parameter and the point at fault
     */
    public static SweepPlan of(SweepSpec spec) {
        List<SweepSpec.Axis> problemAxes = spec.axes().stream().filter(a -> !BATCH.contains(a.name())).toList();
        List<SweepSpec.Axis> batchAxes = spec.axes().stream().filter(a -> BATCH.contains(a.name())).toList();
        List<Group> groups = new ArrayList<>();
        int[] next = {0};
        for (List<Object> combination : product(problemAxes)) {
            RunConfig c = spec.base();
            Map<String, Object> fixed = new LinkedHashMap<>();
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < problemAxes.size(); i++) {
                SweepSpec.Axis a = problemAxes.get(i);
                if (a.per() == null) {
                    c.set(a.name(), combination.get(i));
                    fixed.put(a.name(), combination.get(i));
                }
            }
            for (int i = 0; i < problemAxes.size(); i++) {
                SweepSpec.Axis a = problemAxes.get(i);
                if (a.per() != null) { // measurements as a multiple of a count of this point
                    long count = a.per().of(c.getInt("n1"), c.getInt("n2"), c.getInt("rank"));
                    long m = Math.round((Double) combination.get(i) * count);
                    if (m < 1 || m > Integer.MAX_VALUE) {
                        throw new InvalidSpecException(a.name(), "the multiplier " + Parameter.formatDouble(
                                (Double) combination.get(i)) + " of " + a.per().text() + " = " + count + " gives m = " + m
                                + "; it must be from 1 to " + Integer.MAX_VALUE);
                    }
                    c.set(a.name(), (int) m);
                    fixed.put(a.name(), (int) m);
                }
            }
            for (SweepSpec.Axis a : problemAxes) {
                Object v = fixed.get(a.name());
                name.append(name.length() == 0 ? "" : "_").append(a.name()).append('-')
                        .append(format(v));
            }
            for (SweepSpec.Axis a : batchAxes) {
                c.set(a.name(), a.values().get(0) instanceof Double ? a.values().stream().mapToDouble(v -> (Double) v).toArray()
                        : a.values().stream().mapToLong(v -> (Long) v).toArray());
            }
            String groupName = name.length() == 0 ? SINGLE_GROUP : safe(name.toString());
            BatchSpec batch;
            try {
                batch = RunPlan.resolve(c).spec();
            } catch (InvalidSpecException e) {
                throw new InvalidSpecException(e.field(), "at the points " + groupName + ": " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Point> points = new ArrayList<>();
            for (List<Object> inner : product(batchOrder(batchAxes))) {
                Map<String, Object> values = new LinkedHashMap<>();
                List<SweepSpec.Axis> ordered = batchOrder(batchAxes);
                for (SweepSpec.Axis a : spec.axes()) {
                    int j = ordered.indexOf(a);
                    values.put(a.name(), j >= 0 ? inner.get(j) : fixed.get(a.name()));
                }
                points.add(new Point(next[0]++, groupName, points.size(), values));
            }
            if (points.size() != batch.size()) {
                throw new IllegalStateException("group " + groupName + " has " + points.size() + " points but its batch "
                        + batch.size() + " trajectories");
            }
            groups.add(new Group(groupName, c, points, cost(batch)));
        }
        List<String> names = groups.stream().map(Group::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new InvalidSpecException("spec", "two groups of points would share a directory name (values that"
                    + " print alike); make the axis values distinct");
        }
        return new SweepPlan(spec, groups);
    }

    /** The batch axes in the nesting order of {@link RunPlan}: α, step size, damping (λ or c), init seed. */
    private static List<SweepSpec.Axis> batchOrder(List<SweepSpec.Axis> batchAxes) {
        List<String> order = List.of("alpha", "step-size", "lambda", "damping", "init-seed");
        return batchAxes.stream().sorted(Comparator.comparingInt(a -> order.indexOf(a.name()))).toList();
    }

    /** Every combination of one value per axis, the first axis outermost; one empty combination for no axes. */
    private static List<List<Object>> product(List<SweepSpec.Axis> axes) {
        List<List<Object>> out = new ArrayList<>();
        out.add(List.of());
        for (SweepSpec.Axis a : axes) {
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> prefix : out) {
                for (Object v : a.values()) {
                    List<Object> c = new ArrayList<>(prefix);
                    c.add(v);
                    next.add(c);
                }
            }
            out = next;
        }
        return out;
    }

    /** Estimated work of a batch: its steps over 𝒜 (each touching m·n1·n2 entries per trajectory) and 𝒜's generation. */
    static double cost(BatchSpec b) {
        double entries = (double) b.problem().measurements() * b.problem().entries();
        return entries * (1 + (double) b.algorithm().iterations() * b.size());
    }

    /** An axis value as text: numbers short ({@code 1e-3}, {@code 0.25}, {@code 160}), text as it is. */
    public static String format(Object value) {
        return value instanceof Double d ? Parameter.formatDouble(d) : String.valueOf(value);
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9.+=_-]", "_");
    }

    /** The spec. */
    public SweepSpec spec() {
        return spec;
    }

    /** Every group, in the order of the spec's axes. */
    public List<Group> groups() {
        return groups;
    }

    /** Every point, in the order of the groups. */
    public List<Point> points() {
        return points;
    }

    /**
     * The groups of shard {@code index} of {@code count} (0 ≤ index < count), in plan order.
     *
     * @throws IllegalArgumentException when the index is out of range
     */
    public List<Group> shard(int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": need 0 ≤ i < N");
        }
        List<Group> byCost = new ArrayList<>(groups);
        byCost.sort(Comparator.comparingDouble(Group::cost).reversed().thenComparing(Group::name));
        double[] load = new double[count];
        Map<String, Integer> owner = new LinkedHashMap<>();
        for (Group g : byCost) {
            int best = 0;
            for (int s = 1; s < count; s++) {
                if (load[s] < load[best]) {
                    best = s;
                }
            }
            load[best] += g.cost();
            owner.put(g.name(), best);
        }
        return groups.stream().filter(g -> owner.get(g.name()) == index).toList();
    }
}
