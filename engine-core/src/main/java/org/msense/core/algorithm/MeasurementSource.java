package org.msense.core.algorithm;

import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.spec.OperatorKind;
import org.msense.core.problem.SensingProblem;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;

/**
 * The measurements a gradient step uses: the problem's fixed (𝒜, y) for gradient descent, or, for
 * stochastic gradient descent with fresh measurements, a new Gaussian 𝒜_t of b rows (scaled by 1/√b, so
 * E[𝒜_t*𝒜_t] = I) with y_t = 𝒜_t(X*) + σ_noise·ξ_t at every step t. Fresh draws come from streams
 * {@link StreamPurpose#SGD_SENSING} and {@link StreamPurpose#SGD_NOISE} of the problem seed with substream t,
 * generated on the engine (nothing crosses to the host). Fresh measurements are dense Gaussian, so they need a
 * {@code gaussian} problem (whose X* is held as a matrix).
 */
public abstract class MeasurementSource {

    /** The operator for step t (valid until the next call). */
    public abstract SensingOperator operator();

    /** The observations for step t (valid until the next call). */
    public abstract MatrixBatch observations();

    /** Makes {@link #operator()} and {@link #observations()} those of step t. */
    public abstract void prepare(int t);

    /** Rows of the operator: m, or the mini-batch size. */
    public abstract int rows();

    /** Frees what this source allocated. */
    public abstract void release();

    /** The problem's own measurements, the same at every step. */
    public static MeasurementSource fixed(SensingProblem problem) {
        return new MeasurementSource() {
            @Override
            public SensingOperator operator() {
                return problem.operator();
            }

            @Override
            public MatrixBatch observations() {
                return problem.observations();
            }

            @Override
            public void prepare(int t) {
            }

            @Override
            public int rows() {
                return problem.measurements();
            }

            @Override
            public void release() {
            }
        };
    }

    /** b fresh measurements per step. */
    public static MeasurementSource fresh(SensingProblem problem, int batchRows, Precision precision) {
        return new Fresh(problem, batchRows, precision);
    }

    /**
     * {@code source} with each draw kept for {@code steps} steps: {@link #prepare}(t) prepares {@code source} for
     * t₀ = t − (t mod steps), the start of t's period (so step t uses the measurements drawn for substream t₀ =
     * 0, T, 2T, …), and does nothing while t₀ is the one prepared last. With {@code steps} = 1 it is
     * {@code source} itself. Releasing it releases {@code source}.
     *
     * @throws IllegalArgumentException if {@code steps} &lt; 1
     */
    public static MeasurementSource heldFor(MeasurementSource source, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("measurements held for " + steps + " steps; the period must be ≥ 1");
        }
        return steps == 1 ? source : new Held(source, steps);
    }

    private static final class Held extends MeasurementSource {
        private final MeasurementSource source;
        private final int steps;
        private int prepared = -1;

        Held(MeasurementSource source, int steps) {
            this.source = source;
            this.steps = steps;
        }

        @Override
        public SensingOperator operator() {
            return source.operator();
        }

        @Override
        public MatrixBatch observations() {
            return source.observations();
        }

        @Override
        public void prepare(int t) {
            int periodStart = t - t % steps;
            if (periodStart != prepared) {
                source.prepare(periodStart);
                prepared = periodStart;
            }
        }

        @Override
        public int rows() {
            return source.rows();
        }

        @Override
        public void release() {
            source.release();
        }
    }

    private static final class Fresh extends MeasurementSource {
        private final SensingProblem problem;
        private final Engine engine;
        private final MatrixBatch op;
        private final SensingOperator dense;
        private final MatrixBatch y;
        private final MatrixBatch negativeNoise;
        private final int rows;

        Fresh(SensingProblem problem, int rows, Precision precision) {
            this.problem = problem;
            this.engine = problem.engine();
            this.rows = rows;
            if (problem.operator().kind() != OperatorKind.GAUSSIAN || !problem.hasTruthMatrix()) {
                throw new IllegalArgumentException("stochastic gradient descent with fresh measurements draws dense Gaussian"
                        + " operators; it needs a 'gaussian' problem with n1·n2 ≤ " + SensingOperator.DENSE_LIMIT
                        + ", not '" + problem.operator().kind().id() + "' at " + problem.n1() + "×" + problem.n2()
                        + " (set the mini-batch to 0 or use --operator gaussian)");
            }
            op = engine.allocate(problem.denseOperator().precision(), 1, rows, problem.n1() * problem.n2());
            dense = engine.denseOperatorOver(op, problem.n1(), problem.n2());
            y = engine.allocate(precision, 1, rows, 1);
            negativeNoise = engine.allocate(precision, 1, rows, 1);
            if (problem.noise() == 0) {
                engine.upload(new double[rows], negativeNoise);
            }
        }

        @Override
        public SensingOperator operator() {
            return dense;
        }

        @Override
        public MatrixBatch observations() {
            return y;
        }

        @Override
        public void prepare(int t) {
            engine.fillGaussian(new GaussianStream(problem.seed(), StreamPurpose.SGD_SENSING, t), 1.0 / Math.sqrt(rows), op);
            if (problem.noise() > 0) {
                engine.fillGaussian(new GaussianStream(problem.seed(), StreamPurpose.SGD_NOISE, t), -problem.noise(),
                        negativeNoise);
            }
            // y_t = 𝒜_t(X*) − (−σ ξ_t)
            engine.residual(op, problem.truthMatrix(), negativeNoise, y);
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public void release() {
            dense.release();
            engine.release(op);
            engine.release(y);
            engine.release(negativeNoise);
        }
    }
}
