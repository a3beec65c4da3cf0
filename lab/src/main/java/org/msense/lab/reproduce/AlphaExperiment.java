package org.msense.lab.reproduce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.RegimeEstimate;
import org.msense.core.spec.ProblemSpec;
import org.msense.lab.plot.LinePlot;
import org.msense.lab.plot.Series;

/**
 * Generalization is controlled by the initialization scale, and how strongly depends on the regime. From
 * V₀ = αG₁, W₀ = αG₂ the nuisance part of VWᵀ starts at O(α²); during the growth phase (T ≈ ln(σ_r/α²) /
 * (2 ln(1 + μσ_r(M))) steps, M = 𝒜*𝒜(X*)) the directions of M outside X* grow too, by (1 + μσ_{r+1}(M))^{2T}, so
 * the floor falls as α^p with p = 2(1 − ln(1 + μσ_{r+1}(M))/ln(1 + μσ_r(M))) in this linear picture: p → 2 as
 * δ̂ = ‖M − X*‖₂/σ_r → 0. The experiment runs the α sweep on problems of decreasing δ̂ (down to a near-isometric
 * r = 1 problem with m = n1n2/2) and checks that the exponent rises towards 2 as δ̂ shrinks. On the same runs it
 * checks the time to fit: σ_r(VWᵀ) reaches σ_r/2 after ≈ ln(σ_r/(2α²c))/(2 ln(1 + μσ_r(M))) steps, i.e.
 * ln10/ln(1 + μσ_r(M)) more steps per decade of 1/α.
 */
public final class AlphaExperiment implements Experiment {
    static final double[] ALPHAS = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
    static final double MU = 0.25;
    /** The exponent and the time to fit are fitted over α ≤ this (α = 0.1 is not a small initialization). */
    static final double SMALL_ALPHA = 1e-2;
    /** Lowest exponent accepted for the near-isometric problem (full mode) and in quick mode. */
    static final double NEAR_ISOMETRIC_FULL = 1.4;
    static final double NEAR_ISOMETRIC_QUICK = 1.1;
    /** Largest exponent accepted: the floor cannot fall faster than the O(α²) nuisance of the initialization. */
    static final double MAX_EXPONENT = 2.2;
    /** Relative tolerance on the time-to-fit slope against ln10/ln(1 + μσ_r(M)). */
    static final double SLOPE_TOLERANCE = 0.1;
    /** Records every 2 iterations: the time to fit is interpolated between them (log σ_r is linear in t there). */
    static final int LOG_EVERY = 2;

    @Override
    public String name() {
        return "alpha";
    }

    @Override
    public String summary() {
        return "final error against α (1e-1 … 1e-6) at three or four deviations δ̂: the exponent rises towards 2 as δ̂ shrinks;"
                + " time to fit against log(1/α)";
    }

    /** The problems, from the suite's common one (largest δ̂) to a near-isometric one (smallest δ̂). */
    static List<Setup> problems(boolean quick) {
        return quick ? List.of(Setup.base(true), new Setup(30, 30, 1, 450), new Setup(40, 40, 1, 800))
                : List.of(Setup.base(false), new Setup(50, 50, 2, 1250), new Setup(60, 60, 1, 1800),
                        new Setup(100, 100, 1, 5000));
    }

    @Override
    public ExperimentResult run(Lab lab) throws IOException {
        List<Setup> setups = problems(lab.quick());
        int seeds = lab.quick() ? 2 : 3;
        int iterations = lab.quick() ? 200 : 800;
        int p = setups.size();
        int n = ALPHAS.length;
        double[] deltaHat = new double[p];
        double[][] exponent = new double[p][seeds];
        double[][] slope = new double[p][seeds];
        double[] predictedSlope = new double[p];
        double[][] floors = new double[p][];
        double[][] times = new double[p][];
        // below this the floor is rounding, not α: 100 unit roundoffs of the run's precision
        double resolvable = 100 * lab.precision().unitRoundoff();
        LinePlot curves = new LinePlot("Relative error against iteration (near-isometric problem, first seed), one curve per α")
                .xLabel("iteration").yLabel("‖VWᵀ − X*‖_F / ‖X*‖_F").yLog(true);
        StringBuilder table = new StringBuilder("| problem | δ̂ | exponent p (mean; min–max over seeds) | time-to-fit slope"
                + " per decade (mean) | predicted ln10/ln(1 + μσ_r(M)) |\n|---|---|---|---|---|\n");
        for (int q = 0; q < p; q++) {
            Setup s = setups.get(q);
            for (int seed = 0; seed < seeds; seed++) {
                ProblemSpec spec = s.problem(1, 0, Setup.seed(seed));
                Trajectories run = lab.runOnNewProblem(spec, s.minDim(), Setup.gd(iterations, LOG_EVERY),
                        Setup.balanced(Setup.seed(seed), MU, ALPHAS));
                RegimeEstimate regime = lab.regime(spec);
                double[] floor = new double[n];
                double[] time = new double[n];
                double sigmaR = spec.singularValues()[s.rank() - 1];
                for (int b = 0; b < n; b++) {
                    floor[b] = run.end(b).relativeError();
                    time[b] = timeToFit(run.of(b), s.rank(), sigmaR / 2);
                }
                if (seed == 0) {
                    deltaHat[q] = regime.relativeDeviation();
                    predictedSlope[q] = predictedSlope(MU, regime.sigmaROfM());
                    floors[q] = floor;
                    times[q] = time;
                    if (q == p - 1) {
                        for (int b = 0; b < n; b++) {
                            curves.add(Series.line("α = " + Check.format(ALPHAS[b]), run.iterations(b),
                                    run.column(b, DiagnosticRecord::relativeError)).color(b));
                        }
                    }
                } else {
                    // δ̂ of the problem: the mean over its seeds
                    deltaHat[q] += (regime.relativeDeviation() - deltaHat[q]) / (seed + 1);
                }
                exponent[q][seed] = floorExponent(ALPHAS, floor, resolvable);
                slope[q][seed] = timeSlope(ALPHAS, time) / predictedSlope(MU, regime.sigmaROfM());
            }
            table.append(String.format(Locale.ROOT, "| %d×%d, r = %d, m = %d | %s | %s (%s–%s) | %s | %s |%n", s.n1(), s.n2(),
                    s.rank(), s.m(), Check.format(deltaHat[q]), Check.format(Fits.mean(exponent[q])),
                    Check.format(Fits.min(exponent[q])), Check.format(Fits.max(exponent[q])),
                    Check.format(Fits.mean(slope[q]) * predictedSlope[q]), Check.format(predictedSlope[q])));
        }

        LinePlot floorPlot = new LinePlot("Final relative error against α, one curve per deviation δ̂ (first seed)")
                .xLabel("initialization scale α").yLabel("final relative error").xLog(true).yLog(true);
        LinePlot timePlot = new LinePlot("Iterations until σ_r(VWᵀ) ≥ σ_r(X*)/2 against α (first seed)")
                .xLabel("initialization scale α").yLabel("iterations").xLog(true);
        for (int q = 0; q < p; q++) {
            String label = "δ̂ = " + Check.format(deltaHat[q]) + ", p = " + Check.format(Fits.mean(exponent[q]));
            floorPlot.add(Series.line(label, ALPHAS, floors[q]).withMarkers().color(q));
            timePlot.add(Series.line("δ̂ = " + Check.format(deltaHat[q]), ALPHAS, times[q]).withMarkers().color(q));
            double[] predicted = new double[n];
            for (int b = 0; b < n; b++) {
                predicted[b] = times[q][n - 1] + predictedSlope[q] * Math.log10(ALPHAS[b] / ALPHAS[n - 1]) * -1;
            }
            timePlot.add(Series.line("predicted slope " + Check.format(predictedSlope[q]) + "/decade", ALPHAS, predicted)
                    .dashed().color(q).noLegend());
        }
        double[] square = new double[n];
        for (int b = 0; b < n; b++) {
            square[b] = floors[p - 1][n - 1] * Math.pow(ALPHAS[b] / ALPHAS[n - 1], 2);
        }
        floorPlot.add(Series.line("slope 2 (α², identity operator)", ALPHAS, square).dashed().gray());
        List<String> figures = List.of(lab.figure(floorPlot, "floor-vs-alpha"), lab.figure(curves, "error-vs-iteration"),
                lab.figure(timePlot, "time-to-fit"));

        double[] meanExponent = Arrays.stream(exponent).mapToDouble(Fits::mean).toArray();
        double worstSlope = 0;
        for (double[] perSeed : slope) {
            for (double v : perSeed) {
                worstSlope = Double.isNaN(v) ? Double.NaN : Math.max(worstSlope, Math.abs(v - 1));
            }
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("alpha", ALPHAS);
        numbers.put("δ̂ per problem (mean over seeds)", deltaHat);
        numbers.put("floor exponent p per problem (mean over seeds)", meanExponent);
        numbers.put("floor exponent, lowest seed per problem", Arrays.stream(exponent).mapToDouble(Fits::min).toArray());
        numbers.put("final relative error per α, near-isometric problem, first seed", floors[p - 1]);
        numbers.put("time to fit per α, near-isometric problem, first seed (iterations)", times[p - 1]);
        numbers.put("predicted time-to-fit slope per decade per problem", predictedSlope);
        numbers.put("largest |measured/predicted time-to-fit slope − 1| over problems and seeds", worstSlope);
        double nearThreshold = lab.quick() ? NEAR_ISOMETRIC_QUICK : NEAR_ISOMETRIC_FULL;
        List<Check> checks = new ArrayList<>(exponentChecks(deltaHat, exponent, nearThreshold));
        checks.add(timeToFitCheck(worstSlope));
        List<String> notes = List.of(String.format(Locale.ROOT, "The exponent is fitted over α ≤ %s where the floor is above"
                + " 100 unit roundoffs (%s); α = 0.1 is not a small initialization.", Check.format(SMALL_ALPHA),
                Check.format(resolvable)));
        return new ExperimentResult(name(), "alpha — the error floor falls with α, as α² in the near-isometric regime",
                "From small random initialization the error after convergence (the floor) shrinks polynomially as α → 0"
                        + " (Soltanolkotabi–Stöger–Xie 2023). The nuisance part starts at O(α²) and is amplified during the"
                        + " growth phase by the directions of 𝒜*𝒜(X*) outside X*, so the exponent is 2 for 𝒜 = I and falls"
                        + " with δ̂ = ‖𝒜*𝒜(X*) − X*‖₂/σ_r; the time to fit grows as log(1/α), ln10/ln(1 + μσ_r(𝒜*𝒜X*)) steps"
                        + " per decade.",
                setups.stream().map(s -> s.describe(1)).reduce((a, b) -> a + "; " + b).orElse("")
                        + String.format(Locale.ROOT, "; k = min(n1, n2), μ = %s, %d iterations logged every %d,"
                                + " α ∈ {1e-1, …, 1e-6} in one batch per problem, %d seeds per problem (X*, 𝒜 and the"
                                + " init directions drawn from seeds %d…)", Check.format(MU), iterations, LOG_EVERY, seeds, Setup.SEED),
                numbers, table.toString(), figures, checks, notes, 0);
    }

    /**
     * The checks on the floor exponents: it rises as δ̂ shrinks (problems compared pairwise on their mean over
     * seeds), every seed's exponent stays ≤ {@link #MAX_EXPONENT}, and the lowest seed of the problem with the
     * smallest δ̂ reaches {@code nearThreshold}.
     *
     * @param deltaHat δ̂ per problem; not modified
     * @param exponent per problem, the exponent of each seed; not modified
     */
    static List<Check> exponentChecks(double[] deltaHat, double[][] exponent, double nearThreshold) {
        int p = deltaHat.length;
        int disorder = 0;
        int nearest = 0;
        for (int i = 0; i < p; i++) {
            if (deltaHat[i] < deltaHat[nearest]) {
                nearest = i;
            }
            for (int j = 0; j < p; j++) {
                if (deltaHat[i] < deltaHat[j] && !(Fits.mean(exponent[i]) > Fits.mean(exponent[j]))) {
                    disorder++;
                }
            }
        }
        double highest = Arrays.stream(exponent).mapToDouble(Fits::max).max().orElse(Double.NaN);
        return List.of(
                Check.atMost("pairs of problems where the smaller δ̂ does not give the larger floor exponent", disorder, 0,
                        "the nuisance grows during the growth phase by the directions of 𝒜*𝒜(X*) outside X*: the closer"
                                + " 𝒜*𝒜 is to the identity on X* (smaller δ̂), the closer the exponent is to the 2 of the"
                                + " O(α²) initialization. Fails if the exponent does not depend on the regime, or falls with it"),
                Check.atLeast("floor exponent of the near-isometric problem (lowest seed, δ̂ = " + Check.format(deltaHat[nearest])
                        + ")", Fits.min(exponent[nearest]), nearThreshold,
                        "in the theory's regime the floor falls almost as α²: measured 1.41 at δ̂ = 0.30 and 1.51 at 0.25 in"
                                + " an independent NumPy run, 2.00 for 𝒜 = I. Fails for an exponent set by the set-up (0.5–0.8"
                                + " at δ̂ ≈ 0.7) or a floor made by the iteration budget"),
                Check.atMost("largest floor exponent over problems and seeds", highest, MAX_EXPONENT,
                        "the nuisance of the initialization is Θ(α²): the floor cannot fall faster than α² (2 + 0.2 for the"
                                + " fit). Fails if the floor is rounding or the run has not converged"));
    }

    /** The check of the time to fit, from the largest |measured/predicted slope − 1|. */
    static Check timeToFitCheck(double worstRelativeGap) {
        return Check.atMost("largest |time-to-fit slope / (ln10/ln(1 + μσ_r(𝒜*𝒜X*))) − 1| over problems and seeds",
                worstRelativeGap, SLOPE_TOLERANCE,
                "in the growth phase each factor grows by (1 + μσ_r(M)) per step along the r-th singular pair of"
                        + " M = 𝒜*𝒜(X*), so the product needs ln10/ln(1 + μσ_r(M)) more steps per decade of 1/α (10%"
                        + " for the fit). Fails if growth were driven by σ_r(X*) instead of σ_r(M) (26% apart at δ̂ = 0.3),"
                        + " or by a wrong step");
    }

    /** ln10 / ln(1 + μσ): iterations per decade of 1/α for the product to grow along a direction of gain σ. */
    static double predictedSlope(double mu, double sigma) {
        return Math.log(10) / Math.log1p(mu * sigma);
    }

    /**
     * The exponent p of floor ≈ c·α^p, fitted over α ≤ {@link #SMALL_ALPHA} and floors ≥ {@code resolvable}; NaN
     * when fewer than two points qualify. Not modified.
     */
    static double floorExponent(double[] alphas, double[] floor, double resolvable) {
        double[] x = new double[alphas.length];
        double[] y = new double[alphas.length];
        for (int b = 0; b < alphas.length; b++) {
            boolean use = alphas[b] <= SMALL_ALPHA && floor[b] >= resolvable;
            x[b] = use ? alphas[b] : Double.NaN;
            y[b] = use ? floor[b] : Double.NaN;
        }
        return Fits.logLogSlope(x, y);
    }

    /** Iterations per decade of 1/α: the slope of the time to fit against log10(1/α), over α ≤ {@link #SMALL_ALPHA}. */
    static double timeSlope(double[] alphas, double[] time) {
        double[] x = new double[alphas.length];
        double[] y = new double[alphas.length];
        for (int b = 0; b < alphas.length; b++) {
            x[b] = alphas[b] <= SMALL_ALPHA ? -Math.log10(alphas[b]) : Double.NaN;
            y[b] = time[b];
        }
        return Fits.linearSlope(x, y);
    }

    /**
     * The (fractional) iteration at which σ_r(VWᵀ) first reaches {@code target}, interpolating log σ_r linearly
     * between the two records that bracket the crossing; NaN when it never does. Not modified.
     */
    static double timeToFit(List<DiagnosticRecord> history, int rank, double target) {
        DiagnosticRecord before = null;
        for (DiagnosticRecord d : history) {
            double s = d.singularValue(rank);
            if (s >= target) {
                if (before == null) {
                    return d.iteration();
                }
                double a = Math.log(before.singularValue(rank));
                double b = Math.log(s);
                double f = b > a ? (Math.log(target) - a) / (b - a) : 1;
                return before.iteration() + f * (d.iteration() - before.iteration());
            }
            before = d;
        }
        return Double.NaN;
    }
}
