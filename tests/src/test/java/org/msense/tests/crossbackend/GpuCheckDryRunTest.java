package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/msense-gpu-check --dry-run} (the CPU-side rehearsal of the GPU validation) runs here: it writes
 * gpu-validation.md with the probe's output, the cross-backend trajectory table (small, against the CPU on one thread
 * where there is no GPU; both precisions within tolerance) and a bench table, and exits 0. The script is the source
 * tree's dist/src/bin/msense-gpu-check, or the bundle's bin/msense-gpu-check; this JVM's java and class path stand in
 * for the bundle's runtime and jars (MSENSE_CHECK_JAVA, MSENSE_CHECK_CLASSPATH). Skipped where /bin/sh is missing.
 */
class GpuCheckDryRunTest {

    static Path script() {
        Path source = Path.of(System.getProperty("user.dir")).resolve("../dist/src/bin/msense-gpu-check").normalize();
        String home = System.getProperty("msense.home");
        if (!Files.exists(source) && home != null) {
            source = Path.of(home, "bin", "msense-gpu-check");
        }
        assertTrue(Files.exists(source), "msense-gpu-check not found at " + source);
        return source;
    }

    @Test
    void theDryRunWritesTheReport(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "/bin/sh is needed");
        Path out = dir.resolve("report");
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", script().toString(), "--dry-run", "--out", out.toString()))
                .redirectErrorStream(true);
        pb.environment().put("MSENSE_CHECK_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().put("MSENSE_CHECK_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_OPTS", "-Xmx1g");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the dry run did not finish");
        String report = Files.exists(out.resolve("gpu-validation.md")) ? Files.readString(out.resolve("gpu-validation.md")) : "";
        assertEquals(0, p.exitValue(), log + "\n" + report);
        assertTrue(report.startsWith("# GPU validation of msense"), report);
        assertTrue(report.contains("**DRY RUN**"), report);
        assertTrue(report.contains("## Backends (msense backends)\n\nexit 0"), report);
        assertTrue(report.contains("## Cross-backend trajectories\n\nexit 0"), report);
        for (String precision : new String[] {"fp64", "fp32"}) {
            assertTrue(report.lines().anyMatch(l -> l.startsWith("| " + precision + " |") && l.endsWith("| pass |")),
                    precision + " row:\n" + report);
        }
        assertTrue(report.contains("| dense-fp64 |"), "the bench table:\n" + report);
        assertTrue(report.contains("every step passed"), report);
    }
}
