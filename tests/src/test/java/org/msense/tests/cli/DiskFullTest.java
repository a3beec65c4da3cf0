package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose disk fills up: metrics.csv and spectrum.csv keep whole rows only, and summary.json ends "failed" with
 * the reason. The full disk is real: a 200 KiB tmpfs, mounted for the test (needs root and mount privileges; the
 * test is skipped, saying why, where they are missing).
 */
class DiskFullTest {
    @TempDir
    Path tmp;
    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", mount.toString()).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void mountSmallTmpfs(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p;
        try {
            p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("cannot run mount(8) to make a small file system: " + e.getMessage());
            return;
        }
        String said = new String(p.getInputStream().readAllBytes()).strip();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0,
                "cannot mount a 200 KiB tmpfs to fill up (needs root with mount privileges): " + said);
        mount = dir;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFullDiskKeepsWholeRowsAndASummaryThatSaysWhy() throws Exception {
        mountSmallTmpfs(tmp.resolve("small"));
        Path out = mount.resolve("run");
        CliRunner r = CliRunner.run("run", "--out", out.toString(), "--n1", "12", "--n2", "10", "--rank", "2",
                "--measurements", "300", "--iterations", "5000", "--log-every", "1", "--alpha", "1e-2,1e-3",
                "--no-plots", "--progress", "never");
        assertEquals(1, r.status(), "the run fails: " + r.err());
        assertTrue(r.err().contains("No space left on device"), r.err());
        Map<String, Object> s = RunDirectoryFiles.summary(out);
        assertEquals("failed", s.get("status"));
        assertTrue(String.valueOf(s.get("error")).contains("No space left on device"), s.toString());
        List<Map<String, Object>> ts = (List<Map<String, Object>>) s.get("trajectories");
        assertTrue(((Number) ts.get(0).get("iterations")).intValue() > 10, "progress up to the failure is kept");

        List<double[]> rows = RunDirectoryFiles.metrics(out); // throws on a partial row
        assertTrue(rows.size() > 20, "rows before the disk filled are kept: " + rows.size());
        assertTrue(Files.readString(out.resolve("metrics.csv")).endsWith("\n"), "no partial last line");
        List<String> spectrum = Files.readAllLines(out.resolve("spectrum.csv"));
        int columns = spectrum.get(0).split(",").length;
        for (String line : spectrum) {
            assertEquals(columns, line.split(",", -1).length, "incomplete spectrum row: " + line);
        }
        assertTrue(Files.readString(out.resolve("spectrum.csv")).endsWith("\n"));
        assertEquals(rows.size(), spectrum.size() - 1, "both files stop at the same logged iteration");
        assertFalse(Files.exists(out.resolve(".summary.reserve")), "the reserved space is given back");
        assertFalse(Files.exists(out.resolve("run.lock")));
    }
}
