package org.msense.cuda;

import java.util.Locale;
import org.msense.core.backend.BackendException;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;

/** The check every structured operator of the CUDA backend makes: its data come in the precision it was opened in. */
final class OperatorPrecision {
    private OperatorPrecision() {
    }

    /**
     * Throws when {@code b} is not in {@code opened}, the precision the operator {@code kind} (its id, e.g. "hadamard")
     * was opened in, naming both and the option that fixes it.
     */
    static void require(String kind, Precision opened, MatrixBatch b) {
        if (b.precision() != opened) {
            throw new BackendException("the " + kind + " operator of the cuda backend was opened in " + opened + " and got "
                    + b.precision() + " data; open it in the precision of the run (--precision "
                    + b.precision().name().toLowerCase(Locale.ROOT) + ")");
        }
    }
}
