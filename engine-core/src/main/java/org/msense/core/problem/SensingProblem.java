package org.msense.core.problem;

import org.msense.core.backend.Engine;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.OperatorDescription;
import org.msense.core.backend.Precision;
import org.msense.core.backend.SensingOperator;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.ProblemSpec;

/**
 * A sensing problem resident on an engine: the operator 𝒜 ({@link SensingOperator}), the observations y (1×m×1),
 * the singular vectors U* (1×n1×r), V* (1×n2×r) of X*, X* itself (1×n1×n2) only when n1·n2 ≤
 * {@link SensingOperator#DENSE_LIMIT}, plus the host copy of the ground truth (factors U*, σ, V*; its matrix only
 * under the same limit). A problem at n1 = n2 = 20,000 thus holds no n1×n2 array anywhere. The buffers belong to
 * the engine and are freed with it, or earlier by {@link #release}.
 */
public final class SensingProblem {
    private final Engine engine;
    private final GroundTruth truth;
    private final int measurements;
    private final double noise;
    private final long seed;
    private final SensingOperator operator;
    private final MatrixBatch observations;
    private final MatrixBatch truthMatrix;
    private final MatrixBatch truthLeft;
    private final MatrixBatch truthRight;

    private SensingProblem(Engine engine, GroundTruth truth, int measurements, double noise, long seed, SensingOperator operator,
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
     * engine by {@link Engine#openOperator} from the spec's operator kind and seed (for the dense Gaussian: stream
     * {@link StreamPurpose#SENSING} scaled by 1/√m, no host copy of 𝒜), and y = 𝒜(X*) + σ_noise·ξ with ξ from
     * stream {@link StreamPurpose#NOISE}.
     */
    public static SensingProblem generate(Engine engine, ProblemSpec spec, Precision precision) {
        return generate(engine, spec, precision, precision);
    }

    /**
     * As {@link #generate(Engine, ProblemSpec, Precision)} with a dense 𝒜 stored in {@code operatorPrecision} (y is
     * computed from the stored 𝒜, so the problem is exactly consistent with the operator the run uses).
     */
    public static SensingProblem generate(Engine engine, ProblemSpec spec, Precision precision, Precision operatorPrecision) {
        GroundTruth truth = GroundTruth.generate(spec);
        SensingOperator op = engine.openOperator(OperatorDescription.generated(spec.operator(), spec.n1(), spec.n2(),
                spec.measurements(), spec.seed()), operatorPrecision);
        return withOperator(engine, truth, op, spec.noise(), spec.seed(), precision);
    }

    /**
     * Builds the observations for a given operator: y = 𝒜(X*) + σ_noise·ξ ({@link SensingOperator#measure} of the
     * factors of X*), where ξ comes from stream {@link StreamPurpose#NOISE} of {@code seed} (substream 0). Takes
     * ownership of {@code op}.
     */
    static SensingProblem withOperator(Engine engine, GroundTruth truth, SensingOperator op, double noise, long seed,
            Precision precision) {
        int m = op.measurements();
        MatrixBatch xStar = truth.hasMatrix() ? upload(engine, precision, truth.matrix(), truth.n1(), truth.n2()) : null;
        MatrixBatch y = engine.allocate(precision, 1, m, 1);
        // measure computes 𝒜(X*) − (−σξ) = 𝒜(X*) + σξ: the noise enters as the shift it subtracts.
        double[] negativeNoise = new double[m];
        if (noise > 0) {
            new GaussianStream(seed, StreamPurpose.NOISE, 0).fill(0, -noise, negativeNoise, 0, m);
        }
        MatrixBatch shift = upload(engine, precision, negativeNoise, m, 1);
        op.measure(truth.left(), truth.sigma(), truth.right(), truth.rank(), shift, y);
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
        return fromDescription(engine, truth, OperatorDescription.ofDense(truth.n1(), truth.n2(), measurements, operator),
                observations, precision, operatorPrecision);
    }

    /**
     * A problem from an explicit operator description (dense matrix, completion entries, …) and y as given (no noise
     * is added). The description's n1, n2 must be the ground truth's.
     */
    public static SensingProblem fromDescription(Engine engine, GroundTruth truth, OperatorDescription description,
            double[] observations, Precision precision, Precision operatorPrecision) {
        if (description.n1() != truth.n1() || description.n2() != truth.n2()) {
            throw new IllegalArgumentException("the operator measures " + description.n1() + "×" + description.n2()
                    + " matrices but X* is " + truth.n1() + "×" + truth.n2());
        }
        int m = description.m();
        if (observations.length != m) {
            throw new IllegalArgumentException("y has " + observations.length + " entries; expected m = " + m);
        }
        SensingOperator op = engine.openOperator(description, operatorPrecision);
        MatrixBatch y = upload(engine, precision, observations, m, 1);
        return new SensingProblem(engine, truth, m, 0, 0, op, y,
                truth.hasMatrix() ? upload(engine, precision, truth.matrix(), truth.n1(), truth.n2()) : null,
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

    /** The sensing operator 𝒜. */
    public SensingOperator operator() {
        return operator;
    }

    /** y, 1×m×1. */
    public MatrixBatch observations() {
        return observations;
    }

    /** X*, 1×n1×n2, or null when n1·n2 exceeds {@link SensingOperator#DENSE_LIMIT} (see {@link #hasTruthMatrix}). */
    public MatrixBatch truthMatrix() {
        return truthMatrix;
    }

    /** Whether X* is held as a matrix on the engine (n1·n2 ≤ {@link SensingOperator#DENSE_LIMIT}). */
    public boolean hasTruthMatrix() {
        return truthMatrix != null;
    }

    /** The dense operator's stacked matrix (1×m×(n1·n2)); only for {@code gaussian} problems. */
    public MatrixBatch denseOperator() {
        return engine.denseMatrix(operator);
    }

    /** Frees the operator and the problem's buffers (the engine's close frees them too). */
    public void release() {
        operator.release();
        for (MatrixBatch m : new MatrixBatch[] {observations, truthMatrix, truthLeft, truthRight}) {
            if (m != null && !m.isReleased() && !engine.isClosed()) {
                engine.release(m);
            }
        }
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
