package org.msense.lab.reproduce;

import java.util.List;
import java.util.function.Predicate;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.diagnostics.DiagnosticRecord;

/**
 * The recorded run of a batch.
 *
 * @param histories per trajectory, its records at every logged iteration, in order
 * @param last      the factors at the end
 */
public record Trajectories(List<List<DiagnosticRecord>> histories, HostFactors last) {

    /** The records of trajectory b. */
    public List<DiagnosticRecord> of(int b) {
        return histories.get(b);
    }

    /** The last record of trajectory b. */
    public DiagnosticRecord end(int b) {
        List<DiagnosticRecord> h = histories.get(b);
        return h.get(h.size() - 1);
    }

    /** The iterations of trajectory b's records. */
    public double[] iterations(int b) {
        return histories.get(b).stream().mapToDouble(DiagnosticRecord::iteration).toArray();
    }

    /** A diagnostic of trajectory b at each record. */
    public double[] column(int b, java.util.function.ToDoubleFunction<DiagnosticRecord> f) {
        return histories.get(b).stream().mapToDouble(f).toArray();
    }

    /**
     * The first recorded iteration at which trajectory b's relative error is ≤ target, or −1 when it never is.
     */
    public int firstBelow(int b, double target) {
        DiagnosticRecord r = first(b, d -> d.relativeError() <= target);
        return r == null ? -1 : r.iteration();
    }

    /** The first record of trajectory b that passes {@code test}, or null when none does. */
    public DiagnosticRecord first(int b, Predicate<DiagnosticRecord> test) {
        for (DiagnosticRecord r : histories.get(b)) {
            if (test.test(r)) {
                return r;
            }
        }
        return null;
    }
}
