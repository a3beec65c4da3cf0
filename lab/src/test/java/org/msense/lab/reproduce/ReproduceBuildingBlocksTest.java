package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.lab.io.Json;

/** The pieces the experiments are built from: fits, checks and the report. */
class ReproduceBuildingBlocksTest {
    @TempDir
    Path tmp;

    @Test
    void logLogSlopeRecoversAPowerLaw() {
        double[] x = {1e-1, 1e-2, 1e-3, 1e-4};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 3 * Math.pow(x[i], 0.75);
        }
        assertEquals(0.75, Fits.logLogSlope(x, y), 1e-12);
        // non-positive points are skipped, fewer than two leave no slope
        assertEquals(0.75, Fits.logLogSlope(new double[] {1e-1, 0, 1e-3}, new double[] {y[0], 5, y[2]}), 1e-12);
        assertTrue(Double.isNaN(Fits.logLogSlope(new double[] {1, -1}, new double[] {1, 1})));
    }

    @Test
    void checksCompareAndNaNNeverPasses() {
        assertTrue(Check.atMost("a", 1, 1, "").pass());
        assertFalse(Check.atMost("a", 1.0000001, 1, "").pass());
        assertTrue(Check.atLeast("a", 2, 1, "").pass());
        assertFalse(Check.lessThan("a", 1, 1, "").pass());
        assertTrue(Check.between("a", 0.5, 0.25, 1.5, "").pass());
        assertFalse(Check.between("a", 2, 0.25, 1.5, "").pass());
        assertFalse(Check.atMost("a", Double.NaN, 1, "").pass());
        assertFalse(Check.atLeast("a", Double.NaN, 1, "").pass());
        assertFalse(Check.between("a", Double.NaN, 0, 1, "").pass());
        assertEquals("in [0.25, 1.5]", Check.between("a", 1, 0.25, 1.5, "").thresholdText());
        assertEquals("0.25", Check.format(0.25));
        assertEquals("1e-6", Check.format(1e-6));
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportIsRewrittenAfterEveryExperiment() throws Exception {
        ReproductionReport report = new ReproductionReport(tmp,
                new ReproductionReport.Header("quick", "cpu", "test", "fp64"));
        report.add(new ExperimentResult("one", "one — title", "claim", "setup", Map.of("x", 1.0), "", List.of("fig"),
                List.of(Check.atMost("c", 1, 2, "why")), List.of(), 1));
        Map<String, Object> json = (Map<String, Object>) Json.mapper().readValue(
                Files.readString(tmp.resolve("report.json")), Map.class);
        assertEquals(1, ((List<Object>) json.get("experiments")).size());
        assertEquals(Boolean.TRUE, json.get("passed"));
        report.add(new ExperimentResult("two", "two — title", "claim", "setup", Map.of(), "", List.of(),
                List.of(Check.atLeast("d", 1, 2, "why")), List.of("a note"), 1));
        json = (Map<String, Object>) Json.mapper().readValue(Files.readString(tmp.resolve("report.json")), Map.class);
        List<Object> es = (List<Object>) json.get("experiments");
        assertEquals(2, es.size());
        assertEquals(Boolean.FALSE, json.get("passed"));
        Map<String, Object> c = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) es.get(1)).get("checks")).get(0);
        assertEquals(Boolean.FALSE, c.get("pass"));
        assertEquals(2.0, ((Number) c.get("threshold")).doubleValue());
        String md = Files.readString(tmp.resolve("report.md"));
        assertTrue(md.contains("![fig](one/fig.png)"));
        assertTrue(md.contains("**FAIL**"));
        assertTrue(md.contains("a note"));
    }
}
