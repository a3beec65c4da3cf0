package org.msense.core.algorithm;

import java.util.List;

/**
 * The outcome of a batch run.
 *
 * @param trajectories   one result per trajectory, in batch order
 * @param steps          gradient steps taken (by the longest-running trajectory)
 * @param setupSeconds   time to allocate the state and upload the initial factors
 * @param iterateSeconds time of the iteration loop, diagnostics included
 * @param interrupted    whether the run was stopped before its end
 * @param timing         the iteration loop of this call split into warm-up and steady steps
 */
public record BatchResult(List<TrajectoryResult> trajectories, int steps, double setupSeconds, double iterateSeconds,
        boolean interrupted, StepTiming timing) {
    public BatchResult {
        trajectories = List.copyOf(trajectories);
    }

    /** Milliseconds per gradient step (NaN when no step was taken). */
    public double msPerIteration() {
        return steps == 0 ? Double.NaN : 1000.0 * iterateSeconds / steps;
    }

    /**
     * The iteration loop of one {@code run} call in two parts: the first {@code warmupSteps} steps (at most
     * {@link #WARMUP_STEPS}; on the CPU they include the compilation of the kernels by the JIT) and the steps after
     * them. Times are wall-clock seconds from the start of the call, diagnostics at logged iterations included, the
     * device synchronized at the split.
     *
     * @param warmupSteps   steps in the warm-up part: min({@link #WARMUP_STEPS}, steps taken in this call)
     * @param warmupSeconds time of the warm-up part (with the diagnostics of iteration 0)
     * @param steadySteps   steps after the warm-up part (0 when the call took no more)
     * @param steadySeconds time of those steps (0 when there are none)
     */
    public record StepTiming(int warmupSteps, double warmupSeconds, int steadySteps, double steadySeconds) {
        /** Steps counted as warm-up. */
        public static final int WARMUP_STEPS = 10;

        /** Milliseconds per steady step (NaN when there is none). */
        public double steadyMsPerIteration() {
            return steadySteps == 0 ? Double.NaN : 1000.0 * steadySeconds / steadySteps;
        }
    }
}
