package org.msense.lab.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.msense.core.algorithm.BatchResult;
import org.msense.core.algorithm.Checkpoint;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.algorithm.TrajectoryResult;
import org.msense.core.algorithm.TrajectoryStatus;
import org.msense.core.backend.Backend;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.SensingOperator;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.lab.io.AtomicFiles;
import org.msense.lab.io.Json;
import org.msense.lab.plot.FigureWriter;
import org.msense.core.problem.RegimeEstimate;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.InvalidSpecException;
import org.msense.core.spec.ProblemSpec;

/**
 * Runs one {@link RunPlan} end to end: chooses and opens the backend, writes the run directory
 * ({@code config.json}, {@code metrics.csv}, {@code spectrum.csv}, {@code summary.json}, plots, optional
 * .npy exports), shows progress, and prints a table of final errors.
 *
 * <p>Nothing is lost on Ctrl-C or SIGTERM: the signal handler ({@link InterruptSignal}) asks the loop to stop,
 * the loop finishes its step, logs the current state and marks running trajectories {@code interrupted}, and
 * the summary and plots are written while the JVM is fully alive; then the command exits with 130 (SIGINT) or
 * 143 (SIGTERM); with {@code --checkpoint-every} the state at that step is saved as a checkpoint too, so that
 * {@code msense resume} (or the same {@code msense run} again) goes on from there. Rows of metrics.csv are flushed
 * at every logged iteration; summary.json is replaced atomically, so it is always complete.
 *
 * <p>The same {@code msense run} again (a requeued batch job) into a directory whose run was killed or interrupted
 * after a checkpoint goes on from that checkpoint when the configuration is the same, as {@code msense resume}
 * does; another configuration there is refused (naming what differs), and {@code --overwrite} starts over.
 */
public final class RunJob {
    /** Exit status of a completed run. */
    public static final int OK = 0;
    /** Exit status when the run failed after it started (backend error, I/O error). */
    public static final int FAILED = 1;
    /** Exit status when the input cannot work on this machine (the problem does not fit; see {@link RunInputException}). */
    public static final int BAD_INPUT = 2;
    /** Exit status of a run in which every trajectory diverged ({@code summary.json} says {@code diverged}). */
    public static final int DIVERGED = 4;
    /** Exit status of a run interrupted by SIGINT (Ctrl-C); 143 after SIGTERM. */
    public static final int INTERRUPTED = InterruptSignal.SIGINT_STATUS;
    /** Exit status of a run interrupted by SIGTERM. */
    public static final int TERMINATED = InterruptSignal.SIGTERM_STATUS;

    private final RunPlan plan;
    private final PrintStream out;
    private final PrintStream err;
    private final ProgressBar.Style progress;
    private final List<Backend> backends;
    private Path directory;

    /**
     * @param backends the backends to choose from ({@link Backends#discover()})
     * @param progress how to show progress on {@code err}
     */
    public RunJob(RunPlan plan, List<Backend> backends, PrintStream out, PrintStream err, ProgressBar.Style progress) {
        this.plan = plan;
        this.backends = backends;
        this.out = out;
        this.err = err;
        this.progress = progress;
    }

    /** The run directory, once {@link #execute} has created it. */
    public Path directory() {
        return directory;
    }

    /**
     * Runs the plan. Returns {@link #OK}, {@link #FAILED}, {@link #INTERRUPTED} or {@link #TERMINATED}.
     *
     * @throws IOException          when the run directory cannot be created
     * @throws BackendException     when the requested backend is unknown or unavailable
     */
    public int execute() throws IOException {
        return execute(false);
    }

    /**
     * Goes on with the run in {@code --out} from its checkpoint ({@code --checkpoint-every}), as {@code msense resume}:
     * the rows after the checkpoint are dropped and computed again, so metrics.csv, spectrum.csv and the final
     * factors are those of an uninterrupted run (wall times aside).
     */
    public int resume() throws IOException {
        return execute(true);
    }

    private int execute(boolean resume) throws IOException {
        RunConfig config = plan.config();
        Backends.Selection selection;
        try {
            selection = Backends.select(config.getString("backend"), backends, plan.spec().problem().operator());
        } catch (BackendException e) {
            if (config.getString("backend").trim().equalsIgnoreCase("auto")) {
                throw e; // nothing can run on this machine: not a mistake of the command line
            }
            throw new InvalidSpecException("backend", e.getMessage());
        }
        for (String f : selection.fallbacks()) {
            err.println("msense: " + f + "; falling back to " + selection.backend().id());
        }
        boolean overwrite = config.getFlag("overwrite");
        Path outDir = config.getPath("out");
        boolean requeued = false;
        if (!resume && !overwrite && outDir != null && RunDirectory.resumable(outDir)) {
            // the same command again (a requeued batch job): go on from the checkpoint of this configuration
            List<String> differ = differences(outDir.resolve(RunDirectory.CONFIG), config);
            if (!differ.isEmpty()) {
                throw new InvalidSpecException("out", outDir + " holds an interrupted run of another"
                        + " configuration (" + String.join("; ", differ) + "); choose another --out, or --overwrite to"
                        + " replace it");
            }
            resume = true;
            requeued = true;
        }
        if (config.getPath("export-npy") != null && !resume) {
            NpyExchange.checkExportTarget(config.getPath("export-npy"), overwrite);
        }
        // claimed before anything is written into it; released (run.lock removed) once every file is written
        RunDirectory.Claim taken;
        try {
            taken = resume ? RunDirectory.reclaim(outDir) : RunDirectory.create(outDir, overwrite);
        } catch (java.nio.file.FileSystemException e) { // permission denied, read-only file system, ...
            throw new InvalidSpecException("out", Failures.describe(e));
        }
        try (RunDirectory.Claim claim = taken) {
            directory = claim.path();
            Checkpoint from = null;
            if (resume) {
                BatchSpec spec = plan.spec();
                from = CheckpointFiles.read(directory, spec.size(), spec.problem().n1(), spec.problem().n2(),
                        spec.model().width());
            }
            if (requeued) {
                err.println("msense: " + directory + " holds an interrupted run of this configuration; resuming from"
                        + " its checkpoint at iteration " + from.iteration());
            }
            return executeIn(selection, from, requeued);
        }
    }

    /**
     * How the configuration of {@code config} differs from that recorded in {@code file} (a run's config.json), one
     * entry per parameter ({@code step-size 0.5 there, 0.25 here}); empty when the run there is of this configuration.
     * For jobs that start runs and must tell whether a directory holds the run they would make (a sweep).
     */
    public static List<String> configDifferences(Path file, RunConfig config) throws IOException {
        return differences(file, config);
    }

    /** The parameters kept in config.json: all but where the run goes and how it is shown. */
    private static final Set<String> NOT_IN_CONFIG = Set.of("out", "config", "progress", "overwrite");

    /**
     * How the configuration of {@code config} differs from that in {@code file} (an earlier run's config.json), one
     * entry per parameter ({@code step-size 0.5 there, 0.25 here}); empty when they are the same.
     */
    private static List<String> differences(Path file, RunConfig config) throws IOException {
        JsonNode there;
        try {
            there = Json.readTree(Files.readString(file), RunDirectory.CONFIG);
        } catch (RuntimeException e) {
            return List.of(RunDirectory.CONFIG + " cannot be read: " + Failures.describe(e));
        }
        JsonNode here = Json.readTree(configJson(config), "the options");
        Set<String> names = new LinkedHashSet<>();
        here.fieldNames().forEachRemaining(names::add);
        there.fieldNames().forEachRemaining(names::add);
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (!Objects.equals(there.get(n), here.get(n))) {
                out.add(n + " " + Objects.toString(there.get(n), "unset") + " there, "
                        + Objects.toString(here.get(n), "unset") + " here");
            }
        }
        return out;
    }

    /** The text of config.json: the parameters of {@code config} but {@link #NOT_IN_CONFIG}. */
    private static String configJson(RunConfig config) {
        return Json.write(config.toJson(NOT_IN_CONFIG));
    }

    private int executeIn(Backends.Selection selection, Checkpoint from, boolean requeued) throws IOException {
        BatchSpec spec = plan.spec();
        RunConfig config = plan.config();
        EngineOptions defaults = EngineOptions.defaults().withThreads(config.getInt("threads"));
        EngineOptions options = new EngineOptions(defaults.threads(), defaults.device(), config.getFlag("tf32"),
                defaults.debugSync());
        // config.json: the backend and threads as asked (auto, 0); summary.json: those used. The CPU pass sums
        // per-thread partial results, so a bit-exact rerun elsewhere passes the used ones (summary.json)
        if (from == null) { // a resumed run keeps the config.json it was started with
            AtomicFiles.writeString(directory.resolve(RunDirectory.CONFIG), configJson(config) + "\n");
        }
        String source = plan.loaded() != null ? "files: " + config.getPath("problem-from") : "generated";
        RunSummary summary = new RunSummary(spec, source);
        if (plan.loaded() != null) {
            summary.fromFiles(plan.loaded().initial() != null);
        }
        Path summaryFile = directory.resolve(RunDirectory.SUMMARY);
        // room for the final summary, kept from the start: when the disk fills up, the run still records how it ended
        int k = Math.min(spec.model().width(), Math.min(spec.problem().n1(), spec.problem().n2()));
        SpaceReserve reserve = SpaceReserve.create(directory.resolve(".summary.reserve"),
                65_536L + spec.size() * (2_048L + 32L * k));

        if (config.getFlag("plots")) {
            // Now, not at the end: after a SIGTERM the plots are drawn while the JVM shuts down, when AWT cannot start.
            FigureWriter.prepare();
        }
        InterruptSignal stop = InterruptSignal.install("msense-interrupt", n -> {
            err.println();
            err.println("msense: " + (n == 2 ? "interrupted (SIGINT)" : "terminated (SIGTERM)")
                    + "; finishing the step and writing the results (a second signal, a second or more later, quits at once)");
        });

        List<DiagnosticRecord> history = new ArrayList<>();
        double[] sigmaStar = new double[0]; // σ(X*), known once the problem is built
        DiagnosticRecord[] last = new DiagnosticRecord[spec.size()];
        BatchResult result = null;
        List<String> warnings = new ArrayList<>();
        int exit = OK;
        long t0 = System.nanoTime();
        try (Engine engine = selection.backend().open(options)) {
            summary.backend(selection.backend().id(), engine.device(), engine.properties(), selection.fallbacks())
                    .threads(options.resolvedThreads());
            summary.write(summaryFile);
            printHeader(spec, selection, engine);
            if (!engine.supportsOperatorPrecision(spec.model().operatorPrecision(), spec.model().precision())) {
                throw new BackendException("the " + engine.backendId() + " backend cannot store the sensing matrix in "
                        + spec.model().operatorPrecision() + " with data in " + spec.model().precision()
                        + "; leave out --operator-precision or use --backend cpu");
            }
            checkMemory(engine, spec);
            for (String w : setupWarnings(spec, config)) {
                summary.warn(w);
                err.println("msense: warning: " + w);
            }
            SensingProblem problem = buildProblem(engine, spec);
            sigmaStar = problem.truth().sigma();
            summary.truth(sigmaStar);
            summary.regime(RegimeEstimate.measure(problem));
            HostFactors initial = plan.loaded() != null && plan.loaded().initial() != null ? plan.loaded().initial()
                    : HostFactors.drawInitial(spec);
            Path npy = config.getPath("export-npy");
            if (npy != null && from == null) {
                exportProblem(npy, engine, problem, initial, spec);
            }
            if (from != null) {
                initial = from.factors();
                if (!requeued) {
                    err.println("msense: resuming from the checkpoint at iteration " + from.iteration());
                }
            }
            try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, initial);
                    MetricsWriter metrics = from != null
                            ? MetricsWriter.resume(directory.resolve(RunDirectory.METRICS),
                                    directory.resolve(RunDirectory.SPECTRUM), problem.rank(), from.iteration(), history)
                            : new MetricsWriter(directory.resolve(RunDirectory.METRICS),
                            directory.resolve(RunDirectory.SPECTRUM), problem.rank(), k)) {
                if (from != null) {
                    for (DiagnosticRecord r : history) {
                        last[r.trajectory()] = r;
                    }
                    from = new Checkpoint(from.iteration(), from.factors(), from.status(), from.initialLoss(),
                            from.stoppedAt(), from.wallSeconds(), last); // copies last
                }
                int checkpointEvery = config.getInt("checkpoint-every");
                summary.setupSeconds((System.nanoTime() - t0) / 1e9).kernelWarmUpSeconds(gd.kernelWarmUpSeconds());
                ProgressBar bar = new ProgressBar(err, progress, "iterating");
                List<String> labels = TrajectoryLabels.of(spec.trajectories());
                result = gd.run(new RunObserver() {
                    private long summaryWritten = Long.MIN_VALUE;
                    private boolean first = true;

                    @Override
                    public int checkpointEvery() {
                        return checkpointEvery;
                    }

                    @Override
                    public void onCheckpoint(Checkpoint c) {
                        try {
                            CheckpointFiles.write(directory, c, spec.problem().n1(), spec.problem().n2(), spec.model().width());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException("cannot write the checkpoint: " + Failures.describe(e), e);
                        }
                    }

                    @Override
                    public void onRecords(List<DiagnosticRecord> records) {
                        metrics.append(records);
                        history.addAll(records);
                        for (DiagnosticRecord r : records) {
                            last[r.trajectory()] = r;
                        }
                        double tol = spec.algorithm().tolerance();
                        if (first && tol > 0 && records.stream().anyMatch(r -> r.iteration() == 0)) {
                            double initial = records.stream().mapToDouble(DiagnosticRecord::relativeError).min().orElse(Double.NaN);
                            if (initial <= tol) {
                                String w = String.format(Locale.ROOT, "--tolerance %s is not below the initial relative"
                                        + " error %.4g: trajectories stop at their first check", Parameter.formatDouble(tol),
                                        initial);
                                summary.warn(w);
                                bar.finish();
                                err.println("msense: warning: " + w);
                            }
                        }
                        first = false;
                        // summary.json follows the rows (iterations done, time of the flush), at most once a second:
                        // a run killed with SIGKILL still says how far it got
                        long now = System.nanoTime();
                        if (summaryWritten == Long.MIN_VALUE || now - summaryWritten >= 1_000_000_000L) {
                            summaryWritten = now;
                            try {
                                summary.lastRecords(last).touch().write(summaryFile);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException("cannot write " + summaryFile + ": " + e.getMessage(), e);
                            }
                        }
                    }

                    @Override
                    public void onStatus(int trajectory, TrajectoryStatus status, int iteration) {
                        if (status == TrajectoryStatus.DIVERGED) {
                            bar.finish();
                            err.println("msense: trajectory " + trajectory + " (" + labels.get(trajectory)
                                    + ") diverged at iteration " + iteration + "; the others go on");
                        }
                    }

                    @Override
                    public void onProgress(int t, int total) {
                        bar.update(t, total);
                    }
                }, stop::requested, from);
                bar.finish();
                summary.result(result);
                if (npy != null) {
                    NpyExchange.exportFactors(npy, NpyExchange.V, NpyExchange.W, gd.factors(), spec.size(), problem.n1(),
                            problem.n2(), spec.model().width());
                }
            }
            boolean allDiverged = result.trajectories().stream().allMatch(t -> t.status() == TrajectoryStatus.DIVERGED);
            if (result.interrupted()) {
                summary.status("interrupted");
                exit = stop.exitStatus();
            } else if (allDiverged) {
                CheckpointFiles.remove(directory);
                summary.status("diverged");
                exit = DIVERGED;
                err.println("msense: every trajectory diverged; try a smaller --step-size");
            } else {
                CheckpointFiles.remove(directory); // the run is whole: the final factors are in --export-npy
                summary.status("completed");
                exit = OK;
            }
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            summary.lastRecords(last);
            summary.status(stop.requested() ? "interrupted" : "failed");
            if (!stop.requested()) {
                summary.failed(Failures.describe(e));
            }
            boolean input = !stop.requested() && e instanceof RunInputException;
            exit = stop.requested() ? stop.exitStatus() : input ? BAD_INPUT : FAILED;
            err.println();
            err.println(input ? "msense run: " + Failures.describe(e)
                    : "msense: the run " + (stop.requested() ? "was interrupted" : "failed") + ": " + Failures.describe(e));
        } finally {
            try {
                if (config.getFlag("plots") && !history.isEmpty()) {
                    RunPlots.write(directory, spec, sigmaStar, history, summary.status(), warnings);
                }
                warnings.forEach(w -> {
                    summary.warn(w);
                    err.println("msense: warning: " + w);
                });
                writeFinal(summary.touch(), summaryFile, reserve);
            } finally {
                reserve.release();
                stop.close();
            }
        }
        if (result != null) {
            printTable(spec, result, summary.kernelWarmUpSeconds());
        }
        out.println("run directory: " + directory);
        return exit;
    }

    /**
     * Writes the final summary; when that fails (the disk is full), frees the space reserved for it and tries
     * again, and failing that writes it under java.io.tmpdir and says where.
     */
    private void writeFinal(RunSummary summary, Path file, SpaceReserve reserve) throws IOException {
        try {
            summary.write(file);
            return;
        } catch (IOException first) {
            reserve.release();
            try {
                summary.write(file);
                return;
            } catch (IOException second) {
                Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "msense-summary-"
                        + directory.toAbsolutePath().getFileName() + "-" + ProcessHandle.current().pid() + ".json");
                summary.write(fallback);
                err.println("msense: cannot write " + file + " (" + MetricsWriter.reason(second) + "); the summary is in "
                        + fallback);
            }
        }
    }

    /**
     * Writes the problem for NumPy: X_star, A, y (dense Gaussian) or the entries, factors of X* and y (completion),
     * with V0, W0.
     */
    private static void exportProblem(Path npy, Engine engine, SensingProblem problem, HostFactors initial, BatchSpec spec)
            throws IOException {
        if (problem.operator().kind() == OperatorKind.COMPLETION) {
            NpyExchange.exportCompletion(npy, problem.truth(), problem.operator().description().entries(),
                    engine.download(problem.observations()), initial, spec.size(), spec.model().width());
            return;
        }
        if (!problem.truth().hasMatrix()) {
            throw new RunInputException("--export-npy writes X* as X_star.npy, which a " + problem.n1() + "×" + problem.n2()
                    + " problem does not form; leave --export-npy out or export a smaller problem");
        }
        // the dense matrix, the hadamard rows and signs, the rank-one a_i and b_i (gaussian-implicit: its dense matrix)
        NpyExchange.exportProblem(npy, problem.truth().matrix(), problem.n1(), problem.n2(), problem.operator().describe(),
                engine.download(problem.observations()), initial, spec.size(), spec.model().width());
    }

    private SensingProblem buildProblem(Engine engine, BatchSpec spec) {
        if (plan.loaded() != null) {
            var l = plan.loaded();
            return SensingProblem.fromDescription(engine, l.truth(), l.operator(), l.y(), spec.model().precision(),
                    spec.model().operatorPrecision());
        }
        return SensingProblem.generate(engine, spec.problem(), spec.model().precision(), spec.model().operatorPrecision());
    }

    /** Settings that will run but cannot do what they seem to ask. */
    private static List<String> setupWarnings(BatchSpec spec, RunConfig config) {
        List<String> w = new ArrayList<>();
        int k = spec.model().width();
        int r = spec.problem().rank();
        if (k < r) {
            w.add("--width " + k + " is below the rank " + r + " of X*: VWᵀ has rank at most " + k
                    + ", so exact recovery is impossible (the error stops at the tail of σ(X*))");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = config.getInt("threads");
        if (threads > cores) {
            w.add("--threads " + threads + " is above the " + cores + " processors of this machine: the extra threads"
                    + " only take turns on them");
        }
        return w;
    }

    /** Refuses a run that cannot fit, with the estimate and what to change, before allocating anything. */
    private void checkMemory(Engine engine, BatchSpec spec) {
        var free = engine.freeMemoryBytes();
        if (free.isEmpty() && engine.backendId().equals("cpu")) { // the CPU backend keeps everything in the Java heap
            Runtime rt = Runtime.getRuntime();
            free = java.util.OptionalLong.of(rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
        }
        if (free.isEmpty()) {
            return;
        }
        long need = estimateBytes(spec);
        if (need > free.getAsLong()) {
            throw new RunInputException(String.format(Locale.ROOT,
                    "this run needs about %s on the %s backend but only %s is free; use --precision fp32, fewer"
                            + " --measurements or fewer trajectories (the sensing matrix alone is %s)",
                    bytes(need), engine.backendId(), bytes(free.getAsLong()), bytes(operatorBytes(spec))));
        }
    }

    /**
     * Bytes of the sensing operator's data: the stacked matrix 𝒜 (m × n1·n2) in its storage precision for
     * {@code gaussian}; the index lists of {@code completion} (about 20 bytes per entry: indices, row and column
     * orders); N signs and m rows for {@code hadamard}; the m·(n1 + n2) vectors of {@code rank-one}; nothing stored
     * for {@code gaussian-implicit}.
     */
    static long operatorBytes(BatchSpec spec) {
        ProblemSpec p = spec.problem();
        long m = p.measurements();
        return switch (p.operator()) {
            case GAUSSIAN -> m * p.entries() * spec.model().operatorPrecision().bytes();
            case GAUSSIAN_IMPLICIT -> 0;
            case COMPLETION -> 20 * m;
            case HADAMARD -> 8L * Long.highestOneBit(Math.max(1, 2L * p.entries() - 1)) + 4 * m;
            case RANK_ONE -> 8 * m * (p.n1() + p.n2());
        };
    }

    /** Bytes a run allocates on its engine: the problem (𝒜, y, X*, U*, V*) plus the batch state. */
    public static long estimateBytes(BatchSpec spec) {
        ProblemSpec p = spec.problem();
        int bytes = spec.model().precision().bytes();
        long problem = operatorBytes(spec)
                + (2L * p.measurements() + (p.entries() <= SensingOperator.DENSE_LIMIT ? p.entries() : 0)
                + (long) (p.n1() + p.n2()) * p.rank()) * bytes;
        int rows = spec.algorithm().minibatch() > 0 ? spec.algorithm().minibatch() : p.measurements();
        return problem + FactorizedGradientDescent.stateBytes(spec.size(), p.n1(), p.n2(), spec.model().width(), p.rank(),
                rows, spec.algorithm().minibatch(), spec.model().precision(), spec.algorithm().method(), p.operator());
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
    }

    private void printHeader(BatchSpec spec, Backends.Selection selection, Engine engine) {
        ProblemSpec p = spec.problem();
        out.printf(Locale.ROOT, "msense run: %s backend (%s), %s%n", selection.backend().id(), engine.device(),
                spec.model().precision());
        out.printf(Locale.ROOT, "problem: n1=%d n2=%d rank=%d κ=%s m=%d noise=%s %s; width k=%d; %d trajector%s × %d iterations%n",
                p.n1(), p.n2(), p.rank(), Parameter.formatDouble(p.condition()), p.measurements(),
                plan.loaded() != null ? "from y.npy" : Parameter.formatDouble(p.noise()),
                plan.loaded() != null ? "(from files)" : "(seed " + p.seed() + ")",
                spec.model().width(), spec.size(), spec.size() == 1 ? "y" : "ies", spec.algorithm().iterations());
        if (spec.algorithm().method().preconditioned()) {
            out.println("method: " + spec.algorithm().method().id());
        }
        out.println("writing to " + directory);
        out.flush();
    }

    /** The trajectories' table and the timing lines; {@code kernelWarmUp} the setup's kernel warm-up in s (NaN: none). */
    private void printTable(BatchSpec spec, BatchResult result, double kernelWarmUp) {
        var method = spec.algorithm().method();
        // the damping column only for the preconditioned methods: λ (scaledgd, apgd) or PrecGD's c
        String dampingColumn = method.usesLambda() ? " lambda" : method.preconditioned() ? " c" : "";
        out.printf(Locale.ROOT, "%n%3s  %-9s %-9s %-7s %-11s %6s  %-12s %-10s%s%n", "#", "alpha_v", "alpha_w", "step", "status",
                "iters", "rel. error", "‖Δ‖_F", dampingColumn);
        for (TrajectoryResult r : result.trajectories()) {
            var t = r.spec();
            DiagnosticRecord d = r.last();
            out.printf(Locale.ROOT, "%3d  %-9s %-9s %-7s %-11s %6d  %-12s %-10s%s%n", r.index(), Parameter.formatDouble(t.alphaV()),
                    Parameter.formatDouble(t.alphaW()), Parameter.formatDouble(t.stepSize()), r.status().id(), r.iterations(),
                    d == null ? "-" : String.format(Locale.ROOT, "%.4e", d.relativeError()),
                    d == null ? "-" : String.format(Locale.ROOT, "%.3e", d.imbalanceFro()),
                    dampingColumn.isEmpty() ? "" : " " + Parameter.formatDouble(t.damping()));
        }
        if (result.steps() == 0) {
            out.printf(Locale.ROOT, "%nno steps taken (%.2f s)%n", result.iterateSeconds());
        } else {
            out.printf(Locale.ROOT, "%n%d steps in %.2f s (%.3f ms per iteration for the batch of %d)%n", result.steps(),
                    result.iterateSeconds(), result.msPerIteration(), spec.size());
            var timing = result.timing();
            if (timing.steadySteps() > 0) {
                String kernels = kernelWarmUp > 0 ? String.format(Locale.ROOT, "kernels compiled in %.2f s of the setup; ",
                        kernelWarmUp) : "";
                out.printf(Locale.ROOT, "warm-up: %sthe first %d steps in %.2f s; steady: %.3f ms per iteration%n", kernels,
                        timing.warmupSteps(), timing.warmupSeconds(), timing.steadyMsPerIteration());
            }
        }
    }
}
