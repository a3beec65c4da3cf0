package org.msense.lab.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.msense.core.algorithm.BatchResult;
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
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.lab.io.AtomicFiles;
import org.msense.lab.io.Json;
import org.msense.lab.plot.FigureWriter;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.ProblemSpec;

/**
 * Runs one {@link RunPlan} end to end: chooses and opens the backend, writes the run directory
 * ({@code config.json}, {@code metrics.csv}, {@code spectrum.csv}, {@code summary.json}, plots, optional
 * .npy exports), shows progress, and prints a table of final errors.
 *
 * <p>Nothing is lost on Ctrl-C or a kill signal: a shutdown hook asks the loop to stop, the loop logs the
 * current state and marks running trajectories {@code interrupted}, and the summary and plots are written
 * before the JVM exits. Rows of metrics.csv are flushed at every logged iteration; summary.json is replaced
 * atomically, so it is always complete.
 */
public final class RunJob {
    /** Exit status of a completed run. */
    public static final int OK = 0;
    /** Exit status when the run failed after it started (backend error, I/O error). */
    public static final int FAILED = 1;
    /** Exit status of an interrupted run (as for SIGINT). */
    public static final int INTERRUPTED = 130;

    private final RunPlan plan;
    private final PrintStream out;
    private final PrintStream err;
    private final ProgressBar.Style progress;
    private final List<Backend> backends;
    private Path directory;
    /** σ(X*), known once the problem is built. */
    private double[] sigmaStar;

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
     * Runs the plan. Returns {@link #OK}, {@link #FAILED} or {@link #INTERRUPTED}.
     *
     * @throws IOException          when the run directory cannot be created
     * @throws BackendException     when the requested backend is unknown or unavailable
     */
    public int execute() throws IOException {
        BatchSpec spec = plan.spec();
        RunConfig config = plan.config();
        Backends.Selection selection = Backends.select(config.getString("backend"), backends);
        for (String f : selection.fallbacks()) {
            err.println("msense: " + f + "; falling back to " + selection.backend().id());
        }
        directory = RunDirectory.create(config.getPath("out"));
        RunConfig resolved = config.copy();
        resolved.set("backend", selection.backend().id());
        EngineOptions defaults = EngineOptions.defaults().withThreads(config.getInt("threads"));
        EngineOptions options = new EngineOptions(defaults.threads(), defaults.device(), config.getFlag("tf32"),
                defaults.debugSync());
        // the CPU pass sums per-thread partial results, so the thread count is part of a bit-exact rerun
        resolved.set("threads", options.resolvedThreads());
        AtomicFiles.writeString(directory.resolve(RunDirectory.CONFIG),
                Json.write(resolved.toJson(Set.of("out", "config", "progress"))) + "\n");
        String source = plan.loaded() != null ? "files: " + config.getPath("problem-from") : "generated";
        RunSummary summary = new RunSummary(spec, source);
        Path summaryFile = directory.resolve(RunDirectory.SUMMARY);

        if (config.getFlag("plots")) {
            // Now, not at the end: after a SIGTERM the plots are drawn while the JVM shuts down, when AWT cannot start.
            FigureWriter.prepare();
        }
        InterruptSignal stop = InterruptSignal.install("msense-interrupt");

        List<DiagnosticRecord> history = new ArrayList<>();
        DiagnosticRecord[] last = new DiagnosticRecord[spec.size()];
        BatchResult result = null;
        List<String> warnings = new ArrayList<>();
        int exit = OK;
        long t0 = System.nanoTime();
        try (Engine engine = selection.backend().open(options)) {
            summary.backend(selection.backend().id(), engine.device(), engine.properties(), selection.fallbacks());
            summary.write(summaryFile);
            printHeader(spec, selection, engine);
            if (!engine.supportsOperatorPrecision(spec.model().operatorPrecision(), spec.model().precision())) {
                throw new BackendException("the " + engine.backendId() + " backend cannot store the sensing matrix in "
                        + spec.model().operatorPrecision() + " with data in " + spec.model().precision()
                        + "; leave out --operator-precision or use --backend cpu");
            }
            checkMemory(engine, spec);
            SensingProblem problem = buildProblem(engine, spec);
            summary.truth(problem.truth().sigma());
            HostFactors initial = plan.loaded() != null && plan.loaded().initial() != null ? plan.loaded().initial()
                    : HostFactors.drawInitial(spec.trajectories(), problem.n1(), problem.n2(), spec.model().width(),
                            spec.model().normalization());
            Path npy = config.getPath("export-npy");
            if (npy != null) {
                NpyExchange.exportProblem(npy, problem.truth().matrix(), problem.n1(), problem.n2(),
                        engine.download(problem.operator()), problem.measurements(), engine.download(problem.observations()),
                        initial, spec.size(), spec.model().width());
            }
            try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, initial);
                    MetricsWriter metrics = new MetricsWriter(directory.resolve(RunDirectory.METRICS),
                            directory.resolve(RunDirectory.SPECTRUM), problem.rank(),
                            Math.min(spec.model().width(), Math.min(problem.n1(), problem.n2())))) {
                summary.setupSeconds((System.nanoTime() - t0) / 1e9);
                ProgressBar bar = new ProgressBar(err, progress, "iterating");
                List<String> labels = TrajectoryLabels.of(spec.trajectories());
                result = gd.run(new RunObserver() {
                    @Override
                    public void onRecords(List<DiagnosticRecord> records) {
                        metrics.append(records);
                        history.addAll(records);
                        for (DiagnosticRecord r : records) {
                            last[r.trajectory()] = r;
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
                }, stop::requested);
                bar.finish();
                summary.result(result);
                if (npy != null) {
                    NpyExchange.exportFactors(npy, NpyExchange.V, NpyExchange.W, gd.factors(), spec.size(), problem.n1(),
                            problem.n2(), spec.model().width());
                }
            }
            summary.status(result.interrupted() ? "interrupted" : "completed");
            exit = result.interrupted() ? INTERRUPTED : OK;
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            summary.lastRecords(last);
            summary.status(stop.requested() ? "interrupted" : "failed");
            if (!stop.requested()) {
                summary.failed(describe(e));
            }
            exit = stop.requested() ? INTERRUPTED : FAILED;
            err.println();
            err.println("msense: the run " + (stop.requested() ? "was interrupted" : "failed") + ": " + describe(e));
        } finally {
            try {
                if (config.getFlag("plots") && !history.isEmpty()) {
                    RunPlots.write(directory, spec, sigmaStar == null ? new double[0] : sigmaStar, history, summary.status(), warnings);
                }
                warnings.forEach(w -> {
                    summary.warn(w);
                    err.println("msense: warning: " + w);
                });
                summary.write(summaryFile);
            } finally {
                stop.close();
            }
        }
        if (result != null) {
            printTable(spec, result);
        }
        out.println("run directory: " + directory);
        return exit;
    }

    private SensingProblem buildProblem(Engine engine, BatchSpec spec) {
        SensingProblem p;
        if (plan.loaded() != null) {
            var l = plan.loaded();
            p = SensingProblem.fromArrays(engine, l.truth(), l.operator(), l.m(), l.y(), spec.model().precision(),
                    spec.model().operatorPrecision());
        } else {
            p = SensingProblem.generate(engine, spec.problem(), spec.model().precision(), spec.model().operatorPrecision());
        }
        sigmaStar = p.truth().sigma();
        return p;
    }

    /** Refuses a run that cannot fit, with the estimate and what to change, before allocating anything. */
    private void checkMemory(Engine engine, BatchSpec spec) {
        var free = engine.freeMemoryBytes();
        if (free.isEmpty()) {
            return;
        }
        long need = estimateBytes(spec);
        if (need > free.getAsLong()) {
            throw new BackendException(String.format(Locale.ROOT,
                    "this run needs about %s on the %s backend but only %s is free; use --precision fp32, fewer"
                            + " --measurements or fewer trajectories (the sensing matrix alone is %s)",
                    bytes(need), engine.backendId(), bytes(free.getAsLong()), bytes(operatorBytes(spec))));
        }
    }

    /** Bytes of the stacked sensing matrix 𝒜 (m × n1·n2) in its storage precision. */
    static long operatorBytes(BatchSpec spec) {
        return (long) spec.problem().measurements() * spec.problem().entries() * spec.model().operatorPrecision().bytes();
    }

    /** Bytes a run allocates on its engine: the problem (𝒜, y, X*, U*, V*) plus the batch state. */
    public static long estimateBytes(BatchSpec spec) {
        ProblemSpec p = spec.problem();
        int bytes = spec.model().precision().bytes();
        long problem = operatorBytes(spec)
                + (2L * p.measurements() + p.entries()
                + (long) (p.n1() + p.n2()) * p.rank()) * bytes;
        int rows = spec.algorithm().minibatch() > 0 ? spec.algorithm().minibatch() : p.measurements();
        return problem + FactorizedGradientDescent.stateBytes(spec.size(), p.n1(), p.n2(), spec.model().width(), p.rank(),
                rows, spec.algorithm().minibatch(), spec.model().precision());
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
                Parameter.formatDouble(p.noise()), plan.loaded() != null ? "(from files)" : "(seed " + p.seed() + ")",
                spec.model().width(), spec.size(), spec.size() == 1 ? "y" : "ies", spec.algorithm().iterations());
        out.println("writing to " + directory);
        out.flush();
    }

    private void printTable(BatchSpec spec, BatchResult result) {
        out.printf(Locale.ROOT, "%n%3s  %-9s %-9s %-7s %-11s %6s  %-12s %-10s%n", "#", "alpha_v", "alpha_w", "step", "status",
                "iters", "rel. error", "‖Δ‖_F");
        for (TrajectoryResult r : result.trajectories()) {
            var t = r.spec();
            DiagnosticRecord d = r.last();
            out.printf(Locale.ROOT, "%3d  %-9s %-9s %-7s %-11s %6d  %-12s %-10s%n", r.index(), Parameter.formatDouble(t.alphaV()),
                    Parameter.formatDouble(t.alphaW()), Parameter.formatDouble(t.stepSize()), r.status().id(), r.iterations(),
                    d == null ? "-" : String.format(Locale.ROOT, "%.4e", d.relativeError()),
                    d == null ? "-" : String.format(Locale.ROOT, "%.3e", d.imbalanceFro()));
        }
        out.printf(Locale.ROOT, "%n%d steps in %.2f s (%.3f ms per iteration for the batch of %d)%n", result.steps(),
                result.iterateSeconds(), result.msPerIteration(), spec.size());
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof OutOfMemoryError) {
            return "out of Java heap (" + m + "); raise it with JAVA_OPTS=-Xmx…, or use --precision fp32 or fewer measurements";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
