package org.msense.core.diagnostics;

/**
 * The quantities read back from an engine for one trajectory, from which {@link DiagnosticsCalculator} derives
 * every diagnostic on the host in fp64: the factors themselves, their k×k Gram matrices, the r×k projections
 * onto the ground truth's factors and three squared norms. All matrices are row-major; the record keeps the
 * arrays it is given (no copies) and nothing modifies them.
 *
 * @param n1               rows of V
 * @param n2               rows of W
 * @param k                width
 * @param r                rank of X*
 * @param squaredResidual  ‖𝒜(VWᵀ) − y‖²
 * @param squaredGradient  ‖E‖_F²
 * @param squaredDistance  ‖VWᵀ − X*‖_F² measured densely, or NaN when it is to be computed from the factors
 * @param v                V (n1×k)
 * @param w                W (n2×k)
 * @param gramV            VᵀV (k×k)
 * @param gramW            WᵀW (k×k)
 * @param gramVPerp        V_⊥ᵀV_⊥ with V_⊥ = (I − U*U*ᵀ)V (k×k)
 * @param gramWPerp        W_⊥ᵀW_⊥ with W_⊥ = (I − V*V*ᵀ)W (k×k)
 * @param projV            P = U*ᵀV (r×k)
 * @param projW            Q = V*ᵀW (r×k)
 */
public record ProbeReadout(int n1, int n2, int k, int r, double squaredResidual, double squaredGradient,
        double squaredDistance, double[] v, double[] w, double[] gramV, double[] gramW, double[] gramVPerp,
        double[] gramWPerp, double[] projV, double[] projW) {

    /** @throws IllegalArgumentException if a dimension is below 1 or an array does not hold its shape */
    public ProbeReadout {
        if (n1 < 1 || n2 < 1 || k < 1 || r < 1) {
            throw new IllegalArgumentException("ProbeReadout: n1 = " + n1 + ", n2 = " + n2 + ", k = " + k + ", r = " + r
                    + "; all must be ≥ 1");
        }
        requireShape("V", v, n1, k);
        requireShape("W", w, n2, k);
        requireShape("VᵀV", gramV, k, k);
        requireShape("WᵀW", gramW, k, k);
        requireShape("V_⊥ᵀV_⊥", gramVPerp, k, k);
        requireShape("W_⊥ᵀW_⊥", gramWPerp, k, k);
        requireShape("U*ᵀV", projV, r, k);
        requireShape("V*ᵀW", projW, r, k);
    }

    private static void requireShape(String name, double[] a, int rows, int cols) {
        if (a == null || a.length != (long) rows * cols) {
            throw new IllegalArgumentException("ProbeReadout: " + name + " must be " + rows + "×" + cols + " = "
                    + (long) rows * cols + " entries, got " + (a == null ? "null" : a.length));
        }
    }
}
