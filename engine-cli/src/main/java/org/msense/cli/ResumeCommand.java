package org.msense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.msense.core.backend.Backends;
import org.msense.core.spec.InvalidSpecException;
import org.msense.lab.run.ProgressBar;
import org.msense.lab.run.RunConfig;
import org.msense.lab.run.RunDirectory;
import org.msense.lab.run.RunInputException;
import org.msense.lab.run.RunJob;
import org.msense.lab.run.RunPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code msense resume DIR}: goes on with a run that was killed or interrupted, from the checkpoint it saved
 * ({@code msense run --checkpoint-every N}), with the parameters of its {@code config.json}.
 */
@Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "go on with a killed or interrupted run from its last checkpoint (msense run --checkpoint-every N)",
        description = {"Reads DIR/config.json and the checkpoint DIR/checkpoint/, drops the rows of metrics.csv and"
                + " spectrum.csv after the checkpoint, and runs on to the end. The result is the same as that of an"
                + " uninterrupted run, bit for bit (wall times aside), on the same machine and backend.",
                "Refused while the run is alive, after it completed, or without a checkpoint. Exit status as for msense"
                        + " run."},
        synopsisHeading = "%nUsage: ", descriptionHeading = "%n", optionListHeading = "%nOptions:%n", usageHelpWidth = 100)
final class ResumeCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(index = "0", paramLabel = "DIR", description = "the run directory")
    Path dir;

    @Option(names = "--progress", paramLabel = "WHEN", description = "auto, always or never, as for msense run")
    String progress = "auto";

    ResumeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        Path config = dir.resolve(RunDirectory.CONFIG);
        if (!Files.isRegularFile(config)) {
            throw new UsageException(dir + " holds no run to resume (no " + RunDirectory.CONFIG + ")");
        }
        RunPlan plan;
        try {
            RunConfig c = new RunConfig().applyJsonFile(config);
            c.set("out", dir);
            c.setText("progress", progress);
            plan = RunPlan.resolve(c);
        } catch (InvalidSpecException e) {
            throw new UsageException(e.getMessage());
        }
        ProgressBar.Style style = ProgressBar.style(progress, err);
        try {
            return new RunJob(plan, Backends.discover(), out, err, style).resume();
        } catch (InvalidSpecException | RunInputException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
