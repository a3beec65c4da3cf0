package org.msense.tests.science;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.msense.tests.science.SimultaneousStep.squared;

import org.junit.jupiter.api.Test;
import org.msense.core.backend.Engine;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.tests.crossbackend.CudaSupport;

/**
 * The μ² imbalance identity Δ' − Δ = μ²(gradVᵀgradV − gradWᵀgradW) on the CUDA engine's {@code completion} and
 * {@code rank-one} operators: the same step, problem and rounding bounds as {@link CompletionImbalanceIdentityTest}
 * and {@link StructuredOperatorIdentityTest} on the CPU, with the gradients computed by the GPU kernels (completion:
 * the row-list and column-list gathers; rank-one: the stacked GEMMs). The first-order terms cancel only if both
 * gradient passes apply the same adjoint, so a wrong permutation or scaling in either pass shows far above the
 * bound; a sequential step (W from the new V) must break the identity. Skipped, with the probe's reason, without a
 * GPU (the host emulation runs it: CudaStructuredOperatorsEmulationTest).
 */
class CudaImbalanceIdentityTest {
    private static final int N1 = 30;
    private static final int N2 = 24;
    private static final int K = 4;
    private static final int M = 400;
    private static final double MU = 0.3;
    private static final double U = 0x1p-53;

    private static SimultaneousStep step(Engine engine, OperatorKind kind) {
        SensingProblem problem = SensingProblem.generate(engine, new ProblemSpec(N1, N2, 2, 1, 1, M, kind, 0, 5),
                Precision.FP64);
        return SimultaneousStep.take(problem, K, MU);
    }

    /** The bound of {@link CompletionImbalanceIdentityTest}. */
    @Test
    void holdsForCompletionToRoundingAndCatchesASequentialStep() {
        try (Engine engine = CudaSupport.openOrSkip()) {
            SimultaneousStep st = step(engine, OperatorKind.COMPLETION);
            int n = Math.max(N1, N2) + K + 4;
            double gradients = 2 * MU * 10 * (Math.sqrt(squared(st.v1()) * squared(st.gv()))
                    + Math.sqrt(squared(st.w1()) * squared(st.gw())));
            check("completion", st, 4 * n * U * (st.norms() + gradients), 1e6);
        }
    }

    /**
     * The bound of {@link StructuredOperatorIdentityTest}: the gradients' entries are sums of at most m + n2 terms,
     * bounded entrywise by |gradV|* = Σ_i |a_i||b_i|ᵀ|r_i|/√m · |W| (and likewise for gradW), computed here on the host
     * from the operator's a_i, b_i as the GPU holds them.
     */
    @Test
    void holdsForRankOneToRoundingAndCatchesASequentialStep() {
        try (Engine engine = CudaSupport.openOrSkip()) {
            SimultaneousStep st = step(engine, OperatorKind.RANK_ONE);
            OperatorDescription d = st.op().describe();
            double[] eAbs = new double[N1 * N2];
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < N1; j++) {
                    for (int l = 0; l < N2; l++) {
                        eAbs[j * N2 + l] += Math.abs(d.left()[i * N1 + j] * d.right()[i * N2 + l] * st.res()[i]) / Math.sqrt(M);
                    }
                }
            }
            double[] gv = new double[N1 * K];
            double[] gw = new double[N2 * K];
            for (int j = 0; j < N1; j++) {
                for (int l = 0; l < N2; l++) {
                    for (int c = 0; c < K; c++) {
                        gv[j * K + c] += eAbs[j * N2 + l] * Math.abs(st.w0()[l * K + c]);
                        gw[l * K + c] += eAbs[j * N2 + l] * Math.abs(st.v0()[j * K + c]);
                    }
                }
            }
            int terms = M + N2 + K + 4;
            double first = 2 * MU * (Math.sqrt(squared(st.v1()) * squared(gv)) + Math.sqrt(squared(st.w1()) * squared(gw)));
            check("rank-one", st, 4 * terms * U * (st.norms() + first), 1e3);
        }
    }

    private static void check(String kind, SimultaneousStep st, double tol, double margin) {
        double error = st.mismatch();
        double secondOrder = st.secondOrder();
        System.out.println(kind + " on CUDA: μ² identity mismatch " + error + " (bound " + tol + "), μ² term " + secondOrder);
        assertTrue(error <= tol, kind + ": identity off by " + error + " > " + tol);
        assertTrue(secondOrder > margin * tol, kind + ": the μ² term " + secondOrder + " stands far above rounding " + tol);
        double wrong = st.sequentialMismatch();
        assertTrue(wrong > 1e3 * tol, kind + ": a sequential step breaks the identity: " + wrong);
    }
}
