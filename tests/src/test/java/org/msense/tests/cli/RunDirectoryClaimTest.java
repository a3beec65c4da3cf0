package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run claims its directory (run.lock) before writing: a second run into it is refused while the first lives, a
 * run killed with SIGKILL is told from a live one ({@code msense status}), and an earlier run's files or export
 * are never replaced without --overwrite.
 */
class RunDirectoryClaimTest {
    @TempDir
    Path tmp;

    static final String[] TINY = {"--n1", "8", "--n2", "6", "--rank", "1", "--measurements", "100", "--iterations", "5",
        "--log-every", "5", "--alpha", "1e-2", "--no-plots", "--progress", "never"};

    static CliRunner tinyRun(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--out", out.toString()));
        args.addAll(List.of(TINY));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(new String[0]));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLiveRunKeepsItsDirectoryAndAKilledOneIsToldFromIt() throws Exception {
        Path out = tmp.resolve("live");
        Process p = InterruptTest.startLongRun(tmp, out, 12);
        try {
            assertTrue(Files.exists(out.resolve("run.lock")), "the run holds run.lock");
            CliRunner second = tinyRun(out);
            assertEquals(2, second.status(), second.err());
            assertTrue(second.err().contains("in use") && second.err().contains("pid " + p.pid()),
                    "the refusal names the live process: " + second.err());
            assertTrue(second.err().contains("--out"), second.err());
            CliRunner status = CliRunner.run("status", out.toString());
            assertEquals(0, status.status(), status.err());
            assertTrue(status.out().contains("running (process " + p.pid() + " on "), status.out());

            // the summary follows the rows: wait until it has counted some iterations, then kill without warning
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int done = 0;
            while (System.nanoTime() < deadline && done == 0) {
                Thread.sleep(200);
                Map<String, Object> s = RunDirectoryFiles.summary(out);
                done = ((Number) ((List<Map<String, Object>>) s.get("trajectories")).get(0).get("iterations")).intValue();
            }
            assertTrue(done > 0, "summary.json counts the iterations done while the run goes on");
        } finally {
            p.destroyForcibly(); // SIGKILL: no handler runs
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        Map<String, Object> s = RunDirectoryFiles.summary(out);
        assertEquals("running", s.get("status"), "nothing could update it");
        assertEquals(p.pid(), ((Number) s.get("pid")).longValue());
        assertTrue(s.get("host") instanceof String && s.containsKey("updated"), s.toString());
        int iterations = ((Number) ((List<Map<String, Object>>) s.get("trajectories")).get(0).get("iterations")).intValue();
        assertTrue(iterations > 0, "the iterations last flushed are kept: " + s);

        CliRunner status = CliRunner.run("status", out.toString());
        assertEquals(0, status.status(), status.err());
        assertTrue(status.out().contains("dead (process " + p.pid() + " on ") && status.out().contains("is gone"),
                status.out());
        assertTrue(status.out().contains("iterations: " + iterations + " of 1000000"), status.out());

        CliRunner again = tinyRun(out);
        assertEquals(2, again.status(), again.err());
        assertTrue(again.err().contains("died") && again.err().contains("--overwrite"), again.err());
        CliRunner replaced = tinyRun(out, "--overwrite");
        assertEquals(0, replaced.status(), replaced.err());
        assertEquals("completed", RunDirectoryFiles.summary(out).get("status"));
        assertFalse(Files.exists(out.resolve("run.lock")), "a finished run releases its directory");
        assertEquals(0, CliRunner.run("status", out.toString()).status());
        assertTrue(CliRunner.run("status", out.toString()).out().startsWith("status:     completed"));
    }

    @Test
    void filesOfAnEarlierRunAreNotOverwrittenSilently() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("earlier"));
        Files.writeString(out.resolve("metrics.csv"), "old rows\n");
        Files.writeString(out.resolve("config.json"), "{}\n");
        Files.writeString(out.resolve("error.png"), "old plot");
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.createDirectories(out.resolve("checkpoint"));
        Files.writeString(out.resolve("checkpoint").resolve("state.json"), "{}");
        CliRunner r = tinyRun(out);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("config.json") && r.err().contains("metrics.csv") && r.err().contains("error.png")
                && r.err().contains("--overwrite"), r.err());
        assertEquals("old rows\n", Files.readString(out.resolve("metrics.csv")), "untouched");
        assertFalse(Files.exists(out.resolve("run.lock")), "a refused run leaves no claim behind");

        CliRunner o = tinyRun(out, "--overwrite");
        assertEquals(0, o.status(), o.err());
        assertTrue(Files.readString(out.resolve("metrics.csv")).startsWith("trajectory,iteration"));
        assertFalse(Files.exists(out.resolve("error.png")), "the old plot is gone (this run draws none)");
        assertFalse(Files.exists(out.resolve("checkpoint")), "an earlier run's checkpoint is gone: nothing resumes from it");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "other files are left alone");
        assertFalse(Files.readString(out.resolve("config.json")).contains("overwrite"), "not part of the experiment");
    }

    @Test
    void anEarlierExportIsNotReplacedSilently() throws Exception {
        Path npy = tmp.resolve("npy");
        CliRunner first = tinyRun(tmp.resolve("a"), "--export-npy", npy.toString());
        assertEquals(0, first.status(), first.err());
        long before = Files.getLastModifiedTime(npy.resolve("A.npy")).toMillis();
        CliRunner second = tinyRun(tmp.resolve("b"), "--export-npy", npy.toString(), "--seed", "7");
        assertEquals(2, second.status(), second.err());
        assertTrue(second.err().contains("export-npy") && second.err().contains("X_star.npy"), second.err());
        assertFalse(Files.exists(tmp.resolve("b").resolve("summary.json")), "refused before the run starts");
        assertEquals(before, Files.getLastModifiedTime(npy.resolve("A.npy")).toMillis());
        CliRunner third = tinyRun(tmp.resolve("c"), "--export-npy", npy.toString(), "--seed", "7", "--overwrite");
        assertEquals(0, third.status(), third.err());
    }
}
