package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.msense.lab.io.Npy;

/** Bad input gives exit status 2 and one clear line that names the field — never a stack trace. */
class BadInputTest {
    @TempDir
    Path dir;

    private void assertRejected(CliRunner r, String... mustContain) {
        assertEquals(2, r.status(), "exit status; stderr: " + r.err());
        for (String s : mustContain) {
            assertTrue(r.err().contains(s), "stderr should mention '" + s + "': " + r.err());
        }
        assertFalse(r.hasStackTrace(), "no stack trace: " + r.err());
        assertTrue(r.err().strip().lines().count() <= 2, "a short message: " + r.err());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "--rank, 31, rank",
            "--width, 0, width",
            "--measurements, 0, measurements",
            "--alpha, 0, alpha",
            "--alpha, -1e-3, alpha",
            "--alpha, NaN, alpha",
            "--alpha-w, Infinity, alpha-w",
            "--step-size, 0, step-size",
            "--step-size, -0.1, step-size",
            "--iterations, 0, iterations",
            "--noise, NaN, noise",
            "--precision, fp16, precision",
            "--n1, forty, n1",
            "--backend, tpu, tpu",
    })
    void invalidValuesNameTheField(String flag, String value, String field) {
        assertRejected(CliRunner.run("run", "--out", dir.resolve("r").toString(), flag, value), field);
    }

    /** The symmetric model's combinations that cannot run: each refused with the field and what to do. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--model symmetric --method scaledgd | model | gd-symmetric",
            "--model asymmetric --method gd-symmetric | model | --model symmetric",
            "--model psd | model | symmetric",
            "--model symmetric --n1 20 --n2 15 | model | n1 = n2",
            "--model symmetric --n1 20 --alpha 1e-2 --alpha-w 1e-3 | alpha-w | α_W = α",
    })
    void symmetricModelMisuseIsExplained(String options, String field, String hint) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--out", dir.resolve("r").toString()));
        args.addAll(java.util.List.of(options.split(" ")));
        assertRejected(CliRunner.run(args.toArray(String[]::new)), field, hint);
    }

    @Test
    void operatorsWithoutWhatTheRunNeedsAreRefused() {
        assertRejected(CliRunner.run("run", "--out", dir.resolve("c").toString(), "--operator", "completion",
                "--minibatch", "50"), "minibatch", "completion");
        assertRejected(CliRunner.run("run", "--out", dir.resolve("o").toString(), "--operator", "sparse"),
                "operator", "completion");
    }

    @Test
    void unknownOptionSuggestsTheRightOne() {
        assertRejected(CliRunner.run("run", "--widht", "5"), "--widht", "--width");
    }

    @Test
    void unknownKeyInConfigIsNamed() throws IOException {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"n1\": 20, \"step_size\": 0.1}");
        assertRejected(CliRunner.run("run", "--config", cfg.toString()), "step_size", "step-size");
    }

    @Test
    void nanInConfigIsRejectedWithItsPosition() throws IOException {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\n  \"alpha\": NaN\n}");
        assertRejected(CliRunner.run("run", "--config", cfg.toString()), "c.json", "NaN");
    }

    @Test
    void wrongTypeInConfigIsNamed() throws IOException {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"rank\": \"three\"}");
        assertRejected(CliRunner.run("run", "--config", cfg.toString()), "rank");
    }

    @Test
    void missingConfigFileIsNamed() {
        assertRejected(CliRunner.run("run", "--config", dir.resolve("nope.json").toString()), "nope.json");
    }

    @Test
    void missingProblemDirectoryIsNamed() {
        assertRejected(CliRunner.run("run", "--problem-from", dir.resolve("absent").toString()), "absent");
    }

    @Test
    void wrongNpyShapeIsExplained() throws IOException {
        Path p = dir.resolve("p");
        Files.createDirectories(p);
        Npy.write(p.resolve("X_star.npy"), new double[4 * 3], 4, 3);
        Npy.write(p.resolve("A.npy"), new double[10 * 11], 10, 11);
        Npy.write(p.resolve("y.npy"), new double[10], 10);
        assertRejected(CliRunner.run("run", "--problem-from", p.toString()), "A.npy", "(10, 11)", "12");
    }

    @Test
    void wrongNpyDtypeIsExplained() throws IOException {
        Path p = dir.resolve("p");
        Files.createDirectories(p);
        // a valid .npy header for int64 data
        String header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        String h = header + " ".repeat(pad) + "\n";
        byte[] bytes = new byte[10 + h.length() + 32];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (h.length() & 0xff), (byte) (h.length() >> 8)};
        System.arraycopy(magic, 0, bytes, 0, 10);
        System.arraycopy(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, bytes, 10, h.length());
        Files.write(p.resolve("X_star.npy"), bytes);
        assertRejected(CliRunner.run("run", "--problem-from", p.toString()), "X_star.npy", "<i8");
    }

    @Test
    void unknownCommandIsNamed() {
        CliRunner r = CliRunner.run("rnu");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("rnu"), r.err());
    }
}
