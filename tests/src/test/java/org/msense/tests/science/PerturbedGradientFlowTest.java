package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.msense.core.algorithm.BatchResult;
import org.msense.core.algorithm.BoundedPerturbation;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.PerturbedGradientFlow;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
import org.msense.core.diagnostics.DiagnosticRecord;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;

/**
 * {@link PerturbedGradientFlow} against {@link FactorizedGradientDescent} and the mathematics: with P = 0 it is
 * gradient descent bit for bit (fixed operator, and fresh measurements every step); one step with P ≠ 0 is
 * V − μ(E + P)W, W − μ(E + P)ᵀV on the host; {@link BoundedPerturbation} has the spectral norm asked for.
 */
class PerturbedGradientFlowTest {
    private static final int N1 = 20;
    private static final int N2 = 15;
    private static final int K = 6;

    private static BatchSpec spec(ProblemSpec p, int iterations, int minibatch, double mu, double... alphas) {
        List<TrajectorySpec> ts = new ArrayList<>();
        for (double a : alphas) {
            ts.add(new TrajectorySpec(p.seed(), a, a, mu));
        }
        return new BatchSpec(p, new ModelSpec(K, InitNormalization.PER_WIDTH, Precision.FP64),
                new AlgorithmSpec(iterations, 5, 0, minibatch), ts);
    }

    private record Run(HostFactors factors, List<DiagnosticRecord> records) {
    }

    private static RunObserver recorder(List<DiagnosticRecord> into) {
        return new RunObserver() {
            @Override
            public void onRecords(List<DiagnosticRecord> records) {
                into.addAll(records);
            }
        };
    }

    private static Run gd(SensingProblem problem, BatchSpec spec) {
        List<DiagnosticRecord> records = new ArrayList<>();
        try (FactorizedGradientDescent gd = new FactorizedGradientDescent(problem, spec, HostFactors.drawInitial(spec))) {
            gd.run(recorder(records), () -> false);
            return new Run(gd.factors(), records);
        }
    }

    private static Run flow(SensingProblem problem, BatchSpec spec, BoundedPerturbation p, int resampleEvery) {
        List<DiagnosticRecord> records = new ArrayList<>();
        try (PerturbedGradientFlow flow = new PerturbedGradientFlow(problem, spec, HostFactors.drawInitial(spec), p,
                resampleEvery)) {
            BatchResult r = flow.run(recorder(records), () -> false);
            assertEquals(spec.algorithm().iterations(), r.steps());
            return new Run(flow.factors(), records);
        }
    }

    private static void assertSameRun(Run expected, Run actual) {
        assertArrayEquals(expected.factors().v(), actual.factors().v(), 0.0, "V bit for bit");
        assertArrayEquals(expected.factors().w(), actual.factors().w(), 0.0, "W bit for bit");
        assertEquals(expected.records().size(), actual.records().size());
        for (int i = 0; i < expected.records().size(); i++) {
            DiagnosticRecord e = expected.records().get(i);
            DiagnosticRecord a = actual.records().get(i);
            assertEquals(e.iteration(), a.iteration());
            assertEquals(e.loss(), a.loss(), 0.0, "loss at " + e.iteration());
            assertEquals(e.relativeError(), a.relativeError(), 0.0, "error at " + e.iteration());
        }
    }

    @Test
    void withoutPerturbationOnTheFixedOperatorItIsGradientDescentBitForBit() {
        ProblemSpec p = Fixtures.smallProblem(31);
        BatchSpec spec = spec(p, 60, 0, 0.2, 1e-3, 0.1);
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, p, Precision.FP64);
            assertSameRun(gd(problem, spec), flow(problem, spec, BoundedPerturbation.none(N1, N2, 2), 0));
        }
    }

    @Test
    void withoutPerturbationAndResamplingEveryStepItIsFreshMeasurementSgdBitForBit() {
        ProblemSpec p = Fixtures.smallProblem(32);
        BatchSpec spec = spec(p, 40, 250, 0.2, 1e-2);
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, p, Precision.FP64);
            assertSameRun(gd(problem, spec), flow(problem, spec, BoundedPerturbation.none(N1, N2, 1), 1));
        }
    }

    /**
     * One step from (V₀, W₀) is V₀ − μ(E₀ + P)W₀, W₀ − μ(E₀ + P)ᵀV₀ with E₀ = 𝒜*(𝒜(V₀W₀ᵀ) − y) formed on the host;
     * tolerance: a few hundred unit roundoffs of the magnitudes involved, while the P term is many orders larger.
     */
    @Test
    void oneStepAddsThePerturbationToTheGradientMatrix() {
        ProblemSpec p = Fixtures.smallProblem(33);
        double mu = 0.2;
        double xi = 0.3;
        BatchSpec spec = spec(p, 1, 0, mu, 0.5);
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, p, Precision.FP64);
            HostModel host = new HostModel(engine.download(problem.denseOperator()), engine.download(problem.observations()),
                    p.measurements(), N1, N2, K);
            BoundedPerturbation pert = BoundedPerturbation.scaled(BoundedPerturbation.gaussianDirection(N1, N2, 3, 5), N1, N2,
                    xi);
            HostFactors f0 = HostFactors.drawInitial(spec);
            Run one = flow(problem, spec, pert, 0);
            double[] e = host.gradientMatrix(f0.v(), f0.w());
            double[] pm = pert.matrix(0);
            double[] ep = new double[e.length];
            for (int i = 0; i < e.length; i++) {
                ep[i] = e[i] + pm[i];
            }
            double[] gv = host.times(ep, f0.w());
            double[] gw = host.timesTransposed(ep, f0.v());
            double[] pw = host.times(pm, f0.w());
            double scale = HostModel.norm(f0.v()) + HostModel.norm(f0.w())
                    + mu * (HostModel.norm(e) + HostModel.norm(pm)) * (HostModel.norm(f0.v()) + HostModel.norm(f0.w()));
            double tol = 512 * 0x1p-53 * scale * p.measurements();
            for (int i = 0; i < gv.length; i++) {
                assertEquals(f0.v()[i] - mu * gv[i], one.factors().v()[i], tol, "V entry " + i);
            }
            for (int i = 0; i < gw.length; i++) {
                assertEquals(f0.w()[i] - mu * gw[i], one.factors().w()[i], tol, "W entry " + i);
            }
            assertTrue(mu * HostModel.norm(pw) > 1e6 * tol, "the perturbation's part of the step must stand far above"
                    + " the tolerance, or the test proves nothing");
        }
    }

    /** ‖P_b‖₂ = ξ_b, measured by a power iteration on PᵀP (independent of the SVD that scaled P). */
    @Test
    void perturbationsHaveTheSpectralNormAskedFor() {
        double[] xi = {0, 1e-3, 0.25, 2};
        for (int rank : new int[] {1, 4, Math.min(N1, N2)}) {
            BoundedPerturbation p = BoundedPerturbation.scaled(BoundedPerturbation.gaussianDirection(N1, N2, rank, 7), N1,
                    N2, xi);
            for (int b = 0; b < xi.length; b++) {
                assertEquals(xi[b], powerNorm(p.matrix(b), N1, N2), 1e-10 * Math.max(xi[b], 1e-300),
                        "rank " + rank + ", ξ = " + xi[b]);
            }
        }
        // projected outside orthonormal U (N1×2), V (N2×2): still ‖P‖₂ = ξ, and UᵀP = 0, PV = 0
        double[] u = orthonormalColumns(N1, 2, 11);
        double[] v = orthonormalColumns(N2, 2, 12);
        double[] d = BoundedPerturbation.outside(BoundedPerturbation.gaussianDirection(N1, N2, Math.min(N1, N2), 9), N1, N2,
                u, v, 2);
        BoundedPerturbation p = BoundedPerturbation.scaled(d, N1, N2, 0.5);
        double[] m = p.matrix(0);
        assertEquals(0.5, powerNorm(m, N1, N2), 1e-10);
        for (int q = 0; q < 2; q++) {
            for (int j = 0; j < N2; j++) {
                double s = 0;
                for (int i = 0; i < N1; i++) {
                    s += u[i * 2 + q] * m[i * N2 + j];
                }
                assertEquals(0, s, 1e-14, "UᵀP");
            }
            for (int i = 0; i < N1; i++) {
                double s = 0;
                for (int j = 0; j < N2; j++) {
                    s += m[i * N2 + j] * v[j * 2 + q];
                }
                assertEquals(0, s, 1e-14, "PV");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> BoundedPerturbation.scaled(new double[N1 * N2], N1, N2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> BoundedPerturbation.scaled(BoundedPerturbation.gaussianDirection(N1, N2, 1, 1), N1, N2, -1));
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        ProblemSpec p = Fixtures.smallProblem(34);
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, p, Precision.FP64);
            BatchSpec fixed = spec(p, 5, 0, 0.2, 0.1);
            IllegalArgumentException period = assertThrows(IllegalArgumentException.class,
                    () -> new PerturbedGradientFlow(problem, fixed, HostFactors.drawInitial(fixed),
                            BoundedPerturbation.none(N1, N2, 1), 3));
            assertTrue(period.getMessage().contains("minibatch"), period.getMessage());
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> new PerturbedGradientFlow(problem, fixed, HostFactors.drawInitial(fixed),
                            BoundedPerturbation.none(N1, N2, 2), 0));
            assertTrue(count.getMessage().contains("batch of 1"), count.getMessage());
        }
    }

    /** ‖A‖₂ by 3000 power iterations on AᵀA from a fixed random start (A is n1×n2 row-major). */
    private static double powerNorm(double[] a, int n1, int n2) {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] x = new double[n2];
        for (int j = 0; j < n2; j++) {
            x[j] = rnd.nextDouble() - 0.5;
        }
        double lambda = 0;
        for (int it = 0; it < 3000; it++) {
            double[] y = new double[n1];
            for (int i = 0; i < n1; i++) {
                for (int j = 0; j < n2; j++) {
                    y[i] += a[i * n2 + j] * x[j];
                }
            }
            double[] z = new double[n2];
            for (int i = 0; i < n1; i++) {
                for (int j = 0; j < n2; j++) {
                    z[j] += a[i * n2 + j] * y[i];
                }
            }
            lambda = HostModel.norm(z);
            if (lambda == 0) {
                return 0;
            }
            for (int j = 0; j < n2; j++) {
                x[j] = z[j] / lambda;
            }
        }
        return Math.sqrt(lambda);
    }

    /** n×r with orthonormal columns (Gram–Schmidt of a random matrix), row-major. */
    private static double[] orthonormalColumns(int n, int r, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] q = new double[n * r];
        for (int c = 0; c < r; c++) {
            double[] col = new double[n];
            for (int i = 0; i < n; i++) {
                col[i] = rnd.nextGaussian();
            }
            for (int prev = 0; prev < c; prev++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += col[i] * q[i * r + prev];
                }
                for (int i = 0; i < n; i++) {
                    col[i] -= dot * q[i * r + prev];
                }
            }
            double norm = HostModel.norm(col);
            for (int i = 0; i < n; i++) {
                q[i * r + c] = col[i] / norm;
            }
        }
        return q;
    }
}
