package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.lab.io.Json;

/** config.json records the backend and threads as asked; summary.json records those used. */
class AskedAndUsedTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void configKeepsWhatWasAskedAndSummaryWhatWasUsed() throws Exception {
        Path out = dir.resolve("r");
        CliRunner r = CliRunner.run("run", "--out", out.toString(), "--n1", "8", "--n2", "6", "--rank", "1",
                "--measurements", "100", "--iterations", "5", "--log-every", "5", "--alpha", "1e-2", "--no-plots",
                "--progress", "never", "--backend", "auto");
        assertEquals(0, r.status(), r.err());
        Map<String, Object> config = Json.mapper().readValue(Files.readString(out.resolve("config.json")), Map.class);
        assertEquals("auto", config.get("backend"), "as asked");
        assertEquals(0, config.get("threads"), "as asked");
        Map<String, Object> summary = RunDirectoryFiles.summary(out);
        assertTrue(java.util.List.of("cpu", "cuda").contains(summary.get("backend")), "as used: " + summary.get("backend"));
        assertTrue(((Number) summary.get("threads")).intValue() >= 1, "as used: " + summary.get("threads"));
        assertTrue(summary.get("pid") instanceof Number && summary.get("host") instanceof String);
    }
}
