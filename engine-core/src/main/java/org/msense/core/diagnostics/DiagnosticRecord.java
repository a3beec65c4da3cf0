package org.msense.core.diagnostics;

/**
 * The diagnostics of one trajectory at one logged iteration t, all of the iterate (V_t, W_t) before the
 * step that leaves it (so t = 0 describes the initialization).
 *
 * @param trajectory       index of the trajectory in its batch
 * @param iteration        t
 * @param loss             f(V_t, W_t) = ½‖𝒜(V_t W_tᵀ) − y‖² (for SGD: on the step's mini-batch)
 * @param relativeError    ‖V_t W_tᵀ − X*‖_F / ‖X*‖_F
 * @param imbalanceFro     ‖V_tᵀV_t − W_tᵀW_t‖_F
 * @param imbalanceSpectral ‖V_tᵀV_t − W_tᵀW_t‖_2
 * @param signalError      ‖U*ᵀ(V_tW_tᵀ)V* − diag(σ)‖_F
 * @param nuisanceNorm     ‖V_tW_tᵀ − P_U (V_tW_tᵀ) P_V‖_F with P_U = U*U*ᵀ, P_V = V*V*ᵀ
 * @param sinAngleLeft     sine of the largest principal angle between span(U*) and the top-r left singular
 *                         subspace of V_t
 * @param sinAngleRight    the same between span(V*) and the top-r left singular subspace of W_t
 * @param normV            ‖V_t‖_2
 * @param normW            ‖W_t‖_2
 * @param gradientNorm     ‖E_t‖_F with E_t = 𝒜*(𝒜(V_tW_tᵀ) − y)
 * @param wallSeconds      seconds since the first iteration started
 * @param singularValues   singular values of V_tW_tᵀ, descending (min(k, n1, n2) of them)
 */
public record DiagnosticRecord(int trajectory, int iteration, double loss, double relativeError, double imbalanceFro,
        double imbalanceSpectral, double signalError, double nuisanceNorm, double sinAngleLeft, double sinAngleRight,
        double normV, double normW, double gradientNorm, double wallSeconds, double[] singularValues) {

    /** Whether the quantities that signal divergence are finite. */
    public boolean isFinite() {
        return Double.isFinite(loss) && Double.isFinite(relativeError) && Double.isFinite(normV) && Double.isFinite(normW);
    }

    /** σ_i(V_tW_tᵀ) for 1-based i, or NaN when i exceeds the number recorded. */
    public double singularValue(int i) {
        return i >= 1 && i <= singularValues.length ? singularValues[i - 1] : Double.NaN;
    }
}
