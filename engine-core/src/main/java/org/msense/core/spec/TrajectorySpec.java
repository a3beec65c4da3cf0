package org.msense.core.spec;

/**
 * One trajectory of a batch: V₀ = α_V·G_V, W₀ = α_W·G_W with G drawn from {@code initSeed}, stepped with
 * step size μ.
 *
 * @param initSeed seed of the initial directions G_V, G_W
 * @param alphaV   α_V &gt; 0
 * @param alphaW   α_W &gt; 0
 * @param stepSize μ &gt; 0
 * @param damping  ≥ 0: the damping λ of scaledgd and apgd, the constant c of PrecGD's damping
 *                 η_t = c·‖𝒜(V_tW_tᵀ) − y‖₂ ({@link Method}); unused by gd (0 there)
 */
public record TrajectorySpec(long initSeed, double alphaV, double alphaW, double stepSize, double damping) {
    public TrajectorySpec {
        Checks.positive("alpha", alphaV);
        Checks.positive("alpha-w", alphaW);
        Checks.positive("step-size", stepSize);
        Checks.nonNegative("lambda", damping);
    }

    /** A trajectory without damping (for gd). */
    public TrajectorySpec(long initSeed, double alphaV, double alphaW, double stepSize) {
        this(initSeed, alphaV, alphaW, stepSize, 0);
    }
}
