package org.msense.tests.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the command line in a separate JVM with the test class path. */
final class JavaProcess {
    private JavaProcess() {
    }

    static ProcessBuilder msense(Path workDir, String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(cp.replace(File.pathSeparatorChar, File.pathSeparatorChar));
        cmd.add("org.msense.cli.Main");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile());
    }
}
