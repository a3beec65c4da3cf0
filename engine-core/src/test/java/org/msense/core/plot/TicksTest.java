package org.msense.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TicksTest {

    private static List<String> labels(Ticks.Scale s) {
        return s.labelled().stream().map(Ticks.Tick::label).toList();
    }

    private static List<Double> labelledValues(Ticks.Scale s) {
        return s.labelled().stream().map(Ticks.Tick::value).toList();
    }

    @Test
    void logTicksAtEveryDecadeOfAWideRange() {
        Ticks.Scale s = Ticks.log(3e-7, 2, 10, true);
        assertEquals(1e-7, s.lo());
        // The top decade would add 0.7 decades above the data, so the end moves in to 2·10⁰.
        assertEquals(2.0, s.hi());
        assertEquals(List.of("10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"),
                labels(s));
        assertEquals(List.of(1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0), labelledValues(s));
        // More than six decades: no minor ticks at 2…9.
        assertTrue(s.ticks().stream().allMatch(Ticks.Tick::labelled));
    }

    @Test
    void logRangeSnapsToDecadesWhenTheDataComeClose() {
        Ticks.Scale s = Ticks.log(3e-7, 8, 10, true);
        assertEquals(1e-7, s.lo());
        assertEquals(10.0, s.hi());
        assertEquals("10¹", labels(s).get(labels(s).size() - 1));
    }

    @Test
    void logLowEndMovesInWhenMoreThanHalfADecadeIsEmpty() {
        Ticks.Scale s = Ticks.log(8e-5, 1, 10, true);
        assertEquals(5e-5, s.lo());
        assertEquals(1.0, s.hi());
    }

    @Test
    void logMinorTicksWhenAtMostSixDecades() {
        Ticks.Scale s = Ticks.log(1e-3, 1e2, 10, true);
        assertEquals(List.of("10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²"), labels(s));
        List<Ticks.Tick> minor = s.ticks().stream().filter(t -> !t.labelled()).toList();
        assertEquals(5 * 8, minor.size());
        assertTrue(minor.stream().anyMatch(t -> t.value() == 0.02));
        assertTrue(minor.stream().anyMatch(t -> t.value() == 90.0));
    }

    @Test
    void wideLogRangeLabelsEveryKthDecade() {
        Ticks.Scale s = Ticks.log(1e-12, 1e12, 5, true);
        List<Ticks.Tick> l = s.labelled();
        assertTrue(l.size() <= 5 && l.size() >= 2, labels(s).toString());
        int step = (int) Math.round(Math.log10(l.get(1).value()) - Math.log10(l.get(0).value()));
        assertTrue(step > 1);
        for (Ticks.Tick t : l) {
            assertEquals(0, Math.floorMod((int) Math.round(Math.log10(t.value())), step));
        }
        // The skipped decades keep unlabelled ticks.
        assertEquals(25, s.ticks().size());
    }

    @Test
    void narrowLogRangeSnapsToHalfDecadesAndLabelsMantissas() {
        Ticks.Scale s = Ticks.log(1.2, 2.5, 8, true);
        assertEquals(1.0, s.lo());
        assertEquals(Math.sqrt(10), s.hi(), 1e-12);
        assertEquals(List.of("1", "2", "3"), labels(s));

        Ticks.Scale d = Ticks.log(2, 4, 6, true);
        assertEquals(1.0, d.lo());
        assertEquals(10.0, d.hi());
        assertEquals(List.of("1", "2", "5", "10"), labels(d));

        Ticks.Scale tiny = Ticks.log(2e-7, 4e-7, 6, true);
        assertEquals(List.of("10⁻⁷", "2×10⁻⁷", "5×10⁻⁷", "10⁻⁶"), labels(tiny));
    }

    @Test
    void degenerateLogRangeIsWidenedAroundTheValue() {
        Ticks.Scale s = Ticks.log(1e-3, 1e-3, 8, true);
        assertTrue(s.lo() < 1e-3 && s.hi() > 1e-3);
        assertEquals(1.0, Math.log10(s.hi() / s.lo()), 1e-12);
        assertTrue(s.labelled().size() >= 2);
        assertTrue(labels(s).contains("10⁻³"));
    }

    @Test
    void linearNiceTicks() {
        Ticks.Scale s = Ticks.linear(0, 1000, 7, true);
        assertEquals(List.of(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0), labelledValues(s));
        assertEquals(List.of("0", "200", "400", "600", "800", "1000"), labels(s));
        assertEquals(0.0, s.lo());
        assertEquals(1000.0, s.hi());

        Ticks.Scale w = Ticks.linear(3, 1037, 7, true);
        assertEquals(0.0, w.lo());
        assertEquals(1200.0, w.hi());
    }

    @Test
    void linearLabelsCarryNoFloatingPointNoise() {
        Ticks.Scale s = Ticks.linear(0, 0.3, 4, true);
        assertEquals(List.of("0.0", "0.1", "0.2", "0.3"), labels(s));
        assertEquals(0.3, s.labelled().get(3).value());

        Ticks.Scale k = Ticks.linear(0, 3000, 4, true);
        assertEquals(List.of("0", "1000", "2000", "3000"), labels(k));

        Ticks.Scale m = Ticks.linear(0, 5e6, 6, true);
        assertEquals(List.of("0", "1×10⁶", "2×10⁶", "3×10⁶", "4×10⁶", "5×10⁶"), labels(m));

        Ticks.Scale small = Ticks.linear(0, 2e-4, 3, true);
        assertEquals(List.of("0", "1×10⁻⁴", "2×10⁻⁴"), labels(small));

        Ticks.Scale neg = Ticks.linear(-1, 1, 5, true);
        assertEquals(List.of("−1.0", "−0.5", "0.0", "0.5", "1.0"), labels(neg));
    }

    @Test
    void degenerateLinearRangesAreValid() {
        Ticks.Scale s = Ticks.linear(5, 5, 6, true);
        assertTrue(s.lo() < 5 && s.hi() > 5);
        assertTrue(s.labelled().size() >= 2);

        Ticks.Scale z = Ticks.linear(0, 0, 6, true);
        assertTrue(z.lo() < 0 && z.hi() > 0);

        Ticks.Scale huge = Ticks.linear(-Double.MAX_VALUE, Double.MAX_VALUE, 6, true);
        assertTrue(Double.isFinite(huge.lo()) && Double.isFinite(huge.hi()) && huge.lo() < huge.hi());
    }

    @Test
    void unsnappedRangeKeepsItsEndsAndPutsTicksInside() {
        Ticks.Scale s = Ticks.linear(0.05, 0.95, 6, false);
        assertEquals(0.05, s.lo());
        assertEquals(0.95, s.hi());
        for (Ticks.Tick t : s.ticks()) {
            assertTrue(t.value() >= 0.05 && t.value() <= 0.95, t.toString());
        }
        assertFalse(s.labelled().isEmpty());

        Ticks.Scale l = Ticks.log(3e-5, 7e2, 10, false);
        assertEquals(3e-5, l.lo());
        assertEquals(7e2, l.hi());
        assertEquals("10⁻⁴", labels(l).get(0));
        assertEquals("10²", labels(l).get(labels(l).size() - 1));
    }

    @Test
    void superscripts() {
        assertEquals("⁻¹²", Ticks.superscript(-12));
        assertEquals("⁰", Ticks.superscript(0));
        assertEquals("³⁴⁵⁶⁷⁸⁹", Ticks.superscript(3456789));
    }
}
