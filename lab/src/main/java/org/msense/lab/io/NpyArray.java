package org.msense.lab.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * An array read from a {@code .npy} file: its values converted to {@code double} in C (row-major) order, its
 * shape, the dtype the file stored them as (e.g. {@code <f4}) and the file it came from.
 *
 * <p>The constructor copies {@code shape} (and {@link #shape()} returns a copy) but keeps {@code data} as
 * given, without copying: large arrays are not duplicated, and whoever changes {@link #data()} changes this
 * array. Equality compares dtype, shape, the values bit for bit and the source.
 *
 * @param dtype  the dtype found in the file, as written there (e.g. {@code <f8})
 * @param shape  the dimensions; their product is {@code data.length}
 * @param data   the values in C order
 * @param source the file read, used in messages; null when the array did not come from a file
 */
public record NpyArray(String dtype, int[] shape, double[] data, Path source) {

    /**
     * Checks and stores the components; {@code shape} is copied, {@code data} is not.
     *
     * @throws IllegalArgumentException when a dimension is negative or the shape does not hold
     *                                  {@code data.length} elements
     */
    public NpyArray {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        shape = Objects.requireNonNull(shape, "shape").clone();
        long size = Npy.checkedSize(shape);
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Npy.formatShape(shape) + " holds " + size
                    + " elements but the data has " + data.length);
        }
    }

    /**
     * An array that did not come from a file (no {@link #source()}).
     *
     * @param dtype the dtype the values stand for, e.g. {@code <f8}
     * @param shape the dimensions, copied
     * @param data  the values in C order, not copied
     */
    public NpyArray(String dtype, int[] shape, double[] data) {
        this(dtype, shape, data, null);
    }

    /** A copy of the dimensions (changing it does not change this array). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The number of dimensions: 0 for a scalar, 1 for a vector, 2 for a matrix. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements, the product of the dimensions (1 for a scalar). */
    public long size() {
        return data.length;
    }

    /**
     * The length of dimension {@code i}.
     *
     * @throws IndexOutOfBoundsException when {@code i} is not in [0, rank)
     */
    public int dim(int i) {
        if (i < 0 || i >= shape.length) {
            throw new IndexOutOfBoundsException("dimension " + i + " of " + name() + " with shape "
                    + Npy.formatShape(shape) + " does not exist (rank " + shape.length + ")");
        }
        return shape[i];
    }

    /**
     * Checks that this array has exactly the shape {@code expected}; changes nothing.
     *
     * @param description what the array is and its expected shape in symbols, shown in parentheses in the
     *                    message, e.g. {@code m × n1·n2}
     * @param expected    the required dimensions
     * @return this array, for chaining
     * @throws NpyException like {@code A.npy has shape (999, 1200) but (1000, 1200) is expected (m × n1·n2)}
     */
    public NpyArray requireShape(String description, int... expected) throws NpyException {
        if (!Arrays.equals(shape, expected)) {
            throw new NpyException(source, name() + " has shape " + Npy.formatShape(shape) + " but "
                    + Npy.formatShape(expected) + " is expected (" + description + ")");
        }
        return this;
    }

    /**
     * Checks that this array has {@code rank} dimensions; changes nothing.
     *
     * @param description what the array is and its expected shape in symbols, shown in parentheses in the
     *                    message, e.g. {@code X*, (n1, n2)}
     * @param rank        the required number of dimensions
     * @return this array, for chaining
     * @throws NpyException like {@code X_star.npy has shape (12,), 1 dimension, but 2 dimensions are expected
     *                      (X*, (n1, n2))}
     */
    public NpyArray requireRank(String description, int rank) throws NpyException {
        if (shape.length != rank) {
            throw new NpyException(source, name() + " has shape " + Npy.formatShape(shape) + ", "
                    + dimensions(shape.length) + ", but " + dimensions(rank) + (rank == 1 ? " is" : " are")
                    + " expected (" + description + ")");
        }
        return this;
    }

    /** Compares dtype, shape, values (bit for bit, as {@link Arrays#equals(double[], double[])}) and source. */
    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && dtype.equals(a.dtype) && Arrays.equals(shape, a.shape)
                && Arrays.equals(data, a.data) && Objects.equals(source, a.source);
    }

    /** Consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(data), source);
    }

    /** Dtype, shape and source, without the values, e.g. {@code NpyArray[<f8 (3, 4) from A.npy]}. */
    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + Npy.formatShape(shape) + (source == null ? "" : " from " + source) + "]";
    }

    private String name() {
        return source == null ? "the array" : source.toString();
    }

    private static String dimensions(int n) {
        return n + (n == 1 ? " dimension" : " dimensions");
    }
}
