package org.msense.cli;

import java.io.PrintStream;
import java.util.List;

/** A subcommand of {@code msense}. */
interface Command {
    /** The word that selects it. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The full text of {@code msense NAME --help}. */
    String help();

    /**
     * Runs the command.
     *
     * @return the process exit status
     * @throws UsageException for a wrong command line
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
