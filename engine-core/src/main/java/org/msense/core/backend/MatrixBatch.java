package org.msense.core.backend;

/**
 * An opaque handle to {@code count} row-major matrices of {@code rows × cols} elements, all of one
 * {@link Precision}, living wherever the owning {@link Engine} keeps its data (host memory, GPU memory).
 *
 * <p>Item {@code b} holds element (i, j) at logical position {@code b·rows·cols + i·cols + j}; that is
 * the order of {@link Engine#upload} and {@link Engine#download}. In operations that combine batches, an
 * operand of count 1 is broadcast to every item of the others.
 *
 * <p>Handles are made only by {@link Engine#allocate} and are valid until {@link Engine#release} or
 * {@link Engine#close}. Backends subclass this to attach their storage.
 */
public abstract class MatrixBatch {
    private final Engine owner;
    private final Precision precision;
    private final int count;
    private final int rows;
    private final int cols;
    private boolean released;

    protected MatrixBatch(Engine owner, Precision precision, int count, int rows, int cols) {
        this.owner = owner;
        this.precision = precision;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
    }

    /** The engine that allocated this batch and owns its storage. */
    public final Engine owner() {
        return owner;
    }

    public final Precision precision() {
        return precision;
    }

    /** Number of matrices in the batch. */
    public final int count() {
        return count;
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Elements of one item: rows·cols. */
    public final long itemElements() {
        return (long) rows * cols;
    }

    /** Elements of the whole batch: count·rows·cols. */
    public final long elements() {
        return (long) count * rows * cols;
    }

    /** Storage size in bytes. */
    public final long bytes() {
        return elements() * precision.bytes();
    }

    /** Whether the storage has been released. */
    public final boolean isReleased() {
        return released;
    }

    final void markReleased() {
        released = true;
    }

    /** The shape as {@code count×rows×cols}, for messages. */
    public final String shape() {
        return count + "×" + rows + "×" + cols;
    }

    @Override
    public String toString() {
        return "MatrixBatch[" + shape() + " " + precision + " on " + owner.backendId() + "]";
    }
}
