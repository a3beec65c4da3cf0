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
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.lab.io.Json;

/**
 * On a host where Java2D cannot draw text, runs and the reproduce suite still write all their data and say once,
 * in one line that names no Java class, why there are no plots. The failure is real: the command line runs in a
 * JVM whose FreeType library is replaced by an empty file (on Linux with a JDK that loads the system FreeType,
 * as the Debian and Ubuntu packages do), so AWT's font manager fails to load exactly as on a host without it.
 */
class NoFontsTest {
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(java|javax|sun|jdk)\\.|Error\\b|Exception\\b");

    @TempDir
    Path tmp;

    private record Result(int status, String log) {
    }

    private Result runWithoutFreeType(String... args) throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("broken-lib"));
        Files.write(lib.resolve("libfreetype.so.6"), new byte[0]);
        Path log = tmp.resolve("log-" + System.nanoTime() + ".txt");
        ProcessBuilder pb = JavaProcess.msense(tmp, args).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LD_LIBRARY_PATH", lib.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the command did not finish");
        return new Result(p.exitValue(), Files.readString(log));
    }

    private static List<Path> plots(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".png") || f.toString().endsWith(".svg")).toList();
        }
    }

    private static void assumeFontsBroken(Path dir) throws IOException {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux") && plots(dir).isEmpty(),
                "this JDK draws text without the system FreeType library, so the failure cannot be simulated");
    }

    private static String oneSkipLine(String log) {
        List<String> lines = log.lines().filter(l -> l.contains("plots skipped")).toList();
        assertEquals(1, lines.size(), "one line says why plots are missing:\n" + log);
        String line = lines.get(0);
        assertFalse(JAVA_NAME.matcher(line).find(), "no Java class name: " + line);
        // A runtime that loads the system FreeType fails on it; one that bundles FreeType (e.g. the offline bundle's)
        // still reaches the system Fontconfig, which fails on the same library. Either way the reason is named.
        assertTrue(line.contains("libfreetype.so.6") || line.contains("Fontconfig"), "the line says what failed: " + line);
        assertFalse(log.contains("\tat "), "no stack trace:\n" + log);
        return line;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunWritesItsDataAndSaysOnceWhyThereAreNoPlots() throws Exception {
        Path out = tmp.resolve("run");
        Result r = runWithoutFreeType("run", "--iterations", "50", "--out", out.toString());
        assertEquals(0, r.status(), r.log());
        assumeFontsBroken(out);
        for (String f : List.of("config.json", "metrics.csv", "spectrum.csv", "summary.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(4 * 6, RunDirectoryFiles.metrics(out).size());
        String line = oneSkipLine(r.log());
        Map<String, Object> s = RunDirectoryFiles.summary(out);
        assertEquals("completed", s.get("status"));
        List<Object> warnings = (List<Object>) s.get("warnings");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(line.endsWith((String) warnings.get(0)), line + " vs " + warnings);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theReproduceSuiteChecksEverythingAndListsNoFigures() throws Exception {
        Path out = tmp.resolve("repro");
        Result r = runWithoutFreeType("reproduce", "all", "--quick", "--out", out.toString());
        assertEquals(0, r.status(), r.log());
        assumeFontsBroken(out);
        oneSkipLine(r.log());
        Map<String, Object> report = (Map<String, Object>) Json.mapper().readValue(Files.readString(out.resolve("report.json")), Map.class);
        assertEquals(Boolean.TRUE, report.get("passed"));
        for (Object e : (List<Object>) report.get("experiments")) {
            assertEquals(List.of(), ((Map<String, Object>) e).get("figures"), "no figure is listed that was not written");
        }
        assertFalse(Files.readString(out.resolve("report.md")).contains(".png)"));
    }
}
