package org.msense.lab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.msense.core.spec.InvalidSpecException;

class SweepPlanTest {
    private static SweepPlan plan(String json) {
        return SweepPlan.of(SweepSpec.parse(json, "spec.json"));
    }

    @Test
    void pointsAreTheProductOfTheAxesAndBatchAxesShareARun() {
        SweepPlan p = plan("{\"n1\": 10, \"n2\": 8, \"rank\": [1, 2], \"seed\": {\"range\": [3, 5]},"
                + " \"alpha\": [1e-2, 1e-3], \"init-seed\": [7, 8]}");
        assertEquals(2 * 3 * 2 * 2, p.points().size());
        assertEquals(2 * 3, p.groups().size(), "alpha and init-seed are trajectories of one batch");
        SweepPlan.Group g = p.groups().get(0);
        assertEquals("rank-1_seed-3", g.name());
        // RunPlan's order: alpha outermost, init seed innermost
        assertEquals(List.of(1e-2, 1e-2, 1e-3, 1e-3), g.points().stream().map(q -> q.values().get("alpha")).toList());
        assertEquals(List.of(7L, 8L, 7L, 8L), g.points().stream().map(q -> q.values().get("init-seed")).toList());
        for (int i = 0; i < p.points().size(); i++) {
            assertEquals(i, p.points().get(i).index());
        }
        assertEquals(2, p.groups().get(3).config().getInt("rank"));
        assertEquals(5L, p.groups().get(5).config().getLong("seed"));
    }

    @Test
    void measurementsPerCountAreResolvedWithEachPointsRankAndShape() {
        SweepPlan p = plan("{\"n1\": 20, \"n2\": 10, \"alpha\": 1e-3, \"rank\": [1, 3],"
                + " \"measurements\": {\"per\": \"r(n1+n2)\", \"values\": [1, 2.5]}}");
        List<Integer> m = p.groups().stream().map(g -> g.config().getInt("measurements")).toList();
        assertEquals(List.of(30, 75, 90, 225), m);
        assertEquals("rank-3_measurements-225", p.groups().get(3).name());
    }

    @Test
    void shardsPartitionTheRunsAndBalanceTheirCost() {
        SweepPlan p = plan("{\"n1\": 12, \"n2\": 12, \"alpha\": 1e-3, \"iterations\": 50, \"rank\": [1, 2, 3],"
                + " \"measurements\": {\"per\": \"r(n1+n2)\", \"values\": [1, 2, 3, 4]}, \"seed\": [1, 2, 3]}");
        int n = 4;
        Set<String> seen = new HashSet<>();
        List<Double> loads = new ArrayList<>();
        double max = 0;
        for (int i = 0; i < n; i++) {
            List<SweepPlan.Group> s = p.shard(i, n);
            assertEquals(s, p.shard(i, n), "deterministic");
            for (SweepPlan.Group g : s) {
                assertTrue(seen.add(g.name()), g.name() + " in two shards");
                max = Math.max(max, g.cost());
            }
            loads.add(s.stream().mapToDouble(SweepPlan.Group::cost).sum());
        }
        assertEquals(p.groups().size(), seen.size(), "every run in some shard");
        double total = loads.stream().mapToDouble(Double::doubleValue).sum();
        double spread = loads.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                - loads.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        // greedy largest-first assignment: the loads differ by at most the largest single cost
        assertTrue(spread <= max, "loads " + loads + " (total " + total + ", largest run " + max + ")");
        assertThrows(IllegalArgumentException.class, () -> p.shard(4, 4));
    }

    @Test
    void aPointThatCannotRunIsNamedWithItsValues() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> plan("{\"n1\": 4, \"n2\": 4, \"alpha\": 0.1, \"rank\": [2, 5]}"));
        assertTrue(e.getMessage().contains("rank-5"), e.getMessage());
    }
}
