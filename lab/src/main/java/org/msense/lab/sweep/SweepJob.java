package org.msense.lab.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.msense.core.backend.Backend;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Backends;
import org.msense.core.spec.InvalidSpecException;
import org.msense.lab.io.AtomicFiles;
import org.msense.lab.io.Json;
import org.msense.lab.run.Failures;
import org.msense.lab.run.InterruptSignal;
import org.msense.lab.run.ProgressBar;
import org.msense.lab.run.RunConfig;
import org.msense.lab.run.RunInputException;
import org.msense.lab.run.RunJob;
import org.msense.lab.run.RunPlan;

/**
 * Runs a sweep (or one shard of it) into a sweep directory: {@code sweep.json} (the spec), {@code points/NAME} (one
 * ordinary run directory per group of points that share a problem, see {@link SweepPlan}), {@code results.csv} and
 * the heatmap {@code success.png}/{@code .svg}, rewritten as runs finish (by a whole sweep; shards leave them to
 * {@link #collect}).
 *
 * <p>Resumable and idempotent: a group whose run ended is skipped; one interrupted after a checkpoint goes on from
 * it (as {@code msense resume}); one that stopped without a checkpoint starts again. A different spec for the same
 * directory is refused unless {@code extend}: then the new spec is recorded and runs whatever it lacks (groups of the
 * same configuration that are done are kept; a group whose configuration changed runs again). Ctrl-C or SIGTERM stops
 * the run in progress as {@code msense run} does (it checkpoints with {@code checkpoint-every}) and then the sweep,
 * with 130 or 143.
 */
public final class SweepJob {
    /** The spec as recorded in the sweep directory. */
    public static final String SPEC = "sweep.json";
    /** Exit status when every point of the sweep (or shard) is done. */
    public static final int OK = 0;
    /** Exit status when some run failed (the others ran). */
    public static final int FAILED = 1;

    /** Shard {@code index} of {@code count}: 0 ≤ index < count. */
    public record Shard(int index, int count) {
        public Shard {
            if (count < 1 || index < 0 || index >= count) {
                throw new InvalidSpecException("shard", "give i/N with 0 ≤ i < N, got " + index + "/" + count);
            }
        }

        /**
         * Parses {@code i/N}.
         *
         * @throws InvalidSpecException when the text is not of that form
         */
        public static Shard parse(String text) {
            String[] parts = text.trim().split("/", -1);
            try {
                if (parts.length == 2) {
                    return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                }
            } catch (NumberFormatException e) {
                // the message below
            }
            throw new InvalidSpecException("shard", "give i/N (shard i of N, 0 ≤ i < N, e.g. 0/4), got '" + text + "'");
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }

    private final SweepPlan plan;
    private final Path dir;
    private final Shard shard;
    private final boolean extend;
    private final List<Backend> backends;
    private final PrintStream out;
    private final PrintStream err;
    private final ProgressBar.Style progress;

    /**
     * @param shard    the shard to run, or null for all
     * @param extend   accept a spec that differs from the one recorded in {@code dir}
     * @param backends the backends to choose from
     */
    public SweepJob(SweepPlan plan, Path dir, Shard shard, boolean extend, List<Backend> backends, PrintStream out,
            PrintStream err, ProgressBar.Style progress) {
        this.plan = plan;
        this.dir = dir;
        this.shard = shard;
        this.extend = extend;
        this.backends = backends;
        this.out = out;
        this.err = err;
        this.progress = progress;
    }

    /**
     * Records the spec in {@code dir} (checking it against the one there) and runs the groups of the shard that are
     * not done, in plan order.
     *
     * @return {@link #OK}, {@link #FAILED}, or 130 / 143 when interrupted by SIGINT / SIGTERM
     * @throws InvalidSpecException when {@code dir} holds something else or a sweep of another spec
     */
    public int execute() throws IOException {
        record(plan.spec(), dir, extend);
        List<SweepPlan.Group> mine = shard == null ? plan.groups() : plan.shard(shard.index(), shard.count());
        int total = mine.stream().mapToInt(g -> g.points().size()).sum();
        List<SweepPlan.Group> todo = new ArrayList<>();
        int done = 0;
        for (SweepPlan.Group g : mine) {
            if (PointDirectory.state(dir, g) == PointDirectory.State.DONE) {
                done += g.points().size();
            } else {
                todo.add(g);
            }
        }
        // the handlers go in before anything is printed or probed, so that a signal at any point after the header
        // (a scheduler's scancel, say) is acknowledged and ends the sweep with 130/143 between or inside runs
        List<String> failed = new ArrayList<>();
        int exit = OK;
        try (InterruptSignal stop = InterruptSignal.install("msense-sweep-interrupt", n -> err.println("msense sweep: "
                + (n == 2 ? "interrupted (SIGINT)" : "terminated (SIGTERM)") + "; stopping (the same command again goes on)"))) {
            header(mine, total, done, todo.size());
            List<Backend> forAuto = chooseOnce();
            double costLeft = todo.stream().mapToDouble(SweepPlan.Group::cost).sum();
            double costRun = 0;
            SweepProgress bar = new SweepProgress(err, progress, total);
            long lastDrawn = System.nanoTime();
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            try {
                for (SweepPlan.Group g : todo) {
                    if (stop.requested()) {
                        exit = stop.exitStatus();
                        break;
                    }
                    int status = runGroup(g, quiet, failed, forAuto);
                    if (status == InterruptSignal.SIGINT_STATUS || status == InterruptSignal.SIGTERM_STATUS) {
                        exit = status;
                        break;
                    }
                    costRun += g.cost();
                    costLeft -= g.cost();
                    if (status == RunJob.OK || status == RunJob.DIVERGED) {
                        done += g.points().size();
                    }
                    bar.update(done, costRun, Math.max(0, costLeft));
                    if (shard == null && System.nanoTime() - lastDrawn > 5_000_000_000L) {
                        writeOutputs(false);
                        lastDrawn = System.nanoTime();
                    }
                }
            } finally {
                bar.finish();
            }
        }
        if (shard == null) {
            writeOutputs(true);
        }
        if (exit == OK && !failed.isEmpty()) {
            exit = FAILED;
            err.println("msense sweep: " + failed.size() + " run(s) failed: " + String.join("; ", failed)
                    + "; the same command again runs them again");
        }
        out.printf(Locale.ROOT, "%s%s: %d of %d points done%s%n", shard == null ? "sweep" : "shard ",
                shard == null ? "" : shard.toString(), done, total,
                shard == null ? " (results.csv" + (SweepHeatmap.wanted(plan) ? ", " + SweepHeatmap.NAME + ".png" : "") + ")"
                        : "; msense sweep collect " + dir + " merges the shards");
        out.println("sweep directory: " + dir);
        return exit;
    }

    private void header(List<SweepPlan.Group> mine, int total, int done, int runs) {
        out.printf(Locale.ROOT, "msense sweep: %d points in %d run%s%s; %d points done, %d runs to go%n", total, mine.size(),
                mine.size() == 1 ? "" : "s",
                shard == null ? "" : " (shard " + shard + " of the sweep's " + plan.points().size() + " points in "
                        + plan.groups().size() + " runs)", done, runs);
        String task = System.getenv("SLURM_ARRAY_TASK_ID");
        if (task != null) {
            out.println("slurm: job " + System.getenv("SLURM_ARRAY_JOB_ID") + " task " + task + " on "
                    + System.getenv("SLURMD_NODENAME"));
        }
        String gpus = System.getenv("CUDA_VISIBLE_DEVICES");
        if (gpus != null) {
            out.println("GPU: CUDA_VISIBLE_DEVICES=" + gpus + " (the CUDA backend uses the first of these)");
        }
        out.flush();
    }

    /**
     * The backends that runs asking for {@code auto} choose from: the one {@code auto} picks here, chosen once, so
     * that why a better one is unavailable is said once rather than once per run (all of them when none can run: each
     * run then says why).
     */
    private List<Backend> chooseOnce() {
        try {
            Backends.Selection s = Backends.select("auto", backends);
            s.fallbacks().forEach(f -> err.println("msense sweep: " + f + "; runs asking for backend auto use "
                    + s.backend().id()));
            return List.of(s.backend());
        } catch (BackendException e) {
            return backends;
        }
    }

    /** Runs one group; returns the run's exit status (failures are added to {@code failed}). */
    private int runGroup(SweepPlan.Group g, PrintStream quiet, List<String> failed, List<Backend> forAuto)
            throws IOException {
        PointDirectory.State state = PointDirectory.state(dir, g);
        if (state == PointDirectory.State.RUNNING) {
            err.println("msense sweep: " + g.name() + " is being run by another process; left to it");
            return RunJob.FAILED;
        }
        if (state == PointDirectory.State.OTHER && !extend) {
            failed.add(g.name() + ": its directory holds a run of another configuration (rerun with --extend to replace it)");
            return RunJob.FAILED;
        }
        RunConfig c = g.config();
        c.set("out", PointDirectory.of(dir, g));
        c.set("progress", "never");
        c.set("overwrite", state != PointDirectory.State.RESUMABLE);
        try {
            Files.createDirectories(dir.resolve(PointDirectory.POINTS));
            List<Backend> choices = c.getString("backend").trim().equalsIgnoreCase("auto") ? forAuto : backends;
            int status = new RunJob(RunPlan.resolve(c), choices, quiet, err, ProgressBar.Style.NONE).execute();
            if (status != RunJob.OK && status != RunJob.DIVERGED && status != InterruptSignal.SIGINT_STATUS
                    && status != InterruptSignal.SIGTERM_STATUS) {
                failed.add(g.name() + ": exit status " + status + " (see its summary.json)");
            }
            return status;
        } catch (InvalidSpecException | RunInputException | BackendException e) {
            failed.add(g.name() + ": " + e.getMessage());
            return RunJob.FAILED;
        }
    }

    private void writeOutputs(boolean last) throws IOException {
        try {
            collect(plan, dir, w -> err.println("msense sweep: warning: " + w));
        } catch (IOException e) {
            if (last) {
                throw e;
            }
            err.println("msense sweep: cannot write the results yet: " + Failures.describe(e));
        }
    }

    /**
     * Writes {@code results.csv} and the heatmap (if the spec asks for one) from the run directories in {@code dir}.
     *
     * @return the finished points
     */
    public static List<SweepResults.Row> collect(SweepPlan plan, Path dir, java.util.function.Consumer<String> warnings)
            throws IOException {
        List<SweepResults.Row> rows = SweepResults.read(plan, dir);
        SweepResults.writeCsv(plan, rows, dir.resolve(SweepResults.CSV));
        if (SweepHeatmap.wanted(plan)) {
            SweepHeatmap.write(plan, rows, dir, warnings);
        }
        return rows;
    }

    /**
     * The plan of the sweep recorded in {@code dir} ({@code sweep.json}).
     *
     * @throws InvalidSpecException when {@code dir} holds no sweep
     */
    public static SweepPlan recorded(Path dir) {
        Path spec = dir.resolve(SPEC);
        if (!Files.isRegularFile(spec)) {
            throw new InvalidSpecException("dir", dir + " holds no sweep (no " + SPEC + "); give the --out of msense sweep");
        }
        return SweepPlan.of(SweepSpec.read(spec));
    }

    /**
     * Records {@code spec} as {@code dir/sweep.json}: accepted when there is none yet (and {@code dir} is absent or
     * empty) or the same spec is there; another spec only with {@code extend}.
     */
    public static void record(SweepSpec spec, Path dir, boolean extend) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidSpecException("out", dir + " exists and is not a directory");
        }
        Path file = dir.resolve(SPEC);
        JsonNode tree = spec.tree();
        if (Files.isRegularFile(file)) {
            JsonNode there;
            try {
                there = Json.readTree(Files.readString(file), SPEC);
            } catch (RuntimeException e) {
                throw new InvalidSpecException("out", dir + "/" + SPEC + " cannot be read (" + e.getMessage()
                        + "); choose another --out");
            }
            if (there.equals(tree)) {
                return;
            }
            if (!extend) {
                List<String> keys = new ArrayList<>();
                tree.fieldNames().forEachRemaining(k -> {
                    if (!tree.get(k).equals(there.get(k))) {
                        keys.add(k);
                    }
                });
                there.fieldNames().forEachRemaining(k -> {
                    if (!tree.has(k)) {
                        keys.add(k);
                    }
                });
                throw new InvalidSpecException("out", dir + " holds a sweep of another spec (it differs in "
                        + String.join(", ", keys) + "); give --extend to run this spec there (points already done"
                        + " that it shares are kept), or choose another --out");
            }
        } else if (Files.isDirectory(dir) && !empty(dir)) {
            throw new InvalidSpecException("out", dir + " is not empty and holds no sweep (no " + SPEC
                    + "); choose another --out");
        }
        Files.createDirectories(dir);
        AtomicFiles.writeString(file, Json.write(tree) + "\n");
    }

    private static boolean empty(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }
}
