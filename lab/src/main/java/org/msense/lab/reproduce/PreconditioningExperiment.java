package org.msense.lab.reproduce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.Method;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;
import org.msense.lab.plot.LinePlot;
import org.msense.lab.plot.Series;

/**
 * What preconditioning and the asymmetric parameterization buy (docs/math.md, "Methods" and "The symmetric
 * model"), in three parts on near-isometric Gaussian problems (m = 10·r(n1 + n2)):
 * <ol>
 * <li>κ: iterations to a relative error of 10⁻⁸ for κ ∈ {1, 10, 100} at k = r: GD's grow about in proportion to κ
 * (its local rate is about μσ_r = μ/κ), ScaledGD(λ)'s do not (its preconditioner rescales every direction to
 * unit curvature);
 * <li>α: with k = 2r, GD's late linear rate depends on the initialization scale α (Xiong–Ding–Du: exp(−Ω(α²T)),
 * the nuisance directions decay only through the imbalance, which is O(α²)), ScaledGD(λ)'s does not;
 * <li>symmetry: on a positive semidefinite X* with k = 2r, GD on the symmetric model UUᵀ converges sublinearly (the
 * nuisance eigenvalues of UUᵀ decay like 1/(μt); Xiong–Ding–Du's Ω(1/T²) lower bound), while asymmetric GD on
 * VWᵀ from the same scale converges linearly.
 * </ol>
 */
public final class PreconditioningExperiment implements Experiment {
    static final double[] KAPPAS = {1, 10, 100};
    static final double[] ALPHAS = {0.3, 0.1, 0.03};
    static final double MU = 0.5;
    static final double SMALL_ALPHA = 1e-3;
    static final double TARGET = 1e-8;
    /** (a): λ = {@value}·σ_r(X*), the default of msense run. */
    static final double LAMBDA_FACTOR = 0.01;
    /**
     * (b): λ = {@value}. Over the window 10⁻²…10⁻⁴ ScaledGD(λ)'s rate is the same for every α (quick: 0.236, 0.248,
     * 0.240; full: 0.227, 0.228, 0.227 for α = 0.3, 0.1, 0.03). Deeper down it is set by the nuisance directions, whose
     * decay depends on how the squared sizes of their parts in V and W compare with λ, and it scatters between random
     * starts (10⁻⁵…10⁻⁸, full: 0.026, 0.0093, 0.075); with λ = 10⁻² it scatters already in the first window (quick:
     * 0.100, 0.043, 0.098).
     */
    static final double LAMBDA_B = 1e-4;
    /** The late phase starts when the relative error is first below this value (the growth phase is over). */
    static final double LATE_FROM = 1e-2;
    /** Records below this error are left out of the rate fits (rounding floor of fp64 is about 10⁻¹⁵). */
    static final double FIT_FLOOR = 1e-11;
    /** (b): the late rate is fitted over the first two decades of the late phase, errors from 10⁻² down to this. */
    static final double WINDOW_B = 1e-4;

    @Override
    public String name() {
        return "preconditioning";
    }

    @Override
    public String summary() {
        return "gd vs scaledgd over κ and α, symmetric vs asymmetric GD: who depends on κ, on α, and who is sublinear";
    }

    @Override
    public ExperimentResult run(Lab lab) throws IOException {
        boolean quick = lab.quick();
        int n = quick ? 20 : 40;
        int r = quick ? 2 : 3;
        int m = 10 * r * (2 * n);
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<Check> checks = new ArrayList<>();
        List<String> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        StringBuilder table = new StringBuilder();

        // (a) κ dependence at k = r
        int capA = quick ? 8000 : 30000;
        double[] gdIters = new double[KAPPAS.length];
        double[] scaledIters = new double[KAPPAS.length];
        LinePlot curvesA = new LinePlot("(a) Relative error against iteration, k = r, α = " + Check.format(SMALL_ALPHA))
                .xLabel("iteration").yLabel("‖VWᵀ − X*‖_F / ‖X*‖_F").yLog(true).xLog(true);
        table.append("| part | method | κ | α | iterations to 10⁻⁸ | late rate (−d ln err/dt) |\n|---|---|---|---|---|---|\n");
        for (int i = 0; i < KAPPAS.length; i++) {
            ProblemSpec spec = problem(n, r, m, KAPPAS[i], false);
            double lambda = LAMBDA_FACTOR / KAPPAS[i];
            SensingProblem problem = lab.problem(spec);
            try {
                Trajectories gd = lab.run(spec, problem, r, new AlgorithmSpec(capA, 5, TARGET, 0, Method.GD),
                        List.of(new TrajectorySpec(Setup.SEED, SMALL_ALPHA, SMALL_ALPHA, MU)));
                Trajectories scaled = lab.run(spec, problem, r, new AlgorithmSpec(capA, 5, TARGET, 0, Method.SCALED_GD),
                        List.of(new TrajectorySpec(Setup.SEED, SMALL_ALPHA, SMALL_ALPHA, MU, lambda)));
                gdIters[i] = reached(gd.firstBelow(0, TARGET));
                scaledIters[i] = reached(scaled.firstBelow(0, TARGET));
                curvesA.add(Series.line("gd, κ = " + Check.format(KAPPAS[i]), shifted(gd.iterations(0)),
                        gd.column(0, DiagnosticRecord::relativeError)).color(i));
                curvesA.add(Series.line("scaledgd, κ = " + Check.format(KAPPAS[i]), shifted(scaled.iterations(0)),
                        scaled.column(0, DiagnosticRecord::relativeError)).color(i).dashed());
            } finally {
                lab.release(problem);
            }
            row(table, "a", "gd", KAPPAS[i], SMALL_ALPHA, gdIters[i], Double.NaN);
            row(table, "a", "scaledgd", KAPPAS[i], SMALL_ALPHA, scaledIters[i], Double.NaN);
        }
        LinePlot itersPlot = new LinePlot("(a) Iterations to relative error 10⁻⁸ against κ (k = r)").xLabel("κ = σ₁/σ_r")
                .yLabel("iterations").xLog(true).yLog(true)
                .add(Series.markers("gd", KAPPAS, nanToCap(gdIters, capA)).withMarkers().color(0))
                .add(Series.markers("scaledgd", KAPPAS, nanToCap(scaledIters, capA)).withMarkers().color(1));
        figures.add(lab.figure(curvesA, "a-error-vs-iteration"));
        figures.add(lab.figure(itersPlot, "a-iterations-vs-kappa"));
        numbers.put("kappa", KAPPAS);
        numbers.put("(a) gd iterations to 1e-8", gdIters);
        numbers.put("(a) scaledgd iterations to 1e-8", scaledIters);
        double gdGrowth = Math.min(gdIters[1] / gdIters[0], gdIters[2] / gdIters[1]);
        double scaledSpread = max(scaledIters) / min(scaledIters);
        checks.add(Check.atLeast("(a) gd: smallest growth of the iterations to 1e-8 per 10× in κ", gdGrowth, 3,
                "GD's local rate is about μσ_r(X*) = μ/κ, and the growth of the smallest singular value from α takes about"
                        + " ln(1/α)/(μσ_r): both scale like κ, so 10× in κ should give about 10× the iterations (above"
                        + " κ = 1, where the other phases weigh more); we ask for at least 3× at each step"));
        checks.add(Check.atMost("(a) scaledgd: largest over smallest iterations to 1e-8 across κ ∈ {1, 10, 100}",
                scaledSpread, 2, "ScaledGD(λ)'s iteration count depends on κ only through log κ (Xu–Shen–Chi–Ma 2023):"
                        + " flat within 2×"));

        // (b) α dependence of the late rate at k = 2r
        int k = 2 * r;
        int itersB = quick ? 3000 : 6000;
        ProblemSpec specB = problem(n, r, m, 1, false);
        double[] gdRate = new double[ALPHAS.length];
        double[] scaledRate = new double[ALPHAS.length];
        LinePlot curvesB = new LinePlot("(b) Relative error against iteration, k = 2r, κ = 1").xLabel("iteration")
                .yLabel("‖VWᵀ − X*‖_F / ‖X*‖_F").yLog(true);
        SensingProblem problemB = lab.problem(specB);
        try {
            List<TrajectorySpec> gdTs = new ArrayList<>();
            List<TrajectorySpec> scaledTs = new ArrayList<>();
            for (double a : ALPHAS) {
                gdTs.add(new TrajectorySpec(Setup.SEED, a, a, MU));
                scaledTs.add(new TrajectorySpec(Setup.SEED, a, a, MU, LAMBDA_B));
            }
            Trajectories gd = lab.run(specB, problemB, k, new AlgorithmSpec(itersB, 10, 0, 0, Method.GD), gdTs);
            Trajectories scaled = lab.run(specB, problemB, k, new AlgorithmSpec(quick ? 400 : 800, 2, 0, 0, Method.SCALED_GD),
                    scaledTs);
            for (int b = 0; b < ALPHAS.length; b++) {
                gdRate[b] = lateRate(gd, b);
                scaledRate[b] = lateRate(scaled, b);
                curvesB.add(Series.line("gd, α = " + Check.format(ALPHAS[b]), gd.iterations(b),
                        gd.column(b, DiagnosticRecord::relativeError)).color(b));
                curvesB.add(Series.line("scaledgd, α = " + Check.format(ALPHAS[b]), scaled.iterations(b),
                        scaled.column(b, DiagnosticRecord::relativeError)).color(b).dashed());
                row(table, "b", "gd", 1, ALPHAS[b], reached(gd.firstBelow(b, TARGET)), gdRate[b]);
                row(table, "b", "scaledgd", 1, ALPHAS[b], reached(scaled.firstBelow(b, TARGET)), scaledRate[b]);
            }
        } finally {
            lab.release(problemB);
        }
        figures.add(lab.figure(curvesB, "b-error-vs-iteration"));
        numbers.put("alpha", ALPHAS);
        numbers.put("(b) gd late rate", gdRate);
        numbers.put("(b) scaledgd late rate", scaledRate);
        double gdSlope = Fits.logLogSlope(ALPHAS, gdRate);
        double scaledSlope = Fits.logLogSlope(ALPHAS, scaledRate);
        numbers.put("(b) log-log slope of the late rate against α: gd, scaledgd", new double[] {gdSlope, scaledSlope});
        checks.add(Check.atLeast("(b) gd: log-log slope of the late rate against α", gdSlope, 1,
                "Xiong–Ding–Du: overparameterized asymmetric GD converges like exp(−Ω(α²T)), since the nuisance directions"
                        + " shrink only through the imbalance VᵀV − WᵀW = O(α²): slope 2, less where the smallest α is still"
                        + " on its way to that regime at the end of the run: at least 1"));
        checks.add(Check.between("(b) scaledgd: log-log slope of the late rate against α", scaledSlope, -0.5, 0.5,
                "ScaledGD(λ)'s local linear rate does not depend on α (Xu–Shen–Chi–Ma 2023): slope 0 ± 0.5 (measured"
                        + " rates agree within 5 % across α; the margin is for other problems and precisions)"));

        // (c) symmetric against asymmetric GD on a PSD X*, k = 2r
        int itersC = quick ? 3000 : 6000;
        ProblemSpec specC = problem(n, r, m, 1, true);
        double alphaC = ALPHAS[0];
        List<TrajectorySpec> one = List.of(new TrajectorySpec(Setup.SEED, alphaC, alphaC, MU));
        Trajectories sym;
        Trajectories asym;
        SensingProblem problemC = lab.problem(specC);
        try {
            HostFactors random = HostFactors.drawInitial(one, n, n, k, InitNormalization.PER_WIDTH);
            HostFactors shared = new HostFactors(random.v(), random.v().clone());
            sym = lab.run(specC, problemC, k, new AlgorithmSpec(itersC, 10, 0, 0, Method.GD_SYMMETRIC), one, shared);
            asym = lab.run(specC, problemC, k, new AlgorithmSpec(itersC, 10, 0, 0, Method.GD), one, random);
        } finally {
            lab.release(problemC);
        }
        double[] symRates = halfRates(sym);
        double[] asymRates = halfRates(asym);
        double symEarly = symRates[0];
        double symLate = symRates[1];
        double asymEarly = asymRates[0];
        double asymLate = asymRates[1];
        double symPower = slope(late(sym, 0), true);
        double symEnd = sym.end(0).relativeError();
        double asymEnd = asym.end(0).relativeError();
        numbers.put("(c) symmetric GD: late rate, first and second half of the late phase", new double[] {symEarly, symLate});
        numbers.put("(c) asymmetric GD: late rate, first and second half of the late phase", new double[] {asymEarly, asymLate});
        numbers.put("(c) symmetric GD: log-log slope of the error over the late phase", symPower);
        numbers.put("(c) final relative error: symmetric, asymmetric", new double[] {symEnd, asymEnd});
        LinePlot curvesC = new LinePlot("(c) PSD X*, k = 2r, α = " + Check.format(alphaC) + ": symmetric UUᵀ against"
                + " asymmetric VWᵀ").xLabel("iteration").yLabel("relative error").yLog(true)
                .add(Series.line("symmetric GD (UUᵀ)", sym.iterations(0), sym.column(0, DiagnosticRecord::relativeError))
                        .color(2))
                .add(Series.line("asymmetric GD (VWᵀ)", asym.iterations(0), asym.column(0, DiagnosticRecord::relativeError))
                        .color(0));
        LinePlot logLogC = new LinePlot("(c) The same on log-log axes: a power law is a straight line").xLabel("iteration")
                .yLabel("relative error").xLog(true).yLog(true)
                .add(Series.line("symmetric GD (UUᵀ)", shifted(sym.iterations(0)),
                        sym.column(0, DiagnosticRecord::relativeError)).color(2))
                .add(Series.line("asymmetric GD (VWᵀ)", shifted(asym.iterations(0)),
                        asym.column(0, DiagnosticRecord::relativeError)).color(0));
        figures.add(lab.figure(curvesC, "c-symmetric-vs-asymmetric"));
        figures.add(lab.figure(logLogC, "c-symmetric-vs-asymmetric-loglog"));
        checks.add(Check.atMost("(c) symmetric GD: rate in the second half of the late phase over the first", symLate / symEarly,
                0.75, "sublinear: for error ∝ t^(−p) the rate −d ln err/dt = p/t falls as t grows (to about 0.4 between"
                        + " the halves of a phase from t₀ ≪ T to T); a linear rate keeps it at 1: at most 0.75"));
        checks.add(Check.atLeast("(c) asymmetric GD: rate in the second half of the late phase over the first", asymLate / asymEarly,
                0.8, "linear convergence (Xiong–Ding–Du, exp(−Ω(α²T))): a constant rate, ratio ≈ 1 (at least 0.8)"));
        checks.add(Check.atMost("(c) final error of asymmetric GD over that of symmetric GD", asymEnd / symEnd, 1e-2,
                "the linear rate leaves the sublinear one behind by orders of magnitude within the run"));
        notes.add(String.format(Locale.ROOT, "(c) symmetric GD's error falls like t^%s in its late phase (Xiong–Ding–Du prove"
                + " a lower bound of order 1/T² for this model; the nuisance eigenvalues of UUᵀ decay like 1/(μt))",
                Check.format(symPower)));

        return new ExperimentResult(name(), "preconditioning — κ and α independence of ScaledGD(λ); the curse of symmetry",
                "ScaledGD(λ) reaches a given accuracy in a number of iterations nearly independent of κ, where GD's grows"
                        + " about like κ (Xu–Shen–Chi–Ma, ICML 2023); in the overparameterized regime k > r GD's late"
                        + " linear rate shrinks with the initialization scale α while ScaledGD(λ)'s does not; and GD on the"
                        + " symmetric model UUᵀ converges sublinearly where asymmetric GD on VWᵀ converges linearly"
                        + " (Xiong–Ding–Du, ICLR 2024).",
                String.format(Locale.ROOT, "X* ∈ R^{%d×%d} of rank r = %d (σ₁ = 1), m = %d Gaussian measurements (10·r(n1 +"
                        + " n2)), seed %d; μ = %s, λ = %s·σ_r. (a) k = r, α = %s, κ ∈ {1, 10, 100}, cap %d iterations; (b) k"
                        + " = 2r, κ = 1, α ∈ {0.3, 0.1, 0.03}, λ = %s; (c) PSD X* = U*ΣU*ᵀ, k = 2r, α = %s, %d iterations. The late"
                        + " phase of a trajectory: its records from the first relative error ≤ 10⁻² on, down to 10⁻¹¹; a late"
                        + " rate is the least-squares slope of −ln(error) against t, over its first two decades (10⁻²…10⁻⁴)"
                        + " in (b), over each half of it in (c)", n, n, r, m, Setup.SEED, Check.format(MU),
                        Check.format(LAMBDA_FACTOR), Check.format(SMALL_ALPHA), capA, Check.format(LAMBDA_B),
                        Check.format(alphaC), itersC),
                numbers, table.toString(), figures, checks, notes, 0);
    }

    private static ProblemSpec problem(int n, int r, int m, double kappa, boolean symmetric) {
        return new ProblemSpec(n, n, r, kappa, 1.0, m, OperatorKind.GAUSSIAN, 0, Setup.SEED, symmetric);
    }

    /** An iteration count, NaN for −1 (not reached). */
    private static double reached(int t) {
        return t < 0 ? Double.NaN : t;
    }

    /** t + 1, so that t = 0 has a place on a log axis. */
    private static double[] shifted(double[] t) {
        return Arrays.stream(t).map(x -> x + 1).toArray();
    }

    private static double[] nanToCap(double[] v, int cap) {
        return Arrays.stream(v).map(x -> Double.isNaN(x) ? cap : x).toArray();
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static void row(StringBuilder table, String part, String method, double kappa, double alpha, double iters,
            double rate) {
        table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", part, method, Check.format(kappa),
                Check.format(alpha), Double.isNaN(iters) ? "not reached" : Check.format(iters),
                Double.isNaN(rate) ? "" : Check.format(rate)));
    }

    /**
     * The late phase of trajectory b: its records from the first one with relative error ≤ {@value #LATE_FROM} on,
     * leaving out those below {@value #FIT_FLOOR} (the rounding floor).
     */
    static List<DiagnosticRecord> late(Trajectories run, int b) {
        List<DiagnosticRecord> out = new ArrayList<>();
        boolean started = false;
        for (DiagnosticRecord d : run.of(b)) {
            started |= d.relativeError() <= LATE_FROM;
            if (started && d.relativeError() >= FIT_FLOOR) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * The late linear rate of trajectory b: −(slope of ln(error) against t) over its late phase while the error is
     * above {@value #WINDOW_B} (its first two decades).
     */
    static double lateRate(Trajectories run, int b) {
        return -slope(late(run, b).stream().filter(d -> d.relativeError() >= WINDOW_B).toList(), false);
    }

    /** −(slope of ln(error) against t) of trajectory 0 over the first and over the second half of its late phase. */
    static double[] halfRates(Trajectories run) {
        List<DiagnosticRecord> l = late(run, 0);
        return new double[] {-slope(l.subList(0, l.size() / 2), false), -slope(l.subList(l.size() / 2, l.size()), false)};
    }

    /** Least-squares slope of ln(error) against t (or ln t); NaN for fewer than 3 records. */
    static double slope(List<DiagnosticRecord> records, boolean logTime) {
        int count = records.size();
        if (count < 3) {
            return Double.NaN;
        }
        double[] x = new double[count];
        double[] y = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = logTime ? Math.log(records.get(i).iteration()) : records.get(i).iteration();
            y[i] = Math.log(records.get(i).relativeError());
        }
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < count; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }
}
