package org.msense.lab.reproduce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.SensingProblem;
import org.msense.lab.plot.LinePlot;
import org.msense.lab.plot.Series;
import org.msense.core.spec.ProblemSpec;

/**
 * Robustness to noise (Wind 2023): gradient descent from small initialization, stopped at a time K fixed in advance
 * from the problem (not from the run), has an error of the order of the noise: close to the oracle that knows the
 * tangent space at X*, and below Wind's scale κ√(2r)‖𝒜*ξ‖₂/‖X*‖_F. Repeated over {@link Setup#seeds} seeds.
 */
public final class NoiseExperiment implements Experiment {
    static final double[] NOISE = {0, 1e-4, 1e-3, 1e-2};
    static final double ALPHA = 1e-8;
    static final double MU = 0.25;
    static final int LOG_EVERY = 5;
    /** Largest accepted factor between the early-stopped error and the oracle error (either way). */
    static final double ORACLE_FACTOR = 2;

    /**
     * The stopping time K, in the form of Wind's time bound: the growth phase, in which the signal directions grow from
     * the scale of the initialization to σ_r like the power method on M = 𝒜*𝒜(X*),
     * T_grow = ln(σ_r/α²) / (2 ln(1 + μσ_r(M))) (each factor grows by 1 + μσ_r(M) per step; the same law that the
     * alpha experiment checks as "time to fit"), plus the local phase, in which the error in the tangent space T at X*
     * contracts by 1 − μσ_rλ_T per step (λ_T the smallest eigenvalue of 𝒜*𝒜 on T) from σ_r down to the size ‖𝒜*ξ‖₂ of
     * the perturbation the noise puts into the gradient, T_local = ln(σ_r/‖𝒜*ξ‖₂) / (−ln(1 − μσ_rλ_T)). Every input is
     * a property of the problem (α, μ, X*, 𝒜, ξ), none of the run. The constants of Wind's theorem are not used (they
     * were not pinned from the paper); see docs/reproduction.md.
     *
     * @param alpha      the initialization scale α
     * @param mu         the step μ
     * @param sigmaR     σ_r(X*)
     * @param sigmaROfM  σ_r(𝒜*𝒜(X*))
     * @param lambdaT    λ_min of 𝒜*𝒜 on the tangent space at X*, in (0, 1/(μσ_r))
     * @param adjointNoise ‖𝒜*ξ‖₂ (absolute), &gt; 0
     * @return K, rounded up; −1 when an input is out of range (e.g. λ_T = 0: 𝒜 has a null space in T, no local rate)
     */
    static int windStoppingTime(double alpha, double mu, double sigmaR, double sigmaROfM, double lambdaT, double adjointNoise) {
        double contraction = 1 - mu * sigmaR * lambdaT;
        if (!(sigmaROfM > 0) || !(contraction > 0 && contraction < 1) || !(adjointNoise > 0) || !(alpha > 0)) {
            return -1;
        }
        double grow = Math.log(sigmaR / (alpha * alpha)) / (2 * Math.log1p(mu * sigmaROfM));
        double local = Math.max(0, Math.log(sigmaR / adjointNoise)) / -Math.log(contraction);
        return (int) Math.ceil(grow + local);
    }

    /**
     * A data-driven cross-check of K (reported, not used): the first iteration at which the noiseless run (σ_noise = 0,
     * the same X*, 𝒜 and init) is within twice its floor, i.e. the end of its growth and refinement phases. −1 when the
     * noiseless run never gets there.
     *
     * @param noiseless the records of the noiseless run; not modified
     */
    static int stoppingTime(List<DiagnosticRecord> noiseless, double floor) {
        for (DiagnosticRecord d : noiseless) {
            if (d.relativeError() <= 2 * floor) {
                return d.iteration();
            }
        }
        return -1;
    }

    @Override
    public String name() {
        return "noise";
    }

    @Override
    public String summary() {
        return "σ_noise ∈ {0, 1e-4, 1e-3, 1e-2}: error at Wind's stopping time K against the oracle tangent-space error and Wind's scale";
    }

    @Override
    public ExperimentResult run(Lab lab) throws IOException {
        Setup s = Setup.base(lab.quick());
        int k = s.minDim();
        int iterations = lab.quick() ? 400 : 1000;
        int seeds = Setup.seeds(lab.quick());
        LinePlot curves = new LinePlot("Relative error against iteration per noise level; K per level (first seed)")
                .xLabel("iteration").yLabel("‖VWᵀ − X*‖_F / ‖X*‖_F").yLog(true);
        Measured[] all = new Measured[seeds];
        for (int seed = 0; seed < seeds; seed++) {
            all[seed] = measure(lab, s, Setup.seed(seed), k, iterations, seed == 0 ? curves : null);
        }
        Measured first = all[0];
        for (int i = 1; i < NOISE.length; i++) {
            if (!Double.isNaN(first.stop()[i])) {
                curves.verticalMarker(first.stop()[i], "K"); // one per noise level, later for smaller noise
            }
        }
        double[] levels = Arrays.copyOfRange(NOISE, 1, NOISE.length);
        LinePlot vs = new LinePlot("Relative error against noise level (log-log, first seed)").xLabel("σ_{noise}")
                .yLabel("relative error").xLog(true).yLog(true)
                .add(Series.markers("error at K", levels, Arrays.copyOfRange(first.atK(), 1, NOISE.length)).withMarkers().color(0))
                .add(Series.line("oracle (least squares in the tangent space at X*)", levels,
                        Arrays.copyOfRange(first.oracle(), 1, NOISE.length)).dashed().color(2))
                .add(Series.line("Wind's scale κ√(2r)‖A*(ξ)‖₂/‖X*‖_F", levels,
                        Arrays.copyOfRange(first.windScale(), 1, NOISE.length)).dashed().color(3))
                .add(Series.markers("final error", levels, Arrays.copyOfRange(first.floor(), 1, NOISE.length)).color(1))
                .horizontalLine(first.best()[0], "noiseless floor (α)");
        List<String> figures = List.of(lab.figure(curves, "error-vs-iteration"), lab.figure(vs, "error-vs-noise"));
        double[] oracleHigh = new double[seeds];
        double[] oracleLow = new double[seeds];
        double[] oracleWorst = new double[seeds];
        double[] windWorst = new double[seeds];
        double[] slopes = new double[seeds];
        double[] finalSlopes = new double[seeds];
        double[] rise = new double[seeds];
        double[] riseAtK = new double[seeds];
        double[] overfit = new double[seeds];
        double[] noiselessK = new double[seeds];
        double[] lambdaT = new double[seeds];
        double[][] stop = new double[seeds][];
        double[][] atK = new double[seeds][];
        double[][] oracle = new double[seeds][];
        double[][] wind = new double[seeds][];
        double[][] best = new double[seeds][];
        double[][] floor = new double[seeds][];
        for (int seed = 0; seed < seeds; seed++) {
            Measured m = all[seed];
            oracleHigh[seed] = 0;
            oracleLow[seed] = Double.POSITIVE_INFINITY;
            for (int i = 1; i < NOISE.length; i++) {
                double ratio = m.atK()[i] / m.oracle()[i];
                oracleHigh[seed] = Double.isNaN(ratio) ? Double.NaN : Math.max(oracleHigh[seed], ratio);
                oracleLow[seed] = Double.isNaN(ratio) ? Double.NaN : Math.min(oracleLow[seed], ratio);
                windWorst[seed] = Math.max(windWorst[seed], m.atK()[i] / m.windScale()[i]);
                overfit[seed] = Math.max(overfit[seed], m.floor()[i] / m.best()[i]);
            }
            oracleWorst[seed] = Math.abs(Math.log(oracleLow[seed])) > Math.abs(Math.log(oracleHigh[seed])) ? oracleLow[seed]
                    : oracleHigh[seed];
            slopes[seed] = Fits.logLogSlope(levels, Arrays.copyOfRange(m.atK(), 1, NOISE.length));
            finalSlopes[seed] = Fits.logLogSlope(levels, Arrays.copyOfRange(m.floor(), 1, NOISE.length));
            rise[seed] = m.atK()[1] / m.best()[0];
            riseAtK[seed] = m.atK()[1] / m.atK()[0];
            noiselessK[seed] = m.noiselessStop();
            lambdaT[seed] = m.lambdaT();
            stop[seed] = m.stop();
            atK[seed] = m.atK();
            oracle[seed] = m.oracle();
            wind[seed] = m.windScale();
            best[seed] = m.best();
            floor[seed] = m.floor();
        }
        Spread oracleRatio = Spread.of(oracleWorst);
        Spread windRatio = Spread.of(windWorst);
        Spread slope = Spread.of(slopes);
        Spread lowestRise = Spread.of(rise);
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "Median (min–max) over %d seeds.%n%n", seeds))
                .append("| σ_noise | K | error at K | oracle | Wind's scale | error at K / oracle | lowest error of the run |"
                        + " final error |\n|---|---|---|---|---|---|---|---|\n");
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("σ_noise", NOISE);
        numbers.put("λ_T: smallest eigenvalue of 𝒜*𝒜 on the tangent space at X*", Spread.of(lambdaT));
        for (int i = 0; i < NOISE.length; i++) {
            double[] ratio = new double[seeds];
            for (int seed = 0; seed < seeds; seed++) {
                ratio[seed] = i == 0 ? Double.NaN : atK[seed][i] / oracle[seed][i];
            }
            String level = "σ_noise = " + Check.format(NOISE[i]);
            numbers.put(level + ": stopping time K", Spread.column(stop, i));
            numbers.put(level + ": relative error at K", Spread.column(atK, i));
            if (i > 0) {
                numbers.put(level + ": oracle relative error", Spread.column(oracle, i));
                numbers.put(level + ": Wind's scale κ√(2r)‖𝒜*ξ‖₂/‖X*‖_F", Spread.column(wind, i));
            }
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", Check.format(NOISE[i]),
                    Spread.column(stop, i).text(), Spread.column(atK, i).text(), i == 0 ? "—" : Spread.column(oracle, i).text(),
                    i == 0 ? "—" : Spread.column(wind, i).text(), i == 0 ? "—" : Spread.of(ratio).text(),
                    Spread.column(best, i).text(), Spread.column(floor, i).text()));
        }
        numbers.put("error at K at the smallest noise / the noiseless run's floor (its lowest error)", lowestRise);
        numbers.put("error at K at the smallest noise / the noiseless run's error at the same K", Spread.of(riseAtK));
        numbers.put("cross-check: iteration at which the noiseless run is within 2× its floor", Spread.of(noiselessK));
        numbers.put("log-log slope of the error at K over σ_noise ∈ {1e-4, 1e-3, 1e-2}", slope);
        numbers.put("log-log slope of the final error", Spread.of(finalSlopes));
        numbers.put("error at K / oracle error, the noise level farthest from 1", oracleRatio);
        numbers.put("error at K / oracle error, smallest over noise levels", Spread.of(oracleLow));
        numbers.put("error at K / oracle error, largest over noise levels", Spread.of(oracleHigh));
        numbers.put("largest error at K / Wind's scale over noise levels", windRatio);
        numbers.put("largest final / lowest error over noise levels (late overfitting)", Spread.of(overfit));
        List<Check> checks = new ArrayList<>();
        checks.add(Check.atLeast("error at K at the smallest noise level / floor of the noiseless run, lowest over seeds",
                lowestRise.min(), 10, "the comparison with the noise is only meaningful above the α floor: at the smallest"
                        + " noise the error at K must stand tenfold above the lowest error of the noiseless run (same X*, 𝒜,"
                        + " init) on every seed. Fails when α is too large for the noise levels"));
        checks.add(Check.between("log-log slope of the error at K against σ_noise, median over seeds", slope.median(), 0.8, 1.2,
                "Wind 2023: stopped after refinement, the error is proportional to the noise level above the floor"
                        + " (slope 1 ± 0.2; spread over seeds " + slope.text() + "). Fails if the run overfits the noise"
                        + " before K or stalls at the floor"));
        checks.add(Check.between("error at K / oracle tangent-space least-squares error, noise level farthest from 1, median"
                + " over seeds", oracleRatio.median(), 1 / ORACLE_FACTOR, ORACLE_FACTOR,
                "early-stopped GD from small init behaves like least squares restricted to the tangent space at X*"
                        + " (the signal directions are fitted, the others stay at the scale of α): within a factor 2 of the"
                        + " oracle that knows that space (spread over seeds " + oracleRatio.text() + "). Fails if GD fits"
                        + " noise outside the tangent space (error ≫ oracle), or if K is too early (the local phase not"
                        + " done: the transient adds to the error) for a slower local rate than 1 − μσ_rλ_T"));
        checks.add(Check.atMost("largest error at K / Wind's scale κ√(2r)‖𝒜*ξ‖₂/‖X*‖_F over noise levels, median over seeds",
                windRatio.median(), 1, "Wind 2023 bounds the error after early stopping by a constant times"
                        + " κ√r‖𝒜*ξ‖/‖X*‖_F; the check uses constant 1 with √(2r) (spread over seeds " + windRatio.text()
                        + "). Fails if the error exceeds the theorem's noise scale"));
        List<String> notes = new ArrayList<>();
        Spread rising = Spread.of(overfit);
        if (rising.max() > 1.5) {
            notes.add(String.format(Locale.ROOT, "Run on past the end of refinement, the noisiest run slowly fits the noise:"
                    + " its error rises by up to %s× above its lowest value (median (min–max) over seeds; the noise"
                    + " directions of 𝒜*(ξ) grow from the scale of α like the signal did, only more slowly). The slope and"
                    + " the comparisons are therefore taken at K; the final errors give slope %s.", rising.text(),
                    Spread.of(finalSlopes).text()));
        }
        return new ExperimentResult(name(), "noise — early stopping at Wind's K reaches the oracle error (Wind 2023)",
                "With noisy measurements y = 𝒜(X*) + ξ and a small α, gradient descent stopped at a time K fixed by the"
                        + " theory has an error of the order of the noise: bounded by a constant times κ√r‖𝒜*ξ‖₂/‖X*‖_F"
                        + " (Wind 2023), and close to least squares restricted to the tangent space at X*.",
                s.describe(1) + String.format(Locale.ROOT, "; k = %d, α = %s, μ = %s, %d iterations; per seed (%d seeds"
                        + " from %d) one problem per noise level (same X*, 𝒜 and noise direction ξ, scaled); K per noise"
                        + " level = ln(σ_r/α²)/(2 ln(1 + μσ_r(𝒜*𝒜X*))) + ln(σ_r/‖𝒜*ξ‖₂)/(−ln(1 − μσ_rλ_T)), the noiseless"
                        + " run compared at the K of the smallest noise", k, Check.format(ALPHA), Check.format(MU),
                        iterations, seeds, Setup.SEED),
                numbers, table.toString(), figures, checks, notes, 0);
    }

    /**
     * The runs of one seed: per noise level (index 0 noiseless) the final, lowest and stopped (at K) relative errors,
     * the oracle and Wind's scale (0 for the noiseless level) and K (that of the smallest noise for the noiseless
     * level); λ_T; and the noiseless run's cross-check iteration.
     */
    private record Measured(double[] floor, double[] best, double[] atK, double[] oracle, double[] windScale, double[] stop,
            double lambdaT, double noiselessStop) {
    }

    /** Runs every noise level on the problems of {@code seed}; adds the curves to {@code curves} unless it is null. */
    private static Measured measure(Lab lab, Setup s, long seed, int k, int iterations, LinePlot curves) {
        double[] floor = new double[NOISE.length];
        double[] best = new double[NOISE.length];
        double[] atK = new double[NOISE.length];
        double[] oracle = new double[NOISE.length];
        double[] windScale = new double[NOISE.length];
        double[] stop = new double[NOISE.length];
        Trajectories[] runs = new Trajectories[NOISE.length];
        double lambdaT = Double.NaN;
        for (int i = 0; i < NOISE.length; i++) {
            // same seed: the same X*, 𝒜 and noise direction ξ, scaled by σ_noise
            ProblemSpec spec = s.problem(1, NOISE[i], seed);
            SensingProblem problem = lab.problem(spec);
            try {
                runs[i] = lab.run(spec, problem, k, Setup.gd(iterations, LOG_EVERY), Setup.balanced(seed, MU, ALPHA));
                double sigmaR = spec.singularValues()[s.rank() - 1];
                if (i == 0) {
                    lambdaT = TangentIsometry.smallest(problem.operator().describe().dense(), s.m(), problem.truth());
                } else {
                    NoiseScales scales = NoiseScales.measure(lab.engine(), problem);
                    double fro = problem.truth().frobeniusNorm();
                    oracle[i] = scales.oracle() / fro;
                    windScale[i] = spec.condition() * Math.sqrt(2.0 * s.rank()) * scales.adjointSpectral() / fro;
                    int kk = windStoppingTime(ALPHA, MU, sigmaR, lab.regime(spec).sigmaROfM(), lambdaT,
                            scales.adjointSpectral());
                    stop[i] = kk < 0 ? Double.NaN : kk;
                }
            } finally {
                lab.release(problem);
            }
        }
        stop[0] = stop[1];
        for (int i = 0; i < NOISE.length; i++) {
            Trajectories run = runs[i];
            floor[i] = run.end(0).relativeError();
            best[i] = Arrays.stream(run.column(0, d -> d.relativeError())).min().orElse(Double.NaN);
            double kk = stop[i];
            DiagnosticRecord at = Double.isNaN(kk) ? null : run.first(0, d -> d.iteration() >= kk);
            atK[i] = at == null ? Double.NaN : at.relativeError();
            if (curves != null) {
                curves.add(Series.line("σ_{noise} = " + Check.format(NOISE[i]), run.iterations(0),
                        run.column(0, d -> d.relativeError())).color(i));
            }
        }
        return new Measured(floor, best, atK, oracle, windScale, stop, lambdaT, stoppingTime(runs[0].of(0), floor[0]));
    }
}
