package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code msense bench --quick} end to end: the table has its columns and one row per problem (two for the
 * sweep when the NumPy peer runs), the memory floor was measured, and --markdown writes the same table.
 * Timings are never asserted.
 */
class BenchCommandTest {
    @TempDir
    Path dir;

    private static final List<String> CASES = List.of("dense-fp64", "agn-fp64", "agn-fp32", "agn-fp32-storage", "sweep-b8",
            "hadamard", "completion", "rank-one");

    @Test
    void quickBenchPrintsTheTableAndWritesMarkdown() throws IOException {
        Path md = dir.resolve("bench.md");
        CliRunner r = CliRunner.run("bench", "--quick", "--markdown", md.toString());
        assertEquals(0, r.status(), "exit status; stderr: " + r.err() + "\nstdout: " + r.out());
        assertFalse(r.hasStackTrace(), r.err());
        String out = r.out();
        assertTrue(out.matches("(?s).*memory read floor: \\d+\\.\\d GB/s.*"), out);
        String header = out.lines().filter(l -> l.startsWith("| case |")).findFirst().orElse("");
        for (String column : List.of("ms/iteration", "GB/s", "floor ms", "×floor", "GFLOP/s", "peer", "speed-up")) {
            assertTrue(header.contains(column), "column " + column + " in " + header);
        }
        boolean peer = !out.contains("NumPy peer: not run");
        // the floor is re-read around every case, and NumPy's own A @ x rate is shown beside it when the peer ran
        for (String c : CASES) {
            assertTrue(out.matches("(?s).*floor around " + c + ": \\d+\\.\\d GB/s before, \\d+\\.\\d GB/s after \\([+-]\\d+%\\).*"),
                    "the floor around " + c + " in\n" + out);
        }
        assertEquals(peer, out.matches("(?s).*NumPy A @ x read rate: \\d+\\.\\d GB/s.*"), out);
        // at the end: all the run's floor readings (the start and two per case), and NumPy's A @ x again against the best
        Matcher run = Pattern.compile("memory read floor over the run: best (\\d+\\.\\d) GB/s,"
                + " lowest (\\d+\\.\\d) GB/s, of (\\d+) readings; the start-of-run reading was (\\d+\\.\\d\\d)× the best").matcher(out);
        assertTrue(run.find(), out);
        assertTrue(Double.parseDouble(run.group(1)) >= Double.parseDouble(run.group(2)), run.group());
        assertEquals(1 + 2 * CASES.size(), Integer.parseInt(run.group(3)), run.group());
        assertTrue(Double.parseDouble(run.group(4)) <= 1.0, run.group());
        assertEquals(peer, out.matches("(?s).*NumPy A @ x read rate at the end: \\d+\\.\\d GB/s .*× the run's best floor.*"), out);
        for (String c : CASES) {
            long rows = out.lines().filter(l -> l.startsWith("| " + c + " |")).count();
            assertEquals(c.equals("sweep-b8") && peer ? 2 : 1, rows, "rows of " + c + " in\n" + out);
        }
        // every row has the 13 cells of the header and a positive time
        out.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| case")).forEach(l -> {
            String[] cells = l.split("\\|");
            assertEquals(14, cells.length, l);
            assertTrue(Double.parseDouble(cells[5].strip()) > 0, l);
            if (peer && !l.startsWith("| rank-one |")) {
                assertTrue(cells[13].strip().endsWith("×"), "a speed-up when the peer ran: " + l);
            }
        });
        // rank-one has no NumPy peer; it is set against the engine's own GEMM rate instead
        assertTrue(out.matches("(?s).*rank-one: [0-9.]+ ms/iteration for .* GFLOP of products; the engine's own fp64 GEMM.*"
                + "× the GEMM time.*"), out);
        String written = Files.readString(md);
        assertTrue(written.contains("msense bench --quick"), written);
        assertTrue(written.contains(header), written);
    }

    @Test
    void optionsTakeValuesAfterAnEqualsSignAndTheMarkdownNamesTheCommand() throws IOException {
        Path md = dir.resolve("one.md");
        CliRunner r = CliRunner.run("bench", "--threads=1", "--quick", "--no-peer", "--only=dense-fp64,sweep-b8",
                "--markdown=" + md);
        assertEquals(0, r.status(), "exit status; stderr: " + r.err() + "\nstdout: " + r.out());
        assertTrue(r.out().contains("| dense-fp64 |") && r.out().contains("| sweep-b8 |"), r.out());
        assertFalse(r.out().contains("| agn-fp64 |"), r.out());
        assertTrue(r.out().contains(", 1 threads,"), "--threads=1 reached the memory floor: " + r.out());
        assertTrue(Files.readString(md).startsWith(
                "Command: `msense bench --threads=1 --quick --no-peer --only=dense-fp64,sweep-b8`\n"), Files.readString(md));
    }

    @Test
    void outOfRangeValuesAreUsageErrors() {
        for (String[] args : List.of(new String[] {"bench", "--repeats", "3"}, new String[] {"bench", "--threads=-1"},
                new String[] {"bench", "--warmup=0"}, new String[] {"bench", "--threads", "many"})) {
            CliRunner r = CliRunner.run(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("msense bench: "), r.err());
            assertFalse(r.hasStackTrace(), r.err());
        }
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRunner r = CliRunner.run("bench", "--fast");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--fast"), r.err());
        assertFalse(r.hasStackTrace(), r.err());
    }
}
