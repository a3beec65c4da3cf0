package org.msense.lab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.msense.core.spec.InvalidSpecException;
import org.msense.lab.io.Json;

class SweepSpecTest {
    @Test
    void readsAxesSuccessAndHeatmap() {
        SweepSpec s = SweepSpec.parse("{\"n1\": 20, \"rank\": [1, 2], \"seed\": {\"range\": [1, 9], \"step\": 4},"
                + " \"measurements\": {\"per\": \"r(n1+n2)\", \"values\": [1, 2]}, \"alpha\": [1e-3],"
                + " \"success\": {\"relative_error_below\": 1e-3},"
                + " \"heatmap\": {\"x\": \"measurements\", \"y\": \"rank\", \"x_over\": \"r(n1+n2)\", \"theory_c\": 2}}", "s.json");
        assertEquals(List.of("rank", "seed", "measurements", "alpha"), s.axisNames());
        assertEquals(List.of(1L, 5L, 9L), s.axes().get(1).values());
        assertEquals(Normalizer.R_N1_PLUS_N2, s.axes().get(2).per());
        assertEquals(List.of(1e-3), s.axes().get(3).values());
        assertEquals(20, s.base().getInt("n1"));
        assertEquals(1e-3, s.successBelow());
        assertEquals(new SweepSpec.Heatmap("measurements", "rank", Normalizer.R_N1_PLUS_N2, null, 2), s.heatmap());
        // the recorded form reads back as the same spec
        SweepSpec again = SweepSpec.parse(Json.write(s.tree()), "sweep.json");
        assertEquals(s.tree(), again.tree());
        assertNull(SweepSpec.parse("{\"rank\": [1], \"alpha\": 1e-3}", "s.json").heatmap());
    }

    @Test
    void mistakesAreNamed() {
        assertMessage("{\"rnak\": [1, 2]}", "did you mean rank");
        assertMessage("{\"n1\": 20, \"alpha\": 1e-3}", "no axis");
        assertMessage("{\"rank\": [1, 1]}", "twice");
        assertMessage("{\"rank\": [1], \"out\": \"x\"}", "--out");
        assertMessage("{\"alpha\": {\"range\": [1, 2]}}", "integer parameter");
        assertMessage("{\"rank\": {\"per\": \"r(n1+n2)\", \"values\": [1]}}", "for \"measurements\" only");
        assertMessage("{\"measurements\": {\"per\": \"r(n1+n2+1)\", \"values\": [1]}}", "unknown normalization");
        assertMessage("{\"rank\": [1], \"heatmap\": {\"x\": \"rank\", \"y\": \"seed\"}}", "give \"success\"");
        assertMessage("{\"rank\": [1], \"success\": {\"relative_error_below\": 1e-3},"
                + " \"heatmap\": {\"x\": \"rank\", \"y\": \"seed\"}}", "\"seed\" is not an axis");
        assertMessage("{\"rank\": [1], \"success\": {\"relative_error_below\": -1}}", "threshold > 0");
        assertMessage("{\"alpha-w\": [1, 2]}", "cannot be an axis");
        assertMessage("{\"rank\": [1, 2]}", "default \"alpha\" is a list of 4 values");
    }

    private static void assertMessage(String json, String part) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SweepSpec.parse(json, "s.json"));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
