package org.msense.core.spec;

import org.msense.core.backend.Precision;

/**
 * The factorized model V Wᵀ with V ∈ R^{n1×k}, W ∈ R^{n2×k}.
 *
 * @param width         k ≥ 1 (any k is legal: below, at, or far above the rank)
 * @param normalization variance of the Gaussian initial directions
 * @param precision     storage and arithmetic precision of the run
 * @param operatorPrecision storage precision of the sensing operator 𝒜: equal to {@code precision}, or fp32
 *                      with fp64 {@code precision} (𝒜 stored in fp32, all arithmetic in fp64; half the bytes
 *                      per pass). Whether a backend supports the pair is {@code Engine.supportsOperatorPrecision}.
 */
public record ModelSpec(int width, InitNormalization normalization, Precision precision, Precision operatorPrecision) {
    public ModelSpec {
        Checks.atLeast("width", width, 1);
        Checks.present("init", normalization);
        Checks.present("precision", precision);
        Checks.present("operator-precision", operatorPrecision);
        if (operatorPrecision != precision && !(operatorPrecision == Precision.FP32 && precision == Precision.FP64)) {
            throw new InvalidSpecException("operator-precision", "an operator in " + operatorPrecision
                    + " with data in " + precision + " is not supported; use fp32 storage with fp64 data, or equal precisions");
        }
    }

    /** The operator stored in the run's precision. */
    public ModelSpec(int width, InitNormalization normalization, Precision precision) {
        this(width, normalization, precision, precision);
    }
}
