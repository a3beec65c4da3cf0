package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.lab.run.Failures;

/** Outcomes and settings that used to be misreported: a diverged run, useless settings, input errors' exit status. */
class RunOutcomeTest {
    @TempDir
    Path dir;

    /** A tiny run; {@code extra} (name, value pairs, or flags) replaces the defaults of the same names. */
    private CliRunner tiny(String out, String... extra) {
        Map<String, String> opts = new java.util.LinkedHashMap<>();
        String[] base = {"--n1", "8", "--n2", "6", "--rank", "2", "--measurements", "100", "--iterations", "40",
            "--log-every", "5", "--alpha", "1e-2", "--progress", "never"};
        for (int i = 0; i < base.length; i += 2) {
            opts.put(base[i], base[i + 1]);
        }
        for (int i = 0; i < extra.length; i += 2) {
            opts.put(extra[i], extra[i + 1]);
        }
        List<String> args = new java.util.ArrayList<>(List.of("run", "--out", dir.resolve(out).toString(), "--no-plots"));
        opts.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return CliRunner.run(args.toArray(new String[0]));
    }

    @Test
    void aRunWhoseEveryTrajectoryDivergedSaysSoAndExits4() throws Exception {
        CliRunner r = tiny("d", "--step-size", "100", "--alpha", "1e-1,1e-2", "--iterations", "200");
        assertEquals(4, r.status(), r.out() + r.err());
        assertEquals("diverged", RunDirectoryFiles.summary(dir.resolve("d")).get("status"));
        assertTrue(r.err().contains("every trajectory diverged"), r.err());
    }

    @Test
    void settingsThatCannotWorkAreWarnedAbout() throws Exception {
        CliRunner r = tiny("w", "--width", "1", "--threads", "512", "--tolerance", "5");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("--width 1 is below the rank 2"), r.err());
        assertTrue(r.err().contains("--threads 512 is above the"), r.err());
        assertTrue(r.err().contains("--tolerance 5 is not below the initial relative error"), r.err());
        assertFalse(r.out().contains("NaN"), "a run without steps prints no NaN timing: " + r.out());
        @SuppressWarnings("unchecked")
        List<String> warnings = (List<String>) RunDirectoryFiles.summary(dir.resolve("w")).get("warnings");
        assertEquals(3, warnings.size(), String.valueOf(warnings));
    }

    @Test
    void inputErrorsExitWith2() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        CliRunner onFile = CliRunner.run("run", "--out", file.toString(), "--iterations", "5");
        assertEquals(2, onFile.status(), onFile.err());
        assertTrue(onFile.err().contains("not a directory"), onFile.err());

        CliRunner huge = tiny("h", "--n1", "3000", "--n2", "3000", "--rank", "2", "--measurements", "100000");
        assertEquals(2, huge.status(), huge.err());
        assertTrue(huge.err().contains("needs about") && !huge.hasStackTrace(), huge.err());

        Assumptions.assumeFalse(CliRunner.run("backends").out().matches("(?s).*cuda\\s+available.*"), "a GPU is here");
        CliRunner cuda = tiny("c", "--backend", "cuda");
        assertEquals(2, cuda.status(), cuda.err());
        assertTrue(cuda.err().contains("cuda"), cuda.err());
        assertFalse(Files.exists(dir.resolve("c")), "refused before a run directory is made");
    }

    @Test
    void aConfigOnAFifoIsRefusedWithoutHanging() throws Exception {
        Path fifo = dir.resolve("fifo.json");
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("no mkfifo here: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo failed");
        CliRunner r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> CliRunner.run("run", "--config", fifo.toString()));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("not a regular file"), r.err());
    }

    @Test
    void permissionErrorsSayPermissionDenied() {
        // as root (where the tests may run) no file is out of reach, so the wording is checked on the exception itself
        assertEquals("permission denied: /data/runs/a", Failures.describe(new AccessDeniedException("/data/runs/a")));
        assertEquals("cannot write metrics.csv: permission denied: /data/runs/a/metrics.csv",
                Failures.describe(new UncheckedIOException("cannot write metrics.csv: /data/runs/a/metrics.csv",
                        new AccessDeniedException("/data/runs/a/metrics.csv"))));
    }
}
