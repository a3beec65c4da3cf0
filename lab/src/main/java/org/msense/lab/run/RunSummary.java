package org.msense.lab.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
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
import org.msense.core.problem.RegimeEstimate;
import org.msense.lab.io.AtomicFiles;
import org.msense.lab.io.Json;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.Method;
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
    private final RunLock.Owner owner = RunLock.self();
    private Instant updated;
    private Integer threads;
    private boolean problemFromFiles;
    private boolean initialFromFiles;
    private String status = "running";
    private String error;
    private String backend;
    private String device;
    private Map<String, String> backendProperties = Map.of();
    private List<String> fallbacks = List.of();
    private double[] sigma;
    private Regime regime;
    private double setupSeconds = Double.NaN;
    private double kernelWarmUpSeconds = Double.NaN;
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

    /** The worker threads the backend used (CPU backend), recorded beside the backend's id. */
    public RunSummary threads(int used) {
        this.threads = used;
        return this;
    }

    /**
     * Records that the problem (and, with {@code initial}, the initial factors) came from .npy files: the noise (and
     * the seeds and the normalization of the initialization) are then unknown and written as null.
     */
    public RunSummary fromFiles(boolean initial) {
        this.problemFromFiles = true;
        this.initialFromFiles = initial;
        return this;
    }

    /** Marks the summary as current now (written as {@code updated}: the time of the last flush of rows). */
    public RunSummary touch() {
        this.updated = Instant.now();
        return this;
    }

    public RunSummary truth(double[] singularValues) {
        this.sigma = singularValues.clone();
        return this;
    }

    /** The regime of the problem (δ̂ and the angles of 𝒜*𝒜(X*)), written in {@code problem.regime}. */
    public RunSummary regime(RegimeEstimate e) {
        this.regime = Regime.of(e);
        return this;
    }

    /** Part of the setup spent warming the engine's kernels (NaN until set). */
    public double kernelWarmUpSeconds() {
        return kernelWarmUpSeconds;
    }

    /** Part of the setup spent warming the engine's kernels. */
    public RunSummary kernelWarmUpSeconds(double s) {
        this.kernelWarmUpSeconds = s;
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
        AtomicFiles.writeString(file, Json.write(content()) + "\n");
    }

    /** The summary as it is written: {@link Content}, with the time of the call as {@code finished}. */
    public Content content() {
        var ps = spec.problem();
        Problem problem = new Problem(problemSource, ps.n1(), ps.n2(), ps.rank(), ps.measurements(), ps.operator().id(),
                problemFromFiles ? Double.NaN : ps.noise(), problemFromFiles ? null : ps.seed(), sigma, regime);
        Model model = new Model(spec.model().width(), initialFromFiles ? "files: V0.npy, W0.npy"
                : spec.model().normalization().id());
        var a = spec.algorithm();
        Algorithm algorithm = new Algorithm(a.minibatch() > 0 ? "sgd-fresh" : a.method().id(), a.iterations(), a.logEvery(),
                a.tolerance(), a.minibatch());
        Timing timing = new Timing(setupSeconds, kernelWarmUpSeconds, result == null ? Double.NaN : result.iterateSeconds(),
                result == null ? 0 : result.steps(), result == null ? Double.NaN : result.msPerIteration(),
                result == null ? 0 : result.timing().warmupSteps(),
                result == null ? Double.NaN : result.timing().warmupSeconds(),
                result == null ? Double.NaN : result.timing().steadyMsPerIteration());
        List<Trajectory> ts = new ArrayList<>();
        for (int i = 0; i < spec.size(); i++) {
            TrajectorySpec t = spec.trajectories().get(i);
            TrajectoryResult r = result == null ? null : result.trajectories().get(i);
            DiagnosticRecord last = r != null ? r.last() : lastRecords != null ? lastRecords[i] : null;
            int iterations = r != null ? r.iterations() : last != null ? last.iteration() : 0;
            ts.add(new Trajectory(i, t.alphaV(), t.alphaW(), t.stepSize(),
                    a.method().usesLambda() ? Double.valueOf(t.damping()) : null,
                    a.method() == Method.PREC_GD ? Double.valueOf(t.damping()) : null,
                    initialFromFiles ? null : t.initSeed(),
                    r == null ? status : r.status().id(), iterations, last == null ? null : Final.of(last)));
        }
        return new Content(status, error, Version.get(), owner.pid(), owner.host(), started.toString(),
                updated == null ? null : updated.toString(),
                status.equals("running") ? null : Instant.now().toString(), backend, threads, device,
                new LinkedHashMap<>(backendProperties), fallbacks.isEmpty() ? null : List.copyOf(fallbacks),
                spec.model().precision().id(), spec.model().operatorPrecision().id(), problem, model, algorithm, timing,
                warnings.isEmpty() ? null : List.copyOf(warnings), ts);
    }

    /**
     * {@code summary.json}. Keys are written in this order; {@code error}, {@code finished}, {@code fallbacks}
     * and {@code warnings} only when there are any. Times are ISO-8601 instants; NaN numbers are written as null.
     *
     * @param status            {@code running}, {@code completed}, {@code interrupted} or {@code failed}
     * @param error             why the run failed (failed runs only)
     * @param msenseVersion     the engine's version
     * @param pid               the process that ran (runs) it
     * @param host              the host it ran on
     * @param started           when the run started
     * @param updated           when rows were last flushed (absent before the first)
     * @param finished          when it ended (not while running)
     * @param backend           the backend's id, null before it is open
     * @param threads           the worker threads used (absent before the backend is open)
     * @param device            the device in words, null before the backend is open
     * @param backendProperties facts the backend reports (library versions, code paths)
     * @param fallbacks         why preferred backends were passed over
     * @param precision         {@code fp64} or {@code fp32}
     * @param operatorPrecision storage precision of 𝒜
     * @param problem           the problem
     * @param model             the factorized model
     * @param algorithm         the algorithm
     * @param timing            how long setup and the iterations took
     * @param warnings          warnings raised during the run
     * @param trajectories      one entry per trajectory
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Content(String status, @JsonInclude(Include.NON_NULL) String error, String msenseVersion, long pid,
            String host, String started, @JsonInclude(Include.NON_NULL) String updated,
            @JsonInclude(Include.NON_NULL) String finished, String backend,
            @JsonInclude(Include.NON_NULL) Integer threads, String device,
            Map<String, String> backendProperties, @JsonInclude(Include.NON_NULL) List<String> fallbacks,
            String precision, String operatorPrecision, Problem problem, Model model, Algorithm algorithm, Timing timing,
            @JsonInclude(Include.NON_NULL) List<String> warnings, List<Trajectory> trajectories) {
    }

    /**
     * The problem of {@code summary.json}.
     *
     * @param source         {@code generated} or {@code files: DIR}
     * @param noise          σ_noise (null, unknown, for a problem from files)
     * @param seed           the problem's seed (null for a problem from files)
     * @param singularValues σ of X* (absent until the ground truth is known)
     * @param regime         how near 𝒜 is to an isometry on X* (absent until the problem is built)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Problem(String source, int n1, int n2, int rank, int measurements, String operator, double noise,
            Long seed, @JsonInclude(Include.NON_NULL) double[] singularValues, @JsonInclude(Include.NON_NULL) Regime regime) {
    }

    /**
     * The regime of the problem in {@code summary.json} ({@link RegimeEstimate}), M = 𝒜*𝒜(X*) from the noiseless
     * measurements; the numbers are null and {@code skipped} says why when M was not formed.
     *
     * @param deltaHat      δ̂ = ‖M − X*‖₂ / σ_r(X*): the theory's regime is δ̂ well below 1
     * @param deviation     ‖M − X*‖₂
     * @param sinAngleLeft  sin θ(U_M, U*), U_M the top-r left singular space of M
     * @param sinAngleRight sin θ(V_M, V*)
     * @param wedinBound    ‖M − X*‖₂ / σ_r(M), Wedin's bound on both angles
     * @param skipped       why M was not formed; absent when it was
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Regime(double deltaHat, double deviation, double sinAngleLeft, double sinAngleRight, double wedinBound,
            @JsonInclude(Include.NON_NULL) String skipped) {

        static Regime of(RegimeEstimate e) {
            return new Regime(e.relativeDeviation(), e.deviation(), e.sinAngleLeft(), e.sinAngleRight(),
                    e.measured() ? e.wedinBound() : Double.NaN, e.skippedBecause());
        }
    }

    /** The model of {@code summary.json}: width k and the initialization's normalization. */
    public record Model(int width, String init) {
    }

    /** The algorithm of {@code summary.json}; method is {@code gd}, {@code scaledgd}, {@code precgd}, {@code apgd}, {@code gd-symmetric} or {@code sgd-fresh}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Algorithm(String method, int iterations, int logEvery, double tolerance, int minibatch) {
    }

    /**
     * The timing of {@code summary.json}, in seconds and milliseconds (NaN, written as null, when unknown):
     * setup (of which {@code kernel_warmup_s} compiled the engine's kernels on a 32-row stand-in operator before the first
     * step: {@link org.msense.core.backend.SensingOperator#warmUp}), the whole iteration loop, and that loop split into its first {@code warmup_steps} steps (at most 10: on
     * the CPU the JIT compiles the kernels during them) and the steady steps after them
     * ({@link BatchResult.StepTiming}; after a resume, the steps of this process only).
     */
    public record Timing(@JsonProperty("setup_s") double setupSeconds,
            @JsonProperty("kernel_warmup_s") double kernelWarmUpSeconds, @JsonProperty("iterate_s") double iterateSeconds,
            int steps, @JsonProperty("ms_per_iteration") double msPerIteration,
            @JsonProperty("warmup_steps") int warmupSteps, @JsonProperty("warmup_s") double warmupSeconds,
            @JsonProperty("steady_ms_per_iteration") double steadyMsPerIteration) {
    }

    /**
     * One trajectory of {@code summary.json}.
     *
     * @param alphaV     α of V₀ (measured as ‖V0_b‖_F/√n1 when V₀ came from V0.npy)
     * @param lambda     the damping λ (scaledgd and apgd only)
     * @param damping    the constant c of PrecGD's damping c·‖𝒜(VWᵀ) − y‖₂ (precgd only)
     * @param seed       the seed of the initial factors (null when they came from V0.npy/W0.npy)
     * @param status     the trajectory's status, or the run's while there is no result
     * @param iterations steps taken (the last logged iteration while there is no result)
     * @param last       the diagnostics of the last logged iteration, written as {@code final}; absent before
     *                   the first
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Trajectory(int index, double alphaV, double alphaW, double stepSize,
            @JsonInclude(Include.NON_NULL) Double lambda, @JsonInclude(Include.NON_NULL) Double damping, Long seed,
            String status,
            int iterations, @JsonProperty("final") @JsonInclude(Include.NON_NULL) Final last) {
    }

    /** The final diagnostics of a trajectory in {@code summary.json} (see docs/math.md). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Final(double relativeError, double loss, double imbalanceFro, double imbalanceSpectral,
            double signalError, double nuisanceNorm, double normV, double normW, double gradNorm,
            double[] singularValues) {

        static Final of(DiagnosticRecord d) {
            return new Final(d.relativeError(), d.loss(), d.imbalanceFro(), d.imbalanceSpectral(), d.signalError(),
                    d.nuisanceNorm(), d.normV(), d.normW(), d.gradientNorm(), d.singularValues());
        }
    }
}
