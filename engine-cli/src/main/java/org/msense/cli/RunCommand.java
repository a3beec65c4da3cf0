package org.msense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.msense.core.backend.Backends;
import org.msense.core.run.Parameter;
import org.msense.core.run.ProgressBar;
import org.msense.core.run.RunConfig;
import org.msense.core.run.RunJob;
import org.msense.core.run.RunParameters;
import org.msense.core.run.RunPlan;
import org.msense.core.spec.InvalidSpecException;

/** {@code msense run}: one batch of trajectories on one problem. */
final class RunCommand implements Command {

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run factorized gradient descent on a sensing problem (default: an α sweep on a 40×30 rank-3 problem)";
    }

    @Override
    public String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                Usage: msense run [--config FILE] [--name VALUE ...]

                Recovers a rank-r matrix X* ∈ R^{n1×n2} from m Gaussian measurements y = 𝒜(X*) + ξ by gradient
                descent on V Wᵀ (V: n1×k, W: n2×k) from the small random initialization V₀ = α·G_V, W₀ = α·G_W.
                A comma-separated list for --alpha, --step-size or --init-seed runs one trajectory per value
                (per combination), all on the same problem, as one batch.

                With no options it runs the default experiment: n1=40, n2=30, r=3, m=1000, k=min(n1,n2)=30,
                μ=0.25, 1000 iterations, α ∈ {1e-1, 1e-2, 1e-3, 1e-4}.

                A JSON config (--config FILE) uses the same names without the dashes, e.g.
                  {"n1": 100, "n2": 80, "rank": 5, "alpha": [1e-2, 1e-3], "step-size": 0.2}
                Options given on the command line override the file.

                Output, in the run directory: config.json (the resolved parameters; rerun with --config),
                metrics.csv, spectrum.csv, summary.json, error/imbalance/spectrum-NN plots (.png and .svg).
                """);
        String group = null;
        for (Parameter p : RunParameters.all()) {
            if (!p.group().equals(group)) {
                group = p.group();
                sb.append('\n').append(group).append(":\n");
            }
            String flag = p.kind() == Parameter.Kind.FLAG ? "--[no-]" + p.name()
                    : "--" + p.name() + (p.hint().isEmpty() ? "" : " " + p.hint());
            String def = p.defaultValue() == null ? "" : " [default: " + p.format(p.defaultValue()) + "]";
            sb.append(String.format(Locale.ROOT, "  %-28s %s%s%n", flag, p.help(), def));
        }
        sb.append(String.format(Locale.ROOT, "  %-28s %s%n", "--config FILE", "read parameters from a JSON file first"));
        sb.append("""

                Exit status: 0 completed, 1 failed, 2 bad command line or config, 130 interrupted (Ctrl-C; the
                run directory then holds every row computed and a summary with status "interrupted").
                """);
        return sb.toString();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        RunPlan plan;
        try {
            RunConfig config = FlagParser.parse(args);
            plan = RunPlan.resolve(config);
        } catch (InvalidSpecException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        var backends = Backends.discover();
        String wanted = plan.config().getString("backend").trim().toLowerCase(java.util.Locale.ROOT);
        if (!wanted.equals("auto") && backends.stream().noneMatch(b -> b.id().equals(wanted))) {
            throw new UsageException("backend: unknown backend '" + wanted + "'; choose auto or one of "
                    + String.join(", ", backends.stream().map(b -> b.id()).toList()));
        }
        RunJob job = new RunJob(plan, backends, out, err, ProgressBar.isTerminal());
        return job.execute();
    }
}
