package org.msense.core.algorithm;

import java.util.function.BooleanSupplier;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.Method;

/**
 * Wind's perturbed gradient flow, discretized by small gradient steps (forward Euler with step μ), for B
 * trajectories at once, written against the {@link org.msense.core.backend.Engine} SPI. The flow is
 * <pre>
 *   dV/dt = −(E(t) + P) W,   dW/dt = −(E(t) + P)ᵀ V,   E(t) = 𝒜_t*(𝒜_t(VWᵀ) − y_t),   ‖P‖₂ ≤ ξ
 * </pre>
 * and one step, for every trajectory b, from (V_b, W_b):
 * <pre>
 *   G_b = (E_t + P_b) W_b,  H_b = (E_t + P_b)ᵀ V_b      (E_t W_b, E_tᵀ V_b by {@link org.msense.core.backend.SensingOperator#residualAndGradients})
 *   V_b ← V_b − μ_b G_b,    W_b ← W_b − μ_b H_b       (simultaneous: both use the old V_b, W_b)
 * </pre>
 * P_b is a fixed matrix of spectral norm ξ_b ({@link BoundedPerturbation}), uploaded once; it enters through two
 * GEMMs per step, G_b += P_b W_b and H_b += P_bᵀ V_b ({@link GradientPerturbation#matrices}). The measurements: with {@code resampleEvery} = 0 the problem's
 * fixed (𝒜, y); with {@code resampleEvery} = T &gt; 0 a fresh Gaussian operator 𝒜_t of
 * {@link AlgorithmSpec#minibatch()} rows (scaled so that E[𝒜_t*𝒜_t] = I, with y_t = 𝒜_t(X*) + noise;
 * {@link MeasurementSource#fresh}) drawn at t = 0, T, 2T, … from substream t and kept for T steps
 * ({@link MeasurementSource#heldFor}).
 *
 * <p>With every ξ_b = 0 the step is that of {@link FactorizedGradientDescent} (method gd) bit for bit: for
 * {@code resampleEvery} = 0 and minibatch 0 (the fixed operator) and for {@code resampleEvery} = 1 with the same
 * minibatch (fresh measurements every step, the same substreams): adding P_b W_b = 0 changes no bit. The records
 * ({@link DiagnosticRecord}) are those of the measured loss ½‖𝒜_t(VWᵀ) − y_t‖² (P is not part of the loss) and
 * of the error ‖VWᵀ − X*‖_F/‖X*‖_F; the stop rule is {@link StopRule}. No checkpoints.
 *
 * <p>The iteration itself is {@link FactorizedGradientDescent}'s: this class checks the configuration, uploads P and
 * runs gradient descent with that perturbation and that period.
 */
public final class PerturbedGradientFlow implements AutoCloseable {
    private final GradientPerturbation perturbation;
    private final FactorizedGradientDescent descent;

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
        int batch = spec.size();
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
        this.perturbation = GradientPerturbation.matrices(problem.engine(), perturbation, spec.model().precision());
        try {
            descent = new FactorizedGradientDescent(problem, spec, initial, this.perturbation, Math.max(1, resampleEvery));
        } catch (RuntimeException ex) {
            this.perturbation.release();
            throw ex;
        }
    }

    /**
     * Runs the batch to its end, to the stop of every trajectory, or until {@code stopRequested} says so (then the
     * current state is logged and the running trajectories are marked interrupted). Modifies the factors held here.
     */
    public BatchResult run(RunObserver observer, BooleanSupplier stopRequested) {
        return descent.run(observer, stopRequested);
    }

    /** The current factors V (B×n1×k) and W (B×n2×k), downloaded to the host. */
    public HostFactors factors() {
        return descent.factors();
    }

    /** Frees the state (the problem stays). */
    @Override
    public void close() {
        descent.close();
        perturbation.release();
    }
}
