package org.msense.core.backend;

/** Whether an operand of {@link Engine#gemm} enters as itself or transposed. */
public enum Transpose {
    /** op(A) = A. */
    NONE,
    /** op(A) = Aᵀ. */
    TRANSPOSE;

    /** Rows of op(A) for an A of the given shape. */
    int rows(int rows, int cols) {
        return this == NONE ? rows : cols;
    }

    /** Columns of op(A) for an A of the given shape. */
    int cols(int rows, int cols) {
        return this == NONE ? cols : rows;
    }
}
