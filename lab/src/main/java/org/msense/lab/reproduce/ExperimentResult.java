package org.msense.lab.reproduce;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an experiment produced.
 *
 * @param name       the experiment's name
 * @param title      a heading for the report
 * @param claim      what the theory predicts, in a few sentences
 * @param setup      the problem and run parameters, in words
 * @param numbers    named measurements, in report order (values are numbers, strings, lists, or {@link Spread}s over seeds, written to report.json as median, min, max and values)
 * @param table      a Markdown table of per-run numbers (may be empty)
 * @param figures    file names of the figures, relative to the experiment directory, without extension
 *                   (each exists as .png and .svg)
 * @param checks     the verified predictions
 * @param notes      observations worth stating (e.g. where the measurement departs from the theory)
 * @param seconds    wall time of the experiment
 * @param regimes    the regime (δ̂, angles) of every problem the experiment ran on, in the order they were built
 */
public record ExperimentResult(String name, String title, String claim, String setup, Map<String, Object> numbers,
        String table, List<String> figures, List<Check> checks, List<String> notes, double seconds,
        List<ProblemRegime> regimes) {

    public ExperimentResult {
        numbers = new LinkedHashMap<>(numbers);
        figures = List.copyOf(figures);
        checks = List.copyOf(checks);
        notes = List.copyOf(notes);
        regimes = List.copyOf(regimes);
    }

    /** A result whose regimes are added later ({@link #withRegimes}, done by the job from the lab's record). */
    public ExperimentResult(String name, String title, String claim, String setup, Map<String, Object> numbers,
            String table, List<String> figures, List<Check> checks, List<String> notes, double seconds) {
        this(name, title, claim, setup, numbers, table, figures, checks, notes, seconds, List.of());
    }

    /** Whether every check passed. */
    public boolean passed() {
        return checks.stream().allMatch(Check::pass);
    }

    /** The same result with only the given figures (e.g. those that could be drawn). */
    public ExperimentResult withFigures(List<String> f) {
        return new ExperimentResult(name, title, claim, setup, numbers, table, f, checks, notes, seconds, regimes);
    }

    /** The same result with the regimes of its problems. */
    public ExperimentResult withRegimes(List<ProblemRegime> r) {
        return new ExperimentResult(name, title, claim, setup, numbers, table, figures, checks, notes, seconds, r);
    }

    /** The same result with its wall time set. */
    public ExperimentResult withSeconds(double s) {
        return new ExperimentResult(name, title, claim, setup, numbers, table, figures, checks, notes, s, regimes);
    }
}
