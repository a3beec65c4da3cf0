package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The structured operators run in fp32 on the CPU and follow the fp64 trajectory of the same problem and start to
 * within fp32 rounding. Both runs draw the same operator, X* and initial directions; the fp32 run rounds V, W, y, the
 * residual and the gradients to fp32 (unit roundoff u = 2⁻²⁴) at every step. Once fitted, each step contracts the
 * error towards the same fixed point by a factor ρ ≈ 1 − μσ_r(M) (M = 𝒜*𝒜(X*)), so the roundings of all steps add up
 * to at most about u·‖VWᵀ‖/(1 − ρ) ≈ 5u relative (μ = 0.25, σ_r(M) ≈ 1), times a few for the O(k) rounded terms of each
 * entry: the relative errors ‖VWᵀ − X*‖/‖X*‖ of the two runs must agree to 100u ≈ 6e-6 at every logged iteration
 * (measured: about u). The runs stop at floors of 1e-3 to 1e-2 (α = 1e-2, 1e-3), far above that, so a wrong fp32
 * path (a transposed or unscaled gradient, a lost update) fails by orders of magnitude.
 */
class StructuredOperatorFp32Test {
    private static final int ITERATIONS = 200;
    private static final double UNIT_ROUNDOFF_FP32 = Math.ulp(1.0f) / 2;

    private static List<DiagnosticRecord> run(OperatorKind kind, Precision precision) {
        ProblemSpec p = new ProblemSpec(20, 16, 2, 1.0, 1.0, 240, kind, 0.0, 5);
        BatchSpec spec = Fixtures.batch(p, 8, precision, ITERATIONS, 10, 0.25, 1e-2, 1e-3);
        List<DiagnosticRecord> records = new ArrayList<>();
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, p, precision);
            HostFactors init = HostFactors.drawInitial(spec.trajectories(), 20, 16, 8, spec.model().normalization());
            try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, init)) {
                gd.run(new RunObserver() {
                    @Override
                    public void onRecords(List<DiagnosticRecord> r) {
                        records.addAll(r);
                    }
                }, () -> false);
                return records;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = OperatorKind.class, names = {"HADAMARD", "COMPLETION", "RANK_ONE", "GAUSSIAN_IMPLICIT"})
    void fp32FollowsTheFp64TrajectoryWithinRounding(OperatorKind kind) {
        List<DiagnosticRecord> single = run(kind, Precision.FP32);
        List<DiagnosticRecord> dbl = run(kind, Precision.FP64);
        assertEquals(dbl.size(), single.size());
        double tolerance = 100 * UNIT_ROUNDOFF_FP32;
        double worst = 0;
        for (int i = 0; i < dbl.size(); i++) {
            DiagnosticRecord a = dbl.get(i);
            DiagnosticRecord b = single.get(i);
            assertEquals(a.iteration(), b.iteration());
            double gap = Math.abs(a.relativeError() - b.relativeError());
            worst = Math.max(worst, gap);
            assertTrue(gap <= tolerance, kind + " trajectory " + a.trajectory() + " iteration " + a.iteration()
                    + ": fp32 " + b.relativeError() + ", fp64 " + a.relativeError() + " (tolerance " + tolerance + ")");
        }
        double last = dbl.get(dbl.size() - 1).relativeError();
        assertTrue(last < 0.1, kind + ": the compared trajectory converges (final error " + last + ")");
        System.out.printf("%s: largest |fp32 − fp64| relative error %.3g (tolerance %.3g), final fp64 error %.3g%n", kind,
                worst, tolerance, last);
    }
}
