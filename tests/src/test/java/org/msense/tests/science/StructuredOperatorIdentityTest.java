package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;

/**
 * The μ² imbalance identity on the structured CPU operators (hadamard, gaussian-implicit, rank-one): for the
 * simultaneous step V' = V − μ·gradV, W' = W − μ·gradW with the engine's gradients gradV = 𝒜*(res) W and
 * gradW = 𝒜*(res)ᵀ V, Δ' − Δ = μ²(gradVᵀgradV − gradWᵀgradW), since the first-order terms Vᵀ𝒜*(res)W and its
 * transpose cancel — only if both gradients apply the same adjoint.
 *
 * <p>Tolerance, in fp64 (u = 2⁻⁵³): the Grams are sums of n products (γ_n relative to the squared norms), and the
 * first-order terms cancel up to the rounding of the gradients, whose entries are sums of at most L terms (L = m + n2
 * for gaussian-implicit and rank-one, log₂N + n2 for hadamard) bounded entrywise by the magnitudes |gradV|* computed
 * here on the host from the operator's own data (|A|ᵀ|r|-type sums): so the mismatch is at most
 * 4·L'·u·(Σ‖·‖² + 2μ(‖V'‖·‖|gradV|*‖ + ‖W'‖·‖|gradW|*‖)) with L' = L + k + 4. The μ² term is checked to stand far
 * above that bound, and a sequential step (W from the new V) to break the identity.
 */
class StructuredOperatorIdentityTest {
    private static final int N1 = 30;
    private static final int N2 = 24;
    private static final int K = 4;
    private static final int M = 400;
    private static final double MU = 0.3;
    private static final double U = 0x1p-53;

    private static double[] gram(double[] a, int n) {
        double[] g = new double[K * K];
        for (int x = 0; x < K; x++) {
            for (int y = 0; y < K; y++) {
                for (int i = 0; i < n; i++) {
                    g[x * K + y] += a[i * K + x] * a[i * K + y];
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
        double[] a = gram(v1, N1);
        double[] b = gram(w1, N2);
        double[] c = gram(v0, N1);
        double[] d = gram(w0, N2);
        double[] p = gram(gv, N1);
        double[] q = gram(gw, N2);
        double s = 0;
        for (int i = 0; i < K * K; i++) {
            double moved = (a[i] - b[i]) - (c[i] - d[i]);
            double predicted = MU * MU * (p[i] - q[i]);
            s += (moved - predicted) * (moved - predicted);
        }
        return Math.sqrt(s);
    }

    /**
     * Entrywise bounds of the terms summed into gradV (left) and gradW (right): Σ_jl |𝒜*|-magnitudes. Returns
     * {‖|gradV|*‖_F, ‖|gradW|*‖_F}.
     */
    private static double[] magnitudes(OperatorDescription d, double[] res, double[] v, double[] w) {
        int m = d.m();
        double[] eAbs = new double[N1 * N2];
        if (d.dense() != null) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < N1 * N2; j++) {
                    eAbs[j] += Math.abs(d.dense()[i * N1 * N2 + j] * res[i]);
                }
            }
        } else if (d.rows() != null) {
            double s = 0;
            for (double r : res) {
                s += Math.abs(r);
            }
            java.util.Arrays.fill(eAbs, s / Math.sqrt(m));
        } else {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < N1; j++) {
                    for (int l = 0; l < N2; l++) {
                        eAbs[j * N2 + l] += Math.abs(d.left()[i * N1 + j] * d.right()[i * N2 + l] * res[i]) / Math.sqrt(m);
                    }
                }
            }
        }
        double[] gv = new double[N1 * K];
        double[] gw = new double[N2 * K];
        for (int j = 0; j < N1; j++) {
            for (int l = 0; l < N2; l++) {
                for (int c = 0; c < K; c++) {
                    gv[j * K + c] += eAbs[j * N2 + l] * Math.abs(w[l * K + c]);
                    gw[l * K + c] += eAbs[j * N2 + l] * Math.abs(v[j * K + c]);
                }
            }
        }
        return new double[] {Math.sqrt(squared(gv)), Math.sqrt(squared(gw))};
    }

    @ParameterizedTest
    @EnumSource(value = OperatorKind.class, names = {"HADAMARD", "GAUSSIAN_IMPLICIT", "RANK_ONE"})
    void holdsToRoundingAndCatchesASequentialStep(OperatorKind kind) {
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine, new ProblemSpec(N1, N2, 2, 1, 1, M, kind, 0, 5),
                    Precision.FP64);
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

            OperatorDescription data = op.describe();
            double[] mag = magnitudes(data, engine.download(res), v0, w0);
            int terms = (kind == OperatorKind.HADAMARD ? 11 : M) + N2 + K + 4;
            double norms = squared(v0) + squared(w0) + squared(v1) + squared(w1) + MU * MU * (squared(gv) + squared(gw));
            double first = 2 * MU * (Math.sqrt(squared(v1)) * mag[0] + Math.sqrt(squared(w1)) * mag[1]);
            double tol = 4 * terms * U * (norms + first);
            double error = mismatch(v0, w0, v1, w1, gv, gw);
            double secondOrder = MU * MU * Math.sqrt(squared(gram(gv, N1)) + squared(gram(gw, N2)));
            assertTrue(error <= tol, kind + ": identity off by " + error + " > " + tol);
            assertTrue(secondOrder > 1e3 * tol, kind + ": the μ² term " + secondOrder + " stands far above rounding " + tol);

            MatrixBatch v1b = engine.allocate(Precision.FP64, 1, N1, K);
            engine.upload(v1, v1b);
            op.residualAndGradients(v1b, w, problem.observations(), res, gvb, gwb);
            double[] gwSequential = engine.download(gwb);
            double wrong = mismatch(v0, w0, v1, step(w0, gwSequential), gv, gwSequential);
            assertTrue(wrong > 1e3 * tol, kind + ": a sequential step breaks the identity: " + wrong);
        }
    }
}
