package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msense.cli.Main;

/**
 * {@code msense run --backend cuda} end to end on a GPU: a small run completes and records the device and
 * the kernel build in its summary; a run that cannot fit in device memory is refused before anything is
 * allocated, with the estimate and what to change. Skipped, with the probe's reason, without a GPU.
 */
class CudaRunCliTest {

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
                PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            status = new Main().execute(List.of(args), po, pe);
        }
        return new Result(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static Path temp() throws Exception {
        return Files.createTempDirectory("msense-cuda-run");
    }

    private static void delete(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void aSmallRunCompletesOnTheGpu() throws Exception {
        CudaSupport.cudaOrSkip();
        Path out = temp();
        try {
            Result r = run("run", "--backend", "cuda", "--n1", "12", "--n2", "10", "--measurements", "200", "--iterations",
                    "20", "--out", out.resolve("run").toString());
            assertEquals(0, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("msense run: cuda backend"), r.out());
            String summary = Files.readString(out.resolve("run").resolve("summary.json"));
            assertTrue(summary.contains("\"cuda\""), summary);
            assertTrue(summary.contains("self-test"), summary);
        } finally {
            delete(out);
        }
    }

    /**
     * {@code msense bench --backend cuda --quick}: every case of the CUDA table (B ∈ {1, 8, 32}, fp32 and fp64) runs,
     * with the measured device bandwidth as the floor, and the Markdown table is written.
     */
    @Test
    void theCudaBenchPrintsItsTable() throws Exception {
        CudaSupport.cudaOrSkip();
        Path out = temp();
        try {
            Result r = run("bench", "--backend", "cuda", "--quick", "--repeats", "5", "--warmup", "1", "--markdown",
                    out.resolve("bench.md").toString());
            assertEquals(0, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("device memory floor: "), r.out());
            for (String p : new String[] {"fp32", "fp64"}) {
                for (int b : new int[] {1, 8, 32}) {
                    assertTrue(r.out().contains("| gpu-" + p + "-b" + b + " | "), "row gpu-" + p + "-b" + b + ":\n" + r.out());
                }
            }
            String md = Files.readString(out.resolve("bench.md"));
            assertTrue(md.startsWith("Command: `msense bench --backend cuda --quick"), md);
            assertTrue(md.contains("fused pass: "), md);
        } finally {
            delete(out);
        }
    }

    @Test
    void aRunThatCannotFitIsRefusedWithTheEstimate() throws Exception {
        CudaSupport.cudaOrSkip();
        Path out = temp();
        try {
            refused(out);
        } finally {
            delete(out);
        }
    }

    private static void refused(Path out) {
        // 𝒜 alone: 40 000 × 10⁶ fp64 entries = 298 GiB, more than any single GPU holds.
        Result r = run("run", "--backend", "cuda", "--n1", "1000", "--n2", "1000", "--measurements", "40000",
                "--iterations", "1", "--out", out.resolve("run").toString());
        assertEquals(2, r.status(), "a problem too large for the device is an input error: " + r.out() + r.err());
        assertTrue(r.err().contains("this run needs about"), r.err());
        assertTrue(r.err().contains("use --precision fp32, fewer --measurements or fewer trajectories"), r.err());
        assertFalse(r.err().contains("CUDA_ERROR_OUT_OF_MEMORY"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
