package org.msense.tests.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.msense.lab.io.Json;

/** Reads what a run wrote. */
final class RunDirectoryFiles {
    private RunDirectoryFiles() {
    }

    /** The lines of a CSV without its last column (wall_s in metrics.csv), for bit-for-bit comparisons. */
    static List<String> withoutLastColumn(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(Path dir) throws IOException {
        return (Map<String, Object>) Json.mapper().readValue(Files.readString(dir.resolve("summary.json")), Map.class);
    }

    /** metrics.csv as rows of doubles (trajectory and iteration included), checking every row is complete. */
    static List<double[]> metrics(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
        String[] header = lines.get(0).split(",");
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length != header.length) {
                throw new AssertionError("incomplete metrics row: " + line);
            }
            double[] r = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                r[i] = f[i].equals("nan") ? Double.NaN : Double.parseDouble(f[i]);
            }
            rows.add(r);
        }
        return rows;
    }

    static int column(Path dir, String name) throws IOException {
        String[] header = Files.readAllLines(dir.resolve("metrics.csv")).get(0).split(",");
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no column " + name);
    }
}
