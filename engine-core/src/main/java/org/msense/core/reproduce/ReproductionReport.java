package org.msense.core.reproduce;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.io.AtomicFiles;
import org.msense.core.io.Json;

/**
 * The report of {@code msense reproduce}: {@code report.md} (figures embedded, numbers, a table of checks)
 * and {@code report.json} (every experiment, every check with its measured value, threshold and outcome).
 * Both are rewritten atomically after every experiment, so an interruption never loses a finished one.
 */
public final class ReproductionReport {
    public static final String MARKDOWN = "report.md";
    public static final String JSON = "report.json";

    private final Path directory;
    private final Map<String, Object> header;
    private final List<ExperimentResult> results = new ArrayList<>();
    private String status = "running";

    /**
     * @param directory where the report files go
     * @param header    run facts for the top of the report (mode, backend, device, precision); copied
     */
    public ReproductionReport(Path directory, Map<String, Object> header) {
        this.directory = directory;
        this.header = new LinkedHashMap<>(header);
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
        AtomicFiles.writeString(directory.resolve(JSON), Json.write(toJson()) + "\n");
        AtomicFiles.writeString(directory.resolve(MARKDOWN), toMarkdown());
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>(header);
        m.put("status", status);
        m.put("passed", allPassed());
        List<Object> list = new ArrayList<>();
        for (ExperimentResult r : results) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", r.name());
            e.put("title", r.title());
            e.put("passed", r.passed());
            e.put("seconds", r.seconds());
            e.put("directory", r.name());
            e.put("setup", r.setup());
            List<Object> figs = new ArrayList<>();
            for (String f : r.figures()) {
                figs.add(Map.of("png", r.name() + "/" + f + ".png", "svg", r.name() + "/" + f + ".svg"));
            }
            e.put("figures", figs);
            e.put("numbers", r.numbers());
            e.put("checks", r.checks().stream().map(Check::toJson).toList());
            e.put("notes", r.notes());
            list.add(e);
        }
        m.put("experiments", list);
        return m;
    }

    String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# msense reproduce — report\n\n");
        for (Map.Entry<String, Object> e : header.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
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
