package org.msense.lab.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.msense.core.diagnostics.DiagnosticRecord;

/**
 * Appends diagnostics to {@code metrics.csv} (one row per trajectory per logged iteration) and the full
 * spectra to {@code spectrum.csv}, handing every logged iteration's rows to the operating system at once, so
 * that rows already computed survive a crash, a kill or an interrupt. Rows are whole or absent, also when the
 * disk fills up. Columns of metrics.csv:
 * {@value #HEADER}. {@code sv_r} and {@code sv_r_plus_1} are σ_r and σ_{r+1} of VWᵀ (the weakest signal
 * direction and the strongest nuisance one; empty when k is too small).
 */
public final class MetricsWriter implements AutoCloseable {
    public static final String HEADER = "trajectory,iteration,loss,relative_error,imbalance_fro,imbalance_spectral,"
            + "signal_error,nuisance_norm,sin_angle_left,sin_angle_right,norm_v,norm_w,grad_norm,sv_r,sv_r_plus_1,wall_s";

    private final Appender metrics;
    private final Appender spectrum;
    private final int rank;

    /**
     * One CSV file, appended to in whole lines: each logged iteration's rows go out in one write, and a write that
     * fails part-way (the disk is full) is cut back to the last whole line, so a reader never sees half a row.
     */
    private static final class Appender implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private long size;

        Appender(Path file) throws IOException {
            this.file = file;
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        }

        /** Opens an existing file, keeping its first {@code keep} bytes. */
        Appender(Path file, long keep) throws IOException {
            this.file = file;
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            channel.truncate(keep);
            size = keep;
        }

        void write(CharSequence lines) throws IOException {
            ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(lines));
            try {
                channel.position(size);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
                size = channel.position();
            } catch (IOException e) {
                try {
                    channel.truncate(size); // drop the part of a row that made it to disk
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new IOException("cannot write " + file.getFileName() + ": " + reason(e), e);
            }
        }

        /** The rows written whole so far, and only those. */
        void rollBack() throws IOException {
            channel.truncate(size);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Why an I/O operation failed, in words ({@code No space left on device}, {@code Permission denied}). */
    static String reason(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private MetricsWriter(Appender metrics, Appender spectrum, int rank) {
        this.metrics = metrics;
        this.spectrum = spectrum;
        this.rank = rank;
    }

    /**
     * Reopens the files of a run to go on from iteration {@code before}: the rows of earlier iterations are kept (and
     * read back into {@code history}, as the records they were written from), later ones removed.
     *
     * @param history receives the records kept, in file order
     */
    public static MetricsWriter resume(Path metricsFile, Path spectrumFile, int rank, int before,
            List<DiagnosticRecord> history) throws IOException {
        List<String> m = java.nio.file.Files.readAllLines(metricsFile, StandardCharsets.UTF_8);
        List<String> s = java.nio.file.Files.readAllLines(spectrumFile, StandardCharsets.UTF_8);
        if (m.isEmpty() || !m.get(0).equals(HEADER) || s.isEmpty()) {
            throw new IOException(metricsFile + " is not the metrics of a run");
        }
        long mKeep = lineBytes(m.get(0));
        long sKeep = lineBytes(s.get(0));
        for (int i = 1; i < m.size() && i < s.size(); i++) {
            String[] f = m.get(i).split(",", -1);
            String[] g = s.get(i).split(",", -1);
            if (f.length != 16 || g.length < 2 || !f[0].equals(g[0]) || !f[1].equals(g[1])) {
                break; // a row cut short: everything from here is recomputed
            }
            int iteration = Integer.parseInt(f[1]);
            if (iteration >= before) {
                break;
            }
            double[] sv = new double[g.length - 2];
            for (int j = 0; j < sv.length; j++) {
                sv[j] = parse(g[j + 2]);
            }
            history.add(new DiagnosticRecord(Integer.parseInt(f[0]), iteration, parse(f[2]), parse(f[3]), parse(f[4]),
                    parse(f[5]), parse(f[6]), parse(f[7]), parse(f[8]), parse(f[9]), parse(f[10]), parse(f[11]),
                    parse(f[12]), parse(f[15]), sv));
            mKeep += lineBytes(m.get(i));
            sKeep += lineBytes(s.get(i));
        }
        Appender a = new Appender(metricsFile, mKeep);
        try {
            return new MetricsWriter(a, new Appender(spectrumFile, sKeep), rank);
        } catch (IOException e) {
            a.close();
            throw e;
        }
    }

    /** The bytes a line takes in the file, its line feed included. */
    private static long lineBytes(String line) {
        return line.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    /** The inverse of {@link #num}. */
    static double parse(String t) {
        return switch (t) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(t);
        };
    }

    /**
     * Creates both files with their headers.
     *
     * @param spectrumColumns how many singular values each spectrum row holds
     */
    public MetricsWriter(Path metricsFile, Path spectrumFile, int rank, int spectrumColumns) throws IOException {
        this.rank = rank;
        metrics = new Appender(metricsFile);
        Appender s;
        try {
            s = new Appender(spectrumFile);
        } catch (IOException e) {
            metrics.close();
            throw e;
        }
        spectrum = s;
        StringBuilder h = new StringBuilder("trajectory,iteration");
        for (int i = 1; i <= spectrumColumns; i++) {
            h.append(",sv_").append(i);
        }
        try {
            metrics.write(HEADER + "\n");
            spectrum.write(h.append('\n'));
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /**
     * Appends the rows of one logged iteration to both files, each file in one write of whole lines. When a write
     * fails (e.g. the disk is full) both files keep only the whole rows written before, and an
     * {@link UncheckedIOException} says why.
     */
    public void append(List<DiagnosticRecord> records) {
        StringBuilder m = new StringBuilder(records.size() * 256);
        StringBuilder s = new StringBuilder(records.size() * 128);
        for (DiagnosticRecord r : records) {
            m.append(r.trajectory()).append(',').append(r.iteration()).append(',').append(num(r.loss())).append(',')
                    .append(num(r.relativeError())).append(',').append(num(r.imbalanceFro())).append(',')
                    .append(num(r.imbalanceSpectral())).append(',').append(num(r.signalError())).append(',')
                    .append(num(r.nuisanceNorm())).append(',').append(num(r.sinAngleLeft())).append(',')
                    .append(num(r.sinAngleRight())).append(',').append(num(r.normV())).append(',')
                    .append(num(r.normW())).append(',').append(num(r.gradientNorm())).append(',')
                    .append(num(r.singularValue(rank))).append(',').append(num(r.singularValue(rank + 1))).append(',')
                    .append(num(r.wallSeconds())).append('\n');
            s.append(r.trajectory()).append(',').append(r.iteration());
            for (double v : r.singularValues()) {
                s.append(',').append(num(v));
            }
            s.append('\n');
        }
        try {
            metrics.write(m);
            try {
                spectrum.write(s);
            } catch (IOException e) {
                metrics.rollBack(); // keep the two files at the same logged iterations
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** A number as CSV text: shortest round-trip decimal, {@code nan} for NaN, {@code inf}/{@code -inf}. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v);
    }

    @Override
    public void close() throws IOException {
        try {
            metrics.close();
        } finally {
            if (spectrum != null) {
                spectrum.close();
            }
        }
    }
}
