package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.tests.science.SimultaneousStep.squared;

import org.junit.jupiter.api.Test;
import org.msense.core.backend.Engine;
import org.msense.core.backend.Precision;
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

    @Test
    void holdsToRoundingAndCatchesASequentialStep() {
        try (Engine engine = Fixtures.cpu()) {
            SensingProblem problem = SensingProblem.generate(engine,
                    new ProblemSpec(N1, N2, 2, 1, 1, M, OperatorKind.COMPLETION, 0, 5), Precision.FP64);
            SimultaneousStep st = SimultaneousStep.take(problem, K, MU);

            // rounding: Grams of n-vectors (γ_n relative to ‖·‖²) and the step's gradients, whose entries are sums of
            // at most max(n1, n2) products s·res_i·w (γ_{n+k+2} relative to their magnitudes, bounded by ‖gradient‖
            // times the ratio of ‖E‖ terms, taken generously as 10)
            int n = Math.max(N1, N2) + K + 4;
            double gradients = 2 * MU * 10 * (Math.sqrt(squared(st.v1()) * squared(st.gv()))
                    + Math.sqrt(squared(st.w1()) * squared(st.gw())));
            double tol = 4 * n * U * (st.norms() + gradients);
            double error = st.mismatch();
            double secondOrder = st.secondOrder();
            assertTrue(error <= tol, "identity off by " + error + " > " + tol);
            assertTrue(secondOrder > 1e6 * tol, "the μ² term " + secondOrder + " stands far above rounding " + tol);

            // sequential (W from the new V): another first-order term appears
            double wrong = st.sequentialMismatch();
            assertTrue(wrong > 1e3 * tol, "a sequential step breaks the identity: " + wrong);
        }
    }
}
