package org.msense.lab.reproduce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.backend.Precision;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.lab.plot.LinePlot;
import org.msense.lab.plot.Series;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * Implicit balancing: the imbalance Δ = VᵀV − WᵀW starts at O(α²), moves only by the O(μ²) term of the
 * exact one-step identity, grows during the growth phase and then settles on a plateau.
 */
public final class BalanceExperiment implements Experiment {
    static final double[] ALPHAS = {1e-2, 1e-3};
    static final double[] STEPS = {0.1, 0.25};
    /** Bound on ‖Δ_t‖_F / max(‖V_t‖₂², ‖W_t‖₂²) over the run. */
    static final double RELATIVE_MAX = 0.05;
    /** Evenly spread steps at which the one-step identity is checked (plus each trajectory's largest μ² step). */
    static final int CHECKPOINTS = 8;

    @Override
    public String name() {
        return "balance";
    }

    @Override
    public String summary() {
        return "‖VᵀV − WᵀW‖ for several α, μ: the exact μ² identity, ‖Δ_T‖/‖V_T‖₂² and the μ exponent of the drift";
    }

    @Override
    public ExperimentResult run(Lab lab) throws IOException {
        Setup s = Setup.base(lab.quick());
        int k = s.minDim();
        int iterations = lab.quick() ? 400 : 800;
        int seeds = Setup.seeds(lab.quick());
        LinePlot plot = new LinePlot("Imbalance ‖VᵀV − WᵀW‖_F against iteration (first seed)").xLabel("iteration")
                .yLabel("‖VᵀV − WᵀW‖_F").yLog(true);
        StringBuilder table = new StringBuilder("First seed.\n\n| α | μ | ‖Δ_0‖_F | max ‖Δ_t‖_F | plateau ‖Δ_T‖_F | plateau / α² |"
                + " (plateau − ‖Δ_0‖) / μ² | drift bound | plateau / bound | last-quarter variation |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        Seed[] all = new Seed[seeds];
        for (int seed = 0; seed < seeds; seed++) {
            all[seed] = measure(lab, s, Setup.seed(seed), k, iterations, seed == 0, seed == 0 ? plot : null,
                    seed == 0 ? table : null);
        }
        Seed first = all[0];
        Spread relative = Spread.of(java.util.Arrays.stream(all).mapToDouble(Seed::relative).toArray());
        Spread exponent = Spread.of(java.util.Arrays.stream(all).mapToDouble(Seed::muExponent).toArray());
        Spread settle = Spread.of(java.util.Arrays.stream(all).mapToDouble(Seed::settle).toArray());
        Spread bound = Spread.of(java.util.Arrays.stream(all).mapToDouble(Seed::bound).toArray());
        List<String> figures = List.of(lab.figure(plot, "imbalance"));
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("one-step identity (first seed): steps checked (trajectories × checkpoints)", (double) first.stepsChecked());
        numbers.put("one-step identity: worst ‖moved − μ² term‖_F / tolerance", first.worstIdentity());
        numbers.put("one-step identity: largest ‖μ² term‖_F / tolerance", first.largestTerm());
        numbers.put("plateau ‖Δ_T‖_F per trajectory, first seed (μ-major, α-minor)", first.plateau());
        numbers.put("plateau ∝ μ^p at α = " + Check.format(ALPHAS[ALPHAS.length - 1]) + ": p", exponent);
        numbers.put("‖Δ_T‖_F / max(‖V_T‖₂², ‖W_T‖₂²) at the end, worst trajectory", relative);
        numbers.put("variation of ‖Δ_t‖_F over the last quarter, relative to the plateau, worst trajectory", settle);
        numbers.put("worst plateau / drift bound ‖Δ_0‖_F + μ²Σ_t‖E_t‖_F²(‖V_t‖₂² + ‖W_t‖₂²) (implied by the identity)", bound);
        List<Check> checks = new ArrayList<>();
        checks.add(Check.atMost("one-step identity Δ_{t+1} − Δ_t = μ²(WᵀEᵀEW − VᵀEEᵀV): worst error / tolerance",
                first.worstIdentity(), 1, "exact up to the rounding of one step in the run's precision, in the Frobenius norm"
                        + " (tolerance: the worst-case bound of ImbalanceIdentity, δ_V(2‖V_{t+1}‖₂ + δ_V) + δ_W(2‖W_{t+1}‖₂ + δ_W)"
                        + " with δ the rounding of each factor, plus the host's fp64 rounding); an algebraic identity, checked"
                        + " on the first seed. Fails for a wrong step or a wrong identity"));
        checks.add(Check.atLeast("one-step identity: largest μ² term / tolerance", first.largestTerm(), 2,
                "the μ² term must stand above rounding somewhere, or the identity check proves nothing"));
        checks.add(Check.atMost("‖Δ_T‖_F / max(‖V_T‖₂², ‖W_T‖₂²) at the end, worst trajectory, median over seeds",
                relative.median(), RELATIVE_MAX, "implicit balancing: Δ stays at O(α²) plus the μ² drift while ‖V‖₂², ‖W‖₂²"
                        + " grow from O(α²) to σ₁, so at the end VᵀV and WᵀW agree to within a few percent of their scale (at"
                        + " t = 0 the ratio is O(1): independent Gaussian factors); spread over seeds " + relative.text()
                        + ". Fails for a step that moves Δ at first order in μ"));
        checks.add(Check.atMost("variation of ‖Δ_t‖_F over the last quarter of the run, relative to the plateau, median over seeds",
                settle.median(), 0.01, "growth then plateau: once the residual is small the μ² term vanishes, so Δ settles"
                        + " (within 1%; spread over seeds " + settle.text() + "). Fails if Δ keeps drifting (a first-order"
                        + " term, or a run that has not converged)"));
        checks.add(Check.between("μ exponent p of the plateau (plateau ∝ μ^p at the smallest α), median over seeds",
                exponent.median(), 0.7, 1.5, "each step moves Δ by O(μ²) and the growth phase, where the residual is large,"
                        + " lasts O(1/μ) steps: p ≈ 1 (spread over seeds " + exponent.text() + "). Fails for a drift that"
                        + " accumulates over a μ-independent number of steps (p = 2) or that does not come from the step at"
                        + " all (p = 0)"));
        return new ExperimentResult(name(), "balance — implicit balancing of the two factors",
                "The imbalance Δ = VᵀV − WᵀW is conserved by gradient flow and moves under gradient descent only by the exact"
                        + " μ² term of the one-step identity; it starts at O(α²), grows while the residual is large (growth"
                        + " phase) and then settles, staying small (Soltanolkotabi–Stöger–Xie 2023, docs/math.md, prediction 4).",
                s.describe(1) + String.format(Locale.ROOT, "; k = %d, α ∈ {1e-2, 1e-3} × μ ∈ {0.1, 0.25} in one batch,"
                        + " %d iterations logged every iteration, %d seeds from %d (X*, 𝒜 and the initial directions from"
                        + " each); on the first seed the identity is checked on the host in fp64 at %d evenly spread steps"
                        + " and, per trajectory, at the step where its μ² term is largest", k, iterations, seeds, Setup.SEED,
                        CHECKPOINTS),
                numbers, table.toString(), figures, checks, List.of(), 0);
    }

    /**
     * What one seed gave: the identity check (zero steps when not checked), the plateau per trajectory, and the worst
     * trajectory's ‖Δ_T‖/max(‖V_T‖₂², ‖W_T‖₂²), last-quarter variation and plateau/drift bound, and the μ exponent.
     */
    private record Seed(int stepsChecked, double worstIdentity, double largestTerm, double[] plateau, double relative,
            double settle, double bound, double muExponent) {
    }

    /**
     * Runs the α × μ batch on the problem of {@code seed}; checks the one-step identity when {@code identity}; adds the
     * curves to {@code plot} and rows to {@code table} unless they are null.
     */
    private static Seed measure(Lab lab, Setup s, long seed, int k, int iterations, boolean identityCheck, LinePlot plot,
            StringBuilder table) {
        ProblemSpec spec = s.problem(1, 0, seed);
        List<TrajectorySpec> ts = new ArrayList<>();
        for (double mu : STEPS) {
            for (double a : ALPHAS) {
                ts.add(new TrajectorySpec(seed, a, a, mu));
            }
        }
        int batch = ts.size();
        SensingProblem problem = lab.problem(spec);
        Trajectories run;
        double worstIdentity = 0;
        double largestTerm = 0;
        int stepsChecked = 0;
        try {
            // rounded to the run's precision as the engine stores them, so that the host checks the step the engine took
            HostFactors initial = rounded(HostFactors.drawInitial(ts, s.n1(), s.n2(), k, InitNormalization.PER_WIDTH),
                    lab.precision());
            run = lab.run(spec, problem, k, Setup.gd(iterations, 1), ts, initial);
            if (identityCheck) {
                ImbalanceIdentity identity = new ImbalanceIdentity(lab.engine().download(problem.denseOperator()),
                        lab.engine().download(problem.observations()), s.m(), s.n1(), s.n2(), k,
                        lab.precision().unitRoundoff());
                HostFactors f = initial;
                // evenly spread checkpoints, plus, per trajectory, the step where the μ² term is largest (mid-growth)
                java.util.TreeSet<Integer> at = new java.util.TreeSet<>();
                for (int c = 0; c < CHECKPOINTS; c++) {
                    at.add(c * iterations / CHECKPOINTS);
                }
                for (int b = 0; b < batch; b++) {
                    double mu = ts.get(b).stepSize();
                    int best = 0;
                    double largest = -1;
                    for (DiagnosticRecord d : run.of(b)) {
                        double term = driftTerm(d, mu);
                        if (d.iteration() < iterations && term > largest) {
                            largest = term;
                            best = d.iteration();
                        }
                    }
                    at.add(best);
                }
                int t = 0;
                for (int c : at) {
                    if (c > t) {
                        f = lab.run(spec, problem, k, Setup.gd(c - t, c - t), ts, f).last();
                        t = c;
                    }
                    HostFactors before = f;
                    HostFactors next = lab.run(spec, problem, k, Setup.gd(1, 1), ts, f).last();
                    f = next;
                    t++;
                    for (int b = 0; b < batch; b++) {
                        ImbalanceIdentity.Outcome o = identity.check(slice(before.v(), b, s.n1() * k),
                                slice(before.w(), b, s.n2() * k), slice(next.v(), b, s.n1() * k),
                                slice(next.w(), b, s.n2() * k), ts.get(b).stepSize());
                        worstIdentity = Math.max(worstIdentity, o.worstRatio());
                        largestTerm = Math.max(largestTerm, o.largestTerm());
                        stepsChecked++;
                    }
                }
            }
        } finally {
            lab.release(problem);
        }
        double worstBound = 0;
        double worstSettle = 0;
        double worstRelative = 0;
        double[] plateau = new double[batch];
        for (int b = 0; b < batch; b++) {
            TrajectorySpec tr = ts.get(b);
            List<DiagnosticRecord> h = run.of(b);
            double mu = tr.stepSize();
            double d0 = h.get(0).imbalanceFro();
            double p = run.end(b).imbalanceFro();
            plateau[b] = p;
            double max = 0;
            // ‖Δ_T − Δ_0‖_F ≤ Σ_t μ²(‖E_tW_t‖_F² + ‖E_tᵀV_t‖_F²) ≤ μ² Σ_t ‖E_t‖_F²(‖W_t‖_2² + ‖V_t‖_2²)
            double bound = d0;
            double variation = 0;
            for (DiagnosticRecord d : h) {
                max = Math.max(max, d.imbalanceFro());
                if (d.iteration() < iterations) {
                    bound += driftTerm(d, mu);
                }
                if (d.iteration() >= 3 * iterations / 4) {
                    variation = Math.max(variation, Math.abs(d.imbalanceFro() - p) / p);
                }
            }
            worstBound = Math.max(worstBound, p / bound);
            // the imbalance relative to the scale of the factors at the end (at t = 0 both are O(α²): the ratio is O(1))
            DiagnosticRecord end = run.end(b);
            worstRelative = Math.max(worstRelative, p / Math.max(end.normV() * end.normV(), end.normW() * end.normW()));
            worstSettle = Math.max(worstSettle, variation);
            double alpha = tr.alphaV();
            if (table != null) {
                table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        Check.format(alpha), Check.format(mu), Check.format(d0), Check.format(max), Check.format(p),
                        Check.format(p / (alpha * alpha)), Check.format((p - d0) / (mu * mu)), Check.format(bound),
                        Check.format(p / bound), Check.format(variation)));
            }
            if (plot != null) {
                plot.add(Series.line(String.format(Locale.ROOT, "α = %s, μ = %s", Check.format(alpha), Check.format(mu)),
                        run.iterations(b), run.column(b, DiagnosticRecord::imbalanceFro)).color(b));
            }
        }
        // at the smallest α the initial imbalance is negligible and the plateau is the accumulated μ² drift
        int a = ALPHAS.length - 1;
        double muExponent = Math.log(plateau[ALPHAS.length + a] / plateau[a]) / Math.log(STEPS[1] / STEPS[0]);
        return new Seed(stepsChecked, worstIdentity, largestTerm, plateau, worstRelative, worstSettle, worstBound, muExponent);
    }

    /** μ²‖E_t‖_F²(‖V_t‖₂² + ‖W_t‖₂²): what one step can move ‖Δ‖_F by at most (the one-step identity). */
    private static double driftTerm(DiagnosticRecord d, double mu) {
        return mu * mu * d.gradientNorm() * d.gradientNorm() * (d.normV() * d.normV() + d.normW() * d.normW());
    }

    private static HostFactors rounded(HostFactors f, Precision precision) {
        if (precision != Precision.FP32) {
            return f;
        }
        double[] v = f.v().clone();
        double[] w = f.w().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) v[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) w[i];
        }
        return new HostFactors(v, w);
    }

    private static double[] slice(double[] a, int b, int size) {
        return Arrays.copyOfRange(a, b * size, (b + 1) * size);
    }
}
