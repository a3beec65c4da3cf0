package org.msense.core.spec;

import org.msense.core.backend.Precision;

/**
 * The factorized model V Wᵀ with V ∈ R^{n1×k}, W ∈ R^{n2×k}.
 *
 * @param width         k ≥ 1 (any k is legal: below, at, or far above the rank)
 * @param normalization variance of the Gaussian initial directions
 * @param precision     storage and arithmetic precision of the run
 */
public record ModelSpec(int width, InitNormalization normalization, Precision precision) {
    public ModelSpec {
        Checks.atLeast("width", width, 1);
        Checks.present("init", normalization);
        Checks.present("precision", precision);
    }
}
