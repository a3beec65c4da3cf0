package org.msense.core.algorithm;

import org.msense.core.diagnostics.DiagnosticRecord;

/**
 * Decides, at a logged iteration, whether a trajectory stops: {@link TrajectoryStatus#DIVERGED} when its
 * loss or error is not finite or its loss exceeds {@value #GROWTH_LIMIT} times its initial loss;
 * {@link TrajectoryStatus#CONVERGED} when its relative error is at or below the tolerance (tolerance &gt; 0);
 * otherwise {@link TrajectoryStatus#RUNNING}.
 */
public final class StopRule {
    /** Loss growth over the initial loss that counts as divergence. */
    public static final double GROWTH_LIMIT = 1e8;

    private final double tolerance;

    public StopRule(double tolerance) {
        this.tolerance = tolerance;
    }

    /**
     * @param record      the trajectory's diagnostics now
     * @param initialLoss its loss at t = 0
     */
    public TrajectoryStatus classify(DiagnosticRecord record, double initialLoss) {
        if (!record.isFinite() || record.loss() > GROWTH_LIMIT * initialLoss) {
            return TrajectoryStatus.DIVERGED;
        }
        if (tolerance > 0 && record.relativeError() <= tolerance) {
            return TrajectoryStatus.CONVERGED;
        }
        return TrajectoryStatus.RUNNING;
    }
}
