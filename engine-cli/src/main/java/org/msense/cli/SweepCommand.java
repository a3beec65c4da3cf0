package org.msense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.msense.core.backend.Backends;
import org.msense.core.spec.InvalidSpecException;
import org.msense.lab.run.ProgressBar;
import org.msense.lab.sweep.PointDirectory;
import org.msense.lab.sweep.SlurmJobs;
import org.msense.lab.sweep.SlurmScript;
import org.msense.lab.sweep.SweepJob;
import org.msense.lab.sweep.SweepPlan;
import org.msense.lab.sweep.SweepResults;
import org.msense.lab.sweep.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code msense sweep SPEC --out DIR}: a grid of runs from one spec (docs/sweeps.md), here, as one shard
 * ({@code --shard i/N}), or as a Slurm job array ({@code --slurm}); {@code msense sweep collect DIR} merges shards
 * into results.csv and the heatmap; {@code msense sweep status DIR} shows how far a sweep got.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "run a grid of experiments from a JSON spec: results.csv and a success heatmap (phase diagram)",
        description = {"SPEC is a run config (the keys of msense run) in which any parameter may be a list"
                + " (\"rank\": [1, 2, 3]), a range (\"seed\": {\"range\": [1, 20]}) or, for measurements, multiples"
                + " of r(n1+n2) ({\"per\": \"r(n1+n2)\", \"values\": [1, 2, 3]}); plus \"success\":"
                + " {\"relative_error_below\": 1e-3} and \"heatmap\": {\"x\": \"measurements\", \"y\": \"rank\","
                + " \"x_over\": \"r(n1+n2)\", \"theory_c\": 2}. Points that differ only in alpha, step-size, lambda,"
                + " damping or init-seed run as one batch. Each batch is a run directory DIR/points/NAME.",
                "Rerunning the same command skips what is done and goes on with what was interrupted; another spec"
                        + " for the same DIR is refused unless --extend. See docs/sweeps.md.",
                "Exit status: 0 every point done, 1 some run failed, 2 bad spec or command line, 130 / 143"
                        + " interrupted (SIGINT / SIGTERM)."},
        subcommands = {SweepCommand.Collect.class, SweepCommand.Status.class},
        synopsisHeading = "%nUsage: ", descriptionHeading = "%n", optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n", usageHelpWidth = 100)
final class SweepCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "the sweep spec (JSON)")
    Path spec;

    @Option(names = "--out", paramLabel = "DIR", description = "the sweep directory (created; rerun with the same to go on)")
    Path dir;

    @Option(names = "--shard", paramLabel = "i/N", description = "run only shard i of N (0 ≤ i < N), balanced by"
            + " estimated cost; msense sweep collect DIR merges the shards")
    String shard;

    @Option(names = "--extend", description = "accept a spec that differs from the one DIR was started with (its done"
            + " points that the new spec shares are kept)")
    boolean extend;

    @Option(names = "--progress", paramLabel = "WHEN", description = "auto, always or never, as for msense run")
    String progress = "auto";

    @Option(names = "--slurm", description = "write DIR/sweep.sbatch (a job array, one shard per task) and submit it"
            + " with sbatch")
    boolean slurm;

    @Option(names = "--dry-run", description = "with --slurm: write the script, do not submit it")
    boolean dryRun;

    @Option(names = "--tasks", paramLabel = "N", description = "with --slurm: array tasks (shards) [default: one per"
            + " run, at most 100]")
    Integer tasks;

    @Option(names = "--partition", paramLabel = "P", description = "with --slurm: the partition")
    String partition;

    @Option(names = "--gpus-per-task", paramLabel = "G", description = "with --slurm: GPUs per task (Slurm sets"
            + " CUDA_VISIBLE_DEVICES; use \"backend\": \"cuda\" in the spec)")
    int gpusPerTask;

    @Option(names = "--cpus-per-task", paramLabel = "C", description = "with --slurm: CPUs per task")
    int cpusPerTask;

    @Option(names = "--time", paramLabel = "HH:MM:SS", description = "with --slurm: time limit per task; tasks"
            + " checkpoint and requeue " + SlurmScript.GRACE_S + " s before it (give checkpoint-every in the spec)")
    String time;

    @Option(names = "--array-limit", paramLabel = "K", description = "with --slurm: at most K tasks at once")
    int arrayLimit;

    @Option(names = "--sbatch-arg", paramLabel = "ARG", description = "with --slurm: another #SBATCH option, e.g."
            + " --sbatch-arg=--account=abc (repeatable)")
    List<String> sbatchArgs = new ArrayList<>();

    SweepCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        if (spec == null) {
            throw new UsageException("give the spec: msense sweep SPEC.json --out DIR (or msense sweep collect|status DIR)");
        }
        if (dir == null) {
            throw new UsageException("give the sweep directory with --out DIR");
        }
        try {
            SweepPlan plan = SweepPlan.of(SweepSpec.read(spec));
            if (!slurm) {
                if (dryRun || tasks != null || partition != null || gpusPerTask != 0 || cpusPerTask != 0 || time != null
                        || arrayLimit != 0 || !sbatchArgs.isEmpty()) {
                    throw new UsageException("--dry-run, --tasks, --partition, --gpus-per-task, --cpus-per-task, --time,"
                            + " --array-limit and --sbatch-arg go with --slurm");
                }
                SweepJob.Shard s = shard == null ? null : SweepJob.Shard.parse(shard);
                ProgressBar.Style style = ProgressBar.style(ProgressBar.checkSetting(progress), err);
                return new SweepJob(plan, dir, s, extend, Backends.discover(), out, err, style).execute();
            }
            if (shard != null) {
                throw new UsageException("--shard goes without --slurm (each array task is one shard)");
            }
            return submit(plan);
        } catch (InvalidSpecException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private int submit(SweepPlan plan) throws IOException {
        int runs = plan.groups().size();
        int n = tasks != null ? tasks : Math.min(runs, 100);
        if (n > runs) {
            err.println("msense sweep: --tasks " + n + " is more than the " + runs + " runs of the sweep; using " + runs);
            n = runs;
        }
        SweepJob.record(plan.spec(), dir, extend);
        SlurmScript.Options o = new SlurmScript.Options(n, partition, gpusPerTask, time, arrayLimit, cpusPerTask, sbatchArgs);
        Path script = SlurmScript.write(dir, o, SlurmScript.currentJava(Main.class.getName()));
        out.printf(Locale.ROOT, "wrote %s: %d points in %d runs as a job array of %d task%s%n", script,
                plan.points().size(), runs, n, n == 1 ? "" : "s");
        if (dryRun) {
            out.println("submit it with: sbatch " + script.toAbsolutePath());
            return 0;
        }
        String id = SlurmJobs.submit(dir, script);
        out.println("submitted job " + id + "; msense sweep status " + dir + " shows its progress, msense sweep collect "
                + dir + " merges the results");
        return 0;
    }

    /** {@code msense sweep collect DIR}. */
    @Command(name = "collect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "merge the points of a sweep (all its shards) into DIR/results.csv and redraw the heatmap",
            synopsisHeading = "%nUsage: ", optionListHeading = "%nOptions:%n", usageHelpWidth = 100)
    static final class Collect implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "the sweep directory")
        Path dir;

        @picocli.CommandLine.ParentCommand
        SweepCommand parent;

        @Override
        public Integer call() throws IOException {
            SweepPlan plan = recorded(dir);
            List<SweepResults.Row> rows = SweepJob.collect(plan, dir, w -> parent.err.println("msense sweep: warning: " + w));
            parent.out.printf(Locale.ROOT, "%d of %d points done; wrote %s%n", rows.size(), plan.points().size(),
                    dir.resolve(SweepResults.CSV));
            return 0;
        }
    }

    /** {@code msense sweep status DIR}. */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "show how far a sweep got: its runs by state, and its Slurm array tasks (squeue) when submitted",
            synopsisHeading = "%nUsage: ", optionListHeading = "%nOptions:%n", usageHelpWidth = 100)
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "the sweep directory")
        Path dir;

        @picocli.CommandLine.ParentCommand
        SweepCommand parent;

        @Override
        public Integer call() throws IOException {
            SweepPlan plan = recorded(dir);
            PrintStream out = parent.out;
            Map<PointDirectory.State, Integer> runs = new EnumMap<>(PointDirectory.State.class);
            Map<PointDirectory.State, Integer> points = new EnumMap<>(PointDirectory.State.class);
            List<String> open = new ArrayList<>();
            for (SweepPlan.Group g : plan.groups()) {
                PointDirectory.State s = PointDirectory.state(dir, g);
                runs.merge(s, 1, Integer::sum);
                points.merge(s, g.points().size(), Integer::sum);
                if (s != PointDirectory.State.DONE && s != PointDirectory.State.MISSING) {
                    open.add(g.name() + ": " + s.text());
                }
            }
            out.printf(Locale.ROOT, "sweep: %d of %d points done (%d of %d runs)%n",
                    points.getOrDefault(PointDirectory.State.DONE, 0), plan.points().size(),
                    runs.getOrDefault(PointDirectory.State.DONE, 0), plan.groups().size());
            runs.forEach((s, n) -> out.printf(Locale.ROOT, "  %-45s %d run%s, %d points%n", s.text(), n, n == 1 ? "" : "s",
                    points.get(s)));
            open.stream().limit(20).forEach(o -> out.println("  " + o));
            List<String> jobs = SlurmJobs.recorded(dir);
            if (!jobs.isEmpty()) {
                out.println("slurm jobs: " + String.join(", ", jobs));
                try {
                    List<String> queue = SlurmJobs.queue(jobs);
                    out.println(queue.isEmpty() ? "  no task of these jobs is pending or running" : "  TASK STATE TIME REASON/NODE");
                    queue.forEach(l -> out.println("  " + l));
                } catch (IOException e) {
                    out.println("  squeue cannot tell (" + e.getMessage() + "); the states above come from the point"
                            + " directories");
                }
            }
            return 0;
        }
    }

    private static SweepPlan recorded(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException(dir + " is not a directory");
        }
        try {
            return SweepJob.recorded(dir);
        } catch (InvalidSpecException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
