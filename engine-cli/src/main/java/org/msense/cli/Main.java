package org.msense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.msense.core.Version;
import org.msense.core.backend.BackendException;
import org.msense.lab.run.RunParameters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code msense}: the commands {@code run}, {@code status}, {@code resume}, {@code sweep}, {@code backends}, {@code reproduce}, {@code bench},
 * {@code completion} and {@code help}, parsed by picocli. Every command takes {@code -h/--help} and
 * {@code -V/--version}. Errors the user can fix are printed as one line on stderr, {@code msense CMD: message},
 * and exit with status 2 (command line, config) or 1 (the run failed); stack traces appear only for internal
 * errors (status 3), or always when the environment variable {@code MSENSE_DEBUG} is set.
 */
public final class Main {
    /** Exit status of a wrong command line, config or input file. */
    static final int USAGE = 2;
    /** Exit status of an internal error (a bug). */
    static final int INTERNAL = 3;

    public static void main(String[] args) {
        int status = new Main().execute(Arrays.asList(args), System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs a command line, writing to the given streams, and returns the exit status. */
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(out, err);
        try {
            return cl.execute(args.toArray(new String[0]));
        } catch (RuntimeException | Error e) { // picocli hands errors (and failures of its own) through
            err.println(commandName(cl) + ": internal error: " + e);
            e.printStackTrace(err);
            return INTERNAL;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The whole command tree, writing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Root());
        cl.getCommandSpec().usageMessage().header("msense " + Version.get()
                + " — overparameterized asymmetric matrix sensing by factorized gradient descent");
        cl.addSubcommand(new RunCommand(out, err).spec());
        cl.addSubcommand(new StatusCommand(out));
        cl.addSubcommand(new ResumeCommand(out, err));
        cl.addSubcommand(new SweepCommand(out, err));
        cl.addSubcommand(new BackendsCommand(out, err));
        cl.addSubcommand(ReproduceCommand.commandLine(out, err));
        cl.addSubcommand(new BenchCommand(out));
        cl.addSubcommand(new CompletionCommand(out));
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.getSubcommands().get("help").getCommandSpec().usageMessage().header("show the help of a command: msense help COMMAND");
        cl.addSubcommand(new VersionCommand(out));
        // settings reach the subcommands added above
        cl.setOut(writer(out));
        cl.setErr(writer(err));
        cl.setOverwrittenOptionsAllowed(false); // --alpha 1e-2 --alpha 1e-3: an error, not a silent choice
        cl.setExpandAtFiles(false); // an argument @FILE is a value, not a file of arguments
        cl.setParameterExceptionHandler(Main::parameterError);
        cl.setExecutionExceptionHandler(Main::executionError);
        return cl;
    }

    /** {@code msense} alone: the usage, on stderr, and status 2. */
    @Command(name = "msense", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            customSynopsis = "msense COMMAND [OPTIONS]      msense COMMAND --help      msense --version",
            synopsisHeading = "%nUsage: ", optionListHeading = "%nOptions:%n", commandListHeading = "%nCommands:%n",
            footer = {"", "Start with `msense run` (the default experiment, under a minute on a laptop CPU)."},
            usageHelpWidth = 100)
    static final class Root implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return USAGE;
        }
    }

    /** {@code msense version}: the same as {@code msense --version} (kept for scripts; not listed). */
    @Command(name = "version", hidden = true, description = "print the version")
    static final class VersionCommand implements Callable<Integer> {
        private final PrintStream out;

        VersionCommand(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            out.println(new VersionProvider().getVersion()[0]);
            return 0;
        }
    }

    /** A wrong command line: one line, {@code msense CMD: message}, with a suggestion where one fits. */
    static int parameterError(ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        PrintWriter err = c.getErr();
        err.println(c.getCommandSpec().qualifiedName() + ": " + describe(ex));
        debugTrace(ex, err);
        err.flush();
        return USAGE;
    }

    /** An exception from a command: usage errors exit 2, failed runs 1, anything else is internal (3). */
    static int executionError(Exception ex, CommandLine c, ParseResult parsed) {
        PrintWriter err = c.getErr();
        String name = c.getCommandSpec().qualifiedName();
        int status;
        if (ex instanceof UsageException) {
            err.println(name + ": " + ex.getMessage());
            debugTrace(ex, err);
            status = USAGE;
        } else if (ex instanceof BackendException || ex instanceof IOException) {
            err.println(name + ": " + org.msense.lab.run.Failures.describe(ex));
            debugTrace(ex, err);
            status = 1;
        } else {
            err.println(name + ": internal error: " + ex);
            ex.printStackTrace(err);
            status = INTERNAL;
        }
        err.flush();
        return status;
    }

    private static String describe(ParameterException ex) {
        if (ex instanceof CommandLine.OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec spec) {
            return spec.longestName() + " is given twice; give it once"
                    + (spec.longestName().equals("--config") ? "" : " (a comma list, where allowed, makes a sweep)");
        }
        java.util.regex.Matcher missing = java.util.regex.Pattern.compile("Expected parameter for option '([^']+)' but found '([^']+)'")
                .matcher(String.valueOf(ex.getMessage()));
        if (missing.find()) {
            return "the value of " + missing.group(1) + " is missing (found the option " + missing.group(2)
                    + " where the value should be)";
        }
        if (!(ex instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return ex.getMessage();
        }
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        String arg = u.getUnmatched().get(0);
        if (arg.startsWith("-") && arg.length() > 1) {
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            List<String> s = closest(name, optionNames(spec), u.getSuggestions());
            return "unknown option " + name + (s.isEmpty() ? "; see " + spec.qualifiedName() + " --help"
                    : "; did you mean " + String.join(" or ", s) + "?");
        }
        if (spec.parent() == null) {
            List<String> commands = new ArrayList<>();
            spec.subcommands().forEach((n, sub) -> {
                if (!sub.getCommandSpec().usageMessage().hidden() && !commands.contains(n)) {
                    commands.add(n);
                }
            });
            List<String> s = closest(arg, commands, u.getSuggestions());
            return "unknown command '" + arg + "'" + (s.isEmpty() ? "" : "; did you mean " + String.join(" or ", s) + "?")
                    + " (commands: " + String.join(", ", commands) + "; msense --help)";
        }
        return "unexpected argument '" + arg + "'; see " + spec.qualifiedName() + " --help";
    }

    /** Every name of the command's visible options, with the {@code --no-} forms of negatable ones. */
    private static List<String> optionNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            for (String n : o.names()) {
                names.add(n);
                if (o.negatable() && n.startsWith("--")) {
                    names.add("--no-" + n.substring(2));
                }
            }
        }
        return names;
    }

    /**
     * The names closest to an unknown one: within two edits, or starting with it (three characters or more,
     * dashes aside); failing that, picocli's own suggestions. At most three.
     */
    static List<String> closest(String unknown, Collection<String> names, List<String> fallback) {
        String u = strip(unknown);
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            String m = strip(n);
            if (RunParameters.editDistance(m, u) <= Math.min(2, Math.max(1, u.length() - 1))
                    || (u.length() >= 3 && m.startsWith(u))) {
                out.add(n);
            }
        }
        if (out.isEmpty()) {
            for (String f : fallback) {
                if (names.contains(f)) {
                    out.add(f);
                }
            }
        }
        return new ArrayList<>(out).subList(0, Math.min(3, out.size()));
    }

    private static String strip(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '-') {
            i++;
        }
        return name.substring(i);
    }

    private static void debugTrace(Throwable e, PrintWriter err) {
        if (System.getenv("MSENSE_DEBUG") != null) {
            e.printStackTrace(err);
        }
    }

    private static String commandName(CommandLine cl) {
        ParseResult p = cl.getParseResult();
        while (p != null && p.subcommand() != null) {
            p = p.subcommand();
        }
        return p == null ? "msense" : p.commandSpec().qualifiedName();
    }

    /**
     * A writer onto a print stream that encodes text as the stream does, without buffering of its own, so that
     * picocli's output and the commands' output (straight to the stream) stay in order.
     */
    static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                stream.print(new String(buf, off, len));
            }

            @Override
            public void flush() {
                stream.flush();
            }

            @Override
            public void close() {
                stream.flush();
            }
        }, true);
    }
}
