package org.msense.lab.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.msense.core.diagnostics.DiagnosticRecord;

/**
 * Appends diagnostics to {@code metrics.csv} (one row per trajectory per logged iteration) and the full
 * spectra to {@code spectrum.csv}, flushing after every logged iteration so that rows already computed
 * survive a crash or an interrupt. Columns of metrics.csv:
 * {@value #HEADER}. {@code sv_r} and {@code sv_r_plus_1} are σ_r and σ_{r+1} of VWᵀ (the weakest signal
 * direction and the strongest nuisance one; empty when k is too small).
 */
public final class MetricsWriter implements AutoCloseable {
    public static final String HEADER = "trajectory,iteration,loss,relative_error,imbalance_fro,imbalance_spectral,"
            + "signal_error,nuisance_norm,sin_angle_left,sin_angle_right,norm_v,norm_w,grad_norm,sv_r,sv_r_plus_1,wall_s";

    private final BufferedWriter metrics;
    private final BufferedWriter spectrum;
    private final int rank;

    /**
     * Creates both files with their headers.
     *
     * @param spectrumColumns how many singular values each spectrum row holds
     */
    public MetricsWriter(Path metricsFile, Path spectrumFile, int rank, int spectrumColumns) throws IOException {
        this.rank = rank;
        metrics = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8);
        spectrum = Files.newBufferedWriter(spectrumFile, StandardCharsets.UTF_8);
        metrics.write(HEADER);
        metrics.newLine();
        StringBuilder h = new StringBuilder("trajectory,iteration");
        for (int i = 1; i <= spectrumColumns; i++) {
            h.append(",sv_").append(i);
        }
        spectrum.write(h.toString());
        spectrum.newLine();
        metrics.flush();
        spectrum.flush();
    }

    /** Appends the records of one logged iteration and flushes both files. */
    public void append(List<DiagnosticRecord> records) {
        try {
            for (DiagnosticRecord r : records) {
                metrics.write(r.trajectory() + "," + r.iteration() + "," + num(r.loss()) + "," + num(r.relativeError()) + ","
                        + num(r.imbalanceFro()) + "," + num(r.imbalanceSpectral()) + "," + num(r.signalError()) + ","
                        + num(r.nuisanceNorm()) + "," + num(r.sinAngleLeft()) + "," + num(r.sinAngleRight()) + ","
                        + num(r.normV()) + "," + num(r.normW()) + "," + num(r.gradientNorm()) + ","
                        + num(r.singularValue(rank)) + "," + num(r.singularValue(rank + 1)) + "," + num(r.wallSeconds()));
                metrics.newLine();
                StringBuilder s = new StringBuilder().append(r.trajectory()).append(',').append(r.iteration());
                for (double v : r.singularValues()) {
                    s.append(',').append(num(v));
                }
                spectrum.write(s.toString());
                spectrum.newLine();
            }
            metrics.flush();
            spectrum.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics: " + e.getMessage(), e);
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
            spectrum.close();
        }
    }
}
