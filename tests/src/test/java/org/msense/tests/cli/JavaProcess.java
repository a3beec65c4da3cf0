package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts the command line in a separate JVM with the test class path and the launcher's module options. */
final class JavaProcess {
    private JavaProcess() {
    }

    static ProcessBuilder msense(Path workDir, String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // as the msense launcher starts it: the CPU backend's hadamard, rank-one and gaussian-implicit kernels need the
        // Vector API module
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-cp");
        cmd.add(cp.replace(File.pathSeparatorChar, File.pathSeparatorChar));
        cmd.add("org.msense.cli.Main");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile());
    }

    /**
     * Runs the command line in a child JVM in {@code workDir} to its end (at most 180 s), expecting exit status
     * {@code status}; returns what it printed (standard output and error, through a log file in {@code workDir}).
     */
    static String runToEnd(Path workDir, int status, String... args) throws Exception {
        Path log = Files.createTempFile(workDir, "child", ".log");
        Process p = msense(workDir, args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "ends");
        String out = Files.readString(log);
        assertEquals(status, p.exitValue(), out);
        return out;
    }
}
