package org.msense.core.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.SensingOperator;

/**
 * {@link MeasurementSource#heldFor}: step t uses the draw of substream t − (t mod T), each drawn once, also when a
 * run resumes in the middle of a period; T = 1 is the source itself.
 */
class HeldMeasurementSourceTest {

    /** Records the substreams it is prepared for. */
    private static final class Recording extends MeasurementSource {
        final List<Integer> prepared = new ArrayList<>();
        boolean released;

        @Override
        public SensingOperator operator() {
            throw new UnsupportedOperationException("not used here");
        }

        @Override
        public MatrixBatch observations() {
            throw new UnsupportedOperationException("not used here");
        }

        @Override
        public void prepare(int t) {
            prepared.add(t);
        }

        @Override
        public int rows() {
            return 7;
        }

        @Override
        public void release() {
            released = true;
        }
    }

    @Test
    void eachPeriodDrawsOnceFromItsFirstSubstream() {
        Recording source = new Recording();
        MeasurementSource held = MeasurementSource.heldFor(source, 3);
        for (int t = 0; t <= 7; t++) {
            held.prepare(t);
        }
        assertEquals(List.of(0, 3, 6), source.prepared);
        assertEquals(7, held.rows());
        held.release();
        assertTrue(source.released);
    }

    @Test
    void resumingInsideAPeriodDrawsThatPeriodsMeasurements() {
        Recording source = new Recording();
        MeasurementSource held = MeasurementSource.heldFor(source, 4);
        for (int t = 5; t <= 9; t++) {
            held.prepare(t);
        }
        assertEquals(List.of(4, 8), source.prepared);
    }

    @Test
    void periodOneIsTheSourceAndAPeriodBelowOneIsRefused() {
        Recording source = new Recording();
        assertSame(source, MeasurementSource.heldFor(source, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeasurementSource.heldFor(source, 0));
        assertTrue(e.getMessage().contains("≥ 1"), e.getMessage());
    }
}
