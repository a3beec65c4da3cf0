package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed mid-way (SIGTERM, as Ctrl-C or a batch scheduler would) keeps its rows and says it was interrupted. */
class InterruptTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void killedRunLeavesValidMetricsAndAnInterruptedSummary() throws Exception {
        Path out = tmp.resolve("run");
        Process p = JavaProcess.msense(tmp, "run", "--out", out.toString(), "--n1", "40", "--n2", "40", "--measurements",
                "2000", "--iterations", "1000000", "--log-every", "20", "--alpha", "1e-2,1e-3")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        Path metrics = out.resolve("metrics.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && (!Files.exists(metrics) || Files.readAllLines(metrics).size() < 12)) {
            assertTrue(p.isAlive(), "the run ended early: " + Files.readString(tmp.resolve("log.txt")));
            Thread.sleep(100);
        }
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run must stop promptly after SIGTERM");
        String log = Files.readString(tmp.resolve("log.txt"));
        assertEquals(143, p.exitValue(), "a SIGTERM ends the JVM with 128+15 after the hook ran; log: " + log);
        Map<String, Object> s = RunDirectoryFiles.summary(out);
        assertEquals("interrupted", s.get("status"), log);
        List<Map<String, Object>> ts = (List<Map<String, Object>>) s.get("trajectories");
        for (Map<String, Object> t : ts) {
            assertEquals("interrupted", t.get("status"));
            assertTrue(((Number) t.get("iterations")).intValue() > 0);
            assertTrue(t.containsKey("final"));
        }
        List<double[]> rows = RunDirectoryFiles.metrics(out); // throws on an incomplete row
        assertTrue(rows.size() >= 12, "rows computed before the kill are kept");
        int it = RunDirectoryFiles.column(out, "iteration");
        double lastLogged = rows.get(rows.size() - 1)[it];
        assertEquals(((Number) ts.get(0).get("iterations")).doubleValue(), lastLogged,
                "the state at the interruption is logged and matches the summary");
        assertTrue(Files.exists(out.resolve("error.svg")), "plots are written for the part that ran");
    }
}
