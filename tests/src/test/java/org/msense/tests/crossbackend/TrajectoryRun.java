package org.msense.tests.crossbackend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.backend.Engine;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.BatchSpec;

/**
 * One batched GD run on one engine, from a spec alone: the engine generates its own 𝒜 from the spec's
 * seed (no data shared between the engines being compared), the initial factors come from the same Philox
 * streams, and everything logged is kept: every diagnostic record of every trajectory, and the final
 * V_bW_bᵀ computed on the host from the downloaded factors.
 *
 * @param records  every record, in the order the run logged them
 * @param products V_bW_bᵀ per trajectory, row-major n1×n2
 */
public record TrajectoryRun(List<DiagnosticRecord> records, List<double[]> products) {

    /** Runs {@code spec} on {@code engine} (which the caller closes). */
    public static TrajectoryRun run(Engine engine, BatchSpec spec) {
        SensingProblem problem = SensingProblem.generate(engine, spec.problem(), spec.model().precision());
        int n1 = problem.n1();
        int n2 = problem.n2();
        int k = spec.model().width();
        HostFactors init = HostFactors.drawInitial(spec.trajectories(), n1, n2, k, spec.model().normalization());
        List<DiagnosticRecord> records = new ArrayList<>();
        List<double[]> products = new ArrayList<>();
        try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, init)) {
            gd.run(new RunObserver() {
                @Override
                public void onRecords(List<DiagnosticRecord> r) {
                    records.addAll(r);
                }
            }, () -> false);
            HostFactors f = gd.factors();
            for (int b = 0; b < spec.size(); b++) {
                double[] p = new double[n1 * n2];
                for (int i = 0; i < n1; i++) {
                    for (int j = 0; j < n2; j++) {
                        double s = 0;
                        for (int l = 0; l < k; l++) {
                            s += f.v()[b * n1 * k + i * k + l] * f.w()[b * n2 * k + j * k + l];
                        }
                        p[i * n2 + j] = s;
                    }
                }
                products.add(p);
            }
        }
        return new TrajectoryRun(records, products);
    }

    /** The names of the compared diagnostics, in the order of {@link #values}. */
    static final List<String> FIELDS = List.of("loss", "relative error", "‖Δ‖_F", "‖Δ‖_2", "signal error", "nuisance norm",
            "sin angle left", "sin angle right", "‖V‖_2", "‖W‖_2", "‖E‖_F");

    /** The compared values of a record (everything but the wall time; singular values separately). */
    static double[] values(DiagnosticRecord r) {
        return new double[] {r.loss(), r.relativeError(), r.imbalanceFro(), r.imbalanceSpectral(), r.signalError(),
                r.nuisanceNorm(), r.sinAngleLeft(), r.sinAngleRight(), r.normV(), r.normW(), r.gradientNorm()};
    }

    /** The largest relative difference found between two runs, and where. */
    public record Difference(double worst, String where, double worstProduct) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "worst diagnostic difference %.3g (%s); worst ‖ΔVWᵀ‖_F/‖VWᵀ‖_F %.3g", worst,
                    where, worstProduct);
        }
    }

    /**
     * Relative differences |a − b| / max(|a|, |b|) of every diagnostic of every logged record (records are
     * matched by trajectory and iteration) and ‖P_a − P_b‖_F / ‖P_a‖_F of the final products.
     *
     * @throws AssertionError when the runs did not log the same records
     */
    public static Difference compare(TrajectoryRun a, TrajectoryRun b) {
        return compare(a, b, 0);
    }

    /**
     * As {@link #compare(TrajectoryRun, TrajectoryRun)}, but each diagnostic difference is divided by
     * max(|a|, |b|, its natural scale) when {@code truthNorm} = ‖X*‖_F &gt; 0: the scale of the operands it is
     * computed from, below which rounding cannot resolve it — ½‖X*‖_F² for the loss; 1 for the relative
     * error and the sines (already relative); ‖X*‖_F for the signal error, the nuisance norm, ‖E‖_F and the
     * singular values; ‖V‖_2² + ‖W‖_2² for the imbalance norms; none for ‖V‖_2 and ‖W‖_2.
     */
    public static Difference compare(TrajectoryRun a, TrajectoryRun b, double truthNorm) {
        if (a.records.size() != b.records.size() || a.products.size() != b.products.size()) {
            throw new AssertionError("the runs logged " + a.records.size() + " and " + b.records.size() + " records");
        }
        double worst = 0;
        String where = "nowhere";
        for (int i = 0; i < a.records.size(); i++) {
            DiagnosticRecord ra = a.records.get(i);
            DiagnosticRecord rb = b.records.get(i);
            if (ra.trajectory() != rb.trajectory() || ra.iteration() != rb.iteration()) {
                throw new AssertionError("record " + i + " is trajectory " + ra.trajectory() + " iteration " + ra.iteration()
                        + " in one run and " + rb.trajectory() + "/" + rb.iteration() + " in the other");
            }
            double[] va = values(ra);
            double[] vb = values(rb);
            double[] scale = truthNorm > 0 ? scales(ra, truthNorm) : new double[va.length];
            for (int f = 0; f < va.length; f++) {
                double d = relative(va[f], vb[f], scale[f]);
                if (d > worst || Double.isNaN(d)) {
                    worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                    where = FIELDS.get(f) + " of trajectory " + ra.trajectory() + " at iteration " + ra.iteration() + " ("
                            + va[f] + " vs " + vb[f] + ")";
                }
            }
            if (ra.singularValues().length != rb.singularValues().length) {
                throw new AssertionError("different numbers of singular values at record " + i);
            }
            for (int s = 0; s < ra.singularValues().length; s++) {
                double d = relative(ra.singularValues()[s], rb.singularValues()[s], truthNorm);
                if (d > worst || Double.isNaN(d)) {
                    worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                    where = "σ_" + (s + 1) + " of trajectory " + ra.trajectory() + " at iteration " + ra.iteration();
                }
            }
        }
        double worstProduct = 0;
        for (int t = 0; t < a.products.size(); t++) {
            double[] p = a.products.get(t);
            double[] q = b.products.get(t);
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < p.length; i++) {
                diff += (p[i] - q[i]) * (p[i] - q[i]);
                norm += p[i] * p[i];
            }
            worstProduct = Math.max(worstProduct, Math.sqrt(diff / norm));
        }
        return new Difference(worst, where, worstProduct);
    }

    static double relative(double x, double y, double scale) {
        if (x == y) {
            return 0;
        }
        return Math.abs(x - y) / Math.max(scale, Math.max(Math.abs(x), Math.abs(y)));
    }

    /** The natural scales of the fields of {@link #values}, in the same order. */
    private static double[] scales(DiagnosticRecord r, double truthNorm) {
        double t = truthNorm;
        double vw = r.normV() * r.normV() + r.normW() * r.normW();
        return new double[] {0.5 * t * t, 1, vw, vw, t, t, 1, 1, 0, 0, t};
    }
}
