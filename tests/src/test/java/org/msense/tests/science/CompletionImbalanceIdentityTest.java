package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The μ² imbalance identity on the completion operator: for the simultaneous step V' = V − μ·gradV, W' = W − μ·gradW
 * with the engine's gradients gradV = E W, gradW = Eᵀ V (E = 𝒜*(res), never formed),
 * Δ' − Δ = μ²(gradVᵀgradV − gradWᵀgradW), because the first-order terms Vᵀ E W and (Wᵀ Eᵀ V)ᵀ cancel — which they do
 * only if the two gradient passes apply the same adjoint. Checked in fp64 to a rounding bound computed from the
 * magnitudes involved; the first-order term is far above that bound, so a mismatch between the passes would show,
 * and a sequential update (W from the new V) fails.
 */
class CompletionImbalanceIdentityTest {
    private static final int N1 = 30;
    private static final int N2 = 24;
    private static final int K = 4;
    private static final int M = 400;
    private static final double MU = 0.3;
    private static final double U = 0x1p-53;

    private static double[] gram(double[] a, int n, int k) {
        double[] g = new double[k * k];
        for (int x = 0; x < k; x++) {
            for (int y = 0; y < k; y++) {
                for (int i = 0; i < n; i++) {
                    g[x * k + y] += a[i * k + x] * a[i * k + y];
                }
            }
        }
        return g;
    }

    private static double squared(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return s;
    }

    private static double[] step(double[] a, double[] grad) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - MU * grad[i];
        }
        return out;
    }

    /** ‖(Δ' − Δ) − μ²(gVᵀgV − gWᵀgW)‖_F */
    private static double mismatch(double[] v0, double[] w0, double[] v1, double[] w1, double[] gv, double[] gw) {
        double[] a = gram(v1, N1, K);
        double[] b = gram(w1, N2, K);
        double[] c = gram(v0, N1, K);
        double[] d = gram(w0, N2, K);
        double[] p = gram(gv, N1, K);
        double[] q = gram(gw, N2, K);
        double s = 0;
        for (int i = 0; i < K * K; i++) {
            double moved = (a[i] - b[i]) - (c[i] - d[i]);
            double predicted = MU * MU * (p[i] - q[i]);
            s += (moved - predicted) * (moved - predicted);
        }
        return Math.sqrt(s);
    }

    @Test
    void holdsToRoundingAndCatchesASequentialStep() {
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine,
                    new ProblemSpec(N1, N2, 2, 1, 1, M, OperatorKind.COMPLETION, 0, 5), Precision.FP64);
            SensingOperator op = problem.operator();
            Random rnd = new Random(8);
            double[] v0 = new double[N1 * K];
            double[] w0 = new double[N2 * K];
            for (int i = 0; i < v0.length; i++) {
                v0[i] = 0.4 * rnd.nextGaussian();
            }
            for (int i = 0; i < w0.length; i++) {
                w0[i] = 0.4 * rnd.nextGaussian();
            }
            MatrixBatch v = engine.allocate(Precision.FP64, 1, N1, K);
            MatrixBatch w = engine.allocate(Precision.FP64, 1, N2, K);
            MatrixBatch res = engine.allocate(Precision.FP64, 1, M, 1);
            MatrixBatch gvb = engine.allocate(Precision.FP64, 1, N1, K);
            MatrixBatch gwb = engine.allocate(Precision.FP64, 1, N2, K);
            engine.upload(v0, v);
            engine.upload(w0, w);
            op.residualAndGradients(v, w, problem.observations(), res, gvb, gwb);
            double[] gv = engine.download(gvb);
            double[] gw = engine.download(gwb);
            double[] v1 = step(v0, gv);
            double[] w1 = step(w0, gw);

            // rounding: Grams of n-vectors (γ_n relative to ‖·‖²) and the step's gradients, whose entries are sums of
            // at most max(n1, n2) products s·res_i·w (γ_{n+k+2} relative to their magnitudes, bounded by ‖gradient‖
            // times the ratio of ‖E‖ terms, taken generously as 10)
            int n = Math.max(N1, N2) + K + 4;
            double norms = squared(v0) + squared(w0) + squared(v1) + squared(w1) + MU * MU * (squared(gv) + squared(gw));
            double gradients = 2 * MU * 10 * (Math.sqrt(squared(v1) * squared(gv)) + Math.sqrt(squared(w1) * squared(gw)));
            double tol = 4 * n * U * (norms + gradients);
            double error = mismatch(v0, w0, v1, w1, gv, gw);
            double secondOrder = MU * MU * Math.sqrt(squared(gram(gv, N1, K)) + squared(gram(gw, N2, K)));
            assertTrue(error <= tol, "identity off by " + error + " > " + tol);
            assertTrue(secondOrder > 1e6 * tol, "the μ² term " + secondOrder + " stands far above rounding " + tol);

            // sequential (W from the new V): another first-order term appears
            MatrixBatch v1b = engine.allocate(Precision.FP64, 1, N1, K);
            engine.upload(v1, v1b);
            op.residualAndGradients(v1b, w, problem.observations(), res, gvb, gwb);
            double[] gwSequential = engine.download(gwb);
            double wrong = mismatch(v0, w0, v1, step(w0, gwSequential), gv, gwSequential);
            assertTrue(wrong > 1e3 * tol, "a sequential step breaks the identity: " + wrong);
        }
    }
}
