package org.msense.core.spec;

import java.util.List;

/**
 * B trajectories that share one problem (X*, 𝒜, y), one model shape and one algorithm, and differ in
 * initial seed, initial scales and step size. The engine runs them together: every pass over 𝒜 serves all B.
 * A symmetric method ({@link Method#symmetric}) needs a symmetric problem and α_W = α_V in every trajectory.
 */
public record BatchSpec(ProblemSpec problem, ModelSpec model, AlgorithmSpec algorithm, List<TrajectorySpec> trajectories) {
    public BatchSpec {
        Checks.present("problem", problem);
        Checks.present("model", model);
        Checks.present("algorithm", algorithm);
        if (trajectories == null || trajectories.isEmpty()) {
            throw new InvalidSpecException("alpha", "a batch needs at least one trajectory");
        }
        trajectories = List.copyOf(trajectories);
        if (algorithm.method().symmetric()) {
            if (!problem.symmetric()) {
                throw new InvalidSpecException("model", algorithm.method().id() + " trains X = UUᵀ and needs a"
                        + " positive semidefinite ground truth X* = U*ΣU*ᵀ (a symmetric problem); use --model symmetric");
            }
            for (TrajectorySpec t : trajectories) {
                if (t.alphaV() != t.alphaW()) {
                    throw new InvalidSpecException("alpha-w", "the symmetric model has one factor U₀ = α·G, so α_W = α;"
                            + " got α = " + t.alphaV() + ", α_W = " + t.alphaW() + "; leave --alpha-w out");
                }
            }
        }
    }

    /** B, the number of trajectories. */
    public int size() {
        return trajectories.size();
    }
}
