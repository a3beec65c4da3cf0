package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * With --problem-from the files decide the problem (and, with V0/W0, the initialization): a flag that would be
 * ignored or would change the diagnostics is an error naming the file that decides it, and the run directory
 * reports what was actually run.
 */
class ProblemFromTest {
    @TempDir
    Path tmp;
    Path npy;

    @BeforeEach
    void export() {
        npy = tmp.resolve("npy");
        // rank 2, κ 4, noise 0.01, two trajectories (two α)
        CliRunner r = CliRunner.run("run", "--out", tmp.resolve("source").toString(), "--n1", "8", "--n2", "6", "--rank",
                "2", "--condition", "4", "--noise", "0.01", "--measurements", "120", "--iterations", "5", "--log-every",
                "5", "--alpha", "1e-2,1e-3", "--no-plots", "--progress", "never", "--export-npy", npy.toString());
        assertEquals(0, r.status(), r.err());
    }

    private CliRunner run(String out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--out", tmp.resolve(out).toString(), "--problem-from",
                npy.toString(), "--iterations", "5", "--log-every", "5", "--no-plots", "--progress", "never"));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(new String[0]));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "--alpha, '5,7', V0.npy",
            "--alpha-w, 1e-3, V0.npy",
            "--init-seed, 9, V0.npy",
            "--seed, 3, V0.npy",
            "--init, 1/n, V0.npy",
            "--noise, 0.5, y.npy",
            "--rank, 1, X_star.npy",
            "--condition, 2, X_star.npy",
            "--scale, 3, X_star.npy",
    })
    void aFlagTheFilesDecideIsAnErrorNamingTheFile(String flag, String value, String file) {
        CliRunner r = run("r", flag, value);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(flag.substring(2)) && r.err().contains(file), r.err());
        assertFalse(Files.exists(tmp.resolve("r")), "refused before the run starts");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRunReportsWhatTheFilesHold() throws Exception {
        CliRunner r = run("r"); // the default α sweep (four values) is no conflict with V0's two
        assertEquals(0, r.status(), r.err());
        Path out = tmp.resolve("r");
        Map<String, Object> s = RunDirectoryFiles.summary(out);
        Map<String, Object> problem = (Map<String, Object>) s.get("problem");
        assertEquals(2, problem.get("rank"));
        assertNull(problem.get("noise"), "the noise is unknown: y.npy holds it");
        assertNull(problem.get("seed"));
        // the regime comes from the noiseless measurements of the same X* and 𝒜: the same as the generated run's
        // (whose y held the same noise), up to the rounding of recovering X* from X_star.npy
        Map<String, Object> regime = (Map<String, Object>) problem.get("regime");
        Map<String, Object> source = (Map<String, Object>) ((Map<String, Object>) RunDirectoryFiles.summary(
                tmp.resolve("source")).get("problem")).get("regime");
        for (String key : List.of("delta_hat", "sin_angle_left", "sin_angle_right", "wedin_bound")) {
            double here = ((Number) regime.get(key)).doubleValue();
            assertEquals(((Number) source.get(key)).doubleValue(), here, 1e-9 * Math.max(1, here), key);
        }
        assertTrue(((Number) regime.get("sin_angle_left")).doubleValue() <= ((Number) regime.get("wedin_bound")).doubleValue());
        List<Map<String, Object>> ts = (List<Map<String, Object>>) s.get("trajectories");
        assertEquals(2, ts.size(), "one trajectory per initial pair of V0.npy");
        double a0 = ((Number) ts.get(0).get("alpha_v")).doubleValue();
        double a1 = ((Number) ts.get(1).get("alpha_v")).doubleValue();
        assertTrue(a0 > 3e-3 && a0 < 3e-2 && a1 > 3e-4 && a1 < 3e-3, "α measured from V0.npy: " + ts);
        assertNull(ts.get(0).get("seed"));

        String config = Files.readString(out.resolve("config.json"));
        for (String decided : List.of("\"alpha\"", "\"alpha-w\"", "\"init-seed\"", "\"seed\"", "\"noise\"")) {
            assertFalse(config.contains(decided), decided + " is decided by the files: " + config);
        }
        assertTrue(config.contains("\"condition\" : 4") || config.contains("\"condition\": 4")
                || config.matches("(?s).*\"condition\"\\s*:\\s*(4\\.0|3\\.99999\\d*|4\\.00000\\d*).*"), config);
        // the config reruns as it is
        CliRunner again = CliRunner.run("run", "--config", out.resolve("config.json").toString(), "--out",
                tmp.resolve("again").toString(), "--progress", "never");
        assertEquals(0, again.status(), again.err());
        assertEquals(Files.readString(out.resolve("metrics.csv")).lines().map(l -> l.substring(0, l.lastIndexOf(',')))
                .toList(), Files.readString(tmp.resolve("again").resolve("metrics.csv")).lines()
                .map(l -> l.substring(0, l.lastIndexOf(','))).toList(), "the same numbers (wall time aside)");
    }

    @Test
    void withoutInitialFactorsTheSeedAndAlphaStillCount() throws Exception {
        Files.delete(npy.resolve("V0.npy"));
        Files.delete(npy.resolve("W0.npy"));
        CliRunner r = run("r", "--alpha", "1e-3", "--seed", "5");
        assertEquals(0, r.status(), r.err());
        CliRunner noise = run("n", "--noise", "0.1");
        assertEquals(2, noise.status(), noise.err());
        assertTrue(noise.err().contains("y.npy"), noise.err());
    }
}
