package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.tests.science.SimultaneousStep.squared;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.Engine;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
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
            SimultaneousStep st = SimultaneousStep.take(problem, K, MU);

            OperatorDescription data = st.op().describe();
            double[] mag = magnitudes(data, st.res(), st.v0(), st.w0());
            int terms = (kind == OperatorKind.HADAMARD ? 11 : M) + N2 + K + 4;
            double norms = st.norms();
            double first = 2 * MU * (Math.sqrt(squared(st.v1())) * mag[0] + Math.sqrt(squared(st.w1())) * mag[1]);
            double tol = 4 * terms * U * (norms + first);
            double error = st.mismatch();
            double secondOrder = st.secondOrder();
            assertTrue(error <= tol, kind + ": identity off by " + error + " > " + tol);
            assertTrue(secondOrder > 1e3 * tol, kind + ": the μ² term " + secondOrder + " stands far above rounding " + tol);

            double wrong = st.sequentialMismatch();
            assertTrue(wrong > 1e3 * tol, kind + ": a sequential step breaks the identity: " + wrong);
        }
    }
}
