package org.msense.core.algorithm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.backend.Transpose;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.diagnostics.DiagnosticsCalculator;
import org.msense.core.diagnostics.DiagnosticsProbe;
import org.msense.core.diagnostics.ProbeReadout;
import org.msense.core.linalg.Linalg;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.Method;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.TrajectorySpec;

/**
 * Factorized gradient descent on f(V, W) = ½‖𝒜(VWᵀ) − y‖², for B trajectories at once, written against
 * the {@link Engine} SPI and the problem's {@link SensingOperator}. One step, for every trajectory b:
 * <pre>
 *   res_b = 𝒜(V_b W_bᵀ) − y,  G_b = 𝒜*(res_b) W_b,  H_b = 𝒜*(res_b)ᵀ V_b   ({@link SensingOperator#residualAndGradients})
 *   V_b  ← V_b − μ_b G_b
 *   W_b  ← W_b − μ_b H_b                    (simultaneous: both use the old V_b, W_b)
 * </pre>
 * The algorithm holds no n1×n2 buffer: the dense Gaussian operator forms X = VWᵀ and E = 𝒜*(res) in its own
 * scratch (one fused pass over 𝒜), structured operators (completion, …) never form them.
 * Everything stays on the engine between logged iterations; at a logged iteration t (see
 * {@link AlgorithmSpec#logs}) the diagnostics of (V_t, W_t) are read back, and each trajectory may stop
 * ({@link StopRule}); a stopped trajectory is frozen (its step size set to 0) and no longer reported.
 * With {@link AlgorithmSpec#minibatch()} &gt; 0 each step uses fresh measurements ({@link MeasurementSource}).
 *
 * <p>The preconditioned methods ({@link Method}; docs/math.md, "Methods") multiply the gradients on the right by
 * (WᵀW + d I)⁻¹ and (VᵀV + d I)⁻¹. The k×k Gram matrices are formed on the engine (GEMM) and read back; on the
 * host each damped Gram matrix M is factored M = L Lᵀ (Cholesky, {@link Linalg#inverseCholeskyFactor}), and
 * L⁻¹ is uploaded and applied on the engine as G ← (G L⁻ᵀ) L⁻¹, so M⁻¹ is never formed. That is B·k² numbers
 * each way per factor and step, and two more GEMMs of size n×k×k. ScaledGD(λ) and PrecGD keep one pass over
 * 𝒜 per step; APGD makes two, since W's gradient is taken at the new V.
 *
 * <p>The symmetric model ({@link Method#GD_SYMMETRIC}: X = UUᵀ, U ∈ R^{n×k}, f(U) = ¼‖𝒜(UUᵀ) − y‖²) runs on the
 * same two factor buffers with V = W = U. With V = W = U the asymmetric step would give V' = U − μEU and
 * W' = U − μEᵀU, whose mean is U − μ E_sym U with E_sym = (E + Eᵀ)/2, and E_sym U is the gradient ∇f(U)
 * (∂⟨A_i, UUᵀ⟩/∂U = (A_i + A_iᵀ)U). The operator's gradients at (V, W) = (U, U) are G = EU and H = EᵀU, so the
 * step forms G + H and applies U ← U − (μ/2)(G + H) to both buffers: the same operations on equal data, so V and W
 * stay equal bit for bit, the forward pass 𝒜(VWᵀ) is 𝒜(UUᵀ), and the diagnostics need no special case (the imbalance VᵀV − WᵀW is exactly 0,
 * the singular values of VWᵀ are the eigenvalues of UUᵀ).
 *
 * <p>Two options serve Wind's perturbed gradient flow ({@link PerturbedGradientFlow}), for method gd only: a
 * {@link GradientPerturbation} adds a term to G_b and H_b after the operator's pass and before the step (none: no
 * extra arithmetic, the step above bit for bit), and with fresh measurements each draw may be kept for T steps
 * ({@link MeasurementSource#heldFor}; T = 1, the default, draws at every step).
 */
public final class FactorizedGradientDescent implements AutoCloseable {
    private final Engine engine;
    private final SensingProblem problem;
    private final BatchSpec spec;
    private final int batch;
    private final int k;
    private final MatrixBatch v;
    private final MatrixBatch w;
    private final MatrixBatch res;
    private final MatrixBatch gradV;
    private final MatrixBatch gradW;
    private final Method method;
    /** Preconditioner state (null for gd): the Gram matrix, the uploaded L⁻¹, and scratch for G·L⁻ᵀ. */
    private final MatrixBatch gram;
    private final MatrixBatch choleskyInverse;
    private final MatrixBatch scratchV;
    private final MatrixBatch scratchW;
    /** Host buffers of {@link #precondition} (null for gd): the B factors L⁻¹ to upload, one damped Gram matrix. */
    private final double[] hostInverse;
    private final double[] hostGram;
    private final MeasurementSource measurements;
    /** The term added to the gradients before each step, or null (plain gradient descent). */
    private final GradientPerturbation perturbation;
    private final DiagnosticsProbe probe;
    private final DiagnosticsCalculator calculator;
    private final double setupSeconds;
    /** Part of the setup spent getting the engine's kernels compiled ({@link SensingOperator#warmUp}). */
    private final double kernelWarmUpSeconds;

    /**
     * Allocates the state on the problem's engine and uploads the initial factors.
     *
     * @param initial the initial factors (usually {@link HostFactors#drawInitial}); not modified
     */
    public FactorizedGradientDescent(SensingProblem problem, BatchSpec spec, HostFactors initial) {
        this(problem, spec, initial, null, 1);
    }

    /**
     * Allocates the state on the problem's engine and uploads the initial factors, for a run whose gradients get
     * an added term and whose fresh measurements are each kept for several steps.
     *
     * @param initial      the initial factors (usually {@link HostFactors#drawInitial}); not modified
     * @param perturbation the term added to the gradients before each step (method gd only), or null for none; it
     *                     stays the caller's to release, after this object is closed
     * @param holdSteps    T ≥ 1: with a minibatch &gt; 0, each fresh draw (substream t₀ = 0, T, 2T, …) is used for
     *                     T steps; ignored for the problem's fixed measurements
     * @throws IllegalArgumentException for a perturbation with a method other than gd, or T &lt; 1
     */
    public FactorizedGradientDescent(SensingProblem problem, BatchSpec spec, HostFactors initial,
            GradientPerturbation perturbation, int holdSteps) {
        long start = System.nanoTime();
        this.engine = problem.engine();
        this.problem = problem;
        this.spec = spec;
        this.batch = spec.size();
        this.k = spec.model().width();
        this.method = spec.algorithm().method();
        if (perturbation != null && method != Method.GD) {
            throw new IllegalArgumentException("a gradient perturbation is added to plain gradient descent (method gd),"
                    + " not " + method.id());
        }
        if (holdSteps < 1) {
            throw new IllegalArgumentException("fresh measurements held for " + holdSteps + " steps; the period must"
                    + " be ≥ 1");
        }
        this.perturbation = perturbation;
        Precision p = spec.model().precision();
        int n1 = problem.n1();
        int n2 = problem.n2();
        List<MatrixBatch> made = new ArrayList<>();
        MeasurementSource source = null;
        long warmUpNanos;
        try {
            v = keep(made, engine.allocate(p, batch, n1, k));
            w = keep(made, engine.allocate(p, batch, n2, k));
            gradV = keep(made, engine.allocate(p, batch, n1, k));
            gradW = keep(made, engine.allocate(p, batch, n2, k));
            if (method.preconditioned()) {
                gram = keep(made, engine.allocate(p, batch, k, k));
                choleskyInverse = keep(made, engine.allocate(p, batch, k, k));
                scratchV = keep(made, engine.allocate(p, batch, n1, k));
                scratchW = keep(made, engine.allocate(p, batch, n2, k));
                hostInverse = new double[batch * k * k];
                hostGram = new double[k * k];
            } else {
                gram = null;
                choleskyInverse = null;
                scratchV = null;
                scratchW = null;
                hostInverse = null;
                hostGram = null;
            }
            int mb = spec.algorithm().minibatch();
            source = mb > 0 ? MeasurementSource.heldFor(MeasurementSource.fresh(problem, mb, p), holdSteps)
                    : MeasurementSource.fixed(problem);
            res = keep(made, engine.allocate(p, batch, source.rows(), 1));
            probe = new DiagnosticsProbe(problem, batch, k, p);
            if (method.symmetric() && !Arrays.equals(initial.v(), initial.w())) {
                throw new IllegalArgumentException(method.id() + " trains one factor U (V = W = U): the initial V and W"
                        + " must be equal (use HostFactors.drawInitial(BatchSpec), or V0.npy equal to W0.npy)");
            }
            engine.upload(initial.v(), v);
            engine.upload(initial.w(), w);
            long warm = System.nanoTime();
            source.operator().warmUp(batch, k, p);
            warmUpNanos = System.nanoTime() - warm;
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
        engine.synchronize();
        long end = System.nanoTime();
        kernelWarmUpSeconds = warmUpNanos / 1e9;
        setupSeconds = (end - start) / 1e9;
    }

    /**
     * Device memory a run of this shape on the dense Gaussian operator allocates beyond the problem itself, in bytes:
     * factors, the operator's products X and E, gradients, residuals, fresh measurements and diagnostic scratch.
     */
    public static long stateBytes(int batch, int n1, int n2, int k, int r, int rows, int minibatch, Precision p) {
        return stateBytes(batch, n1, n2, k, r, rows, minibatch, p, Method.GD);
    }

    /** {@link #stateBytes(int, int, int, int, int, int, int, Precision)} for a given method (preconditioner scratch). */
    public static long stateBytes(int batch, int n1, int n2, int k, int r, int rows, int minibatch, Precision p,
            Method method) {
        return stateBytes(batch, n1, n2, k, r, rows, minibatch, p, method, OperatorKind.GAUSSIAN);
    }

    /**
     * As above for a given operator kind: only the dense Gaussian operator holds the B×n1×n2 products X and E; the
     * structured operators' own data is counted by {@link SensingOperator#bytes()}.
     */
    public static long stateBytes(int batch, int n1, int n2, int k, int r, int rows, int minibatch, Precision p,
            Method method, OperatorKind kind) {
        long products = kind.dense() ? 2L * n1 * n2 : 0;
        long elements = (long) batch * (2L * n1 * k + 2L * n2 * k + products + rows);
        if (method.preconditioned()) {
            elements += (long) batch * (2L * k * k + (long) (n1 + n2) * k);
        }
        if (minibatch > 0) {
            elements += (long) minibatch * n1 * n2 + 2L * minibatch;
        }
        return elements * p.bytes() + DiagnosticsProbe.scratchBytes(batch, n1, n2, k, r, p.bytes());
    }

    private static MatrixBatch keep(List<MatrixBatch> made, MatrixBatch m) {
        made.add(m);
        return m;
    }

    /**
     * Seconds of the setup spent in {@link SensingOperator#warmUp}: the engine's kernels run on a small stand-in
     * operator until compiled, so that the first steps run at full speed.
     */
    public double kernelWarmUpSeconds() {
        return kernelWarmUpSeconds;
    }

    /**
     * Runs the batch to its end, to the stop of every trajectory, or until {@code stopRequested} says so
     * (then the current state is logged and the running trajectories are marked interrupted).
     */
    public BatchResult run(RunObserver observer, BooleanSupplier stopRequested) {
        return run(observer, stopRequested, null);
    }

    /**
     * Runs the batch from a checkpoint (null: from the start), which must come from a run of the same problem and
     * spec; the factors uploaded at construction are replaced by the checkpoint's. From a checkpoint the records,
     * statuses and factors are those the uninterrupted run computes, bit for bit (wall times aside).
     */
    public BatchResult run(RunObserver observer, BooleanSupplier stopRequested, Checkpoint from) {
        AlgorithmSpec algo = spec.algorithm();
        StopRule stopRule = new StopRule(algo.tolerance());
        List<TrajectorySpec> trajectories = spec.trajectories();
        double[] negativeStep = new double[batch];
        TrajectoryStatus[] status = new TrajectoryStatus[batch];
        DiagnosticRecord[] last = new DiagnosticRecord[batch];
        int[] stoppedAt = new int[batch];
        double[] initialLoss = new double[batch];
        double[] damping = new double[batch];
        for (int b = 0; b < batch; b++) {
            negativeStep[b] = -trajectories.get(b).stepSize();
            damping[b] = trajectories.get(b).damping();
            status[b] = TrajectoryStatus.RUNNING;
        }
        long start = System.nanoTime();
        long callStart = start;
        long warmupEnd = -1; // when the warm-up steps of this call ended (System.nanoTime)
        int t = 0;
        if (from != null) {
            if (from.status().length != batch || from.iteration() < 0 || from.iteration() > algo.iterations()) {
                throw new IllegalArgumentException("checkpoint " + from + " does not fit a batch of " + batch + " and "
                        + algo.iterations() + " iterations");
            }
            engine.upload(from.factors().v(), v);
            engine.upload(from.factors().w(), w);
            t = from.iteration();
            for (int b = 0; b < batch; b++) {
                status[b] = from.status()[b];
                initialLoss[b] = from.initialLoss()[b];
                stoppedAt[b] = from.stoppedAt()[b];
                last[b] = from.last()[b];
                if (status[b] != TrajectoryStatus.RUNNING) {
                    negativeStep[b] = 0;
                }
            }
            start -= (long) (from.wallSeconds() * 1e9);
        }
        int firstStep = t;
        int checkpointEvery = observer.checkpointEvery();
        boolean interrupted = false;
        int checkpointed = from == null ? 0 : from.iteration(); // the iteration of the last checkpoint handed out
        while (true) {
            boolean checkpointable = checkpointEvery > 0 && t > 0 && t < algo.iterations();
            if (checkpointable && t % checkpointEvery == 0 && t > checkpointed) {
                checkpoint(observer, t, status, initialLoss, stoppedAt, start, last);
                checkpointed = t;
            }
            boolean stopNow = stopRequested.getAsBoolean();
            if (checkpointable && stopNow && t > checkpointed) {
                // stopped (SIGTERM): the state at t too, before its records mark the trajectories interrupted
                checkpoint(observer, t, status, initialLoss, stoppedAt, start, last);
                checkpointed = t;
            }
            measurements.prepare(t);
            measurements.operator().residualAndGradients(v, w, measurements.observations(), res, gradV, gradW);
            boolean end = t == algo.iterations() || stopNow;
            boolean interruptNow = stopNow && t < algo.iterations();
            if (algo.logs(t) || end) {
                double wall = (System.nanoTime() - start) / 1e9;
                ProbeReadout[] readouts = probe.read(v, w, res, measurements.operator());
                List<DiagnosticRecord> records = new ArrayList<>();
                DiagnosticRecord[] computed = diagnose(calculator, readouts, status, t, wall);
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
            if (perturbation != null) {
                perturbation.addTo(v, w, gradV, gradW);
            }
            step(negativeStep, damping);
            t++;
            if (t - firstStep == BatchResult.StepTiming.WARMUP_STEPS) {
                engine.synchronize();
                warmupEnd = System.nanoTime();
            }
            observer.onProgress(t, algo.iterations());
        }
        engine.synchronize();
        long end = System.nanoTime();
        double iterate = (end - start) / 1e9;
        BatchResult.StepTiming timing = warmupEnd < 0
                ? new BatchResult.StepTiming(t - firstStep, (end - callStart) / 1e9, 0, 0)
                : new BatchResult.StepTiming(BatchResult.StepTiming.WARMUP_STEPS, (warmupEnd - callStart) / 1e9,
                        t - firstStep - BatchResult.StepTiming.WARMUP_STEPS, (end - warmupEnd) / 1e9);
        List<TrajectoryResult> results = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            results.add(new TrajectoryResult(b, trajectories.get(b), status[b], stoppedAt[b], last[b]));
        }
        return new BatchResult(results, t, setupSeconds, iterate, interrupted, timing); // t: the steps taken
    }

    /** Hands the observer a checkpoint of the state at iteration t (after the engine has finished its work). */
    private void checkpoint(RunObserver observer, int t, TrajectoryStatus[] status, double[] initialLoss,
            int[] stoppedAt, long start, DiagnosticRecord[] last) {
        engine.synchronize();
        observer.onCheckpoint(new Checkpoint(t, factors(), status, initialLoss, stoppedAt,
                (System.nanoTime() - start) / 1e9, last));
    }

    /**
     * One update of every trajectory from (V_t, W_t), with res_t and the gradients E_t W_t, E_tᵀ V_t already in
     * {@code res}, {@code gradV}, {@code gradW}; a trajectory whose coefficient in {@code negativeStep} is 0 is frozen.
     */
    private void step(double[] negativeStep, double[] damping) {
        switch (method) {
            case GD, SCALED_GD, PREC_GD -> {
                // V ← V − μ E W and W ← W − μ Eᵀ V from the same old (V, W); for scaledgd and precgd the
                // gradients are first multiplied on the right by (WᵀW + d I)⁻¹ and (VᵀV + d I)⁻¹
                double[] d = damping;
                if (method == Method.PREC_GD) {
                    // η_t = c·‖res_t‖₂ (PrecGD's damping follows the residual)
                    double[] squared = engine.squaredNorms(res);
                    d = new double[batch];
                    for (int b = 0; b < batch; b++) {
                        d[b] = damping[b] * Math.sqrt(squared[b]);
                    }
                }
                if (method != Method.GD) {
                    precondition(gradV, w, d, negativeStep, scratchV);
                    precondition(gradW, v, d, negativeStep, scratchW);
                }
                engine.scaleAdd(negativeStep, gradV, v);
                engine.scaleAdd(negativeStep, gradW, w);
            }
            case APGD -> {
                // V_{t+1} = V_t − μ E_t W_t (W_tᵀW_t + λI)⁻¹
                precondition(gradV, w, damping, negativeStep, scratchV);
                engine.scaleAdd(negativeStep, gradV, v);
                // W_{t+1} = W_t − μ E'ᵀ V_{t+1} (V_{t+1}ᵀV_{t+1} + λI)⁻¹, E' = 𝒜*(𝒜(V_{t+1}W_tᵀ) − y): a second pass
                // (the pass also recomputes gradV, already applied above; it is overwritten unused)
                measurements.operator().residualAndGradients(v, w, measurements.observations(), res, gradV, gradW);
                precondition(gradW, v, damping, negativeStep, scratchW);
                engine.scaleAdd(negativeStep, gradW, w);
            }
            case GD_SYMMETRIC -> {
                // U ← U − μ E_sym U = U − (μ/2)(EU + EᵀU): the operator gave G = EW = EU and H = EᵀV = EᵀU;
                // G ← G + H, then the same update of V and W (both hold U)
                double[] ones = new double[batch];
                double[] halfStep = new double[batch];
                for (int b = 0; b < batch; b++) {
                    ones[b] = 1;
                    halfStep[b] = 0.5 * negativeStep[b];
                }
                engine.scaleAdd(ones, gradW, gradV);
                engine.scaleAdd(halfStep, gradV, v);
                engine.scaleAdd(halfStep, gradV, w);
            }
            default -> throw new IllegalStateException("unknown method " + method);
        }
    }

    /**
     * {@code grad_b ← grad_b (F_bᵀF_b + d_b I)⁻¹} for every running trajectory b (F = {@code factor}): the Gram
     * matrix is formed on the engine, factored on the host (M = L Lᵀ), and L⁻¹ applied on the engine as
     * (grad·L⁻ᵀ)·L⁻¹. A frozen trajectory gets 0; one whose M is not numerically positive definite (NaN or
     * Inf in its factors, or d = 0 with a singular Gram matrix) gets NaN, so it is reported as diverged.
     */
    private void precondition(MatrixBatch grad, MatrixBatch factor, double[] d, double[] negativeStep, MatrixBatch scratch) {
        engine.gemm(1, factor, Transpose.TRANSPOSE, factor, Transpose.NONE, 0, gram);
        double[] g = engine.download(gram);
        int kk = k * k;
        double[] out = hostInverse;
        double[] m = hostGram;
        for (int b = 0; b < batch; b++) {
            if (negativeStep[b] == 0) {
                Arrays.fill(out, b * kk, (b + 1) * kk, 0);
                continue;
            }
            System.arraycopy(g, b * kk, m, 0, kk);
            for (int i = 0; i < k; i++) {
                m[i * k + i] += d[b];
            }
            double[] inv = Linalg.inverseCholeskyFactor(m, k);
            if (inv == null) {
                Arrays.fill(out, b * kk, (b + 1) * kk, Double.NaN);
            } else {
                System.arraycopy(inv, 0, out, b * kk, kk);
            }
        }
        engine.upload(out, choleskyInverse);
        engine.gemm(1, grad, Transpose.NONE, choleskyInverse, Transpose.TRANSPOSE, 0, scratch);
        engine.gemm(1, scratch, Transpose.NONE, choleskyInverse, Transpose.NONE, 0, grad);
    }

    /**
     * The diagnostic records of the running trajectories at iteration t (null for the others). The host
     * work (per trajectory: QR of V and W, an SVD of order min(n, k), eigen-decompositions of k×k matrices) is
     * independent across trajectories and runs in parallel on the common pool; the records do not depend on
     * the scheduling.
     */
    private static DiagnosticRecord[] diagnose(DiagnosticsCalculator calculator, ProbeReadout[] readouts,
            TrajectoryStatus[] status, int t, double wall) {
        DiagnosticRecord[] out = new DiagnosticRecord[readouts.length];
        IntStream.range(0, readouts.length).parallel().filter(b -> status[b] == TrajectoryStatus.RUNNING)
                .forEach(b -> out[b] = calculator.compute(b, t, wall, readouts[b]));
        return out;
    }

    /** The current factors V (B×n1×k) and W (B×n2×k), downloaded to the host. */
    public HostFactors factors() {
        return new HostFactors(engine.download(v), engine.download(w));
    }

    /** The current V on the engine (B×n1×k); owned by this object. */
    public MatrixBatch v() {
        return v;
    }

    /** The current W on the engine (B×n2×k); owned by this object. */
    public MatrixBatch w() {
        return w;
    }

    /** Frees the state (the problem stays). */
    @Override
    public void close() {
        for (MatrixBatch m : Arrays.asList(v, w, res, gradV, gradW, gram, choleskyInverse, scratchV, scratchW)) {
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
