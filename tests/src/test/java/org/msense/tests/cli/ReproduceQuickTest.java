package org.msense.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.lab.io.Json;
import org.msense.lab.reproduce.Experiment;
import org.msense.lab.reproduce.Experiments;

/**
 * `msense reproduce all --quick` runs every experiment, every prediction of the theory passes its check, and
 * the report lists one entry per experiment with its figures.
 */
class ReproduceQuickTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void quickSuitePassesEveryCheckAndWritesTheReport() throws Exception {
        Path out = tmp.resolve("repro");
        CliRunner r = CliRunner.run("reproduce", "all", "--quick", "--out", out.toString());
        assertFalse(r.hasStackTrace(), r.err());
        assertEquals(0, r.status(), "every check must pass:\n" + r.out() + r.err());
        assertTrue(Files.size(out.resolve("report.md")) > 0);
        Map<String, Object> report = (Map<String, Object>) Json.mapper().readValue(
                Files.readString(out.resolve("report.json")), Map.class);
        assertEquals("completed", report.get("status"));
        assertEquals(Boolean.TRUE, report.get("passed"));
        List<Object> experiments = (List<Object>) report.get("experiments");
        List<Experiment> expected = Experiments.all();
        assertEquals(expected.size(), experiments.size(), "one entry per experiment");
        assertTrue(expected.stream().map(Experiment::name).toList().containsAll(List.of("alpha", "width", "spectrum",
                "balance", "phases", "noise", "sgd", "imbalanced-init", "preconditioning", "sgd-budget", "phase-diagram",
                "operators", "perturbed-flow")), "the registered experiments");
        String markdown = Files.readString(out.resolve("report.md"));
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> e = (Map<String, Object>) experiments.get(i);
            String name = expected.get(i).name();
            assertEquals(name, e.get("name"));
            assertEquals(Boolean.TRUE, e.get("passed"), name);
            List<Object> checks = (List<Object>) e.get("checks");
            assertFalse(checks.isEmpty(), name + " has checks");
            for (Object o : checks) {
                Map<String, Object> c = (Map<String, Object>) o;
                assertEquals(Boolean.TRUE, c.get("pass"), name + ": " + c.get("name") + " measured " + c.get("measured"));
                assertTrue(c.get("measured") instanceof Number, name + ": " + c.get("name") + " has a finite measurement");
                assertTrue(c.get("threshold") instanceof Number, name + ": " + c.get("name") + " has a threshold");
            }
            List<Object> figures = (List<Object>) e.get("figures");
            assertFalse(figures.isEmpty(), name + " has figures");
            for (Object o : figures) {
                Map<String, Object> f = (Map<String, Object>) o;
                assertTrue(Files.size(out.resolve((String) f.get("svg"))) > 0, (String) f.get("svg"));
                assertTrue(Files.size(out.resolve((String) f.get("png"))) > 0, (String) f.get("png"));
                assertTrue(markdown.contains("](" + f.get("png") + ")"), "report.md embeds " + f.get("png"));
            }
        }
        // the operators experiment ran on hadamard and completion problems and measured the regime of each
        Map<String, Object> operators = (Map<String, Object>) experiments.stream()
                .filter(o -> "operators".equals(((Map<String, Object>) o).get("name"))).findFirst().orElseThrow();
        List<Object> regimes = (List<Object>) operators.get("regimes");
        for (String kind : List.of("operator hadamard", "operator completion")) {
            assertTrue(regimes.stream().anyMatch(o -> ((String) ((Map<String, Object>) o).get("problem")).contains(kind)
                    && ((Map<String, Object>) o).get("deltaHat") instanceof Number), "operators measured δ̂ on " + kind);
        }
        // a second run into the same directory is refused rather than overwriting the report
        CliRunner again = CliRunner.run("reproduce", "alpha", "--quick", "--out", out.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("already holds a report"), again.err());
    }

    /**
     * In fp32 the balance experiment resolves the one-step imbalance identity too: its μ² term stands above the
     * worst-case rounding bound of one fp32 step (the check "largest μ² term / tolerance ≥ 2"), and every check passes.
     */
    @Test
    @SuppressWarnings("unchecked")
    void balanceResolvesTheIdentityInFp32() throws Exception {
        Path out = tmp.resolve("balance-fp32");
        CliRunner r = CliRunner.run("reproduce", "balance", "--quick", "--precision", "fp32", "--out", out.toString());
        assertFalse(r.hasStackTrace(), r.err());
        assertEquals(0, r.status(), "every check must pass in fp32:\n" + r.out() + r.err());
        Map<String, Object> report = (Map<String, Object>) Json.mapper().readValue(
                Files.readString(out.resolve("report.json")), Map.class);
        assertEquals(Boolean.TRUE, report.get("passed"));
        Map<String, Object> balance = (Map<String, Object>) ((List<Object>) report.get("experiments")).get(0);
        assertEquals("balance", balance.get("name"));
        boolean resolved = false;
        for (Object o : (List<Object>) balance.get("checks")) {
            Map<String, Object> c = (Map<String, Object>) o;
            assertEquals(Boolean.TRUE, c.get("pass"), c.get("name") + " measured " + c.get("measured"));
            if (((String) c.get("name")).startsWith("one-step identity: largest μ² term / tolerance")) {
                resolved = ((Number) c.get("measured")).doubleValue() >= 2;
            }
        }
        assertTrue(resolved, "the identity's μ² term must stand at least twice above the fp32 rounding bound");
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        CliRunner unknown = CliRunner.run("reproduce", "--quick", "nonsense");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown experiment 'nonsense'") && unknown.err().contains("imbalanced-init"),
                unknown.err());
        CliRunner none = CliRunner.run("reproduce", "--quick");
        assertEquals(2, none.status());
        CliRunner flag = CliRunner.run("reproduce", "alpha", "--fast");
        assertEquals(2, flag.status());
        assertFalse(flag.hasStackTrace(), flag.err());
        CliRunner help = CliRunner.run("reproduce", "--help");
        assertEquals(0, help.status());
        for (Experiment e : Experiments.all()) {
            assertTrue(help.out().contains(e.name()), "help lists " + e.name());
        }
    }
}
