package org.msense.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msense.core.problem.GroundTruth;
import org.msense.core.problem.RegimeEstimate;
import org.junit.jupiter.api.io.TempDir;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.lab.io.Json;

/** summary.json: the keys and their order that users and docs/cli.md rely on. */
class RunSummaryTest {
    @TempDir
    Path dir;

    private static RunSummary summary() throws Exception {
        RunConfig c = new RunConfig().setText("n1", "6").setText("n2", "5").setText("rank", "2")
                .setText("measurements", "60").setText("alpha", "1e-3,1e-2");
        return new RunSummary(RunPlan.resolve(c).spec(), "generated");
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static JsonNode written(RunSummary s, Path file) throws Exception {
        s.write(file);
        String text = Files.readString(file);
        assertTrue(text.endsWith("}\n"), "one final newline");
        return Json.readTree(text, "summary.json");
    }

    @Test
    void aRunningSummaryHasTheCoreKeysInOrder() throws Exception {
        JsonNode s = written(summary(), dir.resolve("summary.json"));
        assertEquals(List.of("status", "msense_version", "pid", "host", "started", "backend", "device",
                "backend_properties", "precision", "operator_precision", "problem", "model", "algorithm", "timing",
                "trajectories"), keys(s));
        assertEquals(ProcessHandle.current().pid(), s.get("pid").longValue(), "who runs it, for msense status");
        assertEquals("running", s.get("status").textValue());
        assertTrue(s.get("backend").isNull(), "null until the backend is open");
        assertEquals(List.of("source", "n1", "n2", "rank", "measurements", "operator", "noise", "seed"),
                keys(s.get("problem")));
        assertEquals(List.of("width", "init"), keys(s.get("model")));
        assertEquals(List.of("method", "iterations", "log_every", "tolerance", "minibatch"), keys(s.get("algorithm")));
        assertEquals(List.of("setup_s", "kernel_warmup_s", "iterate_s", "steps", "ms_per_iteration", "warmup_steps", "warmup_s",
                "steady_ms_per_iteration"), keys(s.get("timing")));
        assertTrue(s.get("timing").get("setup_s").isNull(), "NaN (not measured yet) is written as null");
        assertEquals(0, s.get("timing").get("steps").intValue());
        assertEquals(2, s.get("trajectories").size());
        JsonNode t = s.get("trajectories").get(1);
        assertEquals(List.of("index", "alpha_v", "alpha_w", "step_size", "seed", "status", "iterations"), keys(t));
        assertEquals(1e-2, t.get("alpha_v").doubleValue());
        assertEquals("running", t.get("status").textValue());
    }

    @Test
    void aFinishedSummaryAddsTheOptionalKeys() throws Exception {
        double[] sv = {0.9, 0.5, 1e-4};
        DiagnosticRecord last = new DiagnosticRecord(0, 40, 0.01, 0.02, 1e-6, 5e-7, 0.03, 0.004, 0.1, 0.2, 1.1, 1.2, 0.5,
                0.3, sv);
        RunSummary s = summary().backend("cpu", "CPU, 2 threads", Map.of("threads", "2"), List.of("cuda unavailable"))
                .truth(new double[] {1, 1}).setupSeconds(0.25).lastRecords(new DiagnosticRecord[] {last, last})
                .threads(2).touch().warn("a warning").failed("out of memory");
        JsonNode j = written(s, dir.resolve("summary.json"));
        assertEquals(List.of("status", "error", "msense_version", "pid", "host", "started", "updated", "finished",
                "backend", "threads", "device", "backend_properties", "fallbacks", "precision", "operator_precision", "problem", "model", "algorithm",
                "timing", "warnings", "trajectories"), keys(j));
        assertEquals("failed", j.get("status").textValue());
        assertEquals("out of memory", j.get("error").textValue());
        assertEquals("2", j.get("backend_properties").get("threads").textValue());
        assertEquals("[1.0,1.0]", j.get("problem").get("singular_values").toString());
        assertEquals(0.25, j.get("timing").get("setup_s").doubleValue());
        JsonNode t = j.get("trajectories").get(0);
        assertEquals(40, t.get("iterations").intValue(), "the last logged iteration while there is no result");
        assertEquals(List.of("relative_error", "loss", "imbalance_fro", "imbalance_spectral", "signal_error",
                "nuisance_norm", "norm_v", "norm_w", "grad_norm", "singular_values"), keys(t.get("final")));
        assertEquals(0.02, t.get("final").get("relative_error").doubleValue());
        assertEquals(0.5, t.get("final").get("grad_norm").doubleValue());
        String text = Files.readString(dir.resolve("summary.json"));
        assertTrue(text.contains("\"singular_values\": [0.9, 0.5, 1.0E-4]"), "short number arrays on one line: " + text);
        assertFalse(text.contains("NaN"), text);
    }

    @Test
    void theRegimeIsWrittenInTheProblemAndASkippedOneSaysWhy() throws Exception {
        // X* = e₁e₁ᵀ (3×2, r = 1) and M = X* + 0.1·e₂e₁ᵀ: ‖M − X*‖₂ = 0.1, U_M = (e₁ + 0.1e₂)/√1.01
        GroundTruth t = GroundTruth.fromMatrix(new double[] {1, 0, 0, 0, 0, 0}, 3, 2, 1);
        RegimeEstimate e = RegimeEstimate.of(new double[] {1, 0, 0.1, 0, 0, 0}, t);
        JsonNode j = written(summary().regime(e), dir.resolve("summary.json")).get("problem").get("regime");
        assertEquals(List.of("delta_hat", "deviation", "sin_angle_left", "sin_angle_right", "wedin_bound"), keys(j));
        assertEquals(0.1, j.get("delta_hat").doubleValue(), 1e-15);
        assertEquals(0.1 / Math.sqrt(1.01), j.get("sin_angle_left").doubleValue(), 1e-15);
        JsonNode skipped = written(summary().regime(RegimeEstimate.skipped(t, "too large")), dir.resolve("s2.json"))
                .get("problem").get("regime");
        assertTrue(skipped.get("delta_hat").isNull());
        assertEquals("too large", skipped.get("skipped").textValue());
    }
}
