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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msense.core.Version;
import org.msense.lab.run.Parameter;
import org.msense.lab.run.RunParameters;

/**
 * The command line itself: help and version on every command, usage on stderr for a bare {@code msense},
 * suggestions for mistyped commands and options, {@code --opt=value}, the completion script, and
 * {@code --progress}.
 */
class CommandLineTest {
    @TempDir
    Path dir;

    /** A small, fast run into {@code out}. */
    private static String[] smallRun(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--n1", "12", "--n2", "10", "--measurements", "300",
                "--alpha", "1e-2", "--iterations", "200", "--no-plots", "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static void assertOneLineError(CliRunner r) {
        assertEquals(2, r.status(), "exit status; stderr: " + r.err());
        assertFalse(r.hasStackTrace(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    @Test
    void bareMsensePrintsUsageOnStderr() {
        CliRunner r = CliRunner.run();
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().contains("Usage: msense COMMAND"), r.err());
        for (String c : List.of("run", "backends", "reproduce", "bench", "completion")) {
            assertTrue(r.err().contains("  " + c + " "), "the usage lists " + c + ": " + r.err());
        }
    }

    @Test
    void mistypedCommandSuggestsTheRightOne() {
        CliRunner r = CliRunner.run("rn");
        assertOneLineError(r);
        assertTrue(r.err().startsWith("msense: unknown command 'rn'"), r.err());
        assertTrue(r.err().contains("did you mean run?"), r.err());
    }

    @Test
    void mistypedOptionSuggestsTheRightOne() {
        CliRunner r = CliRunner.run("run", "--step-sise", "0.1");
        assertOneLineError(r);
        assertTrue(r.err().startsWith("msense run: unknown option --step-sise"), r.err());
        assertTrue(r.err().contains("--step-size"), r.err());
        CliRunner negated = CliRunner.run("run", "--no-plot");
        assertOneLineError(negated);
        assertTrue(negated.err().contains("--no-plots"), negated.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "backends", "reproduce", "bench", "completion"})
    void everyCommandHasHelpAndVersion(String command) {
        for (String v : List.of("-V", "--version")) {
            CliRunner r = CliRunner.run(command, v);
            assertEquals(0, r.status(), r.err());
            assertEquals("msense " + Version.get(), r.out().strip());
        }
        for (String h : List.of("-h", "--help")) {
            CliRunner r = CliRunner.run(command, h);
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("Usage: msense " + command), r.out());
            assertTrue(r.out().contains("-V, --version"), r.out());
            assertEquals("", r.err());
        }
        CliRunner viaHelp = CliRunner.run("help", command);
        assertEquals(0, viaHelp.status(), viaHelp.err());
        assertTrue(viaHelp.out().contains("Usage: msense " + command), viaHelp.out());
    }

    @Test
    void topLevelVersionAndHelp() {
        for (String v : List.of("-V", "--version")) {
            CliRunner r = CliRunner.run(v);
            assertEquals(0, r.status(), r.err());
            assertEquals("msense " + Version.get(), r.out().strip());
        }
        CliRunner h = CliRunner.run("--help");
        assertEquals(0, h.status());
        assertTrue(h.out().contains("Usage: msense COMMAND"), h.out());
        assertEquals("", h.err());
    }

    @Test
    void runHelpListsEveryParameterOfTheTable() {
        CliRunner r = CliRunner.run("run", "-h");
        assertEquals(0, r.status(), r.err());
        String help = r.out();
        String group = null;
        int last = -1;
        for (Parameter p : RunParameters.all()) {
            String option = p.kind() == Parameter.Kind.FLAG ? "--[no-]" + p.name() : "--" + p.name() + "=" + p.hint();
            int at = help.indexOf("  " + option + " ");
            assertTrue(at >= 0, "the help lists " + option + ":\n" + help);
            if (!p.group().equals(group)) {
                group = p.group();
                int heading = help.indexOf("\n" + group + ":");
                assertTrue(heading >= 0 && heading < at, "under the heading " + group + ": " + option);
            }
            assertTrue(at > last, "in the table's order: " + option);
            last = at;
            if (p.defaultValue() != null) {
                int end = help.indexOf("\n      -", at + 1); // the next option's row
                String rest = help.substring(at, end < 0 ? help.length() : end).replaceAll("\\s+", "");
                assertTrue(rest.contains("[default:" + p.format(p.defaultValue()) + "]"), "the default of " + option);
            }
        }
        assertTrue(help.contains("--config=FILE"), help);
    }

    @Test
    void optionsTakeValuesAfterAnEqualsSign() throws Exception {
        Path out = dir.resolve("eq");
        CliRunner r = CliRunner.run("run", "--n1=12", "--n2=10", "--measurements=300", "--alpha=1e-2,1e-3",
                "--iterations=20", "--no-plots", "--progress=never", "--out=" + out);
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.readString(out.resolve("config.json")).matches("(?s).*\"n1\"\\s*:\\s*12\\b.*"));
        Map<String, Object> s = RunDirectoryFiles.summary(out);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ts = (List<Map<String, Object>>) s.get("trajectories");
        assertEquals(2, ts.size(), "two values of --alpha=…");
        assertEquals(20, ((Number) ts.get(0).get("iterations")).intValue());
        assertEquals(2 * 3, RunDirectoryFiles.metrics(out).size(), "t = 0, 10, 20 for both");
    }

    @Test
    void optionsOverrideTheConfigFile() throws Exception {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"n1\": 20, \"iterations\": 10, \"log-every\": 5}");
        Path out = dir.resolve("rep");
        CliRunner r = CliRunner.run("run", "--iterations", "30", "--config", cfg.toString(), "--n1=12",
                "--n2", "10", "--measurements", "300", "--alpha", "1e-2", "--no-plots", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.matches("(?s).*\"n1\"\\s*:\\s*12\\b.*"), config);
        assertTrue(config.matches("(?s).*\"iterations\"\\s*:\\s*30\\b.*"), "the option, not the file: " + config);
        assertTrue(config.matches("(?s).*\"log-every\"\\s*:\\s*5\\b.*"), "the file, where no option says otherwise: " + config);
        assertFalse(config.contains("progress"), "how progress was shown is no part of the experiment: " + config);
    }

    @Test
    void completionPrintsABashScript() {
        CliRunner r = CliRunner.run("completion");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().lines().findFirst().orElse(""));
        assertTrue(r.out().contains("complete -F"), "registers a completion function");
        for (String word : List.of("run", "backends", "reproduce", "bench", "--step-size", "--no-plots", "--quick")) {
            assertTrue(r.out().contains(word), "the script knows " + word);
        }
    }

    @Test
    void progressNeverWritesNoProgressLines() throws Exception {
        CliRunner always = CliRunner.run(smallRun(dir.resolve("always"), "--progress", "always"));
        assertEquals(0, always.status(), always.err());
        assertTrue(always.err().contains("\riterating ["), "always: the redrawn bar: " + always.err());
        CliRunner never = CliRunner.run(smallRun(dir.resolve("never"), "--progress", "never"));
        assertEquals(0, never.status(), never.err());
        assertFalse(never.err().contains("iterating"), never.err());
        assertFalse(never.err().contains("\r"), never.err());
        // auto on a stream that is not a terminal: plain lines at most, never a carriage return
        CliRunner auto = CliRunner.run(smallRun(dir.resolve("auto")));
        assertEquals(0, auto.status(), auto.err());
        assertFalse(auto.err().contains("\r"), auto.err());
    }

    @Test
    void badProgressSettingIsAUsageError() {
        CliRunner r = CliRunner.run(smallRun(dir.resolve("bad"), "--progress", "sometimes"));
        assertOneLineError(r);
        assertTrue(r.err().contains("progress") && r.err().contains("auto, always or never"), r.err());
    }

    @Test
    void flagsTakeNoValue() {
        CliRunner r = CliRunner.run(smallRun(dir.resolve("flag"), "--plots=false"));
        assertOneLineError(r);
        assertTrue(r.err().startsWith("msense run: "), r.err());
        assertTrue(r.err().contains("--plots"), r.err());
    }

    @Test
    void aMissingValueIsNamed() {
        CliRunner r = CliRunner.run("run", "--out");
        assertOneLineError(r);
        assertTrue(r.err().contains("--out"), r.err());
    }

    @Test
    void extraArgumentsAreUsageErrors() {
        CliRunner backends = CliRunner.run("backends", "extra");
        assertOneLineError(backends);
        assertTrue(backends.err().startsWith("msense backends: unexpected argument 'extra'"), backends.err());
        CliRunner run = CliRunner.run("run", "12");
        assertOneLineError(run);
        CliRunner two = CliRunner.run("reproduce", "alpha", "width");
        assertOneLineError(two);
        assertTrue(two.err().contains("one experiment at a time"), two.err());
    }
}
