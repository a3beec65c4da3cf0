package org.msense.lab.reproduce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.spec.ProblemSpec;
import org.msense.lab.plot.Heatmap;

/**
 * The phase diagram of recovery over (m/r(n1 + n2), r): for each rank r and each ratio c, gradient descent from
 * small initialization on m = c·r(n1 + n2) Gaussian measurements, on several seeds (X*, 𝒜 and the initial
 * directions drawn from each); a run succeeds when its final relative error is below {@link #SUCCESS}.
 *
 * <p>What the theory says, and what is checked: below the degrees of freedom r(n1 + n2 − r) the rank-r matrices
 * consistent with y form a set of positive dimension through X*, so no run may recover X*; above a constant
 * times r(n1 + n2) every run recovers it (the sample complexity of small-init GD is linear in r(n1 + n2), up to
 * factors of κ and r in the proofs); the transition, measured in units of r(n1 + n2), is nearly the same for
 * every r.
 */
public final class PhaseDiagramExperiment implements Experiment {
    static final double ALPHA = 1e-6;
    static final double MU = 0.25;
    /** A run succeeds when its final ‖VWᵀ − X*‖_F/‖X*‖_F is below this. */
    static final double SUCCESS = 1e-2;
    /** Largest ratio between the transitions of two ranks, in units of r(n1 + n2). */
    static final double TRANSITION_SPREAD = 2;

    @Override
    public String name() {
        return "phase-diagram";
    }

    @Override
    public String summary() {
        return "success of small-init GD over (m/r(n1+n2), r), several seeds: none below the degrees of freedom,"
                + " a transition at a constant multiple of r(n1+n2)";
    }

    @Override
    public ExperimentResult run(Lab lab) throws IOException {
        int n = lab.quick() ? 20 : 40;
        int[] ranks = lab.quick() ? new int[] {1, 2, 3} : new int[] {1, 2, 3, 4};
        double[] ratios = lab.quick() ? new double[] {0.75, 1, 1.5, 2, 3} : new double[] {0.75, 1, 1.5, 2, 3, 4};
        int seeds = 3;
        int iterations = lab.quick() ? 300 : 600;
        double[][][] error = new double[ranks.length][ratios.length][seeds];
        int[][] succeeded = new int[ranks.length][ratios.length];
        int belowDofSuccesses = 0;
        int belowDofRuns = 0;
        for (int j = 0; j < ranks.length; j++) {
            int r = ranks[j];
            for (int i = 0; i < ratios.length; i++) {
                int m = (int) Math.round(ratios[i] * r * 2 * n);
                for (int s = 0; s < seeds; s++) {
                    ProblemSpec spec = new Setup(n, n, r, m).problem(1, 0, Setup.seed(s));
                    Trajectories t = lab.runOnNewProblem(spec, n, Setup.gd(iterations, iterations),
                            Setup.balanced(Setup.seed(s), MU, ALPHA));
                    error[j][i][s] = t.end(0).relativeError();
                    boolean ok = error[j][i][s] < SUCCESS;
                    succeeded[j][i] += ok ? 1 : 0;
                    if (m < r * (2 * n - r)) {
                        belowDofRuns++;
                        belowDofSuccesses += ok ? 1 : 0;
                    }
                }
            }
        }
        // the transition of rank r: the smallest ratio from which every larger ratio succeeds on every seed
        double[] transition = new double[ranks.length];
        for (int j = 0; j < ranks.length; j++) {
            transition[j] = Double.NaN;
            for (int i = ratios.length - 1; i >= 0 && succeeded[j][i] == seeds; i--) {
                transition[j] = ratios[i];
            }
        }
        List<String> columns = new ArrayList<>();
        for (double c : ratios) {
            columns.add(Check.format(c));
        }
        List<String> rows = new ArrayList<>();
        for (int r : ranks) {
            rows.add(Integer.toString(r));
        }
        Heatmap map = new Heatmap("Success fraction of small-init GD over m/r(n1+n2) and r", columns, rows)
                .xLabel("m / r(n1 + n2)").yLabel("rank r").scaleLabel("fraction of seeds that succeed")
                .subtitle(String.format(Locale.ROOT, "%d×%d, k = %d, α = %s, μ = %s, %d iterations; success: final"
                        + " relative error < %s", n, n, n, Check.format(ALPHA), Check.format(MU), iterations,
                        Check.format(SUCCESS)));
        StringBuilder table = new StringBuilder("| r \\ m/r(n1+n2) |");
        for (double c : ratios) {
            table.append(' ').append(Check.format(c)).append(" |");
        }
        table.append("\n|---|").append("---|".repeat(ratios.length)).append('\n');
        for (int j = 0; j < ranks.length; j++) {
            table.append("| ").append(ranks[j]).append(" |");
            for (int i = 0; i < ratios.length; i++) {
                map.cell(i, j, succeeded[j][i] / (double) seeds, succeeded[j][i] + "/" + seeds);
                table.append(String.format(Locale.ROOT, " %d/%d (worst %s) |", succeeded[j][i], seeds,
                        Check.format(Fits.max(error[j][i]))));
            }
            table.append('\n');
        }
        List<String> figures = List.of(lab.figure(map, "success"));
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("ranks", java.util.Arrays.stream(ranks).asDoubleStream().toArray());
        numbers.put("m / r(n1+n2)", ratios);
        numbers.put("transition per rank (m / r(n1+n2))", transition);
        for (int j = 0; j < ranks.length; j++) {
            for (int i = 0; i < ratios.length; i++) {
                numbers.put(String.format(Locale.ROOT, "r = %d, m/r(n1+n2) = %s: final errors", ranks[j],
                        Check.format(ratios[i])), error[j][i]);
            }
        }
        List<Check> checks = new ArrayList<>();
        checks.add(Check.atMost("successes with m below the degrees of freedom r(n1+n2−r) (of " + belowDofRuns + " runs)",
                belowDofSuccesses, 0,
                "below r(n1+n2−r) measurements the rank-r matrices consistent with y form a set of positive dimension"
                        + " through X*, so recovering X* would be chance; fails for a lax success criterion or an error"
                        + " measured against the wrong matrix"));
        int lastFailures = 0;
        for (int j = 0; j < ranks.length; j++) {
            lastFailures += seeds - succeeded[j][ratios.length - 1];
        }
        checks.add(Check.atMost("failures at the largest ratio m = " + Check.format(ratios[ratios.length - 1])
                + "·r(n1+n2), every rank and seed", lastFailures, 0,
                "above a constant times r(n1+n2) small-init GD recovers X* (the sample complexity is linear in r(n1+n2));"
                        + " fails for a wrong gradient, a step that diverges, or a floor above the criterion"));
        checks.add(Check.atMost("largest / smallest transition over the ranks (in units of r(n1+n2))",
                Fits.max(transition) / Fits.min(transition), TRANSITION_SPREAD,
                "the transition scales like r(n1+n2): fails (ratio ≈ r_max/r_min) if the samples needed grew like"
                        + " r²(n1+n2), or if a rank never recovers (NaN)"));
        return new ExperimentResult(name(), "phase-diagram — sample complexity over (m/r(n1+n2), r)",
                "Small-init gradient descent recovers a rank-r X* from m Gaussian measurements once m is a constant"
                        + " multiple of r(n1 + n2), and cannot below the degrees of freedom r(n1 + n2 − r).",
                String.format(Locale.ROOT, "X* ∈ R^{%d×%d} of rank r ∈ %s (σ = 1, κ = 1), m = c·r(n1+n2) for c ∈ %s,"
                        + " %d seeds per cell; k = %d, α = %s, μ = %s, %d iterations", n, n,
                        java.util.Arrays.toString(ranks), java.util.Arrays.toString(ratios), seeds, n, Check.format(ALPHA),
                        Check.format(MU), iterations),
                numbers, table.toString(), figures, checks, List.of(), 0);
    }
}
