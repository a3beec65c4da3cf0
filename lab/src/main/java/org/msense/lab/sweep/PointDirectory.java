package org.msense.lab.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.msense.lab.io.Json;
import org.msense.lab.run.CheckpointFiles;
import org.msense.lab.run.RunConfig;
import org.msense.lab.run.RunDirectory;
import org.msense.lab.run.RunJob;
import org.msense.lab.run.RunLock;
import org.msense.lab.run.RunPlan;

/**
 * The run directory of one {@link SweepPlan.Group} ({@code DIR/points/NAME}) and what it holds, read from its
 * config.json, summary.json, lock and checkpoint.
 */
public final class PointDirectory {
    /** The folder of a sweep directory that holds the run directories of its groups. */
    public static final String POINTS = "points";

    /** What a group's run directory holds. */
    public enum State {
        /** Nothing yet (no summary.json). */
        MISSING("missing"),
        /** A run of this group that ended (completed, or every trajectory diverged): its points are finished. */
        DONE("done"),
        /** A run in progress: its lock is held by a live process. */
        RUNNING("running"),
        /** A run of this group that stopped (interrupted, killed, failed) and has a checkpoint to go on from. */
        RESUMABLE("interrupted, resumable from its checkpoint"),
        /** A run of this group that stopped without a checkpoint: it starts again. */
        STOPPED("stopped, starts again"),
        /** A run of another configuration (from an earlier spec). */
        OTHER("holds a run of another configuration");

        private final String text;

        State(String text) {
            this.text = text;
        }

        /** For people: {@code done}, {@code interrupted, resumable from its checkpoint}, … */
        public String text() {
            return text;
        }
    }

    private PointDirectory() {
    }

    /** The run directory of a group in the sweep directory {@code sweepDir}. */
    public static Path of(Path sweepDir, SweepPlan.Group group) {
        return sweepDir.resolve(POINTS).resolve(group.name());
    }

    /**
     * What the run directory of {@code group} holds.
     *
     * @throws IOException when it cannot be read
     */
    public static State state(Path sweepDir, SweepPlan.Group group) throws IOException {
        Path dir = of(sweepDir, group);
        if (RunLock.probe(dir).state() == RunLock.State.LIVE) {
            return State.RUNNING;
        }
        if (!Files.isRegularFile(dir.resolve(RunDirectory.SUMMARY)) || !Files.isRegularFile(dir.resolve(RunDirectory.CONFIG))) {
            return State.MISSING;
        }
        if (!sameConfig(dir, group.config())) {
            return State.OTHER;
        }
        String status = summary(dir).path("status").asText("");
        if (status.equals("completed") || status.equals("diverged")) {
            return State.DONE;
        }
        return CheckpointFiles.exists(dir) ? State.RESUMABLE : State.STOPPED;
    }

    /** The summary.json of a run directory as a tree (empty when absent or unreadable). */
    static JsonNode summary(Path dir) {
        try {
            return Json.readTree(Files.readString(dir.resolve(RunDirectory.SUMMARY)), RunDirectory.SUMMARY);
        } catch (IOException | RuntimeException e) {
            return Json.mapper().createObjectNode();
        }
    }

    /** Whether the config.json in {@code dir} is that of {@code config} once resolved (derived values filled in). */
    private static boolean sameConfig(Path dir, RunConfig config) throws IOException {
        List<String> differ = RunJob.configDifferences(dir.resolve(RunDirectory.CONFIG), RunPlan.resolve(config).config());
        return differ.isEmpty();
    }
}
