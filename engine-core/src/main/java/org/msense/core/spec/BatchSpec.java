package org.msense.core.spec;

import java.util.List;

/**
 * B trajectories that share one problem (X*, 𝒜, y), one model shape and one algorithm, and differ in
 * initial seed, initial scales and step size. The engine runs them together: every pass over 𝒜 serves all B.
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
    }

    /** B, the number of trajectories. */
    public int size() {
        return trajectories.size();
    }
}
