package org.msense.core.algorithm;

/** Where a trajectory stands. */
public enum TrajectoryStatus {
    /** Still being stepped. */
    RUNNING("running"),
    /** Reached the tolerance on the relative error. */
    CONVERGED("converged"),
    /** Its loss became NaN/Inf or grew by a factor 10⁸ over its initial value; the others went on. */
    DIVERGED("diverged"),
    /** Ran the full number of iterations. */
    COMPLETED("completed"),
    /** The run was stopped (Ctrl-C, kill) before this trajectory finished. */
    INTERRUPTED("interrupted");

    private final String id;

    TrajectoryStatus(String id) {
        this.id = id;
    }

    /** The name written to summaries. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
