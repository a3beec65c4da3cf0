package org.msense.core.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The update rule of the factorized descent (see docs/math.md, "Methods", for the equations and the papers).
 * With E = 𝒜*(𝒜(VWᵀ) − y):
 * <ul>
 * <li>{@link #GD}: V ← V − μ E W, W ← W − μ Eᵀ V (simultaneous);
 * <li>{@link #SCALED_GD}: ScaledGD(λ), V ← V − μ E W (WᵀW + λI)⁻¹, W ← W − μ Eᵀ V (VᵀV + λI)⁻¹ (simultaneous);
 * <li>{@link #PREC_GD}: PrecGD, the same with the damping η_t = c·‖𝒜(V_tW_tᵀ) − y‖₂ in place of λ;
 * <li>{@link #APGD}: alternating preconditioned GD, V first, then W with the gradient and the preconditioner
 * taken at the new V;
 * <li>{@link #GD_SYMMETRIC}: GD on the symmetric model X = U Uᵀ (n1 = n2, positive semidefinite X*),
 * U ← U − μ E_sym U with E_sym = (E + Eᵀ)/2, the gradient of ¼‖𝒜(UUᵀ) − y‖². It runs on the two factor buffers
 * of the other methods with V = W = U: both get the same update, so they stay equal bit for bit.
 * </ul>
 */
public enum Method {
    GD("gd"),
    SCALED_GD("scaledgd"),
    PREC_GD("precgd"),
    APGD("apgd"),
    GD_SYMMETRIC("gd-symmetric");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether the method preconditions the gradient with a damped k×k Gram matrix. */
    public boolean preconditioned() {
        return this != GD && this != GD_SYMMETRIC;
    }

    /** Whether the method trains the symmetric model X = U Uᵀ (one factor; needs a square, PSD problem). */
    public boolean symmetric() {
        return this == GD_SYMMETRIC;
    }

    /** Whether the per-trajectory damping value is the fixed λ (scaledgd, apgd). */
    public boolean usesLambda() {
        return this == SCALED_GD || this == APGD;
    }

    /** Parses a method name; the error lists the accepted ones. */
    public static Method parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Method m : values()) {
            if (m.id.equals(t)) {
                return m;
            }
        }
        throw new InvalidSpecException("method", "unknown method '" + text + "'; use one of "
                + Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
