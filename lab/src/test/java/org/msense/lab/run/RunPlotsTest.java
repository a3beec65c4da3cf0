package org.msense.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.core.backend.Precision;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;
import org.msense.lab.plot.Series;

/** What the plots of a run tell about trajectories that diverged and runs that stopped early. */
class RunPlotsTest {
    private static final BatchSpec SPEC = new BatchSpec(
            new ProblemSpec(20, 15, 2, 1.0, 1.0, 400, OperatorKind.GAUSSIAN, 0.0, 1),
            new ModelSpec(4, InitNormalization.PER_WIDTH, Precision.FP64), new AlgorithmSpec(100, 10, 0, 0),
            List.of(new TrajectorySpec(1, 1e-3, 1e-3, 0.1), new TrajectorySpec(1, 1e-2, 1e-2, 0.1)));

    private static DiagnosticRecord record(int b, int t, double v) {
        return new DiagnosticRecord(b, t, v, v, v, v, v, v, v, v, v, v, v, 0.01 * t, new double[] {1 - v, 1 - v, v, v});
    }

    /** Trajectory 0 converges over 0…50; trajectory 1 turns NaN at iteration 30 and stops there. */
    private static List<DiagnosticRecord> history() {
        List<DiagnosticRecord> h = new ArrayList<>();
        for (int t = 0; t <= 50; t += 10) {
            h.add(record(0, t, Math.exp(-t / 10.0)));
            if (t <= 30) {
                h.add(record(1, t, t < 30 ? Math.exp(-t / 20.0) : Double.NaN));
            }
        }
        return h;
    }

    @Test
    void divergedTrajectoriesAreNamedInTheLegendsAndTitles(@TempDir Path dir) throws Exception {
        List<String> warnings = new ArrayList<>();
        RunPlots.write(dir, SPEC, new double[] {1, 1}, history(), "completed", warnings);
        assertTrue(warnings.isEmpty(), warnings.toString());
        for (String plot : List.of("error.svg", "imbalance.svg", "spectrum-01.svg")) {
            String svg = Files.readString(dir.resolve(plot));
            assertTrue(svg.contains("α=1e-2 (diverged at iteration 30)"), plot);
            assertFalse(svg.contains("α=1e-3 (diverged"), plot);
            assertFalse(svg.contains("partial"), plot);
        }
        assertFalse(Files.readString(dir.resolve("spectrum-00.svg")).contains("diverged"));
        Series last = RunPlots.lastPoint(new double[] {0, 10, 20, 30}, new double[] {1, 0.5, Double.POSITIVE_INFINITY, Double.NaN});
        assertEquals(1, last.size());
        assertFalse(last.inLegend());
        // Finite but grown beyond the engine's limit counts too.
        List<DiagnosticRecord> grown = List.of(record(0, 0, 1), record(0, 10, 2e8));
        assertEquals(10, RunPlots.divergedAt(grown));
        assertEquals(-1, RunPlots.divergedAt(List.of(record(0, 0, 1), record(0, 10, 0.5))));
    }

    @Test
    void plotsOfARunThatStoppedEarlySaySo(@TempDir Path dir) throws Exception {
        RunPlots.write(dir, SPEC, new double[] {1, 1}, history(), "interrupted", new ArrayList<>());
        for (String plot : List.of("error.svg", "imbalance.svg", "spectrum-00.svg", "spectrum-01.svg")) {
            assertTrue(Files.readString(dir.resolve(plot)).contains("(partial: interrupted at iteration 50)"), plot);
        }
        assertEquals("(partial: failed at iteration 50)", RunPlots.partial("failed", history()));
        assertEquals("", RunPlots.partial("completed", history()));
    }
}
