package org.msense.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.Version;
import org.msense.core.backend.BackendException;

/**
 * Entry point of {@code msense}. Errors the user can fix are printed as one line and exit with status 2
 * (command line, config) or 1 (the run failed); stack traces appear only for internal errors, or always
 * when the environment variable {@code MSENSE_DEBUG} is set.
 */
public final class Main {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    public Main() {
        for (Command c : List.of(new RunCommand(), new BackendsCommand(), new ReproduceCommand(), new BenchCommand())) {
            commands.put(c.name(), c);
        }
    }

    public static void main(String[] args) {
        int status = new Main().execute(Arrays.asList(args), System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /** Runs a command line, writing to the given streams, and returns the exit status. */
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            if (args.size() > 1 && commands.containsKey(args.get(1))) {
                out.print(commands.get(args.get(1)).help());
            } else {
                out.print(overview());
            }
            return args.isEmpty() ? 2 : 0;
        }
        if (args.get(0).equals("--version") || args.get(0).equals("version")) {
            out.println("msense " + Version.get());
            return 0;
        }
        Command c = commands.get(args.get(0));
        if (c == null) {
            err.println("msense: unknown command '" + args.get(0) + "'; commands: " + String.join(", ", commands.keySet())
                    + " (msense --help)");
            return 2;
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(c.help());
            return 0;
        }
        try {
            return c.run(rest, out, err);
        } catch (UsageException e) {
            err.println("msense " + c.name() + ": " + e.getMessage());
            return 2;
        } catch (BackendException e) {
            err.println("msense " + c.name() + ": " + e.getMessage());
            debugTrace(e, err);
            return 1;
        } catch (java.io.IOException e) {
            err.println("msense " + c.name() + ": " + e.getMessage());
            debugTrace(e, err);
            return 1;
        } catch (Exception | Error e) {
            err.println("msense " + c.name() + ": internal error: " + e);
            e.printStackTrace(err);
            return 3;
        }
    }

    private static void debugTrace(Throwable e, PrintStream err) {
        if (System.getenv("MSENSE_DEBUG") != null) {
            e.printStackTrace(err);
        }
    }

    private String overview() {
        StringBuilder sb = new StringBuilder();
        sb.append("msense ").append(Version.get()).append(
                " — overparameterized asymmetric matrix sensing by factorized gradient descent\n\n");
        sb.append("Usage: msense COMMAND [options]      msense COMMAND --help\n\nCommands:\n");
        for (Command c : commands.values()) {
            sb.append(String.format(Locale.ROOT, "  %-10s %s%n", c.name(), c.summary()));
        }
        sb.append("\nStart with `msense run` (the default experiment, under a minute on a laptop CPU).\n");
        return sb.toString();
    }
}
