package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with SIGKILL goes on from its checkpoint (msense resume) to the result of an uninterrupted run. */
class ResumeTest {
    @TempDir
    Path tmp;

    private static final String[] RUN = {"--n1", "16", "--n2", "12", "--rank", "2", "--measurements", "300",
        "--iterations", "20000", "--log-every", "500", "--alpha", "1e-2,1e-3", "--checkpoint-every", "1000",
        "--no-plots", "--progress", "never"};

    private static List<String> args(Path out) {
        List<String> a = new ArrayList<>(List.of("run", "--out", out.toString()));
        a.addAll(List.of(RUN));
        return a;
    }



    @Test
    void aKilledRunResumesToTheUninterruptedResult() throws Exception {
        Path killed = tmp.resolve("killed");
        Process p = JavaProcess.msense(tmp, args(killed).toArray(new String[0])).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !Files.exists(killed.resolve("checkpoint").resolve("state.json"))) {
            assertTrue(p.isAlive(), "the run ended before its first checkpoint: " + Files.readString(tmp.resolve("killed.log")));
            Thread.sleep(10);
        }
        assertTrue(p.isAlive(), "still running at its first checkpoint");
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("running", RunDirectoryFiles.summary(killed).get("status"));

        // every run in a child JVM of the same options: the fused pass differs (in rounding) with and without the
        // Vector API module, which the test JVM has
        String resumed = JavaProcess.runToEnd(tmp, 0, "resume", killed.toString(), "--progress", "never");
        assertTrue(resumed.contains("resuming from the checkpoint at iteration"), resumed);

        Path whole = tmp.resolve("whole");
        JavaProcess.runToEnd(tmp, 0, args(whole).toArray(new String[0]));

        assertEquals(RunDirectoryFiles.withoutLastColumn(whole.resolve("metrics.csv")), RunDirectoryFiles.withoutLastColumn(killed.resolve("metrics.csv")),
                "every logged number, bit for bit");
        assertEquals(Files.readAllLines(whole.resolve("spectrum.csv")), Files.readAllLines(killed.resolve("spectrum.csv")));
        assertEquals("completed", RunDirectoryFiles.summary(killed).get("status"));
        assertEquals(Files.readString(whole.resolve("config.json")), Files.readString(killed.resolve("config.json")));
        assertFalse(Files.exists(killed.resolve("checkpoint")), "a completed run drops its checkpoint");
        assertFalse(Files.exists(killed.resolve("run.lock")));

        CliRunner again = CliRunner.run("resume", killed.toString());
        assertEquals(2, again.status(), again.err());
        assertTrue(again.err().contains("has ended (completed)"), again.err());
    }
}
