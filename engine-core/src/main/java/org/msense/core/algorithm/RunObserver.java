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

    /** An observer that ignores everything. */
    static RunObserver none() {
        return new RunObserver() {
        };
    }
}
