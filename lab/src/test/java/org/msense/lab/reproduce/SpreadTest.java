package org.msense.lab.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Median and spread over seeds: odd and even counts, order independence, and a failed seed (NaN) poisons the summary. */
class SpreadTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueAndTheSpreadIsMinToMax() {
        Spread s = Spread.of(3, 1, 2);
        assertEquals(2, s.median());
        assertEquals(1, s.min());
        assertEquals(3, s.max());
        assertEquals(3, s.seeds());
        assertEquals(3, s.values()[0], "values stay in seed order");
        assertEquals("2 (1–3)", s.text());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertEquals(2.5, Spread.of(4, 1, 3, 2).median());
        assertEquals("5", Spread.of(5).text(), "one seed prints as its value");
    }

    @Test
    void aFailedSeedMakesEveryFieldNaNSoNoCheckPassesOnIt() {
        Spread s = Spread.of(1, Double.NaN, 3);
        assertTrue(Double.isNaN(s.median()) && Double.isNaN(s.min()) && Double.isNaN(s.max()));
        assertTrue(!Check.atMost("x", s.median(), 10, "").pass());
    }

    @Test
    void columnsAreTakenAcrossSeeds() {
        double[][] perSeed = {{1, 10}, {2, 30}, {3, 20}};
        assertEquals(20, Spread.column(perSeed, 1).median());
        assertThrows(IllegalArgumentException.class, Spread::of);
    }
}
