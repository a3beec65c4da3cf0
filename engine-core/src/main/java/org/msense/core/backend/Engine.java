package org.msense.core.backend;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.msense.core.rng.DistinctIndexSampler;
import org.msense.core.rng.GaussianStream;
import org.msense.core.rng.StreamPurpose;
import org.msense.core.spec.OperatorKind;

/**
 * An open backend: allocates {@link MatrixBatch} buffers and runs the batched operations that the
 * algorithms are written with. All data stays where the engine keeps it (host arrays for the CPU, device
 * memory for CUDA); only {@link #download} and the reductions that return {@code double[]} bring numbers
 * back, and those are meant for small results (diagnostics) or for export.
 *
 * <p>Every public method is final: it checks shapes, precisions, ownership and aliasing here, once, with a
 * message naming the operation and the shapes, and then calls the backend's {@code protected …Impl}
 * method, which may assume valid arguments. Conventions follow EJML: outputs come last, and an output
 * may not be the same buffer as an input. In batched operations an operand with count 1 is broadcast.
 *
 * <p>Operations are ordered: a backend may run them asynchronously, but each sees the results of the
 * ones issued before it, and methods that return host values wait for them. An engine is not
 * thread-safe: use it from one thread at a time.
 */
public abstract class Engine implements AutoCloseable {
    private final String backendId;
    private final Set<MatrixBatch> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private long liveBytes;
    private long peakBytes;
    private boolean closed;

    protected Engine(String backendId) {
        this.backendId = backendId;
    }

    /** The id of the backend that opened this engine. */
    public final String backendId() {
        return backendId;
    }

    /** One line naming the device or processor this engine computes on. */
    public abstract String device();

    /** Facts for run summaries (library versions, thread count, driver …); ordered, never null. */
    public Map<String, String> properties() {
        return Map.of();
    }

    /**
     * Device memory the engine could still allocate, when the backend can tell (GPU); empty otherwise.
     * Used by the algorithms to refuse a run with an estimate instead of failing mid-way.
     */
    public OptionalLong freeMemoryBytes() {
        return OptionalLong.empty();
    }

    /**
     * Whether the sensing operations accept an operator stored in {@code operator} precision while the
     * other operands are in {@code work} precision. Every backend supports equal precisions.
     */
    public boolean supportsOperatorPrecision(Precision operator, Precision work) {
        return operator == work;
    }

    /** Bytes held by live buffers. */
    public final long liveBytes() {
        return liveBytes;
    }

    /** Most bytes held at once since the engine opened. */
    public final long peakBytes() {
        return peakBytes;
    }

    // ------------------------------------------------------------------ memory

    /**
     * Allocates {@code count} matrices of {@code rows × cols}. Contents are unspecified until written.
     *
     * @throws BackendException when the backend cannot hold it (the message gives the size)
     */
    public final MatrixBatch allocate(Precision precision, int count, int rows, int cols) {
        ensureOpen("allocate");
        if (precision == null) {
            throw new IllegalArgumentException("allocate: precision is null");
        }
        if (count < 1 || rows < 1 || cols < 1) {
            throw new IllegalArgumentException("allocate: every dimension must be ≥ 1, got " + count + "×" + rows + "×" + cols);
        }
        MatrixBatch m = allocateImpl(precision, count, rows, cols);
        if (m.owner() != this || m.count() != count || m.rows() != rows || m.cols() != cols || m.precision() != precision) {
            throw new IllegalStateException(backendId + " returned a batch that does not match the request");
        }
        live.add(m);
        liveBytes += m.bytes();
        peakBytes = Math.max(peakBytes, liveBytes);
        return m;
    }

    /** Frees a batch now rather than at {@link #close}. Releasing twice is an error. */
    public final void release(MatrixBatch m) {
        ensureOpen("release");
        own("release", "m", m);
        live.remove(m);
        liveBytes -= m.bytes();
        m.markReleased();
        releaseImpl(m);
    }

    /**
     * Copies host values into {@code dst}: {@code src[b·rows·cols + i·cols + j]} becomes element (i, j) of
     * item b (rounded to fp32 when {@code dst} is fp32). Modifies {@code dst}.
     */
    public final void upload(double[] src, MatrixBatch dst) {
        ensureOpen("upload");
        own("upload", "dst", dst);
        if (src == null || src.length != dst.elements()) {
            throw new IllegalArgumentException("upload: " + (src == null ? "null array" : src.length + " values")
                    + " for a batch of " + dst.shape() + " = " + dst.elements() + " elements");
        }
        uploadImpl(src, dst);
    }

    /** Copies a batch to a fresh host array in the order of {@link #upload}. Waits for pending work. */
    public final double[] download(MatrixBatch src) {
        ensureOpen("download");
        own("download", "src", src);
        if (src.elements() > Integer.MAX_VALUE - 8) {
            throw new BackendException("download: " + src.shape() + " has " + src.elements()
                    + " elements, more than a Java array holds");
        }
        return downloadImpl(src);
    }

    /**
     * Fills {@code dst} with {@code scale · z_idx}, where {@code z_idx} is the normal number at position
     * {@code idx} of {@code stream} and idx runs over the batch in upload order (item by item, row-major).
     * Every backend produces the same numbers (bit-identical in fp64). Modifies {@code dst}.
     */
    public final void fillGaussian(GaussianStream stream, double scale, MatrixBatch dst) {
        ensureOpen("fillGaussian");
        own("fillGaussian", "dst", dst);
        if (stream == null || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("fillGaussian: stream must be given and scale finite, got scale " + scale);
        }
        fillGaussianImpl(stream, scale, dst);
    }

    /** {@code dst ← src} (same shape and precision). Modifies {@code dst}. */
    public final void copy(MatrixBatch src, MatrixBatch dst) {
        ensureOpen("copy");
        own("copy", "src", src);
        own("copy", "dst", dst);
        distinct("copy", src, dst);
        samePrecision("copy", src, dst);
        if (src.count() != dst.count() || src.rows() != dst.rows() || src.cols() != dst.cols()) {
            throw new IllegalArgumentException("copy: shapes differ: src " + src.shape() + ", dst " + dst.shape());
        }
        copyImpl(src, dst);
    }

    // ------------------------------------------------------------------ dense linear algebra

    /**
     * Batched general matrix product {@code C_b ← α·op(A_b)·op(B_b) + β·C_b} for every item b of C, where
     * an A or B of count 1 is used for every b. With β = 0, C's old contents are ignored (NaN included).
     * Modifies {@code c}.
     */
    public final void gemm(double alpha, MatrixBatch a, Transpose ta, MatrixBatch b, Transpose tb, double beta,
            MatrixBatch c) {
        ensureOpen("gemm");
        own("gemm", "a", a);
        own("gemm", "b", b);
        own("gemm", "c", c);
        distinct("gemm", a, c);
        distinct("gemm", b, c);
        samePrecision("gemm", a, b);
        samePrecision("gemm", a, c);
        if (!Double.isFinite(alpha) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("gemm: α and β must be finite, got α=" + alpha + ", β=" + beta);
        }
        int m = ta.rows(a.rows(), a.cols());
        int k = ta.cols(a.rows(), a.cols());
        int kb = tb.rows(b.rows(), b.cols());
        int n = tb.cols(b.rows(), b.cols());
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(a) is " + m + "×" + k + ", op(b) is " + kb + "×" + n
                    + ", c is " + c.rows() + "×" + c.cols() + " (a " + a.shape() + " " + ta + ", b " + b.shape()
                    + " " + tb + ")");
        }
        broadcastable("gemm", "a", a, c.count());
        broadcastable("gemm", "b", b, c.count());
        gemmImpl(alpha, a, ta, b, tb, beta, c);
    }

    /**
     * Per-item scaled addition {@code Y_b ← Y_b + α_b·X_b} ({@code x} may have count 1). Modifies {@code y}.
     *
     * @param alpha one coefficient per item of {@code y}
     */
    public final void scaleAdd(double[] alpha, MatrixBatch x, MatrixBatch y) {
        ensureOpen("scaleAdd");
        own("scaleAdd", "x", x);
        own("scaleAdd", "y", y);
        distinct("scaleAdd", x, y);
        samePrecision("scaleAdd", x, y);
        sameItemShape("scaleAdd", x, y);
        broadcastable("scaleAdd", "x", x, y.count());
        if (alpha == null || alpha.length != y.count()) {
            throw new IllegalArgumentException("scaleAdd: need " + y.count() + " coefficients, got "
                    + (alpha == null ? "none" : alpha.length));
        }
        for (double v : alpha) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("scaleAdd: coefficients must be finite, got " + v);
            }
        }
        scaleAddImpl(alpha.clone(), x, y);
    }

    /** {@code ‖X_b‖_F²} for every item, accumulated in fp64. NaN if an item holds NaN or ±Inf. */
    public final double[] squaredNorms(MatrixBatch x) {
        ensureOpen("squaredNorms");
        own("squaredNorms", "x", x);
        return squaredNormsImpl(x);
    }

    /**
     * {@code ‖X_b − R_b‖_F²} for every item b of {@code x}, accumulated in fp64 ({@code ref} may have
     * count 1). Neither argument is modified.
     */
    public final double[] squaredDistances(MatrixBatch x, MatrixBatch ref) {
        ensureOpen("squaredDistances");
        own("squaredDistances", "x", x);
        own("squaredDistances", "ref", ref);
        samePrecision("squaredDistances", x, ref);
        sameItemShape("squaredDistances", x, ref);
        broadcastable("squaredDistances", "ref", ref, x.count());
        return squaredDistancesImpl(x, ref);
    }

    // ------------------------------------------------------------------ the sensing operator

    /**
     * Forward measurement and residual: {@code res_b ← 𝒜(X_b) − y_b}, where {@code op} is the stacked
     * m × (n1·n2) sensing matrix (row i = vec(A_i)/√m, row-major vec), so {@code 𝒜(X)_i = Σ_{jl} op[i, j·n2+l]·X[j,l]}.
     * Shapes: op 1×m×(n1·n2); x B×n1×n2; y 1×m×1 or B×m×1; res B×m×1. Modifies {@code res}.
     */
    public final void residual(MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res) {
        ensureOpen("residual");
        checkForward("residual", op, x, y, res);
        residualImpl(op, x, y, res);
    }

    /**
     * Adjoint: {@code E_b ← 𝒜*(res_b) = Σ_i res_b[i]·A_i/√m}, i.e. vec(E_b) = opᵀ·res_b.
     * Shapes: op 1×m×(n1·n2); res B×m×1; e B×n1×n2. Modifies {@code e}.
     */
    public final void adjoint(MatrixBatch op, MatrixBatch res, MatrixBatch e) {
        ensureOpen("adjoint");
        checkAdjoint("adjoint", op, res, e);
        adjointImpl(op, res, e);
    }

    /**
     * {@link #residual} then {@link #adjoint} in one call, so a backend can fuse them into one pass over
     * the sensing matrix: {@code res_b ← 𝒜(X_b) − y_b}, {@code E_b ← 𝒜*(res_b)}. Modifies {@code res} and
     * {@code e}; the results equal the two-call sequence up to rounding.
     */
    public final void residualAndAdjoint(MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res, MatrixBatch e) {
        ensureOpen("residualAndAdjoint");
        checkForward("residualAndAdjoint", op, x, y, res);
        checkAdjoint("residualAndAdjoint", op, res, e);
        distinct("residualAndAdjoint", x, e);
        sameItemShape("residualAndAdjoint", x, e);
        residualAndAdjointImpl(op, x, y, res, e);
    }

    /**
     * Whether {@link #openOperator} can build operators of this kind here. Every backend runs
     * {@link OperatorKind#GAUSSIAN} (through the sensing primitives above); others are backend work.
     */
    public boolean supportsOperator(OperatorKind kind) {
        return kind == OperatorKind.GAUSSIAN;
    }

    /**
     * Builds a sensing operator on this engine. The dense Gaussian one is stored as the 1×m×(n1·n2) matrix in
     * {@code precision}, generated (stream {@link StreamPurpose#SENSING} of the seed, scaled by 1/√m) or uploaded
     * from the description; a generated completion operator first draws its m distinct entries on the host
     * ({@link DistinctIndexSampler}, stream {@link StreamPurpose#COMPLETION_ENTRIES}), so every backend observes the
     * same entries. Other kinds are built by the backend ({@link #openOperatorImpl}).
     *
     * @param precision storage precision of a dense operator's matrix (see {@link #supportsOperatorPrecision});
     *                  structured operators compute in the precision of the factors they are given
     * @throws BackendException when this backend has no implementation of the kind (the message names the kinds it
     *                          has and what to use instead)
     */
    public final SensingOperator openOperator(OperatorDescription description, Precision precision) {
        ensureOpen("openOperator");
        if (description == null || precision == null) {
            throw new IllegalArgumentException("openOperator: description and precision must be given");
        }
        OperatorKind kind = description.kind();
        if (!supportsOperator(kind)) {
            String here = Arrays.stream(OperatorKind.values()).filter(this::supportsOperator).map(OperatorKind::id)
                    .collect(Collectors.joining(", "));
            throw new BackendException("the " + backendId + " backend has no implementation of the '" + kind.id()
                    + "' operator (it runs: " + here + "); use one of those, or a backend that has it (--backend cpu)");
        }
        OperatorDescription d = description;
        if (kind == OperatorKind.GAUSSIAN) {
            int m = d.m();
            MatrixBatch op = allocate(precision, 1, m, d.n1() * d.n2());
            try {
                if (d.dense() != null) {
                    upload(d.dense(), op);
                } else {
                    fillGaussian(new GaussianStream(d.seed(), StreamPurpose.SENSING, 0), 1.0 / Math.sqrt(m), op);
                }
            } catch (RuntimeException ex) {
                release(op);
                throw ex;
            }
            DenseSensingOperator dense = new DenseSensingOperator(this, op, d.n1(), d.n2(), true);
            dense.describedBy(OperatorDescription.generated(kind, d.n1(), d.n2(), m, d.seed()));
            return dense;
        }
        if (kind == OperatorKind.COMPLETION && d.entries() == null) {
            d = d.withEntries(DistinctIndexSampler.sample(d.seed(), StreamPurpose.COMPLETION_ENTRIES,
                    (long) d.n1() * d.n2(), d.m()));
        }
        SensingOperator made = openOperatorImpl(d, precision);
        if (made == null || made.engine() != this || made.kind() != kind || made.n1() != d.n1() || made.n2() != d.n2()
                || made.measurements() != d.m()) {
            throw new IllegalStateException(backendId + " returned an operator that does not match " + kind.id() + " "
                    + d.n1() + "×" + d.n2() + ", m = " + d.m());
        }
        made.describedBy(d);
        return made;
    }

    /**
     * A dense Gaussian operator over a matrix the caller keeps (1×m×(n1·n2), row i = vec(A_i)/√m); {@link
     * SensingOperator#release} frees its scratch but not {@code matrix}. Used for the fresh measurements of SGD.
     */
    public final SensingOperator denseOperatorOver(MatrixBatch matrix, int n1, int n2) {
        ensureOpen("denseOperatorOver");
        own("denseOperatorOver", "matrix", matrix);
        return new DenseSensingOperator(this, matrix, n1, n2, false);
    }

    /**
     * The stacked matrix of a dense Gaussian operator made by this engine (1×m×(n1·n2)), e.g. for export.
     *
     * @throws IllegalArgumentException for other kinds
     */
    public final MatrixBatch denseMatrix(SensingOperator operator) {
        if (!(operator instanceof DenseSensingOperator dense) || operator.engine() != this) {
            throw new IllegalArgumentException("denseMatrix: " + (operator == null ? "null" : "the " + operator.kind().id()
                    + " operator") + " is not a dense operator of this engine; only 'gaussian' is stored as a matrix");
        }
        return dense.matrix();
    }

    /** Waits until all issued work is done (a no-op on synchronous backends). */
    public final void synchronize() {
        ensureOpen("synchronize");
        synchronizeImpl();
    }

    /**
     * Frees every live buffer and the engine's own resources. Safe to call twice. Buffers become invalid.
     */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (MatrixBatch m : live.toArray(new MatrixBatch[0])) {
            try {
                m.markReleased();
                releaseImpl(m);
            } catch (RuntimeException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        live.clear();
        liveBytes = 0;
        try {
            closeImpl();
        } catch (RuntimeException ex) {
            if (first == null) {
                first = ex;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Whether {@link #close} has been called. */
    public final boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ what a backend implements

    protected abstract MatrixBatch allocateImpl(Precision precision, int count, int rows, int cols);

    protected abstract void releaseImpl(MatrixBatch m);

    protected abstract void uploadImpl(double[] src, MatrixBatch dst);

    protected abstract double[] downloadImpl(MatrixBatch src);

    protected abstract void fillGaussianImpl(GaussianStream stream, double scale, MatrixBatch dst);

    protected abstract void copyImpl(MatrixBatch src, MatrixBatch dst);

    protected abstract void gemmImpl(double alpha, MatrixBatch a, Transpose ta, MatrixBatch b, Transpose tb,
            double beta, MatrixBatch c);

    /** @param alpha a private copy, one finite value per item of y */
    protected abstract void scaleAddImpl(double[] alpha, MatrixBatch x, MatrixBatch y);

    protected abstract double[] squaredNormsImpl(MatrixBatch x);

    protected abstract double[] squaredDistancesImpl(MatrixBatch x, MatrixBatch ref);

    protected abstract void residualImpl(MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res);

    protected abstract void adjointImpl(MatrixBatch op, MatrixBatch res, MatrixBatch e);

    /** Default: the two unfused calls. Backends override it with a single pass where that pays. */
    protected void residualAndAdjointImpl(MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res, MatrixBatch e) {
        residualImpl(op, x, y, res);
        adjointImpl(op, res, e);
    }

    protected void synchronizeImpl() {
    }

    /**
     * Builds an operator of a kind {@link #supportsOperator} accepts (other than {@link OperatorKind#GAUSSIAN}, which
     * the engine builds itself). Generated completion operators arrive with their entries drawn.
     */
    protected SensingOperator openOperatorImpl(OperatorDescription description, Precision precision) {
        throw new BackendException("the " + backendId + " backend has no implementation of the '"
                + description.kind().id() + "' operator");
    }

    protected abstract void closeImpl();

    // ------------------------------------------------------------------ checks, in one place

    private void ensureOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the " + backendId + " engine is closed");
        }
    }

    private void own(String op, String name, MatrixBatch m) {
        if (m == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (m.owner() != this) {
            throw new IllegalArgumentException(op + ": " + name + " (" + m + ") belongs to another engine ("
                    + m.owner().backendId() + "); buffers cannot be shared between engines");
        }
        if (m.isReleased()) {
            throw new IllegalArgumentException(op + ": " + name + " (" + m.shape() + ") has been released");
        }
    }

    private static void distinct(String op, MatrixBatch in, MatrixBatch out) {
        if (in == out) {
            throw new IllegalArgumentException(op + ": the output " + out.shape()
                    + " is also an input; use a separate buffer");
        }
    }

    private static void samePrecision(String op, MatrixBatch a, MatrixBatch b) {
        if (a.precision() != b.precision()) {
            throw new IllegalArgumentException(op + ": precisions differ (" + a.precision() + " " + a.shape() + " vs "
                    + b.precision() + " " + b.shape() + ")");
        }
    }

    private static void sameItemShape(String op, MatrixBatch a, MatrixBatch b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": item shapes differ: " + a.shape() + " vs " + b.shape());
        }
    }

    private static void broadcastable(String op, String name, MatrixBatch m, int count) {
        if (m.count() != count && m.count() != 1) {
            throw new IllegalArgumentException(op + ": " + name + " has " + m.count() + " items; need " + count
                    + " or 1 (broadcast)");
        }
    }

    private void checkOperator(String opName, MatrixBatch op, MatrixBatch work) {
        own(opName, "op", op);
        if (op.count() != 1) {
            throw new IllegalArgumentException(opName + ": the sensing operator must be a single matrix, got " + op.shape());
        }
        if (!supportsOperatorPrecision(op.precision(), work.precision())) {
            throw new IllegalArgumentException(opName + ": the " + backendId + " backend cannot combine an operator in "
                    + op.precision() + " with data in " + work.precision());
        }
    }

    private void checkForward(String opName, MatrixBatch op, MatrixBatch x, MatrixBatch y, MatrixBatch res) {
        own(opName, "x", x);
        own(opName, "y", y);
        own(opName, "res", res);
        checkOperator(opName, op, x);
        samePrecision(opName, x, y);
        samePrecision(opName, x, res);
        distinct(opName, x, res);
        distinct(opName, y, res);
        distinct(opName, op, res);
        long m = op.rows();
        if (x.itemElements() != op.cols()) {
            throw new IllegalArgumentException(opName + ": x items are " + x.rows() + "×" + x.cols() + " = "
                    + x.itemElements() + " entries but the operator has " + op.cols() + " columns (n1·n2)");
        }
        if (y.rows() != m || y.cols() != 1 || res.rows() != m || res.cols() != 1) {
            throw new IllegalArgumentException(opName + ": y and res must be m×1 with m = " + m + ", got y "
                    + y.shape() + ", res " + res.shape());
        }
        if (res.count() != x.count()) {
            throw new IllegalArgumentException(opName + ": res has " + res.count() + " items, x has " + x.count());
        }
        broadcastable(opName, "y", y, x.count());
    }

    private void checkAdjoint(String opName, MatrixBatch op, MatrixBatch res, MatrixBatch e) {
        own(opName, "res", res);
        own(opName, "e", e);
        checkOperator(opName, op, res);
        samePrecision(opName, res, e);
        distinct(opName, res, e);
        distinct(opName, op, e);
        if (res.rows() != op.rows() || res.cols() != 1) {
            throw new IllegalArgumentException(opName + ": res must be " + op.rows() + "×1 (m×1), got " + res.shape());
        }
        if (e.itemElements() != op.cols()) {
            throw new IllegalArgumentException(opName + ": e items are " + e.rows() + "×" + e.cols()
                    + " but the operator has " + op.cols() + " columns (n1·n2)");
        }
        if (e.count() != res.count()) {
            throw new IllegalArgumentException(opName + ": e has " + e.count() + " items, res has " + res.count());
        }
    }
}
