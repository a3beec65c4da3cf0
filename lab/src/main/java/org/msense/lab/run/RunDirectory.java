package org.msense.lab.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.msense.core.spec.InvalidSpecException;

/**
 * Where a run writes: {@code --out DIR}, or a new {@code runs/YYYYMMDD-HHMMSS} folder. The directory is claimed
 * ({@link RunLock}) before anything is written into it, so two runs never write into one directory, and an
 * earlier run's files are never replaced unless {@code --overwrite} says so.
 */
public final class RunDirectory {
    public static final String CONFIG = "config.json";
    public static final String SUMMARY = "summary.json";
    public static final String METRICS = "metrics.csv";
    public static final String SPECTRUM = "spectrum.csv";

    private static final Set<String> RUN_FILES = Set.of(CONFIG, SUMMARY, METRICS, SPECTRUM);
    private static final Pattern PLOT = Pattern.compile("(error|imbalance|spectrum-\\d+)(-partial)?\\.(png|svg)");

    private RunDirectory() {
    }

    /**
     * A claimed run directory: the path and the lock that holds it until {@link #close()}.
     *
     * @param path the run directory
     * @param lock its lock, released (and {@code run.lock} removed) by {@code close()}
     */
    public record Claim(Path path, RunLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lock.close();
        }
    }

    /**
     * Creates and claims the run directory. An existing directory is accepted only if no live run holds it and,
     * unless {@code overwrite}, it holds no file of an earlier run (summary.json, metrics.csv, config.json,
     * plots…); with {@code overwrite} those files are removed first.
     *
     * @param requested {@code --out}, or null for a fresh timestamped folder under {@code runs/}
     * @throws InvalidSpecException (field {@code out}) when the directory is taken, holds a run, or is a file
     */
    public static Claim create(Path requested, boolean overwrite) throws IOException {
        if (requested == null) {
            Path dir = fresh();
            return new Claim(dir, RunLock.tryClaim(dir));
        }
        if (Files.exists(requested) && !Files.isDirectory(requested)) {
            throw new InvalidSpecException("out", requested + " exists and is not a directory");
        }
        Files.createDirectories(requested);
        RunLock lock = RunLock.tryClaim(requested);
        if (lock == null) {
            RunLock.Probe p = RunLock.probe(requested);
            String who = p.owner() == null ? "another process" : p.owner().toString();
            if (p.state() == RunLock.State.LIVE) {
                throw new InvalidSpecException("out", requested + " is in use by a running msense run (" + who
                        + (p.owner() == null ? "" : ", pid " + p.owner().pid()) + "); choose another --out");
            }
            if (p.state() == RunLock.State.DEAD && !overwrite) {
                throw new InvalidSpecException("out", requested + " holds a run that died (" + who + " is gone;"
                        + " msense status " + requested + "); choose another --out, or --overwrite to replace it");
            }
            RunLock.removeStale(requested);
            lock = RunLock.tryClaim(requested);
            if (lock == null) {
                throw new InvalidSpecException("out", requested + " was claimed by another run at the same moment;"
                        + " choose another --out");
            }
        }
        try {
            List<Path> earlier = earlierRunFiles(requested);
            if (!earlier.isEmpty()) {
                if (!overwrite) {
                    List<String> names = earlier.stream().map(f -> f.getFileName().toString()).sorted().toList();
                    throw new InvalidSpecException("out", requested + " already holds "
                            + (names.contains(SUMMARY) ? "a run" : "files of an earlier run") + " ("
                            + String.join(", ", names.subList(0, Math.min(6, names.size())))
                            + (names.size() > 6 ? ", … " + names.size() + " files" : "")
                            + "); choose another --out, or --overwrite to replace them");
                }
                CheckpointFiles.remove(requested);
                for (Path f : earlier) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        return new Claim(requested, lock);
    }

    /**
     * Claims the directory of an earlier run to go on with it ({@code msense resume}): refused while a run is live
     * there, or when it holds no run or a finished one.
     */
    public static Claim reclaim(Path dir) throws IOException {
        if (!Files.exists(dir.resolve(SUMMARY)) || !Files.exists(dir.resolve(CONFIG))) {
            throw new InvalidSpecException("out", dir + " holds no run to resume (no " + SUMMARY + " and " + CONFIG + ")");
        }
        RunLock lock = RunLock.tryClaim(dir);
        if (lock == null) {
            RunLock.Probe p = RunLock.probe(dir);
            if (p.state() == RunLock.State.LIVE) {
                throw new InvalidSpecException("out", dir + " is in use by a running msense run ("
                        + (p.owner() == null ? "another process" : p.owner() + ", pid " + p.owner().pid()) + ")");
            }
            RunLock.removeStale(dir);
            lock = RunLock.tryClaim(dir);
            if (lock == null) {
                throw new InvalidSpecException("out", dir + " was claimed by another run at the same moment");
            }
        }
        try {
            String status = summaryStatus(dir);
            if (ended(status)) {
                throw new InvalidSpecException("out", dir + " holds a run that has ended (" + status + "); nothing to resume");
            }
            if (!CheckpointFiles.exists(dir)) {
                throw new InvalidSpecException("out", dir + " holds no checkpoint (a run makes one with"
                        + " --checkpoint-every N); start it again instead");
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        return new Claim(dir, lock);
    }

    /**
     * Whether {@code dir} holds a run that can go on from its checkpoint: its config.json, summary.json and a
     * checkpoint are there, the summary does not say it ended (completed or diverged), and no live run holds it.
     */
    public static boolean resumable(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(CONFIG)) || !Files.isRegularFile(dir.resolve(SUMMARY))
                || !CheckpointFiles.exists(dir) || RunLock.probe(dir).state() == RunLock.State.LIVE) {
            return false;
        }
        try {
            return !ended(summaryStatus(dir));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The {@code status} in the summary.json of {@code dir} (empty when it has none). */
    private static String summaryStatus(Path dir) throws IOException {
        return org.msense.lab.io.Json.readTree(Files.readString(dir.resolve(SUMMARY)), SUMMARY).path("status").asText();
    }

    /** Whether a summary's status says the run has ended: completed or diverged (interrupted and failed runs may go on). */
    private static boolean ended(String status) {
        return status.equals("completed") || status.equals("diverged");
    }

    /** The files in {@code dir} that a run writes (config, metrics, summary, plots, checkpoint). */
    public static List<Path> earlierRunFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                String n = f.getFileName().toString();
                if (RUN_FILES.contains(n) || PLOT.matcher(n).matches() || n.equals(CheckpointFiles.DIR)
                        || n.equals(CheckpointFiles.DIR + ".old") || n.equals(CheckpointFiles.DIR + ".new")) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    private static Path fresh() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path base = Path.of("runs");
        Files.createDirectories(base);
        for (int i = 0; ; i++) {
            Path p = base.resolve(i == 0 ? stamp : stamp + "-" + i);
            try {
                return Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken in the same second: try the next suffix
            }
        }
    }
}
