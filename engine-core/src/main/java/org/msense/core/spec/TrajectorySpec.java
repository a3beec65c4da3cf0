package org.msense.core.spec;

/**
 * One trajectory of a batch: V₀ = α_V·G_V, W₀ = α_W·G_W with G drawn from {@code initSeed}, stepped with
 * step size μ.
 *
 * @param initSeed seed of the initial directions G_V, G_W
 * @param alphaV   α_V &gt; 0
 * @param alphaW   α_W &gt; 0
 * @param stepSize μ &gt; 0
 */
public record TrajectorySpec(long initSeed, double alphaV, double alphaW, double stepSize) {
    public TrajectorySpec {
        Checks.positive("alpha", alphaV);
        Checks.positive("alpha-w", alphaW);
        Checks.positive("step-size", stepSize);
    }
}
