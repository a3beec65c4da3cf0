package org.msense.lab.reproduce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msense.lab.plot.LinePlot;
import org.msense.lab.plot.Series;
import org.msense.core.spec.ProblemSpec;

/**
 * Generalization is controlled by the initialization scale: the error floor falls polynomially as α → 0,
 * for a width k = min(n1, n2) that could fit any n1×n2 matrix.
 */
public final class AlphaExperiment implements Experiment {
    static final double[] ALPHAS = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
    static final double MU = 0.25;

    @Override
    public String name() {
        return "alpha";
    }

    @Override
    public String summary() {
        return "final error against α (1e-1 … 1e-6): the floor falls as a power of α";
    }

    @Override
    public ExperimentResult run(Lab lab) throws IOException {
        Setup s = Setup.base(lab.quick());
        int k = s.minDim();
        int iterations = lab.quick() ? 600 : 1500;
        ProblemSpec spec = s.problem(1);
        Trajectories run = lab.runOnNewProblem(spec, k, Setup.gd(iterations, 5), Setup.balanced(MU, ALPHAS));
        int n = ALPHAS.length;
        double[] floor = new double[n];
        LinePlot curves = new LinePlot("Relative error against iteration, one curve per α").xLabel("iteration")
                .yLabel("‖VWᵀ − X*‖_F / ‖X*‖_F").yLog(true);
        for (int b = 0; b < n; b++) {
            floor[b] = run.end(b).relativeError();
            curves.add(Series.line("α = " + Check.format(ALPHAS[b]), run.iterations(b),
                    run.column(b, d -> d.relativeError())).color(b));
        }
        double slope = Fits.logLogSlope(ALPHAS, floor);
        double[] fit = new double[n];
        double c = floor[n / 2] / Math.pow(ALPHAS[n / 2], slope);
        for (int b = 0; b < n; b++) {
            fit[b] = c * Math.pow(ALPHAS[b], slope);
        }
        LinePlot floors = new LinePlot("Final relative error against α (log-log)").xLabel("initialization scale α")
                .yLabel("final relative error").xLog(true).yLog(true)
                .add(Series.markers("measured", ALPHAS, floor).withMarkers().color(0))
                .add(Series.line("fit: slope " + Check.format(slope), ALPHAS, fit).dashed().gray());
        List<String> figures = List.of(lab.figure(curves, "error-vs-iteration"), lab.figure(floors, "floor-vs-alpha"));

        int violations = 0;
        for (int b = 1; b < n; b++) {
            if (!(floor[b] < floor[b - 1])) {
                violations++;
            }
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("alpha", ALPHAS);
        numbers.put("final relative error", floor);
        numbers.put("log-log slope of final error against α", slope);
        List<Check> checks = new ArrayList<>();
        checks.add(Check.atMost("pairs of consecutive α where the floor does not fall", violations, 0,
                "docs/math.md, prediction 3: the floor shrinks as α → 0, so it must fall at every step of the sweep"));
        checks.add(Check.between("fitted log-log slope of the floor in α", slope, 0.25, 1.5,
                "the floor is the nuisance part V_⊥Wᵀ + VW_⊥ᵀ: O(α) at initialization (slope 1), raised to a power"
                        + " below 1 by the growth of the nuisance directions of 𝒜*𝒜(X*) during the growth phase (the"
                        + " theorems bound the floor by a positive power of α); a positive exponent, at most about 1:"
                        + " we accept [0.25, 1.5]"));
        return new ExperimentResult(name(), "alpha — the error floor falls with the initialization scale",
                "From small random initialization, the error after convergence (the floor) shrinks polynomially as α → 0,"
                        + " whatever the width k (Soltanolkotabi–Stöger–Xie 2023): generalization is controlled by α.",
                s.describe(1) + String.format(java.util.Locale.ROOT, "; k = min(n1, n2) = %d, μ = %s, %d iterations,"
                        + " α ∈ {1e-1, …, 1e-6}, one batch sharing the init directions", k, Check.format(MU), iterations),
                numbers, "", figures, checks, List.of(), 0);
    }
}
