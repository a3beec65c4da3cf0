package org.msense.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AxisTest {

    @Test
    void linearMappingHitsTheEndsAndIsMonotone() {
        Axis a = new Axis(new Ticks.Scale(-2, 6, false, List.of()), 100, 900);
        assertEquals(100, a.toPixel(-2), 1e-9);
        assertEquals(900, a.toPixel(6), 1e-9);
        assertEquals(500, a.toPixel(2), 1e-9);
        double prev = Double.NEGATIVE_INFINITY;
        for (double v = -2; v <= 6; v += 0.37) {
            double p = a.toPixel(v);
            assertTrue(p > prev);
            prev = p;
        }
    }

    @Test
    void verticalAxisRunsUpward() {
        Axis a = new Axis(new Ticks.Scale(0, 1, false, List.of()), 700, 50);
        assertEquals(700, a.toPixel(0), 1e-9);
        assertEquals(50, a.toPixel(1), 1e-9);
        assertTrue(a.toPixel(0.25) > a.toPixel(0.75));
    }

    @Test
    void logMappingIsLinearInTheExponent() {
        Axis a = new Axis(new Ticks.Scale(1e-6, 1e2, true, List.of()), 0, 800);
        assertEquals(0, a.toPixel(1e-6), 1e-9);
        assertEquals(800, a.toPixel(1e2), 1e-9);
        assertEquals(600, a.toPixel(1), 1e-9);
        double prev = Double.NEGATIVE_INFINITY;
        for (double v = 1e-6; v <= 1e2; v *= 1.7) {
            double p = a.toPixel(v);
            assertTrue(p > prev);
            prev = p;
        }
    }

    @Test
    void undrawableValuesMapToNaN() {
        Axis log = new Axis(new Ticks.Scale(1, 10, true, List.of()), 0, 100);
        assertTrue(Double.isNaN(log.toPixel(0)));
        assertTrue(Double.isNaN(log.toPixel(-3)));
        assertTrue(Double.isNaN(log.toPixel(Double.NaN)));
        assertTrue(Double.isNaN(log.toPixel(Double.POSITIVE_INFINITY)));
        Axis lin = new Axis(new Ticks.Scale(0, 1, false, List.of()), 0, 100);
        assertEquals(-100, lin.toPixel(-1), 1e-9);
        assertTrue(Double.isNaN(lin.toPixel(Double.NEGATIVE_INFINITY)));
    }
}
