package org.msense.core.linalg;

/**
 * Elementary fp64 operations on dense row-major matrices: element (i, j) of an r×c matrix {@code a} is
 * {@code a[i·c + j]}. Inputs are never modified; every result is a fresh array. Dimensions are checked
 * against the array lengths and a mismatch throws {@link IllegalArgumentException} naming the routine and the
 * shapes.
 *
 * <p>The products run their loops in i-k-j order, so that the innermost loop streams through one row of the
 * right operand and one row of the result (unit stride). They cost 2·(product of the three dimensions) flops
 * and perform no blocking: they are meant for the small matrices of problem generation and diagnostics.
 */
public final class Matrices {
    private Matrices() {
    }

    /**
     * C = A·B.
     *
     * @param a     A, aRows×aCols
     * @param aRows rows of A
     * @param aCols columns of A = rows of B
     * @param b     B, aCols×bCols
     * @param bCols columns of B
     * @return C, aRows×bCols
     */
    public static double[] multiply(double[] a, int aRows, int aCols, double[] b, int bCols) {
        requireShape("multiply", "A", a, aRows, aCols);
        requireShape("multiply", "B", b, aCols, bCols);
        double[] c = new double[aRows * bCols];
        for (int i = 0; i < aRows; i++) {
            int ci = i * bCols;
            for (int k = 0; k < aCols; k++) {
                double aik = a[i * aCols + k];
                if (aik == 0) {
                    continue;
                }
                int bk = k * bCols;
                for (int j = 0; j < bCols; j++) {
                    c[ci + j] += aik * b[bk + j];
                }
            }
        }
        return c;
    }

    /**
     * C = Aᵀ·B without forming Aᵀ.
     *
     * @param a     A, aRows×aCols
     * @param aRows rows of A = rows of B
     * @param aCols columns of A
     * @param b     B, aRows×bCols
     * @param bCols columns of B
     * @return C, aCols×bCols
     */
    public static double[] multiplyTransA(double[] a, int aRows, int aCols, double[] b, int bCols) {
        requireShape("multiplyTransA", "A", a, aRows, aCols);
        requireShape("multiplyTransA", "B", b, aRows, bCols);
        double[] c = new double[aCols * bCols];
        // C(i, j) = Σ_k A(k, i)·B(k, j): k outermost keeps both A and B at unit stride.
        for (int k = 0; k < aRows; k++) {
            int ak = k * aCols;
            int bk = k * bCols;
            for (int i = 0; i < aCols; i++) {
                double aki = a[ak + i];
                if (aki == 0) {
                    continue;
                }
                int ci = i * bCols;
                for (int j = 0; j < bCols; j++) {
                    c[ci + j] += aki * b[bk + j];
                }
            }
        }
        return c;
    }

    /**
     * C = A·Bᵀ without forming Bᵀ; each entry is a dot product of two rows (unit stride).
     *
     * @param a     A, aRows×aCols
     * @param aRows rows of A
     * @param aCols columns of A = columns of B
     * @param b     B, bRows×aCols
     * @param bRows rows of B
     * @return C, aRows×bRows
     */
    public static double[] multiplyTransB(double[] a, int aRows, int aCols, double[] b, int bRows) {
        requireShape("multiplyTransB", "A", a, aRows, aCols);
        requireShape("multiplyTransB", "B", b, bRows, aCols);
        double[] c = new double[aRows * bRows];
        for (int i = 0; i < aRows; i++) {
            int ai = i * aCols;
            for (int j = 0; j < bRows; j++) {
                int bj = j * aCols;
                double s = 0;
                for (int k = 0; k < aCols; k++) {
                    s += a[ai + k] * b[bj + k];
                }
                c[i * bRows + j] = s;
            }
        }
        return c;
    }

    /**
     * Aᵀ.
     *
     * @param a    A, rows×cols
     * @param rows rows of A
     * @param cols columns of A
     * @return Aᵀ, cols×rows
     */
    public static double[] transpose(double[] a, int rows, int cols) {
        requireShape("transpose", "A", a, rows, cols);
        double[] t = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            int ai = i * cols;
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[ai + j];
            }
        }
        return t;
    }

    /** The n×n identity. */
    public static double[] identity(int n) {
        requireDimension("identity", "n", n);
        double[] e = new double[n * n];
        for (int i = 0; i < n; i++) {
            e[i * n + i] = 1;
        }
        return e;
    }

    /**
     * ‖A‖_F = √(Σ a_ij²) of an array of any shape. Computed as a plain sum of squares when that can neither
     * overflow nor underflow, otherwise after scaling by the largest magnitude, so the result is accurate to a
     * few ulps for every finite input. NaN if an entry is NaN; +∞ if an entry is infinite.
     */
    public static double frobeniusNorm(double[] a) {
        return norm2(a, 0, a.length);
    }

    /**
     * tr(A) = Σ a_ii.
     *
     * @param a A, n×n
     * @param n order of A
     */
    public static double trace(double[] a, int n) {
        requireShape("trace", "A", a, n, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i * n + i];
        }
        return s;
    }

    /**
     * tr(A·B) = Σ_ij a_ij·b_ji, in n² multiply-adds without forming A·B.
     *
     * @param a A, n×n
     * @param b B, n×n
     * @param n order of A and B
     */
    public static double traceOfProduct(double[] a, double[] b, int n) {
        requireShape("traceOfProduct", "A", a, n, n);
        requireShape("traceOfProduct", "B", b, n, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            int ai = i * n;
            for (int j = 0; j < n; j++) {
                s += a[ai + j] * b[j * n + i];
            }
        }
        return s;
    }

    /** A − B, elementwise, for arrays of equal length (any shape). */
    public static double[] subtract(double[] a, double[] b) {
        requireSameLength("subtract", a, b);
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    /** factor·A, elementwise (any shape). */
    public static double[] scale(double[] a, double factor) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = factor * a[i];
        }
        return c;
    }

    /** diag(values): the n×n matrix, n = values.length, with the given diagonal and zeros elsewhere. */
    public static double[] diag(double[] values) {
        int n = values.length;
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            d[i * n + i] = values[i];
        }
        return d;
    }

    /**
     * max_i |a_i − b_i| over arrays of equal length (any shape); 0 for empty arrays, NaN if any difference is
     * NaN.
     */
    public static double maxAbsDifference(double[] a, double[] b) {
        requireSameLength("maxAbsDifference", a, b);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (!(d <= m)) {
                m = d; // also catches NaN, which then stays
                if (Double.isNaN(d)) {
                    return d;
                }
            }
        }
        return m;
    }

    // ---- package helpers shared by the decompositions ----

    /** Largest magnitude for which a square, and a sum of up to 2³¹ squares, cannot overflow. */
    private static final double BIG = 0x1p+480;
    /** Smallest magnitude whose square is still a normal number. */
    private static final double SMALL = 0x1p-480;

    /** Euclidean norm of x[from, to), overflow- and underflow-safe. */
    static double norm2(double[] x, int from, int to) {
        double max = 0;
        double sum = 0;
        for (int i = from; i < to; i++) {
            double v = Math.abs(x[i]);
            if (!(v <= max)) {
                max = v; // NaN propagates through the sum below
            }
            sum += x[i] * x[i];
        }
        if (Double.isNaN(sum) || Double.isNaN(max)) {
            return Double.NaN;
        }
        if (max == 0 || max == Double.POSITIVE_INFINITY) {
            return max;
        }
        if (max < BIG && max > SMALL) {
            return Math.sqrt(sum);
        }
        // Scale by a power of two (exact, also for a subnormal max) so that the squares neither overflow nor
        // underflow.
        int e = Math.getExponent(max);
        double f = Math.scalb(1.0, -e);
        double scaled = 0;
        for (int i = from; i < to; i++) {
            double v = x[i] * f;
            scaled += v * v;
        }
        return Math.scalb(Math.sqrt(scaled), e);
    }

    static void requireDimension(String routine, String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(routine + ": " + name + " must be ≥ 0, got " + value);
        }
    }

    static void requireShape(String routine, String name, double[] a, int rows, int cols) {
        if (a == null) {
            throw new IllegalArgumentException(routine + ": " + name + " is null");
        }
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(routine + ": " + name + " has negative dimensions " + rows + "×" + cols);
        }
        if ((long) rows * cols != a.length) {
            throw new IllegalArgumentException(routine + ": " + name + " is declared " + rows + "×" + cols + " = "
                    + (long) rows * cols + " entries but holds " + a.length);
        }
    }

    private static void requireSameLength(String routine, double[] a, double[] b) {
        if (a == null || b == null) {
            throw new IllegalArgumentException(routine + ": an operand is null");
        }
        if (a.length != b.length) {
            throw new IllegalArgumentException(routine + ": operands hold " + a.length + " and " + b.length
                    + " entries; they must have the same shape");
        }
    }
}
