package org.msense.lab.reproduce;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.msense.core.algorithm.BatchResult;
import org.msense.core.algorithm.BoundedPerturbation;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.PerturbedGradientFlow;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.lab.plot.FigureWriter;
import org.msense.lab.plot.LinePlot;
import org.msense.core.problem.RegimeEstimate;
import org.msense.core.problem.SensingProblem;
import org.msense.lab.run.ProgressBar;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * Where experiments run: an open engine, the precision, quick or full mode, the experiment's output
 * directory, and progress output. It generates problems, runs batches of trajectories while recording their
 * diagnostics, and writes figures. Not thread-safe; one experiment at a time.
 */
public final class Lab {
    private final Engine engine;
    private final Precision precision;
    private final boolean quick;
    private final PrintStream log;
    private final ProgressBar.Style progress;
    private final BooleanSupplier stop;
    private final List<String> warnings = new ArrayList<>();
    private final FigureWriter figures = new FigureWriter(warnings::add);
    private final Set<String> drawn = new HashSet<>();
    /** The regime of every problem built in the current experiment, by its noiseless spec (𝒜*𝒜(X*) ignores ξ). */
    private final Map<ProblemSpec, RegimeEstimate> regimes = new LinkedHashMap<>();
    private Path directory;
    private String experiment = "";

    /**
     * @param engine    the open engine (not closed by the lab)
     * @param log       where progress goes (standard error)
     * @param progress  how to show progress on {@code log}
     * @param stop      says when the user asked to stop (Ctrl-C)
     */
    public Lab(Engine engine, Precision precision, boolean quick, PrintStream log, ProgressBar.Style progress, BooleanSupplier stop) {
        this.engine = engine;
        this.precision = precision;
        this.quick = quick;
        this.log = log;
        this.progress = progress;
        this.stop = stop;
    }

    /** Makes {@code dir} the current experiment's directory (created if needed). */
    void enter(String name, Path dir) throws IOException {
        this.experiment = name;
        this.directory = Files.createDirectories(dir);
        figures.context(name + ": ");
        drawn.clear();
        regimes.clear();
    }

    public Engine engine() {
        return engine;
    }

    public Precision precision() {
        return precision;
    }

    /** Quick mode (small problems, short runs) or full mode. */
    public boolean quick() {
        return quick;
    }


    /**
     * Problems writing figures, one line each (the run goes on without the figure); where no figure can be
     * drawn at all (no fonts), one line for the whole suite.
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Generates the problem on the engine and, the first time this experiment builds it, measures its regime
     * ({@link RegimeEstimate#measure}; problems that differ only in σ_noise share it); free it with {@link #release}.
     */
    public SensingProblem problem(ProblemSpec spec) {
        SensingProblem p = SensingProblem.generate(engine, spec, precision);
        ProblemSpec key = noiseless(spec);
        if (!regimes.containsKey(key)) {
            try {
                regimes.put(key, RegimeEstimate.measure(p));
            } catch (RuntimeException e) {
                release(p);
                throw e;
            }
        }
        return p;
    }

    /**
     * The regime of a problem built in the current experiment by {@link #problem} (or {@link #runOnNewProblem}).
     *
     * @throws IllegalStateException when this experiment has not built that problem
     */
    public RegimeEstimate regime(ProblemSpec spec) {
        RegimeEstimate e = regimes.get(noiseless(spec));
        if (e == null) {
            throw new IllegalStateException("no problem " + spec + " was built in experiment " + experiment);
        }
        return e;
    }

    /** The regimes of the problems built in the current experiment, in the order they were built. */
    public List<ProblemRegime> regimes() {
        return regimes.entrySet().stream().map(e -> ProblemRegime.of(e.getKey(), e.getValue())).toList();
    }

    private static ProblemSpec noiseless(ProblemSpec s) {
        return new ProblemSpec(s.n1(), s.n2(), s.rank(), s.condition(), s.scale(), s.measurements(), s.operator(), 0,
                s.seed());
    }

    /** Frees a problem's buffers on the engine. */
    public void release(SensingProblem p) {
        p.release();
    }

    /** Generates the problem, runs trajectories on it from their random initialization, and frees it again. */
    public Trajectories runOnNewProblem(ProblemSpec spec, int width, AlgorithmSpec algo, List<TrajectorySpec> trajectories) {
        SensingProblem problem = problem(spec);
        try {
            return run(spec, problem, width, algo, trajectories);
        } finally {
            release(problem);
        }
    }

    /** Runs trajectories from their random initialization ({@link InitNormalization#PER_WIDTH}). */
    public Trajectories run(ProblemSpec spec, SensingProblem problem, int width, AlgorithmSpec algo,
            List<TrajectorySpec> trajectories) {
        HostFactors initial = HostFactors.drawInitial(trajectories, problem.n1(), problem.n2(), width,
                InitNormalization.PER_WIDTH);
        return run(spec, problem, width, algo, trajectories, initial);
    }

    /**
     * Runs trajectories from given factors, recording every logged iteration.
     *
     * @param initial the factors to start from; not modified
     * @throws Interrupted when the user asked to stop
     */
    public Trajectories run(ProblemSpec spec, SensingProblem problem, int width, AlgorithmSpec algo,
            List<TrajectorySpec> trajectories, HostFactors initial) {
        BatchSpec batch = new BatchSpec(spec, new ModelSpec(width, InitNormalization.PER_WIDTH, precision), algo, trajectories);
        try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, batch, initial)) {
            return recorded(trajectories.size(), gd::run, gd::factors);
        }
    }

    /**
     * Runs trajectories of the perturbed gradient flow ({@link PerturbedGradientFlow}: gradient steps on E_t + P_b,
     * the operator redrawn every {@code resampleEvery} steps, or fixed for 0) from their random initialization
     * ({@link InitNormalization#PER_WIDTH}), recording every logged iteration.
     *
     * @param perturbation P_b, one per trajectory; not modified
     * @throws Interrupted when the user asked to stop
     */
    public Trajectories runPerturbed(ProblemSpec spec, SensingProblem problem, int width, AlgorithmSpec algo,
            List<TrajectorySpec> trajectories, BoundedPerturbation perturbation, int resampleEvery) {
        BatchSpec batch = new BatchSpec(spec, new ModelSpec(width, InitNormalization.PER_WIDTH, precision), algo, trajectories);
        HostFactors initial = HostFactors.drawInitial(trajectories, problem.n1(), problem.n2(), width,
                InitNormalization.PER_WIDTH);
        try (PerturbedGradientFlow flow = new PerturbedGradientFlow(problem, batch, initial, perturbation, resampleEvery)) {
            return recorded(trajectories.size(), flow::run, flow::factors);
        }
    }

    /**
     * Runs a batch of {@code count} trajectories through {@code run} (the algorithm's run(observer, stop)), with the
     * progress bar, and returns every logged record of each trajectory and the final factors.
     *
     * @throws Interrupted when the user asked to stop
     */
    private Trajectories recorded(int count, BiFunction<RunObserver, BooleanSupplier, BatchResult> run,
            Supplier<HostFactors> factors) {
        List<List<DiagnosticRecord>> histories = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            histories.add(new ArrayList<>());
        }
        ProgressBar bar = new ProgressBar(log, progress, "  " + experiment);
        BatchResult result = run.apply(new RunObserver() {
            @Override
            public void onRecords(List<DiagnosticRecord> records) {
                for (DiagnosticRecord r : records) {
                    histories.get(r.trajectory()).add(r);
                }
            }

            @Override
            public void onProgress(int t, int total) {
                bar.update(t, total);
            }
        }, stop);
        bar.finish();
        if (result.interrupted()) {
            throw new Interrupted();
        }
        return new Trajectories(histories, factors.get());
    }

    /**
     * Writes a figure as {@code name.svg} and {@code name.png} into the experiment directory (900×600) and
     * returns {@code name}. When it cannot be drawn, a warning is recorded and the experiment goes on; see
     * {@link #drew}.
     */
    public String figure(LinePlot plot, String name) {
        plot.setSize(900, 600);
        if (figures.write(plot, directory, name).size() == 2) {
            drawn.add(name);
        }
        return name;
    }

    /** Writes a heatmap as {@code name.svg} and {@code name.png} into the experiment directory, as {@link #figure(LinePlot, String)}. */
    public String figure(org.msense.lab.plot.Heatmap map, String name) {
        if (figures.write(map, directory, name).size() == 2) {
            drawn.add(name);
        }
        return name;
    }

    /** Whether the current experiment's figure {@code name} was written (as PNG and SVG). */
    public boolean drew(String name) {
        return drawn.contains(name);
    }

    /** Thrown when the user asked to stop during a run. */
    public static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("interrupted");
        }
    }
}
