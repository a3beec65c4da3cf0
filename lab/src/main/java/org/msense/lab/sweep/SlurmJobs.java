package org.msense.lab.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Talks to Slurm through its commands: submits a sweep's script with {@code sbatch} and records the job id in
 * {@code DIR/slurm/jobs}, and lists the state of the recorded jobs' array tasks with {@code squeue} ({@code sacct}
 * needs accounting storage, which many clusters and a one-node set-up lack).
 */
public final class SlurmJobs {
    /** The file of submitted job ids, one line each: {@code JOBID SUBMITTED_AT}. */
    public static final String JOBS = "jobs";
    private static final long TIMEOUT_S = 60;

    /** The result of a Slurm command: its exit status and what it printed. */
    public record Output(int status, String text) {
    }

    private SlurmJobs() {
    }

    /**
     * Submits {@code script} with {@code sbatch --parsable} and records the job id in the sweep directory.
     *
     * @return the job id
     * @throws IOException when sbatch is missing or refuses the script (its message included)
     */
    public static String submit(Path sweepDir, Path script) throws IOException {
        Output o = run(List.of("sbatch", "--parsable", script.toAbsolutePath().toString()));
        String id = o.text().trim().split(";")[0].trim();
        if (o.status() != 0 || !id.matches("\\d+")) {
            throw new IOException("sbatch refused " + script + " (exit status " + o.status() + "): " + o.text().trim());
        }
        Path jobs = sweepDir.resolve(SlurmScript.DIR).resolve(JOBS);
        Files.createDirectories(jobs.getParent());
        Files.writeString(jobs, id + " " + Instant.now() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return id;
    }

    /** The job ids submitted for a sweep directory, oldest first (empty when none). */
    public static List<String> recorded(Path sweepDir) throws IOException {
        Path jobs = sweepDir.resolve(SlurmScript.DIR).resolve(JOBS);
        List<String> ids = new ArrayList<>();
        if (Files.isRegularFile(jobs)) {
            for (String line : Files.readAllLines(jobs)) {
                if (!line.isBlank()) {
                    ids.add(line.trim().split("\\s+")[0]);
                }
            }
        }
        return ids;
    }

    /**
     * The array tasks of {@code jobIds} that Slurm still knows (pending or running), one line each:
     * {@code JOBID_TASK STATE ELAPSED REASON/NODE}, from {@code squeue -r}.
     *
     * @throws IOException when squeue is missing or fails
     */
    public static List<String> queue(List<String> jobIds) throws IOException {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        Output o = run(List.of("squeue", "-h", "-r", "-j", String.join(",", jobIds), "-o", "%i %T %M %R"));
        if (o.status() != 0) {
            if (o.text().contains("Invalid job id")) { // every job has left the queue
                return List.of();
            }
            throw new IOException("squeue failed (exit status " + o.status() + "): " + o.text().trim());
        }
        return o.text().lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    /** Runs a command, at most {@value #TIMEOUT_S} s, and returns its status and output (stdout and stderr). */
    static Output run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " cannot be started (" + e.getMessage() + "); is Slurm installed"
                    + " and on the PATH here?", e);
        }
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not answer within " + TIMEOUT_S + " s");
            }
            return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(command.get(0) + " was interrupted", e);
        }
    }
}
