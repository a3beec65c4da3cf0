package org.msense.lab.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where a run writes: {@code --out DIR}, or a new {@code runs/YYYYMMDD-HHMMSS} folder. */
public final class RunDirectory {
    public static final String CONFIG = "config.json";
    public static final String SUMMARY = "summary.json";
    public static final String METRICS = "metrics.csv";
    public static final String SPECTRUM = "spectrum.csv";

    private RunDirectory() {
    }

    /**
     * Creates the run directory. An existing directory is accepted only if it holds no earlier run (no
     * summary.json), so a result is never overwritten.
     *
     * @param requested {@code --out}, or null for a fresh timestamped folder under {@code runs/}
     */
    public static Path create(Path requested) throws IOException {
        if (requested != null) {
            if (Files.exists(requested.resolve(SUMMARY))) {
                throw new IOException(requested + " already holds a run (" + SUMMARY
                        + "); choose another --out or remove it");
            }
            if (Files.exists(requested) && !Files.isDirectory(requested)) {
                throw new IOException("--out " + requested + " exists and is not a directory");
            }
            return Files.createDirectories(requested);
        }
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
