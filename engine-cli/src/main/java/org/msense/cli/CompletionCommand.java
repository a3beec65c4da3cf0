package org.msense.cli;

import java.io.PrintStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/** {@code msense completion}: the bash completion script of every command and option, made by picocli. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "print a bash completion script: source <(msense completion)",
        synopsisHeading = "%nUsage: ", descriptionHeading = "%n", optionListHeading = "%nOptions:%n",
        description = {"Prints a bash script that completes the commands of msense, their options and file names."
                + " Load it into the current shell with", "  source <(msense completion)",
            "or install it for every new shell with",
            "  msense completion > ~/.local/share/bash-completion/completions/msense",
            "(zsh loads it after `autoload -U +X bashcompinit && bashcompinit`)."},
        usageHelpWidth = 100)
final class CompletionCommand implements Callable<Integer> {
    private final PrintStream out;

    @Spec
    CommandSpec spec;

    CompletionCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        out.print(withNegatedForms(AutoComplete.bash("msense", spec.root().commandLine()), spec.root()));
        out.flush();
        return 0;
    }

    /**
     * The script with the {@code --no-NAME} form of every negatable option next to {@code --NAME} in the lists of
     * flags (picocli's generator lists the positive form only).
     */
    static String withNegatedForms(String script, CommandSpec root) {
        Set<String> negatable = new TreeSet<>();
        collectNegatable(root, negatable);
        StringBuilder sb = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            if (line.trim().startsWith("local flag_opts=")) {
                for (String name : negatable) {
                    line = line.replace("'" + name + "'", "'" + name + "' '--no-" + name.substring(2) + "'");
                }
            }
            sb.append(line).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }

    private static void collectNegatable(CommandSpec spec, Set<String> names) {
        for (OptionSpec o : spec.options()) {
            if (o.negatable() && o.longestName().startsWith("--")) {
                names.add(o.longestName());
            }
        }
        for (CommandLine sub : spec.subcommands().values()) {
            collectNegatable(sub.getCommandSpec(), names);
        }
    }
}
