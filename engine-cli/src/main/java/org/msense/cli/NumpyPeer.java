package org.msense.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.msense.lab.io.Json;
import org.msense.lab.io.JsonException;

/**
 * The NumPy peer of {@code msense bench}: runs {@code bench/peers/numpy_peer.py} (packaged in the jar as
 * {@code peers/numpy_peer.py}) with a Python interpreter that has NumPy, and reads its JSON line.
 */
final class NumpyPeer {
    private final String python;
    private final Path script;
    private final String version;

    private NumpyPeer(String python, Path script, String version) {
        this.python = python;
        this.script = script;
        this.version = version;
    }

    /** The peer when {@code python} runs and imports NumPy; null (with the reason in {@code why[0]}) otherwise. */
    static NumpyPeer find(String python, String[] why) throws IOException {
        String v;
        try {
            v = call(List.of(python, "-c", "import numpy; print(numpy.__version__)"), 60).strip();
        } catch (IOException e) {
            why[0] = python + " with NumPy not found (" + e.getMessage() + ")";
            return null;
        }
        Path file = Files.createTempFile("msense-numpy-peer", ".py");
        file.toFile().deleteOnExit();
        try (InputStream in = NumpyPeer.class.getResourceAsStream("/peers/numpy_peer.py")) {
            if (in == null) {
                throw new IOException("the NumPy peer script is missing from the msense jar (rebuild it)");
            }
            Files.write(file, in.readAllBytes());
        }
        return new NumpyPeer(python, file, v);
    }

    String version() {
        return version;
    }

    /** Median ms per iteration of the peer on the given problem. */
    double iterationMs(int n1, int n2, int rank, int m, int k, int batch, String dtype, int warmup, int iterations)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--n1", "" + n1, "--n2", "" + n2, "--rank",
                "" + rank, "--m", "" + m, "--k", "" + k, "--batch", "" + batch, "--dtype", dtype, "--warmup", "" + warmup,
                "--iters", "" + iterations));
        return field(call(cmd, 1800), "median_ms");
    }

    /**
     * Median ms per iteration of one of the operator peers (bench/peers/{@code script}, packaged in the jar) on
     * n × n, rank r, m measurements, width k.
     */
    double scriptIterationMs(String script, int n, int rank, int m, int k, int warmup, int iterations) throws IOException {
        Path file = Files.createTempFile("msense-" + script.replace(".py", ""), ".py");
        file.toFile().deleteOnExit();
        try (InputStream in = NumpyPeer.class.getResourceAsStream("/peers/" + script)) {
            if (in == null) {
                throw new IOException("the NumPy peer " + script + " is missing from the msense jar (rebuild it)");
            }
            Files.write(file, in.readAllBytes());
        }
        try {
            return field(call(List.of(python, file.toString(), "--n1", "" + n, "--n2", "" + n, "--rank", "" + rank, "--m",
                    "" + m, "--k", "" + k, "--warmup", "" + warmup, "--iters", "" + iterations), 3600), "median_ms");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The peer's N×N×N matrix product rate in GFLOP/s (best of 5), the machine's measured compute peak. */
    double gemmGflops(int n) throws IOException {
        return field(call(List.of(python, script.toString(), "--gemm", "" + n), 600), "gemm_gflops");
    }

    /**
     * The rate in bytes per second at which NumPy's own {@code A @ x} reads an m × n A of {@code dtype} (best of
     * {@code iterations} after {@code warmup}): the floor as NumPy's BLAS reaches it.
     */
    double matvecBytesPerSecond(int m, int n, String dtype, int warmup, int iterations) throws IOException {
        return 1e9 * field(call(List.of(python, script.toString(), "--matvec", "--m", "" + m, "--n1", "" + n, "--n2", "1",
                "--dtype", dtype, "--warmup", "" + warmup, "--iters", "" + iterations), 600), "matvec_gbps");
    }

    private static double field(String output, String name) throws IOException {
        String[] lines = output.strip().split("\n");
        JsonNode value;
        try {
            value = Json.readTree(lines[lines.length - 1], "the NumPy peer's output").get(name);
        } catch (JsonException e) {
            throw new IOException("unexpected output from the NumPy peer: " + lines[lines.length - 1], e);
        }
        if (value == null || !value.isNumber()) {
            throw new IOException("unexpected output from the NumPy peer (no number \"" + name + "\"): "
                    + lines[lines.length - 1]);
        }
        return value.doubleValue();
    }

    private static String call(List<String> cmd, int timeoutSeconds) throws IOException {
        // The output goes to a file, not a pipe: reading a pipe to its end would wait for the process and
        // defeat the timeout.
        Path log = Files.createTempFile("msense-numpy-peer", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", cmd.subList(0, 2)) + " did not finish in " + timeoutSeconds + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted while waiting for the NumPy peer");
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String[] lines = text.strip().split("\n");
                throw new IOException(cmd.get(0) + " exited with " + p.exitValue() + ": " + lines[lines.length - 1]);
            }
            return text;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
