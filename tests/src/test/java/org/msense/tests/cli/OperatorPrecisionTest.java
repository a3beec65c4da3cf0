package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --operator-precision fp32} with fp64 data: the run completes, records the storage precision, and
 * follows the fp64-storage run closely. Both runs generate y from the operator they store, so they solve
 * two consistent problems whose operators differ entrywise by at most u₃₂|a|; over 200 steps of the default
 * problem the final relative errors must agree to 1e-5 relative — far above the ~1e-8 measured (see
 * docs/benchmarks.md), far below the differences between the α values (factors of 5 or more).
 */
class OperatorPrecisionTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static double[] finalErrors(Path out) throws Exception {
        List<Map<String, Object>> ts = (List<Map<String, Object>>) RunDirectoryFiles.summary(out).get("trajectories");
        double[] e = new double[ts.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = ((Number) ((Map<String, Object>) ts.get(i).get("final")).get("relative_error")).doubleValue();
        }
        return e;
    }

    @Test
    void fp32StorageRunsAndStaysCloseToFp64Storage() throws Exception {
        Path a = tmp.resolve("fp64");
        Path b = tmp.resolve("fp32");
        CliRunner r64 = CliRunner.run("run", "--iterations", "200", "--no-plots", "--out", a.toString());
        CliRunner r32 = CliRunner.run("run", "--iterations", "200", "--no-plots", "--operator-precision", "fp32", "--out",
                b.toString());
        assertEquals(0, r64.status(), r64.err());
        assertEquals(0, r32.status(), r32.err());
        Map<String, Object> s = RunDirectoryFiles.summary(b);
        assertEquals("fp64", s.get("precision"));
        assertEquals("fp32", s.get("operator_precision"));
        assertEquals("fp64", RunDirectoryFiles.summary(a).get("operator_precision"));
        double[] e64 = finalErrors(a);
        double[] e32 = finalErrors(b);
        for (int i = 0; i < e64.length; i++) {
            assertEquals(e64[i], e32[i], 1e-5 * e64[i], "trajectory " + i);
        }
    }

    @Test
    void anFp64OperatorWithFp32DataIsAUsageError() {
        CliRunner r = CliRunner.run("run", "--precision", "fp32", "--operator-precision", "fp64", "--out",
                tmp.resolve("x").toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("operator-precision"), r.err());
        assertFalse(r.hasStackTrace(), r.err());
    }
}
