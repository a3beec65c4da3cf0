package org.msense.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.msense.core.spec.InvalidSpecException;

/** The three progress styles, the --progress settings, and which streams count as terminals. */
class ProgressBarTest {

    private static String draw(ProgressBar.Style style) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, style, "iterating");
        for (int t = 0; t <= 100; t++) {
            bar.update(t, 100);
        }
        bar.finish();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void liveRedrawsInPlaceAndEndsTheLine() {
        String s = draw(ProgressBar.Style.LIVE);
        assertTrue(s.startsWith("\riterating ["), s);
        assertTrue(s.contains("100%  100/100"), s);
        assertTrue(s.endsWith(System.lineSeparator()), s);
    }

    @Test
    void linesHaveNoCarriageReturns() {
        // a fast loop stays under the 10 s interval: no line at all, and never a \r
        assertFalse(draw(ProgressBar.Style.LINES).contains("\r"));
    }

    @Test
    void noneWritesNothing() {
        assertEquals("", draw(ProgressBar.Style.NONE));
    }

    @Test
    void settingsChooseTheStyle() {
        PrintStream other = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(ProgressBar.Style.LIVE, ProgressBar.style("always", other));
        assertEquals(ProgressBar.Style.NONE, ProgressBar.style("never", System.err));
        assertEquals(ProgressBar.Style.NONE, ProgressBar.style(" NEVER ", System.err));
        assertEquals(ProgressBar.Style.LINES, ProgressBar.style("auto", other), "a stream that is no file descriptor");
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> ProgressBar.style("sometimes", other));
        assertEquals("progress", e.field());
        assertTrue(e.getMessage().contains("auto, always or never"), e.getMessage());
    }

    @Test
    void terminalDevicesAreTtysOnly() {
        assertTrue(ProgressBar.isTerminalDevice("/dev/pts/3"));
        assertTrue(ProgressBar.isTerminalDevice("/dev/tty1"));
        assertFalse(ProgressBar.isTerminalDevice("pipe:[40221]"));
        assertFalse(ProgressBar.isTerminalDevice("/dev/null"));
        assertFalse(ProgressBar.isTerminalDevice("/tmp/run.log"));
        assertFalse(ProgressBar.isTerminal(new PrintStream(new ByteArrayOutputStream())));
    }
}
