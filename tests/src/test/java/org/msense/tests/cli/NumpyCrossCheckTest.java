package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A problem written by {@code --export-npy} and stepped by a few lines of NumPy (examples/numpy_check.py)
 * gives the same relative-error trajectory as the engine's metrics.csv, to 1e-8 relative in fp64, for every
 * {@code --method}. Skipped when python3 with NumPy is not installed.
 *
 * <p>For the preconditioned methods the run stops at 200 iterations, where the relative error is still above
 * 10⁻⁷: NumPy solves the k×k systems with LU, the engine with a Cholesky factor, and once the error nears 10⁻⁹
 * (PrecGD's damping then tends to 0 and the Gram matrices of the overparameterized factors are near singular)
 * the two differ by a few units of roundoff of ‖X*‖, which is more than 10⁻⁸ of so small an error (measured:
 * 2·10⁻⁸ at iteration 300, error 1.1·10⁻⁹; below 10⁻¹⁰ up to iteration 200).
 */
class NumpyCrossCheckTest {
    @TempDir
    Path tmp;

    private static boolean numpyAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * The directory holding examples/numpy_check.py: the source tree above the working directory or, where the
     * tests run from the offline bundle, the bundle's home (system property {@code msense.home}).
     */
    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("examples/numpy_check.py"))) {
            p = p.getParent();
        }
        String home = System.getProperty("msense.home");
        if (p == null && home != null && Files.exists(Path.of(home, "examples/numpy_check.py"))) {
            p = Path.of(home);
        }
        if (p == null) {
            throw new AssertionError("examples/numpy_check.py not found above " + Path.of("").toAbsolutePath()
                    + (home == null ? "" : " nor in " + home));
        }
        return p;
    }

    @Test
    void numpyReproducesTheEngineTrajectory() throws Exception {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with NumPy is not installed; the NumPy cross-check is skipped");
        Path out = tmp.resolve("run");
        Path npy = tmp.resolve("npy");
        CliRunner r = CliRunner.run("run", "--out", out.toString(), "--export-npy", npy.toString(), "--n1", "12", "--n2", "9",
                "--rank", "2", "--measurements", "300", "--width", "6", "--alpha", "1e-1,1e-3", "--step-size", "0.2",
                "--iterations", "300", "--log-every", "25", "--condition", "3", "--no-plots");
        assertEquals(0, r.status(), r.err());
        for (String f : List.of("X_star.npy", "A.npy", "y.npy", "V0.npy", "W0.npy", "V.npy", "W.npy")) {
            assertTrue(Files.exists(npy.resolve(f)), f);
        }
        assertAgrees(out, npy, List.of("--step-size", "0.2", "--iterations", "300", "--log-every", "25"));
    }

    /**
     * The preconditioned methods, each on a sweep of two damping values (scaledgd, apgd: λ = 10⁻³, 10⁻²;
     * precgd: c = 1, 0.5) over the same exported problem as above.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scaledgd", "precgd", "apgd"})
    void numpyReproducesThePreconditionedMethods(String method) throws Exception {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with NumPy is not installed; the NumPy cross-check is skipped");
        Path out = tmp.resolve("run-" + method);
        Path npy = tmp.resolve("npy-" + method);
        String option = method.equals("precgd") ? "--damping" : "--lambda";
        String values = method.equals("precgd") ? "1,0.5" : "1e-3,1e-2";
        CliRunner r = CliRunner.run("run", "--out", out.toString(), "--export-npy", npy.toString(), "--n1", "12", "--n2", "9",
                "--rank", "2", "--measurements", "300", "--width", "6", "--alpha", "1e-1", "--step-size", "0.2",
                "--iterations", "200", "--log-every", "25", "--condition", "3", "--no-plots", "--method", method, option, values);
        assertEquals(0, r.status(), r.err());
        assertAgrees(out, npy, List.of("--step-size", "0.2", "--iterations", "200", "--log-every", "25", "--method", method,
                option, values));
    }

    /**
     * The structured operators: their export (hadamard_rows/signs, rank_one_a/b; the dense A of gaussian-implicit)
     * stepped by numpy_check.py's own implementation of each operator (an FWHT written with reshapes, the rank-one
     * contractions, A @ x) gives the engine's trajectory to 1e-8 relative. Then the same files read back with
     * --problem-from give the engine the same trajectory again (to the last digit printed: the same numbers in the
     * same order).
     */
    @ParameterizedTest
    @ValueSource(strings = {"hadamard", "rank-one", "gaussian-implicit"})
    void numpyReproducesTheStructuredOperators(String operator) throws Exception {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with NumPy is not installed; the NumPy cross-check is skipped");
        Path out = tmp.resolve("run-" + operator);
        Path npy = tmp.resolve("npy-" + operator);
        CliRunner r = CliRunner.run("run", "--out", out.toString(), "--export-npy", npy.toString(), "--operator", operator,
                "--n1", "12", "--n2", "9", "--rank", "2", "--measurements", "90", "--width", "6", "--alpha", "1e-1,1e-3",
                "--step-size", "0.2", "--iterations", "300", "--log-every", "25", "--condition", "3", "--no-plots");
        assertEquals(0, r.status(), r.err());
        List<String> files = switch (operator) {
            case "hadamard" -> List.of("hadamard_rows.npy", "hadamard_signs.npy");
            case "rank-one" -> List.of("rank_one_a.npy", "rank_one_b.npy");
            default -> List.of("A.npy");
        };
        for (String f : files) {
            assertTrue(Files.exists(npy.resolve(f)), f);
        }
        assertAgrees(out, npy, List.of("--step-size", "0.2", "--iterations", "300", "--log-every", "25"));

        Path again = tmp.resolve("again-" + operator);
        CliRunner back = CliRunner.run("run", "--out", again.toString(), "--problem-from", npy.toString(), "--step-size",
                "0.2", "--iterations", "300", "--log-every", "25", "--no-plots");
        assertEquals(0, back.status(), back.err());
        List<double[]> first = RunDirectoryFiles.metrics(out);
        List<double[]> second = RunDirectoryFiles.metrics(again);
        int errCol = RunDirectoryFiles.column(out, "relative_error");
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            // gaussian-implicit comes back as the dense gaussian operator of the same numbers: another summation order
            double tol = operator.equals("gaussian-implicit") ? 1e-12 * first.get(i)[errCol] : 0.0;
            assertEquals(first.get(i)[errCol], second.get(i)[errCol], tol, "row " + i + " read back with --problem-from");
        }
    }

    /**
     * The symmetric model ({@code --model symmetric}: PSD X*, X = UUᵀ, U ← U − μ E_sym U) over an α sweep, against
     * the one-line NumPy update on the exported problem (whose X_star.npy is exactly symmetric and V0 = W0).
     */
    @Test
    void numpyReproducesTheSymmetricModel() throws Exception {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with NumPy is not installed; the NumPy cross-check is skipped");
        Path out = tmp.resolve("run-symmetric");
        Path npy = tmp.resolve("npy-symmetric");
        CliRunner r = CliRunner.run("run", "--out", out.toString(), "--export-npy", npy.toString(), "--model", "symmetric",
                "--n1", "12", "--rank", "2", "--measurements", "300", "--width", "6", "--alpha", "1e-1,1e-3",
                "--step-size", "0.2", "--iterations", "300", "--log-every", "25", "--condition", "3", "--no-plots");
        assertEquals(0, r.status(), r.err());
        int imbalance = RunDirectoryFiles.column(out, "imbalance_fro");
        for (double[] row : RunDirectoryFiles.metrics(out)) {
            assertEquals(0.0, row[imbalance], "V = W = U throughout: the imbalance is exactly 0");
        }
        assertAgrees(out, npy, List.of("--step-size", "0.2", "--iterations", "300", "--log-every", "25", "--method",
                "gd-symmetric"));
    }

    /**
     * Matrix completion on an exported problem (entries, factors of X*, y): the same relative-error trajectory from
     * NumPy's dense E = 𝒜*(res) as from the engine's gather/scatter passes, for every method (gd-symmetric on a
     * square PSD X*).
     */
    @ParameterizedTest
    @ValueSource(strings = {"gd", "scaledgd", "precgd", "apgd", "gd-symmetric"})
    void numpyReproducesCompletion(String method) throws Exception {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with NumPy is not installed; the NumPy cross-check is skipped");
        Path out = tmp.resolve("run-completion-" + method);
        Path npy = tmp.resolve("npy-completion-" + method);
        List<String> methodArgs = switch (method) {
            case "scaledgd", "apgd" -> List.of("--method", method, "--lambda", "1e-2");
            case "precgd" -> List.of("--method", method, "--damping", "1");
            default -> List.of("--method", method);
        };
        List<String> args = new java.util.ArrayList<>(List.of("run", "--out", out.toString(), "--export-npy",
                npy.toString(), "--operator", "completion", "--n1", "30", "--n2", method.equals("gd-symmetric") ? "30" : "24",
                "--rank", "2", "--measurements", "400", "--width", "6", "--alpha", "1e-1,1e-3", "--step-size", "0.2", "--iterations", "300", "--log-every",
                "25", "--condition", "2", "--no-plots"));
        args.addAll(methodArgs);
        CliRunner r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(0, r.status(), r.err());
        for (String f : List.of("entries.npy", "U_star.npy", "sigma_star.npy", "V_star.npy", "y.npy", "V0.npy", "W0.npy")) {
            assertTrue(Files.exists(npy.resolve(f)), f);
        }
        List<String> check = new java.util.ArrayList<>(List.of("--step-size", "0.2", "--iterations", "300", "--log-every",
                "25"));
        check.addAll(methodArgs);
        assertAgrees(out, npy, check);
    }

    private static void assertAgrees(Path out, Path npy, List<String> args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("python3", repoRoot().resolve("examples/numpy_check.py").toString(),
                npy.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, text);
        List<String> lines = text.strip().lines().toList();
        List<double[]> engine = RunDirectoryFiles.metrics(out);
        int errCol = RunDirectoryFiles.column(out, "relative_error");
        assertEquals(engine.size() + 1, lines.size(), "one NumPy row per engine row");
        int compared = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            int traj = Integer.parseInt(f[0]);
            int it = Integer.parseInt(f[1]);
            double numpy = Double.parseDouble(f[2]);
            double[] row = engine.stream().filter(e -> e[0] == traj && e[1] == it).findFirst()
                    .orElseThrow(() -> new AssertionError("engine has no row for " + traj + "," + it));
            assertEquals(numpy, row[errCol], 1e-8 * numpy, "trajectory " + traj + " iteration " + it + " " + args);
            compared++;
        }
        assertTrue(compared >= 18, "compared " + compared + " rows");
    }
}
