package org.msense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Precision;
import org.msense.core.reproduce.Experiment;
import org.msense.core.reproduce.Experiments;
import org.msense.core.reproduce.ReproduceJob;
import org.msense.core.run.ProgressBar;

/** {@code msense reproduce}: the phenomena of the theory as checked experiments with figures and a report. */
final class ReproduceCommand implements Command {

    @Override
    public String name() {
        return "reproduce";
    }

    @Override
    public String summary() {
        return "reproduce the papers' phenomena: figures, numbers and checked predictions (msense reproduce all --quick)";
    }

    @Override
    public String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                Usage: msense reproduce EXPERIMENT|all [--quick] [--out DIR] [--backend ID] [--precision P] [--threads N]

                Runs experiments that reproduce the predictions of Soltanolkotabi–Stöger–Xie (COLT 2023), Wind (2023)
                and Xiong–Ding–Du (2023) for factorized gradient descent on V Wᵀ, and checks each prediction with a
                threshold derived from the theory. Each experiment writes its figures (PNG and SVG) into DIR/NAME/;
                DIR/report.md (figures, numbers, a table of checks) and DIR/report.json (every check with its
                measured value, threshold and pass/fail) are rewritten after every experiment.

                Experiments:
                """);
        for (Experiment e : Experiments.all()) {
            sb.append(String.format(Locale.ROOT, "  %-16s %s%n", e.name(), e.summary()));
        }
        sb.append(String.format(Locale.ROOT, "  %-16s %s%n", "all", "every experiment above, in this order"));
        sb.append("""

                Options:
                  --quick          small problems and short runs (the whole suite in a few minutes on a laptop CPU)
                  --out DIR        output directory [default: a new timestamped folder under runs/]
                  --backend ID     auto (best available), cpu or cuda [default: auto]
                  --precision P    fp64 or fp32 [default: fp64]
                  --threads N      CPU worker threads, 0: one per processor [default: 0]

                Exit status: 0 every check passed, 1 a check failed (the report is still written) or the run failed,
                2 bad command line, 130 interrupted (the report keeps the finished experiments).
                """);
        return sb.toString();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        String which = null;
        boolean quick = false;
        Path dir = null;
        String backend = "auto";
        Precision precision = Precision.FP64;
        int threads = 0;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--quick" -> quick = true;
                case "--out" -> dir = Path.of(value != null ? value : CommandArgs.value(args, ++i, a));
                case "--backend" -> backend = (value != null ? value : CommandArgs.value(args, ++i, a)).trim().toLowerCase(Locale.ROOT);
                case "--precision" -> {
                    String p = value != null ? value : CommandArgs.value(args, ++i, a);
                    try {
                        precision = Precision.parse(p);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--precision: " + e.getMessage());
                    }
                }
                case "--threads" -> {
                    String t = value != null ? value : CommandArgs.value(args, ++i, a);
                    try {
                        threads = Integer.parseInt(t.trim());
                    } catch (NumberFormatException e) {
                        throw new UsageException("--threads needs a whole number ≥ 0, got '" + t + "'");
                    }
                    if (threads < 0) {
                        throw new UsageException("--threads needs a whole number ≥ 0, got " + threads);
                    }
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option " + a + "; see msense reproduce --help");
                    }
                    if (which != null) {
                        throw new UsageException("one experiment at a time (or all), got '" + which + "' and '" + a + "'");
                    }
                    which = a;
                }
            }
        }
        if (which == null) {
            throw new UsageException("which experiment? one of " + names() + ", or all (msense reproduce --help)");
        }
        List<Experiment> chosen = new ArrayList<>();
        if (which.equals("all")) {
            chosen.addAll(Experiments.all());
        } else {
            String name = which;
            chosen.add(Experiments.byName(name).orElseThrow(() -> new UsageException(
                    "unknown experiment '" + name + "'; choose one of " + names() + ", or all")));
        }
        var backends = Backends.discover();
        String wanted = backend;
        if (!wanted.equals("auto") && backends.stream().noneMatch(b -> b.id().equals(wanted))) {
            throw new UsageException("backend: unknown backend '" + wanted + "'; choose auto or one of "
                    + String.join(", ", backends.stream().map(b -> b.id()).toList()));
        }
        if (dir == null) {
            dir = Path.of("runs", "reproduce-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        return new ReproduceJob(chosen, quick, dir, backend, precision, threads, out, err, ProgressBar.isTerminal())
                .execute(backends);
    }

    private static String names() {
        return String.join(", ", Experiments.all().stream().map(Experiment::name).toList());
    }
}
