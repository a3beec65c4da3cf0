package org.msense.lab.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.msense.core.algorithm.Checkpoint;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.TrajectoryStatus;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.lab.io.AtomicFiles;
import org.msense.lab.io.Json;
import org.msense.lab.io.Npy;

/**
 * A run's checkpoint on disk, {@code checkpoint/} in the run directory: {@code V.npy} (B×n1×k), {@code W.npy}
 * (B×n2×k) and {@code state.json} (iteration, statuses, initial losses as exact bit patterns, last logged
 * iterations, wall time). A new checkpoint is written whole into {@code checkpoint.new/} and then takes the place of
 * the old one, which stays as {@code checkpoint.old/} until the new one is in place, so a kill at any moment leaves
 * one complete checkpoint.
 */
public final class CheckpointFiles {
    public static final String DIR = "checkpoint";
    private static final String STATE = "state.json";

    private CheckpointFiles() {
    }

    /** Writes {@code c} as the run directory's checkpoint, replacing the previous one. */
    public static void write(Path runDir, Checkpoint c, int n1, int n2, int k) throws IOException {
        Path fresh = runDir.resolve(DIR + ".new");
        Path current = runDir.resolve(DIR);
        Path old = runDir.resolve(DIR + ".old");
        deleteTree(fresh);
        Files.createDirectories(fresh);
        int b = c.status().length;
        Npy.write(fresh.resolve("V.npy"), c.factors().v(), b, n1, k);
        Npy.write(fresh.resolve("W.npy"), c.factors().w(), b, n2, k);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("iteration", c.iteration());
        state.put("status", Stream.of(c.status()).map(TrajectoryStatus::id).toList());
        List<String> losses = new ArrayList<>();
        for (double l : c.initialLoss()) {
            losses.add(Long.toHexString(Double.doubleToRawLongBits(l)));
        }
        state.put("initial_loss_bits", losses);
        state.put("stopped_at", c.stoppedAt());
        state.put("wall_s", c.wallSeconds());
        AtomicFiles.writeString(fresh.resolve(STATE), Json.write(state) + "\n"); // last: marks the checkpoint complete
        if (Files.exists(current)) {
            deleteTree(old);
            Files.move(current, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, current, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    /** Whether the run directory holds a complete checkpoint. */
    public static boolean exists(Path runDir) {
        return complete(runDir) != null;
    }

    /**
     * The folder of the complete checkpoint: {@code checkpoint/}, else {@code checkpoint.old/} (killed while the new
     * one took the old one's place); null when there is none.
     */
    private static Path complete(Path runDir) {
        for (String name : List.of(DIR, DIR + ".old")) {
            Path dir = runDir.resolve(name);
            if (Files.exists(dir.resolve(STATE))) {
                return dir;
            }
        }
        return null;
    }

    /**
     * Reads the checkpoint of a run of {@code batch} trajectories; its {@code last} records are left null (the caller
     * has them from metrics.csv).
     *
     * @throws IOException when there is none, or it does not fit the run
     */
    public static Checkpoint read(Path runDir, int batch, int n1, int n2, int k) throws IOException {
        Path dir = complete(runDir);
        if (dir == null) {
            throw new IOException(runDir + " holds no checkpoint (a run makes one with --checkpoint-every N)");
        }
        JsonNode s = Json.readTree(Files.readString(dir.resolve(STATE)), STATE);
        int t = s.path("iteration").asInt(-1);
        TrajectoryStatus[] status = new TrajectoryStatus[batch];
        double[] initialLoss = new double[batch];
        int[] stoppedAt = new int[batch];
        if (s.path("status").size() != batch || s.path("initial_loss_bits").size() != batch
                || s.path("stopped_at").size() != batch || t < 0) {
            throw new IOException(dir.resolve(STATE) + " does not fit this run of " + batch + " trajector"
                    + (batch == 1 ? "y" : "ies"));
        }
        for (int b = 0; b < batch; b++) {
            String id = s.path("status").get(b).asText();
            status[b] = Stream.of(TrajectoryStatus.values()).filter(x -> x.id().equals(id)).findFirst()
                    .orElseThrow(() -> new IOException(STATE + ": unknown status " + id));
            initialLoss[b] = Double.longBitsToDouble(Long.parseUnsignedLong(s.path("initial_loss_bits").get(b).asText(), 16));
            stoppedAt[b] = s.path("stopped_at").get(b).asInt();
        }
        double[] v = Npy.read(dir.resolve("V.npy")).requireShape("V at the checkpoint", batch, n1, k).data();
        double[] w = Npy.read(dir.resolve("W.npy")).requireShape("W at the checkpoint", batch, n2, k).data();
        return new Checkpoint(t, new HostFactors(v, w), status, initialLoss, stoppedAt, s.path("wall_s").asDouble(),
                new DiagnosticRecord[batch]);
    }

    /** Removes the checkpoint (after the run completed). */
    public static void remove(Path runDir) throws IOException {
        for (String n : List.of(DIR, DIR + ".new", DIR + ".old")) {
            deleteTree(runDir.resolve(n));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
