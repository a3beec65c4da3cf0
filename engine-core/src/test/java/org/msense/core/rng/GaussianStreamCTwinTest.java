package org.msense.core.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the C twin of the generator (native/test/rng_twin.c with native/src/msense_rng.h)
 * with gcc and checks that it produces exactly the same bits as {@link GaussianStream}.
 * Skipped when gcc is not installed.
 */
class GaussianStreamCTwinTest {
    private static final String TWIN_SOURCE = "native/test/rng_twin.c";

    private record Case(long seed, StreamPurpose purpose, int substream, long first, int count) {
    }

    private static final List<Case> CASES = List.of(
            new Case(0L, StreamPurpose.TRUTH_LEFT, 0, 0L, 25_000),
            new Case(0xDEADBEEFCAFEBABEL, StreamPurpose.SENSING, 7, 12_345L, 25_001), // high seed bits, odd start
            new Case(42L, StreamPurpose.SGD_NOISE, 123_456, (1L << 33) - 10_001, 20_000), // pair index crosses 2^32
            new Case(-1L, StreamPurpose.NOISE, -1, (1L << 32) + 3, 15_000), // substream 0xFFFFFFFF
            new Case(0x0123_4567_89AB_CDEFL, StreamPurpose.INIT_W, 2, (1L << 45) + 1, 10_000),
            new Case(0x8000_0000_0000_0000L, StreamPurpose.SGD_SENSING, Integer.MAX_VALUE, 1L, 7_000));

    /** Walks up from the working directory to the repository root (the directory holding the twin). */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve(TWIN_SOURCE))) {
                return dir;
            }
            dir = dir.getParent();
        }
        fail("no directory above " + Path.of("").toAbsolutePath() + " contains " + TWIN_SOURCE);
        return null;
    }

    private static String gccVersion() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out.lines().findFirst().orElse("gcc");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    @Test
    void cTwinIsBitIdenticalToJava(@TempDir Path tmp) throws Exception {
        String gcc = gccVersion();
        Assumptions.assumeTrue(gcc != null, "gcc not found: the C twin comparison needs gcc on the PATH");
        Path root = repositoryRoot();
        Path exe = tmp.resolve("rng_twin");
        run(List.of("gcc", "-std=c11", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-o", exe.toString(),
                root.resolve(TWIN_SOURCE).toString(), "-lm"), root);

        long compared = 0;
        for (Case c : CASES) {
            List<String> command = List.of(exe.toString(), Long.toUnsignedString(c.seed()),
                    Integer.toString(c.purpose().id()), Integer.toUnsignedString(c.substream()),
                    Long.toUnsignedString(c.first()), Integer.toString(c.count()));
            Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectError(
                    ProcessBuilder.Redirect.DISCARD).start();
            List<Long> bits = new ArrayList<>(c.count());
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    bits.add(Long.parseUnsignedLong(line.trim(), 16));
                }
            }
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
            assertEquals(0, p.exitValue(), "exit status of " + command
                    + " (3: pair variant disagrees, 4: Philox known answers fail)");
            assertEquals(c.count(), bits.size(), "lines printed by " + command);

            GaussianStream stream = new GaussianStream(c.seed(), c.purpose(), c.substream());
            double[] filled = new double[c.count()];
            stream.fill(c.first(), 1.0, filled, 0, c.count());
            for (int i = 0; i < c.count(); i++) {
                long index = c.first() + i;
                long expected = Double.doubleToRawLongBits(filled[i]);
                if (bits.get(i) != expected) {
                    fail(String.format("%s index %d: C %016x, Java %016x (%s)", c, index, bits.get(i), expected,
                            filled[i]));
                }
                if (i % 7 == 0) { // the single-element path as well
                    assertEquals(expected, Double.doubleToRawLongBits(stream.normal(index)), c + " index " + index);
                }
            }
            compared += c.count();
        }
        assertTrue(compared >= 100_000, "compared " + compared + " values");
    }
}
