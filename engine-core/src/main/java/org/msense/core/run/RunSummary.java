package org.msense.core.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msense.core.Version;
import org.msense.core.algorithm.BatchResult;
import org.msense.core.algorithm.TrajectoryResult;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.io.AtomicFiles;
import org.msense.core.io.Json;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * The content of {@code summary.json}: status, backend, device, precision, problem, timing and one entry per
 * trajectory with its final diagnostics. Written atomically, first with status {@code running} and again
 * whenever the state changes, so the file on disk is always complete JSON.
 */
public final class RunSummary {
    private final BatchSpec spec;
    private final String problemSource;
    private final Instant started = Instant.now();
    private String status = "running";
    private String error;
    private String backend;
    private String device;
    private Map<String, String> backendProperties = Map.of();
    private List<String> fallbacks = List.of();
    private double[] sigma;
    private double setupSeconds = Double.NaN;
    private BatchResult result;
    private DiagnosticRecord[] lastRecords;
    private final List<String> warnings = new ArrayList<>();

    public RunSummary(BatchSpec spec, String problemSource) {
        this.spec = spec;
        this.problemSource = problemSource;
    }

    public RunSummary backend(String id, String deviceName, Map<String, String> properties, List<String> fallbackNotes) {
        this.backend = id;
        this.device = deviceName;
        this.backendProperties = properties;
        this.fallbacks = fallbackNotes;
        return this;
    }

    public RunSummary truth(double[] singularValues) {
        this.sigma = singularValues.clone();
        return this;
    }

    public RunSummary setupSeconds(double s) {
        this.setupSeconds = s;
        return this;
    }

    public RunSummary result(BatchResult r) {
        this.result = r;
        return this;
    }

    /** The latest record of each trajectory, used for {@code final} when the run ended without a result. */
    public RunSummary lastRecords(DiagnosticRecord[] last) {
        this.lastRecords = last.clone();
        return this;
    }

    public RunSummary status(String s) {
        this.status = s;
        return this;
    }

    public RunSummary failed(String message) {
        this.status = "failed";
        this.error = message;
        return this;
    }

    public RunSummary warn(String w) {
        warnings.add(w);
        return this;
    }

    public String status() {
        return status;
    }

    /** Writes the summary to {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, Json.write(toMap()) + "\n");
    }

    /** The summary as JSON-ready data. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        if (error != null) {
            m.put("error", error);
        }
        m.put("msense_version", Version.get());
        m.put("started", started.toString());
        if (!status.equals("running")) {
            m.put("finished", Instant.now().toString());
        }
        m.put("backend", backend);
        m.put("device", device);
        m.put("backend_properties", new LinkedHashMap<>(backendProperties));
        if (!fallbacks.isEmpty()) {
            m.put("fallbacks", fallbacks);
        }
        m.put("precision", spec.model().precision().id());
        m.put("operator_precision", spec.model().operatorPrecision().id());
        Map<String, Object> p = new LinkedHashMap<>();
        var ps = spec.problem();
        p.put("source", problemSource);
        p.put("n1", ps.n1());
        p.put("n2", ps.n2());
        p.put("rank", ps.rank());
        p.put("measurements", ps.measurements());
        p.put("operator", ps.operator().id());
        p.put("noise", ps.noise());
        p.put("seed", ps.seed());
        if (sigma != null) {
            p.put("singular_values", sigma);
        }
        m.put("problem", p);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("width", spec.model().width());
        model.put("init", spec.model().normalization().id());
        m.put("model", model);
        Map<String, Object> algo = new LinkedHashMap<>();
        algo.put("method", spec.algorithm().minibatch() > 0 ? "sgd-fresh" : "gd");
        algo.put("iterations", spec.algorithm().iterations());
        algo.put("log_every", spec.algorithm().logEvery());
        algo.put("tolerance", spec.algorithm().tolerance());
        algo.put("minibatch", spec.algorithm().minibatch());
        m.put("algorithm", algo);
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("setup_s", setupSeconds);
        timing.put("iterate_s", result == null ? Double.NaN : result.iterateSeconds());
        timing.put("steps", result == null ? 0 : result.steps());
        timing.put("ms_per_iteration", result == null ? Double.NaN : result.msPerIteration());
        m.put("timing", timing);
        if (!warnings.isEmpty()) {
            m.put("warnings", warnings);
        }
        List<Object> ts = new ArrayList<>();
        for (int i = 0; i < spec.size(); i++) {
            TrajectorySpec t = spec.trajectories().get(i);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index", i);
            e.put("alpha_v", t.alphaV());
            e.put("alpha_w", t.alphaW());
            e.put("step_size", t.stepSize());
            e.put("seed", t.initSeed());
            TrajectoryResult r = result == null ? null : result.trajectories().get(i);
            e.put("status", r == null ? status : r.status().id());
            e.put("iterations", r == null ? 0 : r.iterations());
            DiagnosticRecord last = r != null ? r.last() : lastRecords != null ? lastRecords[i] : null;
            if (r == null && last != null) {
                e.put("iterations", last.iteration());
            }
            if (last != null) {
                e.put("final", finalMetrics(last));
            }
            ts.add(e);
        }
        m.put("trajectories", ts);
        return m;
    }

    private static Map<String, Object> finalMetrics(DiagnosticRecord d) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("relative_error", d.relativeError());
        f.put("loss", d.loss());
        f.put("imbalance_fro", d.imbalanceFro());
        f.put("imbalance_spectral", d.imbalanceSpectral());
        f.put("signal_error", d.signalError());
        f.put("nuisance_norm", d.nuisanceNorm());
        f.put("norm_v", d.normV());
        f.put("norm_w", d.normW());
        f.put("grad_norm", d.gradientNorm());
        f.put("singular_values", d.singularValues());
        return f;
    }
}
