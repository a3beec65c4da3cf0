package org.msense.lab.reproduce;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.Precision;
import org.msense.lab.plot.FigureWriter;
import org.msense.lab.run.InterruptSignal;
import org.msense.lab.run.ProgressBar;

/**
 * Runs a list of experiments on one backend, each in its own subdirectory of the output directory, and
 * keeps {@link ReproductionReport} up to date after each. Exit status: 0 when every check passed, 1 when a
 * check failed or an experiment could not run, 130 when interrupted (the finished experiments stay in the
 * report).
 */
public final class ReproduceJob {
    public static final int OK = 0;
    public static final int CHECK_FAILED = 1;
    public static final int INTERRUPTED = 130;

    private final List<Experiment> experiments;
    private final boolean quick;
    private final Path out;
    private final String backend;
    private final Precision precision;
    private final int threads;
    private final PrintStream stdout;
    private final PrintStream log;
    private final ProgressBar.Style progress;

    /**
     * @param out     the output directory (created; must not hold an earlier report)
     * @param backend {@code auto} or a backend id
     * @param threads CPU worker threads (0: one per processor)
     * @param progress how to show the progress of each batch on {@code log}
     */
    public ReproduceJob(List<Experiment> experiments, boolean quick, Path out, String backend, Precision precision,
            int threads, PrintStream stdout, PrintStream log, ProgressBar.Style progress) {
        this.experiments = List.copyOf(experiments);
        this.quick = quick;
        this.out = out;
        this.backend = backend;
        this.precision = precision;
        this.threads = threads;
        this.stdout = stdout;
        this.log = log;
        this.progress = progress;
    }

    /**
     * Runs every experiment and returns the exit status.
     *
     * @throws IOException when the output directory cannot be used
     * @throws org.msense.core.backend.BackendException when the backend is unknown or unavailable
     */
    public int execute(List<Backend> backends) throws IOException {
        if (Files.exists(out.resolve(ReproductionReport.JSON))) {
            throw new IOException(out + " already holds a report (" + ReproductionReport.JSON
                    + "); choose another --out or remove it");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException("--out " + out + " exists and is not a directory");
        }
        Backends.Selection selection = Backends.select(backend, backends);
        for (String f : selection.fallbacks()) {
            log.println("msense: " + f + "; falling back to " + selection.backend().id());
        }
        Files.createDirectories(out);
        // Now, not later: figures drawn while the JVM shuts down (after a SIGTERM) would find AWT unable to start.
        FigureWriter.prepare();
        InterruptSignal stop = InterruptSignal.install("msense-reproduce-interrupt");
        int exit = OK;
        ReproductionReport report = null;
        long start = System.nanoTime();
        try (Engine engine = selection.backend().open(EngineOptions.defaults().withThreads(threads))) {
            report = new ReproductionReport(out, new ReproductionReport.Header(quick ? "quick" : "full",
                    selection.backend().id(), engine.device(), precision.id()));
            report.finish("running");
            stdout.printf(Locale.ROOT, "msense reproduce (%s): %d experiment%s on the %s backend (%s), %s; writing to %s%n",
                    quick ? "quick" : "full", experiments.size(), experiments.size() == 1 ? "" : "s",
                    selection.backend().id(), engine.device(), precision.id(), out);
            stdout.flush();
            Lab lab = new Lab(engine, precision, quick, log, progress, stop::requested);
            int i = 0;
            for (Experiment e : experiments) {
                i++;
                stdout.printf(Locale.ROOT, "[%d/%d] %-16s %s%n", i, experiments.size(), e.name(), e.summary());
                stdout.flush();
                long t0 = System.nanoTime();
                lab.enter(e.name(), out.resolve(e.name()));
                ExperimentResult r = e.run(lab).withSeconds((System.nanoTime() - t0) / 1e9).withRegimes(lab.regimes());
                r = r.withFigures(r.figures().stream().filter(lab::drew).toList());
                report.add(r);
                for (ProblemRegime g : r.regimes()) {
                    stdout.printf(Locale.ROOT, "      regime  %s%n", g.describe());
                }
                for (Check c : r.checks()) {
                    stdout.printf(Locale.ROOT, "      %s  %s: %s (threshold %s)%n", c.pass() ? "pass" : "FAIL", c.name(),
                            Check.format(c.measured()), c.thresholdText());
                }
                stdout.printf(Locale.ROOT, "      %.1f s%n", r.seconds());
                stdout.flush();
            }
            lab.warnings().forEach(w -> log.println("msense: warning: " + w));
            report.finish("completed");
            exit = report.allPassed() ? OK : CHECK_FAILED;
        } catch (Lab.Interrupted e) {
            if (report != null) {
                report.finish("interrupted");
            }
            log.println("msense: interrupted; the report keeps the finished experiments");
            exit = stop.exitStatus();
        } catch (RuntimeException | IOException e) {
            if (report != null) {
                report.finish("failed");
            }
            throw e;
        } finally {
            stop.close();
        }
        if (report != null) {
            long failed = report.results().stream().flatMap(r -> r.checks().stream()).filter(c -> !c.pass()).count();
            long total = report.results().stream().mapToLong(r -> r.checks().size()).sum();
            stdout.printf(Locale.ROOT, "%n%d/%d checks passed in %.1f s; report: %s%n", total - failed, total,
                    (System.nanoTime() - start) / 1e9, out.resolve(ReproductionReport.MARKDOWN));
        }
        return exit;
    }
}
