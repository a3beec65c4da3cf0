package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * The gradient step of {@link FactorizedGradientDescent} against the mathematics: the step direction equals
 * the gradient of f (checked by finite differences), and the imbalance obeys the exact identity
 * Δ_{t+1} − Δ_t = μ²(W_tᵀE_tᵀE_tW_t − V_tᵀE_tE_tᵀV_t).
 */
class GradientStepTest {
    private static final int N1 = 8;
    private static final int N2 = 6;
    private static final int K = 4;
    private static final int M = 120;

    private static ProblemSpec problem() {
        return new ProblemSpec(N1, N2, 2, 2.0, 1.0, M, OperatorKind.GAUSSIAN, 0.0, 17);
    }

    private static BatchSpec oneStep(Precision p, double mu, double alpha) {
        return new BatchSpec(problem(), new ModelSpec(K, InitNormalization.PER_WIDTH, p), new AlgorithmSpec(1, 1, 0, 0),
                List.of(new TrajectorySpec(5, alpha, alpha, mu)));
    }

    /** One gradient step from {@code from}. */
    private static HostFactors step(SensingProblem problem, BatchSpec spec, HostFactors from) {
        try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, from)) {
            gd.run(RunObserver.none(), () -> false);
            return gd.factors();
        }
    }

    @Test
    void stepDirectionIsTheGradientOfTheLoss() {
        double mu = 0.125;
        BatchSpec spec = oneStep(Precision.FP64, mu, 0.5);
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, spec.problem(), Precision.FP64);
            HostModel host = new HostModel(engine.download(problem.denseOperator()), engine.download(problem.observations()), M, N1, N2, K);
            HostFactors f0 = HostFactors.drawInitial(spec.trajectories(), N1, N2, K, InitNormalization.PER_WIDTH);
            HostFactors f1 = step(problem, spec, f0);
            double[] gv = new double[f0.v().length];
            double[] gw = new double[f0.w().length];
            for (int i = 0; i < gv.length; i++) {
                gv[i] = (f0.v()[i] - f1.v()[i]) / mu;
            }
            for (int i = 0; i < gw.length; i++) {
                gw[i] = (f0.w()[i] - f1.w()[i]) / mu;
            }
            SplittableRandom rnd = new SplittableRandom(9);
            double h = 1e-3;
            double f = host.loss(f0.v(), f0.w());
            for (int trial = 0; trial < 5; trial++) {
                // f is quadratic in V for fixed W (and in W for fixed V): the central difference is exact but for rounding
                double[] dv = unit(rnd, gv.length);
                double fdV = (host.loss(shift(f0.v(), dv, h), f0.w()) - host.loss(shift(f0.v(), dv, -h), f0.w())) / (2 * h);
                double[] dw = unit(rnd, gw.length);
                double fdW = (host.loss(f0.v(), shift(f0.w(), dw, h)) - host.loss(f0.v(), shift(f0.w(), dw, -h))) / (2 * h);
                // rounding: the loss carries ~ M·u·f, divided by h; the step carries u·|V|/μ per entry
                double tolV = 64 * M * 0x1p-53 * f / h + 8 * 0x1p-53 * HostModel.norm(f0.v()) / mu;
                double tolW = 64 * M * 0x1p-53 * f / h + 8 * 0x1p-53 * HostModel.norm(f0.w()) / mu;
                assertEquals(fdV, HostModel.dot(gv, dv), tolV, "∂f/∂V along a random direction");
                assertEquals(fdW, HostModel.dot(gw, dw), tolW, "∂f/∂W along a random direction");
                assertTrue(Math.abs(fdV) > 100 * tolV && Math.abs(fdW) > 100 * tolW, "directional derivatives must be non-trivial");
            }
        }
    }

    /**
     * Over 100 steps, Δ_{t+1} − Δ_t matches μ²(W_tᵀE_tᵀE_tW_t − V_tᵀE_tE_tᵀV_t) within the rounding of one step:
     * with S = ‖V_t‖_F + ‖W_t‖_F, the computed E_t differs from the exact one by at most γ_{N+m+2}·A (A the
     * magnitude ‖ |𝒜|ᵀ(|𝒜||vec X| + |y|) ‖), the update rounds with γ_{n+2}, and Δ moves by at most 2S times
     * the change of the factors: tol = 4S·[u·S + μ·(γ_{N+m+2}·A + γ_{max(n1,n2)+2}·‖E_t‖_F)·S].
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void imbalanceChangesExactlyByTheSecondOrderTerm(Precision precision) {
        double mu = 0.1;
        BatchSpec spec = oneStep(precision, mu, 0.3);
        double u = precision.unitRoundoff();
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, spec.problem(), precision);
            HostModel host = new HostModel(engine.download(problem.denseOperator()), engine.download(problem.observations()), M, N1, N2, K);
            HostFactors f = HostFactors.drawInitial(spec.trajectories(), N1, N2, K, InitNormalization.PER_WIDTH);
            f = new HostFactors(rounded(f.v(), precision), rounded(f.w(), precision));
            double largestTerm = 0;
            double largestTol = 0;
            List<String> failures = new ArrayList<>();
            for (int t = 0; t < 100; t++) {
                HostFactors next = step(problem, spec, f);
                double[] e = host.gradientMatrix(f.v(), f.w());
                double[] ew = host.times(e, f.w());
                double[] etv = host.timesTransposed(e, f.v());
                double[] a = host.gram(ew, ew, N1);
                double[] b = host.gram(etv, etv, N2);
                double[] d0 = host.imbalance(f.v(), f.w());
                double[] d1 = host.imbalance(next.v(), next.w());
                double s = HostModel.norm(f.v()) + HostModel.norm(f.w());
                int nn = N1 * N2;
                double tol = 4 * s * (u * s + mu * (gamma(nn + M + 2, u) * host.gradientMagnitude(f.v(), f.w())
                        + gamma(Math.max(N1, N2) + 2, u) * HostModel.norm(e)) * s);
                for (int i = 0; i < K * K; i++) {
                    double predicted = mu * mu * (a[i] - b[i]); // μ²(WᵀEᵀEW − VᵀEEᵀV)
                    double moved = d1[i] - d0[i];
                    largestTerm = Math.max(largestTerm, Math.abs(predicted) / tol);
                    if (Math.abs(moved - predicted) > tol) {
                        failures.add("t=" + t + " entry " + i + ": Δ moved " + moved + ", μ² term " + predicted + ", tol " + tol);
                    }
                }
                largestTol = Math.max(largestTol, tol);
                f = next;
            }
            assertTrue(failures.isEmpty(), failures.size() + " violations, first: " + (failures.isEmpty() ? "" : failures.get(0)));
            // The μ² term must be larger than the tolerance somewhere, with margin: otherwise a predicted change of
            // zero would pass too and the test would prove nothing (fp32 reaches about 4×, fp64 far more).
            assertTrue(largestTerm > 2, "the μ² term must exceed twice the tolerance somewhere (max ratio " + largestTerm
                    + ") or the test proves nothing");
        }
    }

    private static double gamma(int n, double u) {
        return n * u / (1 - n * u);
    }

    private static double[] rounded(double[] x, Precision p) {
        double[] y = x.clone();
        if (p == Precision.FP32) {
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) y[i];
            }
        }
        return y;
    }

    private static double[] unit(SplittableRandom rnd, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextGaussian();
        }
        double s = HostModel.norm(d);
        for (int i = 0; i < n; i++) {
            d[i] /= s;
        }
        return d;
    }

    private static double[] shift(double[] x, double[] d, double h) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += h * d[i];
        }
        return y;
    }
}
