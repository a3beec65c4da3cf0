package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed mid-way (SIGTERM, as Ctrl-C or a batch scheduler would) keeps its rows and says it was interrupted. */
class InterruptTest {
    @TempDir
    Path tmp;

    /** Starts a long run into {@code out} and waits until metrics.csv holds {@code rows} lines. */
    static Process startLongRun(Path tmp, Path out, int rows, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--out", out.toString(), "--n1", "40", "--n2", "40",
                "--measurements", "2000", "--iterations", "1000000", "--log-every", "20", "--alpha", "1e-2,1e-3"));
        args.addAll(List.of(extra));
        Path log = tmp.resolve(out.getFileName() + ".log");
        Process p = JavaProcess.msense(tmp, args.toArray(new String[0]))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path metrics = out.resolve("metrics.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && (!Files.exists(metrics) || Files.readAllLines(metrics).size() < rows)) {
            assertTrue(p.isAlive(), "the run ended early: " + Files.readString(log));
            Thread.sleep(100);
        }
        return p;
    }

    /** Sends a signal by name with kill(1). */
    static void signal(Process p, String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor());
    }

    static void assertDecodablePng(Path png) throws Exception {
        assertTrue(Files.exists(png), png + " is written");
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertTrue(img != null && img.getWidth() > 100 && img.getHeight() > 100, png + " decodes as a PNG image");
    }

    /**
     * Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status): a child started from a shell's
     * background job without job control inherits that, and a process that ignores SIGINT at start cannot be stopped
     * by it (POSIX; the JVM then leaves the signal alone), so the Ctrl-C test cannot run there.
     */
    static boolean sigintIgnored() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    @Test
    void ctrlCEndsWith130AndWritesEveryPlot() throws Exception {
        Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (started in the background of a shell"
                + " without job control), so the child run would inherit that and no Ctrl-C can reach it");
        Path out = tmp.resolve("int");
        Process p = startLongRun(tmp, out, 6);
        signal(p, "INT");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run must stop promptly after SIGINT");
        String log = Files.readString(tmp.resolve("int.log"));
        assertEquals(130, p.exitValue(), "SIGINT: 128+2; log: " + log);
        assertEquals("interrupted", RunDirectoryFiles.summary(out).get("status"), log);
        assertDecodablePng(out.resolve("error.png"));
        assertDecodablePng(out.resolve("imbalance.png"));
        assertTrue(!log.contains("PNG encoding failed") && !log.contains("Exception"), "no failure while writing: " + log);
        assertTrue(log.contains("interrupted (SIGINT); finishing the step"), "the signal is acknowledged: " + log);
    }

    @Test
    @SuppressWarnings("unchecked")
    void killedRunLeavesValidMetricsAndAnInterruptedSummary() throws Exception {
        Path out = tmp.resolve("run");
        Process p = startLongRun(tmp, out, 12);
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run must stop promptly after SIGTERM");
        String log = Files.readString(tmp.resolve("run.log"));
        assertEquals(143, p.exitValue(), "a SIGTERM ends the run with 128+15 once its files are written; log: " + log);
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
        assertDecodablePng(out.resolve("error.png"));
        assertTrue(!log.contains("PNG encoding failed") && !log.contains("Shutdown in progress"), log);
        assertTrue(log.contains("terminated (SIGTERM); finishing the step"), "the signal is acknowledged: " + log);
        assertTrue(log.contains("run directory: "), "the run ends normally, not in a JVM shutdown: " + log);
    }
    /**
     * A scheduler's cancel can deliver SIGTERM twice in the same instant (Slurm signals the job's processes more than
     * once): two signals 50 ms apart are one request, so the run still finishes its step and writes its results
     * instead of halting (a second signal more than a second later still quits at once).
     */
    @Test
    @SuppressWarnings("unchecked")
    void twoSigtermsInTheSameInstantAreOneRequest() throws Exception {
        Path out = tmp.resolve("twice");
        Process p = startLongRun(tmp, out, 8);
        signal(p, "TERM");
        Thread.sleep(50);
        signal(p, "TERM");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run must stop promptly after SIGTERM");
        String log = Files.readString(tmp.resolve("twice.log"));
        assertEquals(143, p.exitValue(), log);
        assertTrue(log.contains("terminated (SIGTERM); finishing the step"), "the signal is acknowledged: " + log);
        assertTrue(log.contains("run directory: "), "the run ends normally, not halted by the repeated signal: " + log);
        Map<String, Object> s = RunDirectoryFiles.summary(out);
        assertEquals("interrupted", s.get("status"), log);
    }
}
