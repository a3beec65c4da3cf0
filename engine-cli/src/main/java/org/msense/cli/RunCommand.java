package org.msense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Backends;
import org.msense.lab.run.Parameter;
import org.msense.lab.run.ProgressBar;
import org.msense.lab.run.RunConfig;
import org.msense.lab.run.RunInputException;
import org.msense.lab.run.RunJob;
import org.msense.lab.run.RunParameters;
import org.msense.lab.run.RunPlan;
import org.msense.core.spec.InvalidSpecException;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code msense run}: one batch of trajectories on one problem. Its options are made from the one table of
 * run parameters, {@link RunParameters}, which JSON configs share: one {@code --NAME=VALUE} option per
 * parameter ({@code --[no-]NAME} for flags), listed in the help under the table's headings with their
 * defaults. The values go into a {@link RunConfig} as text, after the config file of {@code --config}, so
 * that options override the file and every value is checked as a config file's would be.
 */
final class RunCommand implements Callable<Integer> {
    static final String CONFIG = "--config";

    private final PrintStream out;
    private final PrintStream err;
    private final CommandSpec spec;
    /** The run parameter behind each option, by the option's name. */
    private final Map<String, Parameter> parameters = new HashMap<>();

    RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        spec = CommandSpec.wrapWithoutInspection(this);
        spec.name("run").mixinStandardHelpOptions(true).versionProvider(new VersionProvider());
        Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
        for (Parameter p : RunParameters.all()) {
            OptionSpec o = option(p);
            spec.addOption(o);
            parameters.put(o.longestName(), p);
            groups.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(o);
        }
        OptionSpec config = OptionSpec.builder(CONFIG).paramLabel("FILE").type(Path.class)
                .description("read parameters from a JSON file first (the same names, without the dashes);"
                        + " options on the command line override it")
                .build();
        spec.addOption(config);
        List<OptionSpec> other = new ArrayList<>(List.of(config));
        other.add(spec.findOption("--help"));
        other.add(spec.findOption("--version"));
        groups.put("Config file and help", other);

        UsageMessageSpec usage = spec.usageMessage();
        usage.header("run gradient descent on V Wᵀ for one sensing problem; writes a run directory")
                .customSynopsis("msense run [--config=FILE] [--NAME=VALUE | --[no-]FLAG]...")
                .synopsisHeading("%nUsage: ")
                .description(DESCRIPTION)
                .descriptionHeading("%n")
                .footerHeading("%n")
                .footer(FOOTER)
                .sortOptions(false)
                .width(100)
                .longOptionsMaxWidth(30);
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        sections.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "");
        sections.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> optionList(help, groups));
        usage.sectionMap(sections);
    }

    /** The command, for picocli. */
    CommandSpec spec() {
        return spec;
    }

    /** The option of one run parameter; its value is kept as text and parsed by the parameter itself. */
    private static OptionSpec option(Parameter p) {
        String help = p.help() + (p.defaultValue() == null ? "" : " [default: " + p.format(p.defaultValue()) + "]");
        OptionSpec.Builder b = OptionSpec.builder("--" + p.name()).description(help.replace("%", "%%"));
        if (p.kind() == Parameter.Kind.FLAG) {
            return b.negatable(true).arity("0").type(boolean.class).build();
        }
        return b.paramLabel(p.hint().isEmpty() ? "VALUE" : p.hint()).arity("1")
                .type(p.kind() == Parameter.Kind.PATH ? Path.class : String.class) // Path: file names complete in bash
                .build();
    }

    /** The option list under the parameter table's headings. */
    private static String optionList(Help help, Map<String, List<OptionSpec>> groups) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<OptionSpec>> g : groups.entrySet()) {
            sb.append(String.format(Locale.ROOT, "%n%s:%n", g.getKey()));
            sb.append(help.optionListExcludingGroups(g.getValue()));
        }
        return sb.toString();
    }

    @Override
    public Integer call() throws IOException {
        RunPlan plan;
        try {
            plan = RunPlan.resolve(config(spec.commandLine().getParseResult()));
        } catch (InvalidSpecException | IOException e) {
            throw new UsageException(e.getMessage());
        }
        var backends = Backends.discover();
        requireKnownBackend(backends, plan.config().getString("backend"));
        ProgressBar.Style progress = ProgressBar.style(plan.config().getString("progress"), err);
        try {
            return new RunJob(plan, backends, out, err, progress).execute();
        } catch (InvalidSpecException | RunInputException e) { // --out or --export-npy taken, backend unavailable, …
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * The backend id asked for ({@code requested}, trimmed and lower-cased): auto or the id of one of
     * {@code backends}.
     *
     * @throws UsageException naming the choices when it is neither
     */
    static String requireKnownBackend(List<Backend> backends, String requested) {
        String wanted = requested.trim().toLowerCase(Locale.ROOT);
        if (!wanted.equals("auto") && backends.stream().noneMatch(b -> b.id().equals(wanted))) {
            throw new UsageException("backend: unknown backend '" + wanted + "'; choose auto or one of "
                    + String.join(", ", backends.stream().map(b -> b.id()).toList()));
        }
        return wanted;
    }

    /** Defaults ← the config file of {@code --config} ← the options given. */
    private RunConfig config(ParseResult parsed) {
        RunConfig config = new RunConfig();
        OptionSpec file = parsed.matchedOption(CONFIG);
        if (file != null) {
            config.applyJsonFile(file.getValue());
        }
        for (OptionSpec o : parsed.matchedOptionsSet()) {
            Parameter p = parameters.get(o.longestName());
            if (p != null) {
                config.setText(p.name(), String.valueOf((Object) o.getValue()));
            }
        }
        return config;
    }

    private static final String[] DESCRIPTION = {
        "Recovers a rank-r matrix X* ∈ R^{n1×n2} from m Gaussian measurements y = 𝒜(X*) + ξ by gradient descent"
                + " on V Wᵀ (V: n1×k, W: n2×k) from the small random initialization V₀ = α·G_V, W₀ = α·G_W."
                + " A comma-separated list for --alpha, --alpha-w, --step-size or --init-seed runs one trajectory"
                + " per value (per combination), all on the same problem, as one batch.",
        "",
        "With no options it runs the default experiment: n1=40, n2=30, r=3, m=1000, k=min(n1,n2)=30, μ=0.25,"
                + " 1000 iterations, α ∈ {1e-1, 1e-2, 1e-3, 1e-4}.",
        "",
        "A JSON config (--config FILE) uses the same names without the dashes, e.g.",
        "  {\"n1\": 100, \"n2\": 80, \"rank\": 5, \"alpha\": [1e-2, 1e-3], \"step-size\": 0.2}",
        "Options given on the command line override the file.",
        "",
        "Output, in the run directory: config.json (the resolved parameters; rerun with --config),",
        "metrics.csv, spectrum.csv, summary.json, error/imbalance/spectrum-NN plots (.png and .svg).",
    };

    private static final String[] FOOTER = {
        "Exit status: 0 completed, 1 failed, 2 bad command line, config or input, 3 internal error, 4 every trajectory"
                + " diverged, 130 / 143 interrupted"
                + " by SIGINT (Ctrl-C) / SIGTERM (the run directory then holds every row computed and a summary with status \"interrupted\").",
    };
}
