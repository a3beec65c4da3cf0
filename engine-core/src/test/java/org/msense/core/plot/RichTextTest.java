package org.msense.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RichTextTest {

    private static List<RichText.Run> runs(String s) {
        return RichText.parse(s).runs();
    }

    @Test
    void subscriptsTakeOneCharacterOrAllDigits() {
        assertEquals(List.of(new RichText.Run("σ", 0), new RichText.Run("30", -1)), runs("σ_30"));
        assertEquals(List.of(new RichText.Run("‖X‖", 0), new RichText.Run("F", -1), new RichText.Run(" / n", 0)),
                runs("‖X‖_F / n"));
        assertEquals(List.of(new RichText.Run("α", 0), new RichText.Run("V", -1), new RichText.Run("=1e-3", 0)),
                runs("α_V=1e-3"));
    }

    @Test
    void bracesAndSuperscripts() {
        assertEquals(List.of(new RichText.Run("x", 0), new RichText.Run("max", -1)), runs("x_{max}"));
        assertEquals(List.of(new RichText.Run("10", 0), new RichText.Run("-3", 1)), runs("10^-3"));
        assertEquals(List.of(new RichText.Run("X", 0), new RichText.Run("*", 1)), runs("X^*"));
    }

    @Test
    void escapesAndDanglingMarkersAreLiteral() {
        assertEquals(List.of(new RichText.Run("run_01", 0)), runs("run\\_01"));
        assertEquals(List.of(new RichText.Run("a_", 0)), runs("a_"));
        assertEquals(List.of(new RichText.Run("a_ b", 0)), runs("a_ b"));
        assertEquals(List.of(new RichText.Run("a_{b", 0)), runs("a_{b"));
        assertEquals("", RichText.parse(null).plain());
    }

    @Test
    void scriptsAreNarrowerThanBaselineText() {
        double normal = RichText.parse("σ30").width(20, false);
        double sub = RichText.parse("σ_30").width(20, false);
        assertTrue(sub < normal && sub > 0);
        assertTrue(RichText.parse("W").width(20, true) > RichText.parse("W").width(20, false));
    }
}
