package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes on the command line that used to pass silently: an option given twice, a missing value, a huge integer. */
class OptionMistakesTest {
    @TempDir
    Path dir;

    private static void assertUsageError(CliRunner r, String... mustContain) {
        assertEquals(2, r.status(), "exit status; stderr: " + r.err());
        for (String s : mustContain) {
            assertTrue(r.err().contains(s), "stderr should mention '" + s + "': " + r.err());
        }
        assertFalse(r.hasStackTrace(), r.err());
        assertTrue(r.err().strip().lines().count() <= 2, "a short message: " + r.err());
    }

    @Test
    void anOptionGivenTwiceIsAnError() {
        assertUsageError(CliRunner.run("run", "--out", dir.resolve("r").toString(), "--alpha", "1e-2", "--alpha", "1e-3"),
                "--alpha is given twice");
        assertFalse(Files.exists(dir.resolve("r")));
    }

    @Test
    void aConfigGivenTwiceIsAnError() throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), "{\"n1\": 10}");
        Path b = Files.writeString(dir.resolve("b.json"), "{\"n1\": 12}");
        assertUsageError(CliRunner.run("run", "--config", a.toString(), "--config", b.toString()), "--config is given twice");
    }

    @Test
    void aMissingValueIsNamed() {
        assertUsageError(CliRunner.run("run", "--alpha", "--iterations", "20"), "value of --alpha is missing");
    }

    @Test
    void anIntegerTooLargeSaysSo() {
        assertUsageError(CliRunner.run("run", "--iterations", "99999999999"), "iterations", "too large", "2147483647");
        assertUsageError(CliRunner.run("run", "--seed", "99999999999999999999"), "seed", "too large");
    }
}
