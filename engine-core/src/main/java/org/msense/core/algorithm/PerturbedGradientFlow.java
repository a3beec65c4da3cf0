package org.msense.core.algorithm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.Transpose;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.diagnostics.DiagnosticsCalculator;
import org.msense.core.diagnostics.DiagnosticsProbe;
import org.msense.core.diagnostics.ProbeReadout;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.Method;
import org.msense.core.spec.TrajectorySpec;

/**
 * Wind's perturbed gradient flow, discretized by small gradient steps (forward Euler with step μ), for B
 * trajectories at once, written against the {@link Engine} SPI. The flow is
 * <pre>
 *   dV/dt = −(E(t) + P) W,   dW/dt = −(E(t) + P)ᵀ V,   E(t) = 𝒜_t*(𝒜_t(VWᵀ) − y_t),   ‖P‖₂ ≤ ξ
 * </pre>
 * and one step, for every trajectory b, from (V_b, W_b):
 * <pre>
 *   G_b = (E_t + P_b) W_b,  H_b = (E_t + P_b)ᵀ V_b      (E_t W_b, E_tᵀ V_b by {@link org.msense.core.backend.SensingOperator#residualAndGradients})
 *   V_b ← V_b − μ_b G_b,    W_b ← W_b − μ_b H_b       (simultaneous: both use the old V_b, W_b)
 * </pre>
 * P_b is a fixed matrix of spectral norm ξ_b ({@link BoundedPerturbation}), uploaded once; it enters through two
 * GEMMs per step, G_b += P_b W_b and H_b += P_bᵀ V_b. The measurements: with {@code resampleEvery} = 0 the problem's
 * fixed (𝒜, y); with {@code resampleEvery} = T &gt; 0 a fresh Gaussian operator 𝒜_t of
 * {@link AlgorithmSpec#minibatch()} rows (scaled so that E[𝒜_t*𝒜_t] = I, with y_t = 𝒜_t(X*) + noise;
 * {@link MeasurementSource#fresh}) drawn at t = 0, T, 2T, … from substream t and kept for T steps.
 *
 * <p>With every ξ_b = 0 the step is that of {@link FactorizedGradientDescent} (method gd) bit for bit: for
 * {@code resampleEvery} = 0 and minibatch 0 (the fixed operator) and for {@code resampleEvery} = 1 with the same
 * minibatch (fresh measurements every step, the same substreams): adding P_b W_b = 0 changes no bit. The records
 * ({@link DiagnosticRecord}) are those of the measured loss ½‖𝒜_t(VWᵀ) − y_t‖² (P is not part of the loss) and
 * of the error ‖VWᵀ − X*‖_F/‖X*‖_F; the stop rule is {@link StopRule}. No checkpoints.
 */
public final class PerturbedGradientFlow implements AutoCloseable {
    private final Engine engine;
    private final BatchSpec spec;
    private final int batch;
    private final int resampleEvery;
    private final MatrixBatch v;
    private final MatrixBatch w;
    private final MatrixBatch res;
    private final MatrixBatch gradV;
    private final MatrixBatch gradW;
    private final MatrixBatch perturbation;
    private final MeasurementSource measurements;
    private final DiagnosticsProbe probe;
    private final DiagnosticsCalculator calculator;

    /**
     * Allocates the state on the problem's engine and uploads the initial factors and the perturbations.
     *
     * @param initial       the initial factors (usually {@link HostFactors#drawInitial}); not modified
     * @param perturbation  P_b for every trajectory (count = the batch size, shape n1×n2); not modified
     * @param resampleEvery T ≥ 0: 0 for the problem's fixed measurements (then the spec's minibatch must be 0), else
     *                      the period of the fresh operator of minibatch rows (then the minibatch must be &gt; 0)
     * @throws IllegalArgumentException for a method other than gd, or shapes or periods that do not fit
     */
    public PerturbedGradientFlow(SensingProblem problem, BatchSpec spec, HostFactors initial,
            BoundedPerturbation perturbation, int resampleEvery) {
        this.engine = problem.engine();
        this.spec = spec;
        this.batch = spec.size();
        this.resampleEvery = resampleEvery;
        AlgorithmSpec algo = spec.algorithm();
        if (algo.method() != Method.GD) {
            throw new IllegalArgumentException("the perturbed gradient flow discretizes plain gradient descent (method gd),"
                    + " not " + algo.method().id());
        }
        int rows = algo.minibatch();
        if (resampleEvery < 0 || (resampleEvery == 0) != (rows == 0)) {
            throw new IllegalArgumentException("resampling period " + resampleEvery + " with minibatch " + rows
                    + ": use period 0 with minibatch 0 (the problem's fixed measurements) or a period ≥ 1 with the"
                    + " rows of the fresh operator as minibatch");
        }
        int n1 = problem.n1();
        int n2 = problem.n2();
        if (perturbation.count() != batch || perturbation.n1() != n1 || perturbation.n2() != n2) {
            throw new IllegalArgumentException("perturbation of " + perturbation.count() + " matrices " + perturbation.n1()
                    + "×" + perturbation.n2() + " for a batch of " + batch + " trajectories on a " + n1 + "×" + n2
                    + " problem");
        }
        int k = spec.model().width();
        Precision p = spec.model().precision();
        List<MatrixBatch> made = new ArrayList<>();
        MeasurementSource source = null;
        try {
            v = keep(made, engine.allocate(p, batch, n1, k));
            w = keep(made, engine.allocate(p, batch, n2, k));
            gradV = keep(made, engine.allocate(p, batch, n1, k));
            gradW = keep(made, engine.allocate(p, batch, n2, k));
            this.perturbation = keep(made, engine.allocate(p, batch, n1, n2));
            source = rows > 0 ? MeasurementSource.fresh(problem, rows, p) : MeasurementSource.fixed(problem);
            res = keep(made, engine.allocate(p, batch, source.rows(), 1));
            probe = new DiagnosticsProbe(problem, batch, k, p);
            engine.upload(initial.v(), v);
            engine.upload(initial.w(), w);
            engine.upload(perturbation.matrices(), this.perturbation);
        } catch (RuntimeException ex) {
            made.forEach(m -> {
                if (!m.isReleased()) {
                    engine.release(m);
                }
            });
            if (source != null) {
                source.release();
            }
            throw ex;
        }
        measurements = source;
        calculator = new DiagnosticsCalculator(problem.truth(), Math.min(k, Math.min(n1, n2)));
    }

    private static MatrixBatch keep(List<MatrixBatch> made, MatrixBatch m) {
        made.add(m);
        return m;
    }

    /**
     * Runs the batch to its end, to the stop of every trajectory, or until {@code stopRequested} says so (then the
     * current state is logged and the running trajectories are marked interrupted). Modifies the factors held here.
     */
    public BatchResult run(RunObserver observer, BooleanSupplier stopRequested) {
        AlgorithmSpec algo = spec.algorithm();
        StopRule stopRule = new StopRule(algo.tolerance());
        List<TrajectorySpec> trajectories = spec.trajectories();
        double[] negativeStep = new double[batch];
        TrajectoryStatus[] status = new TrajectoryStatus[batch];
        DiagnosticRecord[] last = new DiagnosticRecord[batch];
        int[] stoppedAt = new int[batch];
        double[] initialLoss = new double[batch];
        for (int b = 0; b < batch; b++) {
            negativeStep[b] = -trajectories.get(b).stepSize();
            status[b] = TrajectoryStatus.RUNNING;
        }
        long start = System.nanoTime();
        int t = 0;
        boolean interrupted = false;
        while (true) {
            boolean stopNow = stopRequested.getAsBoolean();
            if (resampleEvery > 0 && t % resampleEvery == 0) {
                measurements.prepare(t);
            }
            measurements.operator().residualAndGradients(v, w, measurements.observations(), res, gradV, gradW);
            boolean end = t == algo.iterations() || stopNow;
            boolean interruptNow = stopNow && t < algo.iterations();
            if (algo.logs(t) || end) {
                double wall = (System.nanoTime() - start) / 1e9;
                ProbeReadout[] readouts = probe.read(v, w, res, measurements.operator());
                DiagnosticRecord[] computed = diagnose(readouts, status, t, wall);
                List<DiagnosticRecord> records = new ArrayList<>();
                boolean anyRunning = false;
                for (int b = 0; b < batch; b++) {
                    if (status[b] != TrajectoryStatus.RUNNING) {
                        continue;
                    }
                    DiagnosticRecord r = computed[b];
                    records.add(r);
                    last[b] = r;
                    stoppedAt[b] = t;
                    if (t == 0) {
                        initialLoss[b] = r.loss();
                    }
                    TrajectoryStatus s = stopRule.classify(r, initialLoss[b]);
                    if (s == TrajectoryStatus.RUNNING && end) {
                        s = interruptNow ? TrajectoryStatus.INTERRUPTED : TrajectoryStatus.COMPLETED;
                    }
                    if (s != TrajectoryStatus.RUNNING) {
                        status[b] = s;
                        negativeStep[b] = 0;
                    } else {
                        anyRunning = true;
                    }
                }
                observer.onRecords(records);
                for (DiagnosticRecord r : records) {
                    if (status[r.trajectory()] != TrajectoryStatus.RUNNING) {
                        observer.onStatus(r.trajectory(), status[r.trajectory()], t);
                    }
                }
                if (!anyRunning) {
                    interrupted = interruptNow;
                    break;
                }
            }
            if (end) {
                interrupted = interruptNow;
                break;
            }
            // G ← E W + P W, H ← Eᵀ V + Pᵀ V (from the old V, W), then the simultaneous step
            engine.gemm(1, perturbation, Transpose.NONE, w, Transpose.NONE, 1, gradV);
            engine.gemm(1, perturbation, Transpose.TRANSPOSE, v, Transpose.NONE, 1, gradW);
            engine.scaleAdd(negativeStep, gradV, v);
            engine.scaleAdd(negativeStep, gradW, w);
            t++;
            observer.onProgress(t, algo.iterations());
        }
        engine.synchronize();
        double iterate = (System.nanoTime() - start) / 1e9;
        List<TrajectoryResult> results = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            results.add(new TrajectoryResult(b, trajectories.get(b), status[b], stoppedAt[b], last[b]));
        }
        return new BatchResult(results, t, 0, iterate, interrupted);
    }

    /** The diagnostic records of the running trajectories at iteration t (null for the others), in parallel. */
    private DiagnosticRecord[] diagnose(ProbeReadout[] readouts, TrajectoryStatus[] status, int t, double wall) {
        DiagnosticRecord[] out = new DiagnosticRecord[readouts.length];
        IntStream.range(0, readouts.length).parallel().filter(b -> status[b] == TrajectoryStatus.RUNNING)
                .forEach(b -> out[b] = calculator.compute(b, t, wall, readouts[b]));
        return out;
    }

    /** The current factors V (B×n1×k) and W (B×n2×k), downloaded to the host. */
    public HostFactors factors() {
        return new HostFactors(engine.download(v), engine.download(w));
    }

    /** Frees the state (the problem stays). */
    @Override
    public void close() {
        for (MatrixBatch m : Arrays.asList(v, w, res, gradV, gradW, perturbation)) {
            if (m != null && !m.isReleased() && !engine.isClosed()) {
                engine.release(m);
            }
        }
        if (!engine.isClosed()) {
            probe.release();
            measurements.release();
        }
    }
}
