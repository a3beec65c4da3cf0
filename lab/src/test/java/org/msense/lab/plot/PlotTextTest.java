package org.msense.lab.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlotTextTest {

    @Test
    void scriptsWithUnicodeFormsBecomeThoseCharacters() {
        assertEquals("σ₁₂", PlotText.parse("σ_12").unicode());
        assertEquals("10⁻³", PlotText.parse("10^-3").unicode());
        assertEquals("σₙₒᵢₛₑ", PlotText.parse("σ_{noise}").unicode());
        assertEquals("Xᵀ", PlotText.parse("X^T").unicode());
        assertEquals("a_b literal and x^", PlotText.parse("a\\_b literal and x^").unicode());
        assertEquals("10⁻¹⁰", DecadeAxis.label(-10));
        assertEquals("0.02", DecadeAxis.plain(2, -2));
        assertEquals("2×10⁻⁵", DecadeAxis.plain(2, -5));
    }

    @Test
    void otherScriptsAreRuns() {
        PlotText t = PlotText.parse("‖VWᵀ − P_U VWᵀ P_V‖_F");
        assertNull(t.unicode());
        assertTrue(t.needsRuns());
        assertEquals(List.of(new PlotText.Run("‖VWᵀ − P", 0), new PlotText.Run("U", -1), new PlotText.Run(" VWᵀ P", 0),
                new PlotText.Run("V", -1), new PlotText.Run("‖", 0), new PlotText.Run("F", -1)), t.runs());
        assertEquals("‖VWᵀ − PU VWᵀ PV‖F", t.simple());
        assertEquals("α = 1e-3", PlotText.parse("α = 1e-3").simple());
    }

    @Test
    void theDefaultFontHasEveryScriptCharacter() {
        LinePlot.preferHeadless();
        Font f = new Font(ChartBuilder.family(), Font.PLAIN, 12);
        String all = PlotText.parse("x_{0123456789+-=()aehijklmnoprstuvxβγρφχ}").unicode()
                + PlotText.parse("x^{0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθφχ}").unicode()
                + "‖−σαΣθμΔκξ…×";
        assertEquals(-1, f.canDisplayUpTo(all), "cannot display " + all);
    }
}
