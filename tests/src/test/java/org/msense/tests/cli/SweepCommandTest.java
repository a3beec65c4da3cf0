package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.lab.io.Json;

/**
 * {@code msense sweep} end to end in child JVMs, on a tiny spec: killed with SIGKILL midway and run again, it runs
 * only what was missing (finished runs untouched) and ends with the results of an uninterrupted sweep, bit for bit;
 * shards plus {@code collect} give the same results too; a changed spec is refused unless {@code --extend}, which
 * runs only the new points.
 */
class SweepCommandTest {
    /** 12 runs of one trajectory each (2 ranks × 2 m × 3 seeds), long enough to be killed in the middle. */
    static final String SPEC = """
            {
              "n1": 12, "n2": 10, "width": 10, "alpha": 1e-3, "step-size": 0.25, "iterations": 1500,
              "log-every": 50, "checkpoint-every": 100, "threads": 1, "backend": "cpu",
              "rank": [1, 2],
              "measurements": {"per": "r(n1+n2)", "values": [2, 4]},
              "seed": {"range": [1, 3]},
              "success": {"relative_error_below": 1e-2},
              "heatmap": {"x": "measurements", "y": "rank", "x_over": "r(n1+n2)", "theory_c": 3}
            }
            """;

    @TempDir
    static Path tmp;
    static Path spec;
    static Path whole;

    @BeforeAll
    static void uninterrupted() throws Exception {
        spec = tmp.resolve("spec.json");
        Files.writeString(spec, SPEC);
        whole = tmp.resolve("whole");
        String out = JavaProcess.runToEnd(tmp, 0, "sweep", spec.toString(), "--out", whole.toString(), "--progress", "never");
        assertTrue(out.contains("sweep: 12 of 12 points done"), out);
        assertEquals(13, Files.readAllLines(whole.resolve("results.csv")).size());
        assertTrue(Files.size(whole.resolve("success.png")) > 1000);
        assertTrue(Files.size(whole.resolve("success.svg")) > 1000);
    }

    @Test
    void killedMidwayAndRunAgainItFinishesOnlyWhatWasMissingWithTheSameResults() throws Exception {
        Path dir = tmp.resolve("killed");
        Process p = JavaProcess.msense(tmp, "sweep", spec.toString(), "--out", dir.toString(), "--progress", "never")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (completed(dir).size() < 4 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the sweep ran to its end before it could be killed: " + Files.readString(tmp.resolve("killed.log")));
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Map<String, FileTime> before = completed(dir);
        assertTrue(before.size() >= 4 && before.size() < 12, "runs done when killed: " + before.keySet());

        String out = JavaProcess.runToEnd(tmp, 0, "sweep", spec.toString(), "--out", dir.toString(), "--progress", "never");
        int donePoints = before.size();
        assertTrue(out.contains(donePoints + " points done, " + (12 - donePoints) + " runs to go"), out);
        Map<String, FileTime> after = completed(dir);
        for (Map.Entry<String, FileTime> e : before.entrySet()) {
            assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was run again");
        }
        assertEquals(Files.readAllLines(whole.resolve("results.csv")), Files.readAllLines(dir.resolve("results.csv")));
        assertSamePoints(whole, dir);
        // and once more: nothing to do
        String again = JavaProcess.runToEnd(tmp, 0, "sweep", spec.toString(), "--out", dir.toString(), "--progress", "never");
        assertTrue(again.contains("12 points done, 0 runs to go"), again);
    }

    @Test
    void shardsAndCollectGiveTheResultsOfTheWholeSweep() throws Exception {
        Path dir = tmp.resolve("sharded");
        String first = JavaProcess.runToEnd(tmp, 0, "sweep", spec.toString(), "--out", dir.toString(), "--shard", "0/2",
                "--progress", "never");
        assertTrue(first.contains("shard 0/2"), first);
        assertFalse(Files.exists(dir.resolve("results.csv")), "a shard leaves the results to collect");
        String status = JavaProcess.runToEnd(tmp, 0, "sweep", "status", dir.toString());
        assertTrue(status.matches("(?s).*sweep: \\d+ of 12 points done.*"), status);
        JavaProcess.runToEnd(tmp, 0, "sweep", spec.toString(), "--out", dir.toString(), "--shard", "1/2", "--progress", "never");
        String collected = JavaProcess.runToEnd(tmp, 0, "sweep", "collect", dir.toString());
        assertTrue(collected.contains("12 of 12 points done"), collected);
        assertEquals(Files.readAllLines(whole.resolve("results.csv")), Files.readAllLines(dir.resolve("results.csv")));
        assertSamePoints(whole, dir);
    }

    @Test
    void anotherSpecIsRefusedUnlessExtendedAndAnExtensionRunsOnlyTheNewPoints() throws Exception {
        Path dir = tmp.resolve("extended");
        copyTree(whole, dir);
        Path wider = tmp.resolve("wider.json");
        Files.writeString(wider, SPEC.replace("\"range\": [1, 3]", "\"range\": [1, 4]"));
        String refused = JavaProcess.runToEnd(tmp, 2, "sweep", wider.toString(), "--out", dir.toString());
        assertTrue(refused.contains("holds a sweep of another spec (it differs in seed)") && refused.contains("--extend"),
                refused);
        String out = JavaProcess.runToEnd(tmp, 0, "sweep", wider.toString(), "--out", dir.toString(), "--extend",
                "--progress", "never");
        assertTrue(out.contains("16 points in 16 runs; 12 points done, 4 runs to go"), out);
        assertEquals(17, Files.readAllLines(dir.resolve("results.csv")).size());
    }

    @Test
    void pointsThatShareAProblemRunAsOneBatchAndEachRowIsItsTrajectory() throws Exception {
        Path batchSpec = tmp.resolve("batch.json");
        Files.writeString(batchSpec, "{\"n1\": 8, \"n2\": 6, \"rank\": 1, \"measurements\": 60, \"iterations\": 300,"
                + " \"threads\": 1, \"backend\": \"cpu\", \"plots\": false, \"alpha\": [1e-2, 1e-3],"
                + " \"init-seed\": {\"range\": [1, 3]}, \"success\": {\"relative_error_below\": 1e-2}}");
        Path dir = tmp.resolve("batch");
        CliRunner r = CliRunner.run("sweep", batchSpec.toString(), "--out", dir.toString(), "--progress", "never");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("6 points in 1 run;"), r.out());
        var trajectories = Json.mapper().readTree(Files.readString(dir.resolve("points/batch/summary.json"))).get("trajectories");
        assertEquals(6, trajectories.size());
        List<String> lines = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals("point,run,trajectory,alpha,init-seed,status,iterations,success,relative_error",
                String.join(",", List.of(lines.get(0).split(",")).subList(0, 9)));
        assertEquals(7, lines.size());
        for (String line : lines.subList(1, 7)) {
            String[] f = line.split(",");
            var t = trajectories.get(Integer.parseInt(f[2]));
            assertEquals(Double.parseDouble(f[3]), t.get("alpha_v").doubleValue(), line);
            assertEquals(Long.parseLong(f[4]), t.get("seed").longValue(), line);
            assertEquals(t.get("final").get("relative_error").doubleValue(), Double.parseDouble(f[8]), 0.0, line);
            assertEquals(Double.parseDouble(f[8]) < 1e-2 ? "1" : "0", f[7], line);
        }
    }

    @Test
    void mistakesAreOneLineUsageErrors() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\n  \"alpha\": 1e-3,\n  \"rnak\": [1, 2]\n}\n");
        List<String[]> cases = List.of(
                new String[] {"sweep", bad.toString(), "--out", tmp.resolve("bad").toString()},
                new String[] {"sweep", spec.toString()},
                new String[] {"sweep", spec.toString(), "--out", tmp.resolve("s").toString(), "--shard", "2/2"},
                new String[] {"sweep", spec.toString(), "--out", tmp.resolve("s").toString(), "--time", "01:00:00"},
                new String[] {"sweep", "collect", tmp.resolve("nowhere").toString()},
                new String[] {"sweep", "status", spec.getParent().toString()});
        List<String> expected = List.of("bad.json line 3", "--out DIR", "0 ≤ i < N", "go with --slurm",
                "is not a directory", "holds no sweep");
        for (int i = 0; i < cases.size(); i++) {
            CliRunner r = CliRunner.run(cases.get(i));
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().contains(expected.get(i)) && r.err().startsWith("msense sweep") && !r.hasStackTrace(), r.err());
        }
        assertTrue(CliRunner.run("sweep", bad.toString(), "--out", "x").err().contains("did you mean rank?"));
    }

    @Test
    void dryRunWritesTheJobScriptWithoutSubmitting() throws Exception {
        Path dir = tmp.resolve("dry");
        CliRunner r = CliRunner.run("sweep", spec.toString(), "--out", dir.toString(), "--slurm", "--dry-run", "--tasks", "5",
                "--partition", "short", "--time", "00:30:00");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("12 points in 12 runs as a job array of 5 tasks"), r.out());
        String script = Files.readString(dir.resolve("sweep.sbatch"));
        assertTrue(script.contains("#SBATCH --array=0-4\n") && script.contains("#SBATCH --partition=short")
                && script.contains("--shard \"$shard\""), script);
        assertFalse(Files.exists(dir.resolve("slurm").resolve("jobs")), "nothing submitted");
    }

    /** Every point directory's metrics.csv (wall times aside) and final summary numbers are the same in both sweeps. */
    private static void assertSamePoints(Path a, Path b) throws IOException {
        List<Path> runs;
        try (Stream<Path> s = Files.list(a.resolve("points"))) {
            runs = s.sorted().toList();
        }
        assertEquals(12, runs.size());
        for (Path run : runs) {
            Path other = b.resolve("points").resolve(run.getFileName());
            assertEquals(RunDirectoryFiles.withoutLastColumn(run.resolve("metrics.csv")),
                    RunDirectoryFiles.withoutLastColumn(other.resolve("metrics.csv")), run.getFileName().toString());
            assertEquals(Json.mapper().readTree(Files.readString(run.resolve("summary.json"))).get("trajectories"),
                    Json.mapper().readTree(Files.readString(other.resolve("summary.json"))).get("trajectories"));
        }
    }

    /** The runs whose summary says completed, with the time their metrics.csv was last written. */
    private static Map<String, FileTime> completed(Path dir) throws IOException {
        Map<String, FileTime> out = new TreeMap<>();
        Path points = dir.resolve("points");
        if (!Files.isDirectory(points)) {
            return out;
        }
        try (Stream<Path> s = Files.list(points)) {
            for (Path run : s.toList()) {
                Path summary = run.resolve("summary.json");
                try {
                    if (Files.isRegularFile(summary) && Files.readString(summary).contains("\"status\": \"completed\"")) {
                        out.put(run.getFileName().toString(), Files.getLastModifiedTime(run.resolve("metrics.csv")));
                    }
                } catch (IOException e) {
                    // being replaced at this moment: counted at the next look
                }
            }
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Map<Path, Path> pairs = new HashMap<>();
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.toList()) {
                pairs.put(f, to.resolve(from.relativize(f).toString()));
            }
        }
        for (Path f : pairs.keySet().stream().sorted().toList()) {
            if (Files.isDirectory(f)) {
                Files.createDirectories(pairs.get(f));
            } else {
                Files.copy(f, pairs.get(f), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
