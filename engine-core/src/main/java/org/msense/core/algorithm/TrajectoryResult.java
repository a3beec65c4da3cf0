package org.msense.core.algorithm;

import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.spec.TrajectorySpec;

/**
 * How one trajectory ended.
 *
 * @param index      its index in the batch
 * @param spec       its seed, scales and step size
 * @param status     why it stopped
 * @param iterations the iteration its final state belongs to
 * @param last       its diagnostics at that iteration
 */
public record TrajectoryResult(int index, TrajectorySpec spec, TrajectoryStatus status, int iterations, DiagnosticRecord last) {
}
