package org.msense.lab.reproduce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.lab.plot.LinePlot;
import org.msense.lab.plot.Series;
import org.msense.core.spec.ProblemSpec;

/**
 * The three phases of one run, located from the diagnostics: alignment (the column spaces of V and W turn
 * towards those of X* while the iterate is still small), growth (the signal rises to X*), and local
 * refinement (linear convergence to the floor).
 */
public final class PhasesExperiment implements Experiment {
    static final double ALPHA = 1e-6;
    static final double MU = 0.25;
    /** Alignment has ended when sin θ is within this factor of its lowest value before the end of growth. */
    static final double SETTLED = 1.1;
    /** Size of ‖VWᵀ‖₂/σ₁(X*) below which the iterate counts as small. */
    static final double SMALL = 1e-2;

    private static double angle(DiagnosticRecord d) {
        return Math.max(d.sinAngleLeft(), d.sinAngleRight());
    }

    @Override
    public String name() {
        return "phases";
    }

    @Override
    public String summary() {
        return "one run annotated with its alignment, growth and refinement phases (principal angles, signal, nuisance)";
    }

    @Override
    public ExperimentResult run(Lab lab) throws IOException {
        Setup s = lab.quick() ? Setup.base(true).with(2, 400) : Setup.base(false).with(3, 2000);
        int k = s.minDim();
        int iterations = lab.quick() ? 300 : 600;
        ProblemSpec spec = s.problem(1);
        double sigma1 = spec.singularValues()[0];
        double sigmaR = spec.singularValues()[s.rank() - 1];
        Trajectories run = lab.runOnNewProblem(spec, k, Setup.gd(iterations, 1), Setup.balanced(MU, ALPHA));
        List<DiagnosticRecord> h = run.of(0);
        // end of growth: σ_r(VWᵀ) within 10% of σ_r(X*)
        DiagnosticRecord grownAt = run.first(0, d -> d.singularValue(s.rank()) >= 0.9 * sigmaR);
        int grown = grownAt == null ? -1 : grownAt.iteration();
        // the iterate is "still small" up to t_small, the last iteration with σ_1(VWᵀ) ≤ 1% of σ_1(X*)
        DiagnosticRecord smallAt = h.get(0);
        for (DiagnosticRecord d : h) {
            if (d.singularValue(1) <= SMALL * sigma1) {
                smallAt = d;
            }
        }
        int small = smallAt.iteration();
        // end of alignment: the largest principal angle of the two factors has settled (within 10%) at its level at
        // t_small: the power method on 𝒜*𝒜(X*) has converged to that matrix's top-r subspaces, whose angle to U*, V*
        // (set by ‖𝒜*𝒜(X*) − X*‖) is removed only later, as the iterate grows and refines
        double angleSmall = angle(smallAt);
        DiagnosticRecord alignedAt = run.first(0, d -> angle(d) <= SETTLED * angleSmall);
        int aligned = alignedAt == null ? -1 : alignedAt.iteration();
        double angle0 = angle(h.get(0));
        double angleAligned = alignedAt == null ? Double.NaN : angle(alignedAt);
        double floor = run.end(0).relativeError();
        double errAtGrowth = grownAt == null ? Double.NaN : grownAt.relativeError();
        // refinement: linear convergence from the end of growth until the error is within 2× of the floor
        int growthEnd = Math.max(grown, 0);
        DiagnosticRecord settledAt = run.first(0, d -> d.iteration() > growthEnd && d.relativeError() <= 2 * floor);
        int settled = settledAt == null ? -1 : settledAt.iteration();
        double rate = Double.NaN;
        if (grown >= 0 && settled > grown) {
            rate = Math.pow(settledAt.relativeError() / errAtGrowth, 1.0 / (settled - grown));
        }

        double[] it = run.iterations(0);
        LinePlot plot = new LinePlot("Phases of one run: alignment, growth, refinement").xLabel("iteration")
                .yLabel("value").yLog(true)
                .add(Series.line("relative error", it, run.column(0, DiagnosticRecord::relativeError)).color(0))
                .add(Series.line("sin θ(col V, U*)", it, run.column(0, DiagnosticRecord::sinAngleLeft)).color(1))
                .add(Series.line("sin θ(col W, V*)", it, run.column(0, DiagnosticRecord::sinAngleRight)).color(2))
                .add(Series.line("signal ‖U*ᵀVWᵀV* − Σ‖_F", it, run.column(0, DiagnosticRecord::signalError)).color(3))
                .add(Series.line("nuisance ‖VWᵀ − P_U VWᵀ P_V‖_F", it, run.column(0, DiagnosticRecord::nuisanceNorm)).color(4))
                .add(Series.line("σ_1(VWᵀ)", it, run.column(0, d -> d.singularValue(1))).color(5));
        if (aligned >= 0) {
            plot.band(0, aligned, "alignment");
        }
        if (aligned >= 0 && grown > aligned) {
            plot.band(aligned, grown, "growth");
        }
        if (grown >= 0) {
            plot.band(grown, settled > 0 ? Math.min(iterations, 2 * settled) : iterations, "refinement");
        }
        plot.legend(true);
        if (settled > 0) {
            // show the three phases and the start of the floor, not the long flat tail
            plot.xRange(0, Math.min(iterations, 2 * settled));
        }
        List<String> figures = List.of(lab.figure(plot, "phases"));

        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("sin θ (largest of the two factors) at initialization", angle0);
        numbers.put("sin θ at the end of alignment", angleAligned);
        numbers.put("end of alignment (sin θ within 10% of its level while the iterate is small), iteration", (double) aligned);
        numbers.put("last iteration with σ_1(VWᵀ) ≤ 1% of σ_1(X*)", (double) small);
        numbers.put("sin θ at that iteration", angleSmall);
        numbers.put("end of growth (σ_r(VWᵀ) ≥ 0.9 σ_r(X*)), iteration", (double) grown);
        numbers.put("refinement reaches 2× the floor, iteration", (double) settled);
        numbers.put("refinement: error contraction per iteration", rate);
        numbers.put("floor (final relative error)", floor);
        List<Check> checks = new ArrayList<>();
        checks.add(Check.lessThan("end of alignment before end of growth (iteration difference, alignment − growth)",
                aligned < 0 || grown < 0 ? Double.NaN : aligned - grown, 0,
                "alignment precedes growth: the spectral (power-method) phase turns col(V), col(W) towards U*, V* first"));
        checks.add(Check.atMost("sin θ while the iterate is still small (σ_1(VWᵀ) ≤ 1% of X*) / sin θ at initialization",
                angleSmall / angle0, 0.5, "alignment happens before growth: while VWᵀ is still at the scale of the"
                        + " initialization, the random initial column spaces turn towards U*, V* (the angle at least halves)"));
        checks.add(Check.lessThan("refinement: error contraction factor per iteration", rate, 1,
                "local refinement converges linearly (a factor < 1 per iteration from the end of growth to the floor)"));
        checks.add(Check.atMost("refinement: final error / error at the end of growth", floor / errAtGrowth, 0.1,
                "refinement gains at least one decade below the end of growth"));
        return new ExperimentResult(name(), "phases — alignment, growth, refinement",
                "From small random initialization GD first behaves like a power method on 𝒜*𝒜(X*) and aligns the column"
                        + " spaces of V and W with U*, V* while staying small; then the signal grows to X*; then local"
                        + " refinement converges linearly to the α floor (Soltanolkotabi–Stöger–Xie 2023).",
                s.describe(1) + String.format(Locale.ROOT, "; k = %d, α = %s, μ = %s, %d iterations logged every"
                        + " iteration", k, Check.format(ALPHA), Check.format(MU), iterations),
                numbers, "", figures, checks, List.of(), 0);
    }
}
