package org.msense.core.algorithm;

import java.util.Arrays;
import org.msense.core.diagnostics.DiagnosticRecord;

/**
 * The state of a batch run at the start of iteration {@code iteration}, before anything of that iteration is
 * computed: what {@link FactorizedGradientDescent#run(RunObserver, java.util.function.BooleanSupplier, Checkpoint)}
 * needs to go on from there exactly as an uninterrupted run would (the random streams of SGD are indexed by the
 * iteration, so they need no state of their own).
 *
 * @param iteration   t, the next iteration to compute (its diagnostics included)
 * @param factors     V_t and W_t of every trajectory
 * @param status      each trajectory's status at t ({@link TrajectoryStatus#RUNNING} or how it stopped)
 * @param initialLoss each trajectory's loss at t = 0 (for the divergence rule)
 * @param stoppedAt   the last logged iteration of each trajectory
 * @param wallSeconds the run's iteration time up to t (wall times of later records continue from it)
 * @param last        the last record of each trajectory before t (null where there is none)
 */
public record Checkpoint(int iteration, HostFactors factors, TrajectoryStatus[] status, double[] initialLoss,
        int[] stoppedAt, double wallSeconds, DiagnosticRecord[] last) {
    public Checkpoint {
        last = last.clone();
        status = status.clone();
        initialLoss = initialLoss.clone();
        stoppedAt = stoppedAt.clone();
        if (status.length != initialLoss.length || status.length != stoppedAt.length) {
            throw new IllegalArgumentException("a checkpoint needs one status, initial loss and last iteration per"
                    + " trajectory, got " + status.length + ", " + initialLoss.length + ", " + stoppedAt.length);
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[t=" + iteration + ", status=" + Arrays.toString(status) + "]";
    }
}
