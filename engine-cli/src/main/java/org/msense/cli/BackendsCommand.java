package org.msense.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.backend.Availability;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Backends;

/** {@code msense backends}: every backend found, available or not, and why. */
final class BackendsCommand implements Command {

    @Override
    public String name() {
        return "backends";
    }

    @Override
    public String summary() {
        return "list the compute backends, whether each can run here, and why";
    }

    @Override
    public String help() {
        return """
                Usage: msense backends

                Lists every backend on the class path in the order --backend auto tries them (highest priority
                first), whether it is available on this machine, the reason, and what its probe found (device,
                driver and library versions). Exit status 0 when at least one backend is available.
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            throw new UsageException("msense backends takes no arguments, got " + String.join(" ", args));
        }
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
