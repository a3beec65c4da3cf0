package org.msense.core.algorithm;

import java.util.List;
import org.msense.core.diagnostics.DiagnosticRecord;

/** Receives what a run produces as it goes. Called on the run's thread; keep it quick. */
public interface RunObserver {

    /** The records of every trajectory still running at a logged iteration. */
    default void onRecords(List<DiagnosticRecord> records) {
    }

    /** A trajectory stopped (converged, diverged, completed or interrupted) at the given iteration. */
    default void onStatus(int trajectory, TrajectoryStatus status, int iteration) {
    }

    /** Iteration {@code t} of {@code total} has been taken. Called every iteration. */
    default void onProgress(int t, int total) {
    }

    /**
     * Every how many iterations the run should hand its state to {@link #onCheckpoint} (0: never). Asked once, when
     * the run starts.
     */
    default int checkpointEvery() {
        return 0;
    }

    /**
     * The state at the start of iteration {@code c.iteration()} (a positive multiple of {@link #checkpointEvery()},
     * before the last iteration; and, when a stop request ends the run before its last iteration, the iteration
     * where it stops), from which a later run continues exactly.
     */
    default void onCheckpoint(Checkpoint c) {
    }

    /** An observer that ignores everything. */
    static RunObserver none() {
        return new RunObserver() {
        };
    }
}
