package org.msense.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.msense.core.backend.Availability;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Backends;
import picocli.CommandLine.Command;

/** {@code msense backends}: every backend found, available or not, and why. */
@Command(name = "backends", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "list the compute backends, whether each can run here, and why",
        description = {"Lists every backend on the class path in the order --backend auto tries them (highest priority first),"
                    + " whether it is available on this machine, the reason, and what its probe found (device, driver"
                    + " and library versions). Exit status 0 when at least one backend is available, 1 otherwise."},
        synopsisHeading = "%nUsage: ", descriptionHeading = "%n", optionListHeading = "%nOptions:%n", usageHelpWidth = 100)
final class BackendsCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    BackendsCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        List<Backend> all = Backends.discover();
        boolean any = false;
        for (Backend b : all) {
            Availability a = Backends.probe(b);
            any |= a.available();
            out.printf(Locale.ROOT, "%-6s %-13s priority %-4d %s%n", b.id(), a.available() ? "available" : "unavailable",
                    b.priority(), b.description());
            out.println("       " + (a.available() ? "" : "reason: ") + a.reason());
            for (Map.Entry<String, String> e : a.details().entrySet()) {
                out.printf(Locale.ROOT, "       %-16s %s%n", e.getKey() + ":", e.getValue());
            }
            out.println();
        }
        if (all.isEmpty()) {
            err.println("msense: no backend found on the class path");
        }
        return any ? 0 : 1;
    }
}
