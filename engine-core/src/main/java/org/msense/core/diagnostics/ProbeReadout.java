package org.msense.core.diagnostics;

/**
 * The small quantities read back from an engine for one trajectory, from which
 * {@link DiagnosticsCalculator} derives every diagnostic on the host in fp64.
 *
 * @param k                width
 * @param r                rank of X*
 * @param squaredResidual  ‖𝒜(VWᵀ) − y‖²
 * @param squaredGradient  ‖E‖_F²
 * @param squaredDistance  ‖VWᵀ − X*‖_F²
 * @param gramV            VᵀV (k×k)
 * @param gramW            WᵀW (k×k)
 * @param gramVPerp        V_⊥ᵀV_⊥ with V_⊥ = (I − U*U*ᵀ)V (k×k)
 * @param gramWPerp        W_⊥ᵀW_⊥ with W_⊥ = (I − V*V*ᵀ)W (k×k)
 * @param projV            P = U*ᵀV (r×k)
 * @param projW            Q = V*ᵀW (r×k)
 */
public record ProbeReadout(int k, int r, double squaredResidual, double squaredGradient, double squaredDistance,
        double[] gramV, double[] gramW, double[] gramVPerp, double[] gramWPerp, double[] projV, double[] projW) {
}
