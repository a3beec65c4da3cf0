package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.lab.run.RunLock;

/**
 * {@code msense sweep --slurm} against a real Slurm: a one-node cluster on this machine (munged, slurmctld, slurmd
 * started by {@code slurm/local-slurm.sh}, which installs Debian's slurm-wlm and munge when they are absent and
 * {@code MSENSE_REQUIRE_SLURM=1}). A sweep submitted as a job array of two tasks ends with the results of a local
 * {@code msense sweep} of the same spec, bit for bit (wall times aside); then a running array task cancelled with
 * {@code scancel} leaves its points unfinished, and a resubmission completes them, again with the local results.
 *
 * <p>Where Slurm cannot start, the test says why and is skipped, unless {@code MSENSE_REQUIRE_SLURM=1} (set by
 * {@code .ci/run}): then it fails.
 */
class SlurmSweepTest {
    /** 8 runs of a few seconds each: long enough that an array task can be cancelled while it runs. */
    static final String SPEC = """
            {
              "n1": 12, "n2": 10, "width": 10, "alpha": 1e-3, "step-size": 0.25, "iterations": 6000,
              "log-every": 100, "checkpoint-every": 200, "threads": 1, "backend": "cpu", "plots": false,
              "rank": [1, 2],
              "measurements": {"per": "r(n1+n2)", "values": [2, 4]},
              "seed": [1, 2],
              "success": {"relative_error_below": 1e-2},
              "heatmap": {"x": "measurements", "y": "rank", "x_over": "r(n1+n2)"}
            }
            """;
    private static final long JOB_TIMEOUT_S = 300;
    private static final boolean REQUIRED = "1".equals(System.getenv("MSENSE_REQUIRE_SLURM"));

    @TempDir
    Path tmp;
    private Path conf;

    @Test
    void aJobArrayGivesTheLocalResultsAndACancelledTaskIsCompletedByAResubmission() throws Exception {
        Path cluster = tmp.resolve("cluster");
        Path script = tmp.resolve("local-slurm.sh");
        try (InputStream in = SlurmSweepTest.class.getResourceAsStream("/slurm/local-slurm.sh")) {
            Files.write(script, in.readAllBytes());
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        long t0 = System.nanoTime();
        Result start = command(List.of(script.toString(), "start", cluster.toString()), 900);
        System.out.printf("local Slurm: start took %.1f s%n%s", (System.nanoTime() - t0) / 1e9, start.text());
        if (start.status() != 0) {
            String lines = start.text().strip();
            String reason = lines.substring(lines.lastIndexOf('\n') + 1);
            if (REQUIRED) {
                fail("Slurm cannot start here and MSENSE_REQUIRE_SLURM=1: " + reason);
            }
            Assumptions.assumeTrue(false, "Slurm cannot start here (" + reason + "); MSENSE_REQUIRE_SLURM=1 makes this a failure");
        }
        conf = cluster.resolve("slurm.conf");
        try {
            run(script);
        } finally {
            command(List.of("scancel", "--name=msense-sweep"), 30);
            Result stop = command(List.of(script.toString(), "stop", cluster.toString()), 60);
            assertEquals(0, stop.status(), stop.text());
        }
    }

    private void run(Path script) throws Exception {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, SPEC);
        Path local = tmp.resolve("local");
        String out = msense(0, "sweep", spec.toString(), "--out", local.toString(), "--progress", "never");
        assertTrue(out.contains("8 of 8 points done"), out);

        // 1. the whole sweep as a job array of two tasks
        Path array = tmp.resolve("array");
        String job = submit(spec, array);
        waitForJob(job);
        for (int task = 0; task < 2; task++) {
            String log = Files.readString(array.resolve("slurm").resolve(job + "_" + task + ".out"));
            assertTrue(log.contains("shard " + task + "/2") && log.contains("points done"), log);
        }
        String collected = msense(0, "sweep", "collect", array.toString());
        assertTrue(collected.contains("8 of 8 points done"), collected);
        assertSameResults(local, array);

        // 2. a running array task cancelled, then the same command again
        Path cancelled = tmp.resolve("cancelled");
        String first = submit(spec, cancelled);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_TIMEOUT_S);
        Path task0 = cancelled.resolve("slurm").resolve(first + "_0.out");
        while (!(queue(first).contains(first + "_0 RUNNING") && Files.isRegularFile(task0)
                && Files.readString(task0).contains("runs to go"))) {
            assertTrue(System.nanoTime() < deadline, "task 0 of job " + first + " never ran: " + queue(first));
            Thread.sleep(100);
        }
        Thread.sleep(1500); // into its first run (each takes a few seconds)
        Result scancel = command(List.of("scancel", first + "_0"), 30);
        assertEquals(0, scancel.status(), scancel.text());
        waitForJob(first);
        // msense may go on briefly after Slurm has let the task go (it finishes its step and writes its files, within
        // KillWait): wait until no run of the sweep is held by a live process
        long stopping = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (liveRuns(cancelled) > 0) {
            assertTrue(System.nanoTime() < stopping, "msense of the cancelled task did not end: " + Files.readString(task0));
            Thread.sleep(200);
        }
        String partial = msense(0, "sweep", "collect", cancelled.toString());
        Matcher done = Pattern.compile("(\\d+) of 8 points done").matcher(partial);
        assertTrue(done.find() && Integer.parseInt(done.group(1)) < 8, "the cancelled task left points undone: " + partial);
        String log0 = Files.readString(task0);
        assertTrue(log0.contains("terminated (SIGTERM)"), "msense stopped cleanly on scancel: " + log0);
        String status = msense(0, "sweep", "status", cancelled.toString());
        assertTrue(status.contains("slurm jobs: " + first), status);

        String second = submit(spec, cancelled);
        waitForJob(second);
        String complete = msense(0, "sweep", "collect", cancelled.toString());
        assertTrue(complete.contains("8 of 8 points done"), complete);
        assertSameResults(local, cancelled);
        System.out.println("cancelled task 0 of job " + first + " after it started; job " + second + " completed the sweep:\n"
                + log0 + Files.readString(cancelled.resolve("slurm").resolve(second + "_0.out")));
    }

    /** {@code msense sweep SPEC --out DIR --slurm --tasks 2}; returns the job id it reports. */
    private String submit(Path spec, Path dir) throws Exception {
        String out = msense(0, "sweep", spec.toString(), "--out", dir.toString(), "--slurm", "--tasks", "2");
        Matcher m = Pattern.compile("submitted job (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Files.readString(dir.resolve("sweep.sbatch")).contains("#SBATCH --array=0-1"));
        return m.group(1);
    }

    /** Waits (at most {@value #JOB_TIMEOUT_S} s) until no task of the job is pending or running. */
    private void waitForJob(String job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_TIMEOUT_S);
        while (!queue(job).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "job " + job + " did not end within " + JOB_TIMEOUT_S + " s: " + queue(job));
            Thread.sleep(250);
        }
    }

    /** The job's array tasks that Slurm lists, as {@code JOB_TASK STATE} lines. */
    private String queue(String job) throws Exception {
        Result r = command(List.of("squeue", "-h", "-r", "-j", job, "-o", "%i %T"), 30);
        return r.status() == 0 ? r.text().strip() : "";
    }

    /** How many run directories of a sweep are held by a live process (their run.lock). */
    private static long liveRuns(Path sweep) throws IOException {
        Path points = sweep.resolve("points");
        if (!Files.isDirectory(points)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(points)) {
            long live = 0;
            for (Path run : s.toList()) {
                live += RunLock.probe(run).state() == RunLock.State.LIVE ? 1 : 0;
            }
            return live;
        }
    }

    private static void assertSameResults(Path a, Path b) throws IOException {
        assertEquals(Files.readAllLines(a.resolve("results.csv")), Files.readAllLines(b.resolve("results.csv")));
        try (Stream<Path> s = Files.list(a.resolve("points"))) {
            for (Path run : s.sorted().toList()) {
                assertEquals(RunDirectoryFiles.withoutLastColumn(run.resolve("metrics.csv")),
                        RunDirectoryFiles.withoutLastColumn(b.resolve("points").resolve(run.getFileName()).resolve("metrics.csv")),
                        run.getFileName().toString());
            }
        }
    }

    private String msense(int status, String... args) throws Exception {
        Path log = Files.createTempFile(tmp, "msense", ".log");
        ProcessBuilder pb = JavaProcess.msense(tmp, args).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SLURM_CONF", conf.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(JOB_TIMEOUT_S, TimeUnit.SECONDS), "msense " + String.join(" ", args) + " ends");
        String out = Files.readString(log);
        assertEquals(status, p.exitValue(), out);
        return out;
    }

    private record Result(int status, String text) {
    }

    private Result command(List<String> cmd, long timeoutS) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (conf != null) {
            pb.environment().put("SLURM_CONF", conf.toString());
        }
        if (REQUIRED) {
            pb.environment().put("MSENSE_SLURM_INSTALL", "1");
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, cmd.get(0) + " cannot be started: " + e.getMessage());
        }
        Path log = Files.createTempFile(tmp, "cmd", ".log");
        Thread reader = new Thread(() -> {
            try {
                Files.write(log, p.getInputStream().readAllBytes());
            } catch (IOException e) {
                // the status says enough
            }
        });
        reader.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            return new Result(124, String.join(" ", cmd) + " did not end within " + timeoutS + " s: "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        reader.join(5000);
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
