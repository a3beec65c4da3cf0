package org.msense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Precision;
import org.msense.lab.reproduce.Experiment;
import org.msense.lab.reproduce.Experiments;
import org.msense.lab.reproduce.ReproduceJob;
import org.msense.lab.run.ProgressBar;
import org.msense.core.spec.InvalidSpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msense reproduce}: the phenomena of the theory as checked experiments with figures and a report. */
@Command(name = "reproduce", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "reproduce the papers' phenomena: figures, numbers and checked predictions",
        synopsisHeading = "%nUsage: ",
        customSynopsis = {"msense reproduce EXPERIMENT|all [--quick] [--out=DIR] [--backend=ID] [--precision=P]",
            "                        [--threads=N] [--progress=WHEN]"},
        descriptionHeading = "%n",
        description = {"Runs experiments that reproduce the predictions of Soltanolkotabi–Stöger–Xie (COLT 2023), Wind"
                + " (2023) and Xiong–Ding–Du (2023) for factorized gradient descent on V Wᵀ, and checks each prediction"
                + " with a threshold derived from the theory. Each experiment writes its figures (PNG and SVG) into"
                + " DIR/NAME/; DIR/report.md (figures, numbers, a table of checks) and DIR/report.json (every check with"
                + " its measured value, threshold and pass/fail) are rewritten after every experiment."},
        parameterListHeading = "%nExperiments:%n", optionListHeading = "%nOptions:%n", footerHeading = "%n",
        footer = "Exit status: 0 every check passed, 1 a check failed (the report is still written) or the run failed,"
                + " 2 bad command line, 3 internal error, 130 / 143 interrupted by SIGINT / SIGTERM (the report keeps the finished experiments).",
        usageHelpWidth = 100)
final class ReproduceCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(paramLabel = "EXPERIMENT", arity = "0..*", description = "an experiment, or all")
    List<String> which = new ArrayList<>();

    @Option(names = "--quick", description = "small problems and short runs (the whole suite in a few minutes on a laptop CPU)")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory [default: a new timestamped folder under runs/]")
    Path dir;

    @Option(names = "--backend", paramLabel = "ID", defaultValue = "auto",
            description = "auto (best available), cpu or cuda [default: ${DEFAULT-VALUE}]")
    String backend;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp64", description = "fp64 or fp32 [default: ${DEFAULT-VALUE}]")
    String precision;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU worker threads, 0: one per processor [default: ${DEFAULT-VALUE}]")
    int threads;

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
            description = "progress on stderr: auto (a bar redrawn in place on a terminal, a plain line every 10 s"
                    + " otherwise), always (the redrawn bar) or never (no progress lines) [default: ${DEFAULT-VALUE}]")
    String progress;

    ReproduceCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** The command, with the list of experiments in its help in place of the parameter's row. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new ReproduceCommand(out, err));
        StringBuilder list = new StringBuilder();
        for (Experiment e : Experiments.all()) {
            list.append(String.format(Locale.ROOT, "  %-16s %s%n", e.name(), e.summary()));
        }
        list.append(String.format(Locale.ROOT, "  %-16s %s%n", "all", "every experiment above, in this order"));
        UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        sections.put(UsageMessageSpec.SECTION_KEY_PARAMETER_LIST, help -> list.toString());
        usage.sectionMap(sections);
        return cl;
    }

    @Override
    public Integer call() throws IOException {
        if (which.isEmpty()) {
            throw new UsageException("which experiment? one of " + names() + ", or all (msense reproduce --help)");
        }
        if (which.size() > 1) {
            throw new UsageException("one experiment at a time (or all), got '" + which.get(0) + "' and '" + which.get(1) + "'");
        }
        Precision p;
        try {
            p = Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--precision: " + e.getMessage());
        }
        if (threads < 0) {
            throw new UsageException("--threads needs a whole number ≥ 0, got " + threads);
        }
        ProgressBar.Style style;
        try {
            style = ProgressBar.style(progress, err);
        } catch (InvalidSpecException e) {
            throw new UsageException("--" + e.getMessage());
        }
        List<Experiment> chosen = new ArrayList<>();
        String name = which.get(0);
        if (name.equals("all")) {
            chosen.addAll(Experiments.all());
        } else {
            chosen.add(Experiments.byName(name).orElseThrow(() -> new UsageException(
                    "unknown experiment '" + name + "'; choose one of " + names() + ", or all")));
        }
        var backends = Backends.discover();
        String wanted = RunCommand.requireKnownBackend(backends, backend);
        Path out = dir != null ? dir
                : Path.of("runs", "reproduce-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        return new ReproduceJob(chosen, quick, out, wanted, p, threads, this.out, err, style).execute(backends);
    }

    private static String names() {
        return String.join(", ", Experiments.all().stream().map(Experiment::name).toList());
    }
}
