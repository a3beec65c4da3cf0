package org.msense.lab.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs short python3 scripts for interop tests, which are skipped where python3 (or NumPy) is not installed. */
final class PythonRunner {
    private static Boolean python;
    private static Boolean numpy;

    private PythonRunner() {
    }

    /** Skips the calling test unless python3 can be run. */
    static synchronized void assumePython() {
        if (python == null) {
            python = succeeds("pass");
        }
        Assumptions.assumeTrue(python, "python3 is not installed; skipping this interop test");
    }

    /** Skips the calling test unless python3 with NumPy can be run. */
    static synchronized void assumeNumpy() {
        assumePython();
        if (numpy == null) {
            numpy = succeeds("import numpy");
        }
        Assumptions.assumeTrue(numpy, "NumPy is not installed for python3; skipping this interop test");
    }

    /** Runs {@code script} in {@code dir}, requires exit status 0 and returns its standard output. */
    static String run(Path dir, String script) throws IOException, InterruptedException {
        return run(dir, script, null);
    }

    /**
     * Runs {@code script} in {@code dir} with {@code input} (UTF-8) on standard input, requires exit status 0
     * and returns its standard output (UTF-8).
     */
    static String run(Path dir, String script, String input) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("python3", "-W", "ignore", "-c", script).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        Process p = pb.start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals(0, p.exitValue(), "python3 failed:\n" + out);
        return out;
    }

    private static boolean succeeds(String script) {
        try {
            Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
