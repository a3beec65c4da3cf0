package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Precision;
import org.msense.lab.io.Json;
import org.msense.lab.reproduce.Check;
import org.msense.lab.reproduce.Experiment;
import org.msense.lab.reproduce.ExperimentResult;
import org.msense.lab.reproduce.Lab;
import org.msense.lab.reproduce.ReproduceJob;
import org.msense.lab.run.ProgressBar;

/** A failed check gives exit status 1 after the report is written; an interrupted suite keeps its finished experiments. */
class ReproduceOutcomeTest {
    @TempDir
    Path tmp;

    /** An experiment whose single check fails: measured 2, required ≤ 1. */
    private static final class Failing implements Experiment {
        @Override
        public String name() {
            return "failing";
        }

        @Override
        public String summary() {
            return "always fails its check";
        }

        @Override
        public ExperimentResult run(Lab lab) {
            return new ExperimentResult(name(), "failing — a check that does not hold", "claim", "setup", Map.of(), "",
                    List.of(), List.of(Check.atMost("measured against bound", 2, 1, "for the test")), List.of(), 0);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedCheckExitsOneAndIsReported() throws Exception {
        Path out = tmp.resolve("fail");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int status;
        try (PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8)) {
            status = new ReproduceJob(List.of(new Failing()), true, out, "cpu", Precision.FP64, 1, ps, ps, ProgressBar.Style.LINES)
                    .execute(Backends.discover());
        }
        assertEquals(ReproduceJob.CHECK_FAILED, status, o.toString(StandardCharsets.UTF_8));
        Map<String, Object> report = (Map<String, Object>) Json.mapper().readValue(
                Files.readString(out.resolve("report.json")), Map.class);
        assertEquals("completed", report.get("status"));
        assertEquals(Boolean.FALSE, report.get("passed"));
        Map<String, Object> e = (Map<String, Object>) ((List<Object>) report.get("experiments")).get(0);
        Map<String, Object> c = (Map<String, Object>) ((List<Object>) e.get("checks")).get(0);
        assertEquals(Boolean.FALSE, c.get("pass"));
        assertEquals(2.0, ((Number) c.get("measured")).doubleValue());
        assertEquals(1.0, ((Number) c.get("threshold")).doubleValue());
        assertTrue(Files.readString(out.resolve("report.md")).contains("**FAIL**"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void killedSuiteKeepsFinishedExperiments() throws Exception {
        Path out = tmp.resolve("repro");
        Process p = JavaProcess.msense(tmp, "reproduce", "all", "--quick", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        Path json = out.resolve("report.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline && finished(json) < 1) {
            assertTrue(p.isAlive(), "the suite ended early: " + Files.readString(tmp.resolve("log.txt")));
            Thread.sleep(100);
        }
        p.destroy(); // SIGTERM, as Ctrl-C
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the suite must stop promptly");
        String log = Files.readString(tmp.resolve("log.txt"));
        Map<String, Object> report = (Map<String, Object>) Json.mapper().readValue(Files.readString(json), Map.class);
        int kept = ((List<Object>) report.get("experiments")).size();
        assertTrue(kept >= 1, "finished experiments are kept: " + log);
        if (kept < 8) {
            assertEquals("interrupted", report.get("status"), log);
        }
        assertTrue(Files.readString(out.resolve("report.md")).contains("## alpha"), "report.md keeps the finished ones");
    }

    @SuppressWarnings("unchecked")
    private static int finished(Path json) {
        try {
            Map<String, Object> r = (Map<String, Object>) Json.mapper().readValue(Files.readString(json), Map.class);
            return ((List<Object>) r.get("experiments")).size();
        } catch (Exception notYet) {
            return 0;
        }
    }
}
