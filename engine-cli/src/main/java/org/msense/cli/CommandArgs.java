package org.msense.cli;

import java.util.List;

/** Reading the value of a command-line option, shared by the commands' own parsers. */
final class CommandArgs {
    private CommandArgs() {
    }

    /** args[i], the value of {@code flag}; a usage error when the command line ends first. */
    static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return args.get(i);
    }

    /** args[i] as a whole number ≥ {@code min}, the value of {@code flag}; a usage error otherwise. */
    static int intValue(List<String> args, int i, String flag, int min) {
        String v = value(args, i, flag);
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new UsageException(flag + " must be ≥ " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " needs a whole number, got '" + v + "'");
        }
    }
}
