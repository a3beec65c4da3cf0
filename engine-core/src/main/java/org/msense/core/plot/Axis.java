package org.msense.core.plot;

/**
 * An axis placed on the page: a {@link Ticks.Scale} plus the pixel positions of its two ends. Maps data
 * values to pixels linearly in the value (linear axis) or in its logarithm (log axis).
 */
final class Axis {
    private final Ticks.Scale scale;
    private final double p0;
    private final double p1;
    private final double f0;
    private final double f1;

    /**
     * @param p0 pixel coordinate of {@code scale.lo()}
     * @param p1 pixel coordinate of {@code scale.hi()} (smaller than {@code p0} for a vertical axis)
     */
    Axis(Ticks.Scale scale, double p0, double p1) {
        this.scale = scale;
        this.p0 = p0;
        this.p1 = p1;
        this.f0 = transform(scale.lo());
        this.f1 = transform(scale.hi());
    }

    Ticks.Scale scale() {
        return scale;
    }

    boolean log() {
        return scale.log();
    }

    double lo() {
        return scale.lo();
    }

    double hi() {
        return scale.hi();
    }

    /** Whether {@code v} can be drawn on this axis: finite, and positive on a log axis. */
    boolean accepts(double v) {
        return accepts(v, scale.log());
    }

    static boolean accepts(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /** Pixel coordinate of {@code v}; NaN when {@link #accepts} is false. Values outside the range extrapolate. */
    double toPixel(double v) {
        if (!accepts(v)) {
            return Double.NaN;
        }
        double t = (transform(v) - f0) / (f1 - f0);
        return p0 + t * (p1 - p0);
    }

    private double transform(double v) {
        return scale.log() ? Math.log10(v) : v;
    }
}
