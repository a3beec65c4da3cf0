package org.msense.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link HugePages} reads this JVM's own arguments. */
class HugePagesTest {
    /** Prints {@link HugePages#inUse()} of the JVM it runs in. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.print(HugePages.inUse());
        }
    }

    @Test
    void agreesWithTheJvmsInputArguments() {
        boolean expected = System.getProperty("os.name").startsWith("Linux")
                && ManagementFactory.getRuntimeMXBean().getInputArguments().contains(HugePages.FLAG);
        assertEquals(expected, HugePages.inUse());
    }

    @Test
    void seesTheFlagInAJvmStartedWithItAndNotInOneStartedWithout() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the flag exists on Linux JVMs only");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        // the JVM may print a warning to standard output first (where the kernel has THP switched off)
        String with = probe(List.of(java, HugePages.FLAG, "-cp", cp, Probe.class.getName()));
        String without = probe(List.of(java, "-cp", cp, Probe.class.getName()));
        assertTrue(with.endsWith("true"), with);
        assertTrue(without.endsWith("false"), without);
    }

    private static String probe(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe JVM did not finish: " + command);
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
