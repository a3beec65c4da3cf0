package org.msense.core.backend;

import java.util.ArrayList;
import java.util.List;
import org.msense.core.spec.OperatorKind;

/**
 * A sensing operator 𝒜 : R^{n1×n2} → R^m resident on an {@link Engine}, applied to factored matrices X = V Wᵀ for a
 * batch of B trajectories. What gradient descent on f(V, W) = ½‖𝒜(VWᵀ) − y‖² needs from it:
 * <pre>
 *   residual:   res_b = 𝒜(V_b W_bᵀ) − y_b                       (V B×n1×k, W B×n2×k, y 1 or B ×m×1, res B×m×1)
 *   gradients:  gradV_b = 𝒜*(res_b) W_b,  gradW_b = 𝒜*(res_b)ᵀ V_b (B×n1×k, B×n2×k)
 * </pre>
 * An implementation need not form VWᵀ nor E = 𝒜*(res) (n1×n2): matrix completion and rank-one projections never
 * do, so that a problem at n1 = n2 = 20,000 holds O(m + (n1 + n2)k) numbers. Only where n1·n2 ≤ {@link #DENSE_LIMIT}
 * may the dense adjoint E itself be asked for ({@link #adjoint}), for diagnostics and reports.
 *
 * <p>Like {@link Engine}, every public method is final and checks shapes, precisions, ownership and aliasing once,
 * with a message naming the operation and the shapes, then calls a {@code protected …Impl} method that may assume
 * valid arguments. All operands belong to the operator's engine and share one (working) precision; outputs come
 * last and may not alias inputs. Operators are made by {@link Engine#openOperator}; {@link #release} frees what
 * they hold (the engine's {@link Engine#close} frees their buffers too).
 */
public abstract class SensingOperator {
    /**
     * The largest n1·n2 for which n1×n2 matrices (X*, VWᵀ, 𝒜*(res)) are formed for diagnostics: 2²² entries
     * (32 MiB in fp64 per matrix). Above it diagnostics use the factored formulas only.
     */
    public static final long DENSE_LIMIT = 1L << 22;

    private final Engine engine;
    private final OperatorKind kind;
    private final int n1;
    private final int n2;
    private final int m;
    private final List<MatrixBatch> scratch = new ArrayList<>();
    /** The resolved description it was opened from (data kept by reference), for export; set by the engine. */
    private OperatorDescription description;
    private boolean released;

    protected SensingOperator(Engine engine, OperatorKind kind, int n1, int n2, int m) {
        if (engine == null || kind == null || n1 < 1 || n2 < 1 || m < 1) {
            throw new IllegalArgumentException("SensingOperator: engine and kind must be given and n1, n2, m ≥ 1, got "
                    + kind + " " + n1 + "×" + n2 + ", m = " + m);
        }
        this.engine = engine;
        this.kind = kind;
        this.n1 = n1;
        this.n2 = n2;
        this.m = m;
    }

    /** The engine the operator lives on. */
    public final Engine engine() {
        return engine;
    }

    public final OperatorKind kind() {
        return kind;
    }

    public final int n1() {
        return n1;
    }

    public final int n2() {
        return n2;
    }

    /** m, the number of measurements. */
    public final int measurements() {
        return m;
    }

    /**
     * The description the engine opened this operator from, with its drawn data (e.g. the completion entries) filled
     * in, for export; null for operators made over a caller's matrix. A dense Gaussian operator's description carries
     * no matrix (download it with {@link Engine#denseMatrix}).
     */
    public final OperatorDescription description() {
        return description;
    }

    final void describedBy(OperatorDescription d) {
        this.description = d;
    }

    /** Bytes the operator holds on its engine and host (data and scratch), for memory reports. */
    public abstract long bytes();

    /** Whether {@link #release} has been called. */
    public final boolean isReleased() {
        return released;
    }

    // ------------------------------------------------------------------ the operations

    /**
     * {@code res_b ← 𝒜(V_b W_bᵀ) − y_b} for every trajectory b (y of count 1 is shared). Modifies {@code res}.
     */
    public final void residual(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res) {
        checkFactors("residual", v, w);
        checkResidual("residual", v, y, res);
        residualImpl(v, w, y, res);
    }

    /**
     * {@code gradV_b ← 𝒜*(res_b) W_b} and {@code gradW_b ← 𝒜*(res_b)ᵀ V_b} for every b. Modifies {@code gradV} and
     * {@code gradW}; {@code res}, {@code v}, {@code w} are not modified.
     */
    public final void gradients(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW) {
        checkFactors("gradients", v, w);
        checkRes("gradients", res, v.count(), v.precision());
        checkGradients("gradients", v, w, gradV, gradW, res);
        gradientsImpl(res, v, w, gradV, gradW);
    }

    /**
     * {@link #residual} then {@link #gradients} at the same (V, W): the results equal the two calls (up to rounding;
     * bit for bit for the dense Gaussian operator, whose single fused pass over 𝒜 computes both). Modifies
     * {@code res}, {@code gradV}, {@code gradW}.
     */
    public final void residualAndGradients(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        checkFactors("residualAndGradients", v, w);
        checkResidual("residualAndGradients", v, y, res);
        checkGradients("residualAndGradients", v, w, gradV, gradW, res);
        if (gradV == y || gradW == y) {
            throw new IllegalArgumentException("residualAndGradients: a gradient output is also y");
        }
        residualAndGradientsImpl(v, w, y, res, gradV, gradW);
    }

    /**
     * {@code ‖𝒜*(res_b)‖_F²} for every item b, accumulated in fp64, without forming 𝒜*(res) where the operator
     * allows it. {@code res} is not modified.
     */
    public final double[] adjointSquaredNorms(MatrixBatch res) {
        ensureUsable("adjointSquaredNorms");
        own("adjointSquaredNorms", "res", res);
        checkRes("adjointSquaredNorms", res, res.count(), res.precision());
        return adjointSquaredNormsImpl(res);
    }

    /**
     * Measures a factored matrix: {@code y ← 𝒜(U diag(σ) Vᵀ) − shift}, with U (n1×r), σ (r) and V (n2×r) given on the
     * host, row-major (not modified). Shapes: shift and y 1×m×1, same precision. Modifies {@code y}. (Problems use it
     * for y = 𝒜(X*) + ξ with shift = −ξ.)
     */
    public final void measure(double[] left, double[] sigma, double[] right, int rank, MatrixBatch shift, MatrixBatch y) {
        ensureUsable("measure");
        own("measure", "shift", shift);
        own("measure", "y", y);
        if (shift == y) {
            throw new IllegalArgumentException("measure: y is also the shift; use a separate buffer");
        }
        if (rank < 1 || sigma == null || sigma.length != rank || left == null || left.length != (long) n1 * rank
                || right == null || right.length != (long) n2 * rank) {
            throw new IllegalArgumentException("measure: need U " + n1 + "×r, σ of length r and V " + n2 + "×r with r = "
                    + rank + ", got " + (left == null ? "no U" : left.length + " U entries") + ", "
                    + (sigma == null ? "no σ" : sigma.length + " σ") + ", "
                    + (right == null ? "no V" : right.length + " V entries"));
        }
        for (MatrixBatch b : new MatrixBatch[] {shift, y}) {
            if (b.count() != 1 || b.rows() != m || b.cols() != 1) {
                throw new IllegalArgumentException("measure: shift and y must be 1×" + m + "×1, got " + b.shape());
            }
        }
        if (shift.precision() != y.precision()) {
            throw new IllegalArgumentException("measure: shift is " + shift.precision() + ", y is " + y.precision());
        }
        measureImpl(left, sigma, right, rank, shift, y);
    }

    /** Whether {@link #adjoint} is allowed: n1·n2 ≤ {@link #DENSE_LIMIT}. */
    public final boolean hasDenseAdjoint() {
        return (long) n1 * n2 <= DENSE_LIMIT;
    }

    /**
     * The dense adjoint {@code E_b ← 𝒜*(res_b)} (B×n1×n2), for diagnostics on problems with n1·n2 ≤
     * {@link #DENSE_LIMIT}. Modifies {@code e}.
     *
     * @throws BackendException when n1·n2 exceeds the limit
     */
    public final void adjoint(MatrixBatch res, MatrixBatch e) {
        ensureUsable("adjoint");
        own("adjoint", "res", res);
        own("adjoint", "e", e);
        if (!hasDenseAdjoint()) {
            throw new BackendException("adjoint: the " + kind.id() + " operator at n1·n2 = " + (long) n1 * n2
                    + " does not form dense n1×n2 matrices (limit " + DENSE_LIMIT + "); use gradients(…) instead");
        }
        checkRes("adjoint", res, res.count(), res.precision());
        if (e == res || e.count() != res.count() || e.rows() != n1 || e.cols() != n2 || e.precision() != res.precision()) {
            throw new IllegalArgumentException("adjoint: e must be a separate " + res.count() + "×" + n1 + "×" + n2 + " "
                    + res.precision() + " batch, got " + e.shape() + " " + e.precision());
        }
        adjointImpl(res, e);
    }

    // ------------------------------------------------------------------ export (hadamard, rank-one, gaussian-implicit)

    /**
     * The operator as explicit data on the host — the dense matrix, the hadamard rows and signs, the rank-one a_i and
     * b_i, the completion entries — for export (e.g. to NumPy); {@link Engine#openOperator} of the result builds an
     * operator with the same numbers. A {@code gaussian-implicit} operator is described by its dense matrix (the
     * numbers of {@code gaussian} for its seed), when that fits a Java array.
     *
     * @throws BackendException when the operator cannot be written out (the message says why)
     */
    public final OperatorDescription describe() {
        ensureUsable("describe");
        return describeImpl();
    }

    /** Default: not exportable. */
    protected OperatorDescription describeImpl() {
        throw new BackendException("the " + kind.id() + " operator of the " + engine.backendId()
                + " backend cannot be written out");
    }

    /**
     * Gets the engine's kernels for {@link #residualAndGradients} ready for {@code batch} trajectories of width
     * {@code width} in precision {@code work} before any timed step, so that the first steps of a run are not spent
     * compiling them (the CPU engine's vector kernels are compiled by the JVM while they run). The dense Gaussian
     * operator runs its pass on a 32-row operator of the same n1, n2 and precision until the call time stops falling
     * ({@link KernelWarmUp}, at most 1.5 s), once per shape in a JVM; other kinds do nothing. Returns the number of
     * warm-up calls (0 when there was nothing to do); modifies nothing the caller can see.
     */
    public final int warmUp(int batch, int width, Precision work) {
        ensureUsable("warmUp");
        if (batch < 1 || width < 1 || work == null) {
            throw new IllegalArgumentException("warmUp: batch and width must be ≥ 1 and the precision given, got batch "
                    + batch + ", width " + width + ", " + work);
        }
        return warmUpImpl(batch, width, work);
    }

    /** Default: nothing (0 calls). */
    protected int warmUpImpl(int batch, int width, Precision work) {
        return 0;
    }

    /** Frees what the operator holds (its data and scratch). Safe to call twice; the operator is unusable after. */
    public final void release() {
        if (released) {
            return;
        }
        released = true;
        if (!engine.isClosed()) {
            for (MatrixBatch b : scratch) {
                if (!b.isReleased()) {
                    engine.release(b);
                }
            }
        }
        scratch.clear();
        releaseImpl();
    }

    // ------------------------------------------------------------------ what an implementation provides

    protected abstract void residualImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res);

    protected abstract void gradientsImpl(MatrixBatch res, MatrixBatch v, MatrixBatch w, MatrixBatch gradV,
            MatrixBatch gradW);

    /** Default: the two calls. Override where one pass computes both. */
    protected void residualAndGradientsImpl(MatrixBatch v, MatrixBatch w, MatrixBatch y, MatrixBatch res,
            MatrixBatch gradV, MatrixBatch gradW) {
        residualImpl(v, w, y, res);
        gradientsImpl(res, v, w, gradV, gradW);
    }

    protected abstract double[] adjointSquaredNormsImpl(MatrixBatch res);

    /**
     * Default: the operator's own residual at V = U diag(σ), W = V*, r columns (uploaded to scratch that is freed
     * again), so that y is measured exactly as the iterates are.
     */
    protected void measureImpl(double[] left, double[] sigma, double[] right, int rank, MatrixBatch shift, MatrixBatch y) {
        double[] scaled = new double[left.length];
        for (int i = 0; i < n1; i++) {
            for (int q = 0; q < rank; q++) {
                scaled[i * rank + q] = left[i * rank + q] * sigma[q];
            }
        }
        MatrixBatch u = engine.allocate(y.precision(), 1, n1, rank);
        MatrixBatch v = engine.allocate(y.precision(), 1, n2, rank);
        try {
            engine.upload(scaled, u);
            engine.upload(right, v);
            residualImpl(u, v, shift, y);
        } finally {
            engine.release(u);
            engine.release(v);
        }
    }

    /**
     * Default: E = 𝒜*(res) as the gradient {@code 𝒜*(res) I} with W = I_{n2} (V = 0, its gradient discarded), which
     * needs only the operator's own gradients and n2×n2 scratch (allowed because n1·n2 ≤ {@link #DENSE_LIMIT}).
     */
    protected void adjointImpl(MatrixBatch res, MatrixBatch e) {
        int b = res.count();
        Precision p = res.precision();
        MatrixBatch zeroV = engine.allocate(p, b, n1, n2);
        MatrixBatch identity = engine.allocate(p, b, n2, n2);
        MatrixBatch discard = engine.allocate(p, b, n2, n2);
        try {
            engine.upload(new double[(int) zeroV.elements()], zeroV);
            double[] eye = new double[(int) identity.elements()];
            for (int t = 0; t < b; t++) {
                for (int i = 0; i < n2; i++) {
                    eye[t * n2 * n2 + i * n2 + i] = 1;
                }
            }
            engine.upload(eye, identity);
            gradientsImpl(res, zeroV, identity, e, discard);
        } finally {
            engine.release(zeroV);
            engine.release(identity);
            engine.release(discard);
        }
    }

    /** Frees resources beyond the scratch registered with {@link #keep} (default: nothing). */
    protected void releaseImpl() {
    }

    /** Registers an engine buffer as the operator's own, to be freed by {@link #release}; returns it. */
    protected final MatrixBatch keep(MatrixBatch b) {
        scratch.add(b);
        return b;
    }

    /** Frees a buffer registered with {@link #keep} now (e.g. to reallocate scratch for another batch size). */
    protected final void drop(MatrixBatch b) {
        if (b != null && scratch.remove(b) && !b.isReleased()) {
            engine.release(b);
        }
    }

    /** Bytes of the buffers registered with {@link #keep}. */
    protected final long keptBytes() {
        long s = 0;
        for (MatrixBatch b : scratch) {
            s += b.bytes();
        }
        return s;
    }

    // ------------------------------------------------------------------ checks

    private void ensureUsable(String op) {
        if (released) {
            throw new IllegalStateException(op + ": the " + kind.id() + " operator has been released");
        }
        if (engine.isClosed()) {
            throw new IllegalStateException(op + ": the " + engine.backendId() + " engine of the operator is closed");
        }
    }

    private void own(String op, String name, MatrixBatch b) {
        if (b == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (b.owner() != engine) {
            throw new IllegalArgumentException(op + ": " + name + " (" + b + ") belongs to another engine than the operator ("
                    + engine.backendId() + ")");
        }
        if (b.isReleased()) {
            throw new IllegalArgumentException(op + ": " + name + " (" + b.shape() + ") has been released");
        }
    }

    private void checkFactors(String op, MatrixBatch v, MatrixBatch w) {
        ensureUsable(op);
        own(op, "v", v);
        own(op, "w", w);
        if (v.rows() != n1 || w.rows() != n2 || v.cols() != w.cols() || v.count() != w.count()) {
            throw new IllegalArgumentException(op + ": need V B×" + n1 + "×k and W B×" + n2 + "×k for the " + kind.id()
                    + " operator on " + n1 + "×" + n2 + " matrices, got V " + v.shape() + ", W " + w.shape());
        }
        if (v.precision() != w.precision()) {
            throw new IllegalArgumentException(op + ": V is " + v.precision() + ", W is " + w.precision());
        }
    }

    private void checkRes(String op, MatrixBatch res, int count, Precision p) {
        own(op, "res", res);
        if (res.count() != count || res.rows() != m || res.cols() != 1 || res.precision() != p) {
            throw new IllegalArgumentException(op + ": res must be " + count + "×" + m + "×1 " + p + ", got " + res.shape()
                    + " " + res.precision());
        }
    }

    private void checkResidual(String op, MatrixBatch v, MatrixBatch y, MatrixBatch res) {
        own(op, "y", y);
        checkRes(op, res, v.count(), v.precision());
        if (y.rows() != m || y.cols() != 1 || (y.count() != 1 && y.count() != v.count()) || y.precision() != v.precision()) {
            throw new IllegalArgumentException(op + ": y must be 1×" + m + "×1 or " + v.count() + "×" + m + "×1 "
                    + v.precision() + ", got " + y.shape() + " " + y.precision());
        }
        if (res == y || res == v) {
            throw new IllegalArgumentException(op + ": res is also an input; use a separate buffer");
        }
    }

    private void checkGradients(String op, MatrixBatch v, MatrixBatch w, MatrixBatch gradV, MatrixBatch gradW,
            MatrixBatch res) {
        own(op, "gradV", gradV);
        own(op, "gradW", gradW);
        if (gradV.count() != v.count() || gradV.rows() != n1 || gradV.cols() != v.cols() || gradW.count() != w.count()
                || gradW.rows() != n2 || gradW.cols() != w.cols()) {
            throw new IllegalArgumentException(op + ": gradV must be " + v.shape() + " and gradW " + w.shape() + ", got "
                    + gradV.shape() + ", " + gradW.shape());
        }
        if (gradV.precision() != v.precision() || gradW.precision() != v.precision()) {
            throw new IllegalArgumentException(op + ": gradients must be " + v.precision());
        }
        for (MatrixBatch in : new MatrixBatch[] {v, w, res}) {
            if (gradV == in || gradW == in) {
                throw new IllegalArgumentException(op + ": a gradient output is also an input; use separate buffers");
            }
        }
        if (gradV == gradW) {
            throw new IllegalArgumentException(op + ": gradV and gradW are the same buffer");
        }
    }
}
