package org.msense.core.algorithm;

import java.util.List;

/**
 * The outcome of a batch run.
 *
 * @param trajectories one result per trajectory, in batch order
 * @param steps        gradient steps taken (by the longest-running trajectory)
 * @param setupSeconds time to allocate the state and upload the initial factors
 * @param iterateSeconds time of the iteration loop, diagnostics included
 * @param interrupted  whether the run was stopped before its end
 */
public record BatchResult(List<TrajectoryResult> trajectories, int steps, double setupSeconds, double iterateSeconds,
        boolean interrupted) {
    public BatchResult {
        trajectories = List.copyOf(trajectories);
    }

    /** Milliseconds per gradient step (NaN when no step was taken). */
    public double msPerIteration() {
        return steps == 0 ? Double.NaN : 1000.0 * iterateSeconds / steps;
    }
}
