package org.msense.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.msense.lab.io.Json;
import org.msense.lab.run.RunDirectory;
import org.msense.lab.run.RunLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code msense status DIR}: what became of a run. Reads {@code summary.json} and checks the run's lock
 * ({@code run.lock}), so that a run killed without a chance to write its summary (SIGKILL, a crash, the machine
 * going down) shows as {@code dead} rather than {@code running}.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "show the status of a run directory: running, completed, interrupted, failed, diverged, or dead",
        description = {"Prints the status of the run in DIR (from summary.json), the iterations done, when its rows were"
                + " last flushed, and the process that runs or ran it. A run whose summary still says running but whose"
                + " process is gone (killed with SIGKILL, crashed) is reported as dead (process N on HOST is gone).",
                "Exit status 0 when DIR holds a run, 2 when it does not."},
        synopsisHeading = "%nUsage: ", descriptionHeading = "%n", optionListHeading = "%nOptions:%n", usageHelpWidth = 100)
final class StatusCommand implements Callable<Integer> {
    private final PrintStream out;

    @Parameters(index = "0", paramLabel = "DIR", description = "the run directory (--out of msense run)")
    Path dir;

    StatusCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new UsageException(dir + " is not a directory");
        }
        Path summaryFile = dir.resolve(RunDirectory.SUMMARY);
        RunLock.Probe lock = RunLock.probe(dir);
        if (!Files.exists(summaryFile)) {
            if (lock.state() == RunLock.State.NONE) {
                throw new UsageException(dir + " holds no run (no " + RunDirectory.SUMMARY + ")");
            }
            out.println("status:     " + describe(lock, "starting"));
            return 0;
        }
        JsonNode s = Json.mapper().readTree(Files.readString(summaryFile));
        String status = s.path("status").asText("unknown");
        out.println("status:     " + (status.equals("running") ? describe(lock, status) : status));
        if (s.hasNonNull("error")) {
            out.println("error:      " + s.get("error").asText());
        }
        int total = s.path("algorithm").path("iterations").asInt();
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (JsonNode t : s.path("trajectories")) {
            int it = t.path("iterations").asInt();
            min = Math.min(min, it);
            max = Math.max(max, it);
        }
        if (max > 0 || min == 0) {
            out.printf(Locale.ROOT, "iterations: %s of %d%n", min == max ? Integer.toString(max) : min + "–" + max, total);
        }
        int trajectories = s.path("trajectories").size();
        out.printf(Locale.ROOT, "batch:      %d trajector%s%n", trajectories, trajectories == 1 ? "y" : "ies");
        out.println("started:    " + s.path("started").asText("?"));
        if (s.hasNonNull("updated")) {
            out.println("updated:    " + s.get("updated").asText() + " (rows last flushed)");
        }
        if (s.hasNonNull("finished")) {
            out.println("finished:   " + s.get("finished").asText());
        }
        if (s.has("pid")) {
            out.println("process:    " + s.path("pid").asLong() + " on " + s.path("host").asText("?"));
        }
        return 0;
    }

    private static String describe(RunLock.Probe lock, String status) {
        return switch (lock.state()) {
            case LIVE -> status + (lock.owner() == null ? "" : " (" + lock.owner() + ")");
            case DEAD -> "dead (" + (lock.owner() == null ? "its process" : lock.owner()) + " is gone; the summary"
                    + " says " + status + " and keeps the iterations last flushed)";
            case NONE -> "dead (the run stopped without writing its final summary; no lock is held)";
        };
    }
}
