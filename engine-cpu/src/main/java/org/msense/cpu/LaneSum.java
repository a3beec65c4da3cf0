package org.msense.cpu;

import jdk.incubator.vector.DoubleVector;

/**
 * The sum of a vector's lanes in one fixed order, lane 0 first: ((x₀ + x₁) + x₂) + ….
 *
 * <p>{@code reduceLanes(ADD)} leaves the order of a floating-point sum unspecified, and it differs between the
 * compiled intrinsic and the interpreted implementation; a run resumed in a fresh JVM (where the kernels are not yet
 * compiled) would then differ in the last bits from the uninterrupted run. This sum is the same in every JVM state.
 */
final class LaneSum {
    private LaneSum() {
    }

    /** Σ_l x_l in lane order; {@code x} is not modified. */
    static double of(DoubleVector x) {
        double s = x.lane(0);
        for (int l = 1; l < x.length(); l++) {
            s += x.lane(l);
        }
        return s;
    }
}
