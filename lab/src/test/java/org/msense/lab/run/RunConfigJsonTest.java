package org.msense.lab.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.lab.io.Json;
import org.msense.core.spec.InvalidSpecException;

/** JSON config files: values typed as their parameters say, and every mistake named by file, line and key. */
class RunConfigJsonTest {
    @TempDir
    Path dir;

    private static InvalidSpecException rejected(String text) {
        return assertThrows(InvalidSpecException.class, () -> new RunConfig().applyJson(text, "experiment.json"));
    }

    @Test
    void valuesAreTypedAndMarkedExplicit() {
        RunConfig c = new RunConfig().applyJson("""
                {"n1": 100, "seed": 7, "width": 2e1, "alpha": [1e-2, 1e-3], "step-size": 0.2, "init-seed": 3,
                 "precision": "fp32", "plots": false, "problem-from": "p"}""", "c.json");
        assertEquals(100, c.getInt("n1"));
        assertEquals(7L, c.getLong("seed"));
        assertEquals(20, c.getInt("width"), "an integral number is an integer");
        assertArrayEquals(new double[] {1e-2, 1e-3}, c.getDoubles("alpha"));
        assertArrayEquals(new double[] {0.2}, c.getDoubles("step-size"), "a list accepts a single value");
        assertArrayEquals(new long[] {3}, c.getLongs("init-seed"));
        assertEquals("fp32", c.getString("precision"));
        assertFalse(c.getFlag("plots"));
        assertEquals(Path.of("p"), c.getPath("problem-from"));
        assertTrue(c.isExplicit("n1"));
        assertFalse(c.isExplicit("n2"));
    }

    @Test
    void wrongTypesNameTheKeyAndItsLine() {
        InvalidSpecException e = rejected("{\n  \"n1\": 40,\n  \"iterations\": 100,\n  \"step-size\": \"abc\"\n}");
        assertEquals("step-size", e.field());
        assertEquals("step-size: experiment.json line 4: \"step-size\" must be a number or a list of numbers, got \"abc\"",
                e.getMessage());
        assertEquals("rank: experiment.json line 2: \"rank\" must be an integer, got \"three\"",
                rejected("{\"n1\": 40,\n\"rank\": \"three\"}").getMessage());
        assertEquals("rank: experiment.json line 1: \"rank\" must be an integer, got 2.5",
                rejected("{\"rank\": 2.5}").getMessage());
        assertEquals("n1: experiment.json line 1: \"n1\" must be an integer from -2147483648 to 2147483647, got 3000000000",
                rejected("{\"n1\": 3000000000}").getMessage());
        assertEquals("alpha: experiment.json line 1: \"alpha\" must hold numbers, got true",
                rejected("{\"alpha\": [1e-3, true]}").getMessage());
        assertEquals("init-seed: experiment.json line 1: \"init-seed\" must hold integers, got 1.5",
                rejected("{\"init-seed\": [1, 1.5]}").getMessage());
        assertEquals("alpha: experiment.json line 1: \"alpha\" is an empty list; give at least one value",
                rejected("{\"alpha\": []}").getMessage());
        assertEquals("plots: experiment.json line 1: \"plots\" must be true or false, got \"yes\"",
                rejected("{\"plots\": \"yes\"}").getMessage());
        assertEquals("precision: experiment.json line 1: \"precision\" must be a string, got {\"a\":1}",
                rejected("{\"precision\": {\"a\": 1}}").getMessage());
        assertEquals("n1: experiment.json line 1: \"n1\" is null; give an integer or leave the key out",
                rejected("{\"n1\": null}").getMessage());
        assertTrue(rejected("{\"noise\": 1e999}").getMessage().contains("too large for a 64-bit float"));
    }

    @Test
    void unknownKeysAreNamedWithASuggestion() {
        InvalidSpecException e = rejected("{\n  \"n1\": 20,\n  \"step_size\": 0.1\n}");
        assertEquals("step_size", e.field());
        assertEquals("step_size: unknown parameter in experiment.json line 3; did you mean step-size?", e.getMessage());
        assertTrue(rejected("{\"config\": \"x.json\"}").getMessage().startsWith("config: unknown parameter"),
                "a config cannot include another");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertEquals("config: experiment.json line 3, column 7: duplicate key \"n1\" in one object; give each key once",
                rejected("{\n  \"n1\": 20,\n  \"n1\": 30\n}").getMessage());
        assertEquals("config: experiment.json line 2, column 15: NaN is not a JSON number; write a finite number",
                rejected("{\n  \"alpha\": NaN\n}").getMessage());
        assertTrue(rejected("{\"n1\": 20, // size\n}").getMessage().contains("JSON does not allow comments"));
        assertTrue(rejected("{\"n1\": 20,}").getMessage().contains("line 1"));
        assertTrue(rejected("{\"n1\": 20} {}").getMessage().contains("expected the end of the input"));
        assertTrue(rejected("[{\"n1\": 20}]").getMessage().contains("expected a JSON object"));
    }

    @Test
    void syntaxErrorsComeBeforeErrorsInValues() {
        assertTrue(rejected("{\"rank\": \"three\",\n\"x\": NaN}").getMessage().contains("NaN"));
    }

    @Test
    void configJsonRoundTripsExactly() throws Exception {
        RunConfig c = new RunConfig().applyJson("""
                {"n1": 30, "alpha": [0.1, 0.30000000000000004, 1e-7], "step-size": 0.123456789012345,
                 "init-seed": [1, 9007199254740993], "seed": -5, "problem-from": "some/dir", "tf32": true}""", "c.json");
        String written = Json.write(c.toJson(Set.of()));
        assertTrue(written.contains("\"alpha\": [0.1, 0.30000000000000004, 1.0E-7]"), written);
        Path file = dir.resolve("config.json");
        Files.writeString(file, written + "\n");
        RunConfig back = new RunConfig().applyJsonFile(file);
        for (Parameter p : RunParameters.all()) {
            assertEquals(p.format(c.get(p.name())), p.format(back.get(p.name())), p.name());
            assertEquals(c.get(p.name()) != null, back.isExplicit(p.name()), p.name());
        }
        assertArrayEquals(c.getDoubles("alpha"), back.getDoubles("alpha"));
        assertArrayEquals(new long[] {1, 9007199254740993L}, back.getLongs("init-seed"));
        assertEquals(written, Json.write(back.toJson(Set.of())), "written again identically");
    }

    @Test
    void missingFilesAreNamed() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> new RunConfig().applyJsonFile(dir.resolve("nope.json")));
        assertTrue(e.getMessage().contains("nope.json"), e.getMessage());
    }
}
