package org.msense.lab.reproduce;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.lab.io.AtomicFiles;
import org.msense.lab.io.Json;

/**
 * The report of {@code msense reproduce}: {@code report.md} (figures embedded, numbers, a table of checks)
 * and {@code report.json} (every experiment, every check with its measured value, threshold and outcome).
 * Both are rewritten atomically after every experiment, so an interruption never loses a finished one.
 */
public final class ReproductionReport {
    public static final String MARKDOWN = "report.md";
    public static final String JSON = "report.json";

    private final Path directory;
    private final Header header;
    private final List<ExperimentResult> results = new ArrayList<>();
    private String status = "running";

    /**
     * The run facts at the top of both files.
     *
     * @param mode      {@code quick} or {@code full}
     * @param backend   the backend's id
     * @param device    the device in words
     * @param precision {@code fp64} or {@code fp32}
     */
    public record Header(String mode, String backend, String device, String precision) {
    }

    /**
     * @param directory where the report files go
     * @param header    run facts for the top of the report
     */
    public ReproductionReport(Path directory, Header header) {
        this.directory = directory;
        this.header = header;
    }

    /** Adds a finished experiment and rewrites both files. */
    public void add(ExperimentResult r) throws IOException {
        results.add(r);
        write();
    }

    /** Sets the overall status ({@code running}, {@code completed}, {@code interrupted}, {@code failed}) and rewrites. */
    public void finish(String finalStatus) throws IOException {
        this.status = finalStatus;
        write();
    }

    /** The experiments added so far. */
    public List<ExperimentResult> results() {
        return List.copyOf(results);
    }

    /** Whether every check of every experiment added so far passed. */
    public boolean allPassed() {
        return results.stream().allMatch(ExperimentResult::passed);
    }

    private void write() throws IOException {
        AtomicFiles.writeString(directory.resolve(JSON), Json.write(content()) + "\n");
        AtomicFiles.writeString(directory.resolve(MARKDOWN), toMarkdown());
    }

    /** The content of {@code report.json}. */
    Content content() {
        List<Entry> entries = new ArrayList<>();
        for (ExperimentResult r : results) {
            List<Figure> figures = r.figures().stream()
                    .map(f -> new Figure(r.name() + "/" + f + ".png", r.name() + "/" + f + ".svg")).toList();
            entries.add(new Entry(r.name(), r.title(), r.passed(), r.seconds(), r.name(), r.setup(), figures, r.numbers(),
                    r.checks().stream().map(CheckEntry::of).toList(), r.notes(), r.regimes()));
        }
        return new Content(header.mode(), header.backend(), header.device(), header.precision(), status, allPassed(),
                entries);
    }

    /**
     * {@code report.json}, keys in this order.
     *
     * @param status      {@code running}, {@code completed}, {@code interrupted} or {@code failed}
     * @param passed      whether every check of every experiment so far passed
     * @param experiments the finished experiments
     */
    public record Content(String mode, String backend, String device, String precision, String status, boolean passed,
            List<Entry> experiments) {
    }

    /**
     * One experiment of {@code report.json}.
     *
     * @param directory where its figures and data are, relative to the report
     * @param numbers   named measurements (NaN written as null)
     * @param regimes   δ̂ and the angles of 𝒜*𝒜(X*) for every problem the experiment ran on
     */
    public record Entry(String name, String title, boolean passed, double seconds, String directory, String setup,
            List<Figure> figures, Map<String, Object> numbers, List<CheckEntry> checks, List<String> notes,
            List<ProblemRegime> regimes) {
    }

    /** A figure of {@code report.json}: its two files, relative to the report. */
    public record Figure(String png, String svg) {
    }

    /**
     * A check of {@code report.json}.
     *
     * @param comparison {@code at_most}, {@code at_least}, {@code less_than} or {@code between}
     * @param upper      the upper bound, for {@code between} only
     */
    public record CheckEntry(String name, double measured, String comparison, double threshold,
            @JsonInclude(Include.NON_NULL) Double upper, boolean pass, String rationale) {

        static CheckEntry of(Check c) {
            return new CheckEntry(c.name(), c.measured(), c.comparison().name().toLowerCase(Locale.ROOT), c.threshold(),
                    c.comparison() == Check.Comparison.BETWEEN ? c.upper() : null, c.pass(), c.rationale());
        }
    }

    String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# msense reproduce — report\n\n");
        sb.append("- mode: ").append(header.mode()).append('\n');
        sb.append("- backend: ").append(header.backend()).append('\n');
        sb.append("- device: ").append(header.device()).append('\n');
        sb.append("- precision: ").append(header.precision()).append('\n');
        sb.append("- status: ").append(status).append('\n');
        long failed = results.stream().filter(r -> !r.passed()).count();
        sb.append(String.format(Locale.ROOT, "- experiments: %d, all checks passed: %s%n%n", results.size(),
                failed == 0 ? "yes" : "no (" + failed + " with failures)"));
        sb.append("| experiment | checks passed | time |\n|---|---|---|\n");
        for (ExperimentResult r : results) {
            long ok = r.checks().stream().filter(Check::pass).count();
            sb.append(String.format(Locale.ROOT, "| [%s](#%s) | %d/%d %s | %.1f s |%n", r.name(), anchor(r.title()), ok,
                    r.checks().size(), r.passed() ? "" : "**FAIL**", r.seconds()));
        }
        for (ExperimentResult r : results) {
            sb.append("\n## ").append(r.title()).append("\n\n");
            sb.append("**Prediction.** ").append(r.claim()).append("\n\n");
            sb.append("**Setup.** ").append(r.setup()).append("\n\n");
            if (!r.regimes().isEmpty()) {
                sb.append("**Regime** (δ̂ = ‖𝒜*𝒜(X*) − X*‖₂/σ_r; the theory needs δ̂ well below 1).\n\n");
                for (ProblemRegime g : r.regimes()) {
                    sb.append("- ").append(g.describe()).append('\n');
                }
                sb.append('\n');
            }
            for (String f : r.figures()) {
                sb.append("![").append(f).append("](").append(r.name()).append('/').append(f).append(".png)\n");
            }
            sb.append('\n');
            if (!r.numbers().isEmpty()) {
                sb.append("**Numbers.**\n\n");
                for (Map.Entry<String, Object> e : r.numbers().entrySet()) {
                    sb.append("- ").append(e.getKey()).append(": ").append(text(e.getValue())).append('\n');
                }
                sb.append('\n');
            }
            if (!r.table().isEmpty()) {
                sb.append(r.table()).append('\n');
            }
            sb.append("**Checks.**\n\n| check | measured | threshold | result | why this threshold |\n|---|---|---|---|---|\n");
            for (Check c : r.checks()) {
                sb.append("| ").append(c.name()).append(" | ").append(Check.format(c.measured())).append(" | ")
                        .append(c.thresholdText()).append(" | ").append(c.pass() ? "pass" : "**FAIL**").append(" | ")
                        .append(c.rationale()).append(" |\n");
            }
            if (!r.notes().isEmpty()) {
                sb.append("\n**Notes.**\n\n");
                for (String n : r.notes()) {
                    sb.append("- ").append(n).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String text(Object v) {
        if (v instanceof Spread s) {
            return s.text() + " over " + s.seeds() + " seeds";
        }
        if (v instanceof Double d) {
            return Check.format(d);
        }
        if (v instanceof double[] a) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < a.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(Check.format(a[i]));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(v);
    }

    private static String anchor(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").trim().replace(' ', '-');
    }
}
