package org.msense.core.problem;

import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.ProblemSpec;

/**
 * A sensing problem resident on an engine: the stacked operator 𝒜 (1×m×n1·n2, row i = vec(A_i)/√m),
 * the observations y (1×m×1), X* (1×n1×n2) and its singular vectors U* (1×n1×r), V* (1×n2×r), plus the
 * host copy of the ground truth. The buffers belong to the engine and are freed with it.
 */
public final class SensingProblem {
    private final Engine engine;
    private final GroundTruth truth;
    private final int measurements;
    private final double noise;
    private final long seed;
    private final MatrixBatch operator;
    private final MatrixBatch observations;
    private final MatrixBatch truthMatrix;
    private final MatrixBatch truthLeft;
    private final MatrixBatch truthRight;

    private SensingProblem(Engine engine, GroundTruth truth, int measurements, double noise, long seed, MatrixBatch operator,
            MatrixBatch observations, MatrixBatch truthMatrix, MatrixBatch truthLeft, MatrixBatch truthRight) {
        this.engine = engine;
        this.truth = truth;
        this.measurements = measurements;
        this.noise = noise;
        this.seed = seed;
        this.operator = operator;
        this.observations = observations;
        this.truthMatrix = truthMatrix;
        this.truthLeft = truthLeft;
        this.truthRight = truthRight;
    }

    /**
     * Builds a problem on the engine from its spec: X* on the host ({@link GroundTruth#generate}), 𝒜 on the
     * engine from stream {@link StreamPurpose#SENSING} scaled by 1/√m (no host copy of 𝒜), and
     * y = 𝒜(X*) + σ_noise·ξ with ξ from stream {@link StreamPurpose#NOISE}.
     */
    public static SensingProblem generate(Engine engine, ProblemSpec spec, Precision precision) {
        return generate(engine, spec, precision, precision);
    }

    /**
     * As {@link #generate(Engine, ProblemSpec, Precision)} with 𝒜 stored in {@code operatorPrecision} (y is
     * computed from the stored 𝒜, so the problem is exactly consistent with the operator the run uses).
     */
    public static SensingProblem generate(Engine engine, ProblemSpec spec, Precision precision, Precision operatorPrecision) {
        GroundTruth truth = GroundTruth.generate(spec);
        int m = spec.measurements();
        MatrixBatch op = engine.allocate(operatorPrecision, 1, m, spec.entries());
        engine.fillGaussian(new GaussianStream(spec.seed(), StreamPurpose.SENSING, 0), 1.0 / Math.sqrt(m), op);
        return withOperator(engine, truth, op, spec.noise(), spec.seed(), precision);
    }

    /**
     * Builds the observations for a given operator: y = 𝒜(X*) + σ_noise·ξ, where ξ comes from stream
     * {@link StreamPurpose#NOISE} of {@code seed} (substream 0). Takes ownership of {@code op}.
     */
    static SensingProblem withOperator(Engine engine, GroundTruth truth, MatrixBatch op, double noise, long seed,
            Precision precision) {
        int m = op.rows();
        MatrixBatch xStar = upload(engine, precision, truth.matrix(), truth.n1(), truth.n2());
        MatrixBatch y = engine.allocate(precision, 1, m, 1);
        // residual computes 𝒜(X*) − (−σξ) = 𝒜(X*) + σξ: the noise enters as the "observation" it subtracts.
        double[] negativeNoise = new double[m];
        if (noise > 0) {
            new GaussianStream(seed, StreamPurpose.NOISE, 0).fill(0, -noise, negativeNoise, 0, m);
        }
        MatrixBatch shift = upload(engine, precision, negativeNoise, m, 1);
        engine.residual(op, xStar, shift, y);
        engine.release(shift);
        return new SensingProblem(engine, truth, m, noise, seed, op, y, xStar,
                upload(engine, precision, truth.left(), truth.n1(), truth.rank()),
                upload(engine, precision, truth.right(), truth.n2(), truth.rank()));
    }

    /**
     * A problem from explicit arrays (e.g. NumPy files): 𝒜 as an m × n1·n2 row-major array that already
     * includes its 1/√m, and y as given (no noise is added).
     */
    public static SensingProblem fromArrays(Engine engine, GroundTruth truth, double[] operator, int measurements,
            double[] observations, Precision precision) {
        return fromArrays(engine, truth, operator, measurements, observations, precision, precision);
    }

    /**
     * As {@link #fromArrays(Engine, GroundTruth, double[], int, double[], Precision)} with 𝒜 stored in
     * {@code operatorPrecision} (rounded once on upload; y is kept as given).
     */
    public static SensingProblem fromArrays(Engine engine, GroundTruth truth, double[] operator, int measurements,
            double[] observations, Precision precision, Precision operatorPrecision) {
        int n = truth.n1() * truth.n2();
        if (operator.length != (long) measurements * n) {
            throw new IllegalArgumentException("the operator has " + operator.length + " entries; expected m·n1·n2 = "
                    + measurements + "·" + n);
        }
        if (observations.length != measurements) {
            throw new IllegalArgumentException("y has " + observations.length + " entries; expected m = " + measurements);
        }
        MatrixBatch op = upload(engine, operatorPrecision, operator, measurements, n);
        MatrixBatch y = upload(engine, precision, observations, measurements, 1);
        return new SensingProblem(engine, truth, measurements, 0, 0, op, y,
                upload(engine, precision, truth.matrix(), truth.n1(), truth.n2()),
                upload(engine, precision, truth.left(), truth.n1(), truth.rank()),
                upload(engine, precision, truth.right(), truth.n2(), truth.rank()));
    }

    private static MatrixBatch upload(Engine engine, Precision precision, double[] values, int rows, int cols) {
        MatrixBatch b = engine.allocate(precision, 1, rows, cols);
        engine.upload(values, b);
        return b;
    }

    public Engine engine() {
        return engine;
    }

    public GroundTruth truth() {
        return truth;
    }

    public int n1() {
        return truth.n1();
    }

    public int n2() {
        return truth.n2();
    }

    public int rank() {
        return truth.rank();
    }

    /** m, the number of measurements. */
    public int measurements() {
        return measurements;
    }

    /** σ_noise of the observations (0 for problems loaded from arrays). */
    public double noise() {
        return noise;
    }

    /** The problem seed (keys the fresh measurements of SGD as well). */
    public long seed() {
        return seed;
    }

    /** 𝒜, 1×m×(n1·n2). */
    public MatrixBatch operator() {
        return operator;
    }

    /** y, 1×m×1. */
    public MatrixBatch observations() {
        return observations;
    }

    /** X*, 1×n1×n2. */
    public MatrixBatch truthMatrix() {
        return truthMatrix;
    }

    /** U*, 1×n1×r. */
    public MatrixBatch truthLeft() {
        return truthLeft;
    }

    /** V*, 1×n2×r. */
    public MatrixBatch truthRight() {
        return truthRight;
    }
}
