package org.msense.tests.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.msense.cli.Main;

/** Runs the command line in-process and captures what it prints. */
record CliRunner(int status, String out, String err) {

    static CliRunner run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
                PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            status = new Main().execute(Arrays.asList(args), po, pe);
        }
        return new CliRunner(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Whether the error output looks like a Java stack trace. */
    boolean hasStackTrace() {
        return err.contains("\tat ") || err.contains("Exception in thread") || err.matches("(?s).*\\bjava\\.\\w+\\..*Exception.*");
    }
}
