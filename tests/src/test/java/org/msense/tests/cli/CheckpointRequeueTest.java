package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped by SIGTERM saves a checkpoint of the step it stopped at, and a killed run goes on when the same
 * {@code msense run} is given again (a requeued batch job): both end with the result of an uninterrupted run.
 */
class CheckpointRequeueTest {
    @TempDir
    Path tmp;

    /** Relative paths: run in two working directories, the two runs have the same config.json. */
    private static final String[] RUN = {"run", "--out", "run", "--export-npy", "npy", "--n1", "16", "--n2", "12",
        "--rank", "2", "--measurements", "300", "--iterations", "20000", "--log-every", "500", "--alpha", "1e-2,1e-3",
        "--checkpoint-every", "1000", "--no-plots", "--progress", "never"};

    private static String[] with(String... extra) {
        List<String> a = new ArrayList<>(List.of(RUN));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }



    private static Process start(Path dir, String... args) throws Exception {
        return JavaProcess.msense(dir, args).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile())
                .start();
    }

    /** Waits until {@code ready} holds while the run is alive. */
    private static void await(Process p, Path dir, java.util.concurrent.Callable<Boolean> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !ready.call()) {
            assertTrue(p.isAlive(), "the run ended too early: " + Files.readString(dir.resolve("first.log")));
            Thread.sleep(5);
        }
        assertTrue(ready.call(), "in time");
    }

    /** The directory's metrics.csv, spectrum.csv, config.json and final factors are those of {@code whole}. */
    private static void assertSameResult(Path whole, Path resumed) throws Exception {
        assertEquals(RunDirectoryFiles.withoutLastColumn(whole.resolve("run/metrics.csv")), RunDirectoryFiles.withoutLastColumn(resumed.resolve("run/metrics.csv")),
                "every logged number, bit for bit");
        assertEquals(Files.readAllLines(whole.resolve("run/spectrum.csv")), Files.readAllLines(resumed.resolve("run/spectrum.csv")));
        assertEquals(Files.readString(whole.resolve("run/config.json")), Files.readString(resumed.resolve("run/config.json")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("npy/V.npy")), Files.readAllBytes(resumed.resolve("npy/V.npy")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("npy/W.npy")), Files.readAllBytes(resumed.resolve("npy/W.npy")));
        assertEquals("completed", RunDirectoryFiles.summary(resumed.resolve("run")).get("status"));
        assertFalse(Files.exists(resumed.resolve("run/checkpoint")), "a completed run drops its checkpoint");
        assertFalse(Files.exists(resumed.resolve("run/run.lock")));
    }

    private static int lastIteration(Path metrics) throws Exception {
        List<String> lines = Files.readAllLines(metrics);
        String[] f = lines.get(lines.size() - 1).split(",");
        return Integer.parseInt(f[1]);
    }

    @Test
    void aTerminatedRunCheckpointsItsStepAndResumesToTheUninterruptedResult() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Process p = start(a, RUN);
        Path metrics = a.resolve("run/metrics.csv");
        // after the first logged iteration (0), at a random moment
        await(p, a, () -> Files.exists(metrics) && Files.readAllLines(metrics).size() > 3);
        Thread.sleep(ThreadLocalRandom.current().nextInt(400));
        assertTrue(p.isAlive(), "still running when signalled");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String first = Files.readString(a.resolve("first.log"));
        assertEquals(143, p.exitValue(), first);
        assertEquals("interrupted", RunDirectoryFiles.summary(a.resolve("run")).get("status"));
        // the checkpoint is that of the step it stopped at (its interrupted rows are at that iteration)
        String state = Files.readString(a.resolve("run/checkpoint/state.json"));
        int stopped = lastIteration(metrics);
        assertTrue(state.contains("\"iteration\" : " + stopped) || state.contains("\"iteration\": " + stopped)
                || state.contains("\"iteration\":" + stopped), stopped + " in " + state);

        String resumed = JavaProcess.runToEnd(a, 0, "resume", "run", "--progress", "never");
        assertTrue(resumed.contains("resuming from the checkpoint at iteration " + stopped), resumed);

        Path b = Files.createDirectories(tmp.resolve("b"));
        JavaProcess.runToEnd(b, 0, RUN);
        assertSameResult(b, a);
    }

    @Test
    void theSameCommandAgainGoesOnFromTheCheckpointOfAKilledRun() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Process p = start(a, RUN);
        await(p, a, () -> Files.exists(a.resolve("run/checkpoint/state.json")));
        Thread.sleep(ThreadLocalRandom.current().nextInt(300));
        assertTrue(p.isAlive(), "still running when killed");
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("running", RunDirectoryFiles.summary(a.resolve("run")).get("status"));
        byte[] metrics = Files.readAllBytes(a.resolve("run/metrics.csv"));

        // another configuration: refused, naming what differs, and nothing is touched
        String other = JavaProcess.runToEnd(a, 2, with("--step-size", "0.2"));
        assertTrue(other.contains("holds an interrupted run of another configuration") && other.contains("step-size")
                && other.contains("--overwrite"), other);
        assertArrayEquals(metrics, Files.readAllBytes(a.resolve("run/metrics.csv")));
        assertTrue(Files.exists(a.resolve("run/checkpoint/state.json")));

        String again = JavaProcess.runToEnd(a, 0, RUN);
        assertTrue(again.contains("holds an interrupted run of this configuration; resuming from its checkpoint at"
                + " iteration "), again);

        Path b = Files.createDirectories(tmp.resolve("b"));
        JavaProcess.runToEnd(b, 0, RUN);
        assertSameResult(b, a);

        // finished: the same command again is refused as before (its export first)
        String done = JavaProcess.runToEnd(a, 2, RUN);
        assertTrue(done.contains("already holds"), done);
    }
}
