package org.msense.core.backend;

import org.msense.core.spec.OperatorKind;

/**
 * What {@link Engine#openOperator} builds: the kind of sensing operator 𝒜 : R^{n1×n2} → R^m, its sizes, and either
 * the seed it is generated from (every random quantity from Philox streams of that seed, see
 * {@link org.msense.core.rng.StreamPurpose}) or its explicit data (e.g. read from NumPy files). Exactly the data
 * field of its kind may be set; the others are null. Arrays are kept, not copied: callers must not modify them.
 *
 * @param kind    the operator family
 * @param n1      rows of the matrices it measures
 * @param n2      columns
 * @param m       number of measurements
 * @param seed    key of the random streams (used when the data field is null)
 * @param dense   {@link OperatorKind#GAUSSIAN}: the m × n1·n2 row-major matrix, row i = vec(A_i)/√m (1/√m
 *                included), or null to generate it
 * @param entries {@link OperatorKind#COMPLETION}: the m observed entries as row-major indices j·n2 + l, strictly
 *                increasing (measurement i observes entry entries[i]), or null to draw them
 * @param rows    {@link OperatorKind#HADAMARD}: the m selected rows s_i of the length-N transform, distinct, or
 *                null to draw them (with {@code signs})
 * @param signs   {@link OperatorKind#HADAMARD}: the N diagonal signs ±1 of D, or null
 * @param left    {@link OperatorKind#RANK_ONE}: a_1..a_m as an m × n1 row-major array, or null
 * @param right   {@link OperatorKind#RANK_ONE}: b_1..b_m as an m × n2 row-major array, or null
 */
public record OperatorDescription(OperatorKind kind, int n1, int n2, int m, long seed, double[] dense, int[] entries,
        int[] rows, double[] signs, double[] left, double[] right) {

    /** @throws IllegalArgumentException when a size is out of range or a data array does not fit the kind */
    public OperatorDescription {
        if (kind == null) {
            throw new IllegalArgumentException("operator description: kind is null");
        }
        if (n1 < 1 || n2 < 1 || m < 1) {
            throw new IllegalArgumentException("operator description: n1, n2 and m must be ≥ 1, got " + n1 + ", " + n2
                    + ", " + m);
        }
        if ((long) n1 * n2 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("operator description: n1·n2 = " + (long) n1 * n2 + " exceeds 2³¹ entries");
        }
        onlyFor(kind, OperatorKind.GAUSSIAN, "dense", dense);
        onlyFor(kind, OperatorKind.COMPLETION, "entries", entries);
        onlyFor(kind, OperatorKind.HADAMARD, "rows", rows);
        onlyFor(kind, OperatorKind.HADAMARD, "signs", signs);
        onlyFor(kind, OperatorKind.RANK_ONE, "left", left);
        onlyFor(kind, OperatorKind.RANK_ONE, "right", right);
        if (dense != null && dense.length != (long) m * n1 * n2) {
            throw new IllegalArgumentException("the dense operator has " + dense.length + " entries; expected m·n1·n2 = "
                    + m + "·" + n1 + "·" + n2);
        }
        if (entries != null) {
            checkEntries(entries, n1, n2, m);
        }
        if ((rows == null) != (signs == null)) {
            throw new IllegalArgumentException("the hadamard operator needs both its rows and its signs, or neither");
        }
        if ((left == null) != (right == null)) {
            throw new IllegalArgumentException("the rank-one operator needs both a_i and b_i, or neither");
        }
        if (left != null && (left.length != (long) m * n1 || right.length != (long) m * n2)) {
            throw new IllegalArgumentException("rank-one vectors: a is " + left.length + " numbers and b " + right.length
                    + "; expected m·n1 = " + (long) m * n1 + " and m·n2 = " + (long) m * n2);
        }
    }

    /** An operator generated from {@code seed}. */
    public static OperatorDescription generated(OperatorKind kind, int n1, int n2, int m, long seed) {
        return new OperatorDescription(kind, n1, n2, m, seed, null, null, null, null, null, null);
    }

    /** A dense Gaussian-type operator given as its m × n1·n2 matrix (row i = vec(A_i)/√m). */
    public static OperatorDescription ofDense(int n1, int n2, int m, double[] matrix) {
        return new OperatorDescription(OperatorKind.GAUSSIAN, n1, n2, m, 0, matrix, null, null, null, null, null);
    }

    /** A completion operator observing the given entries (row-major indices, strictly increasing); m = their count. */
    public static OperatorDescription ofEntries(int n1, int n2, int[] entries) {
        return new OperatorDescription(OperatorKind.COMPLETION, n1, n2, entries.length, 0, null, entries, null, null,
                null, null);
    }

    /** A subsampled Hadamard operator with the given rows and signs. */
    public static OperatorDescription ofHadamard(int n1, int n2, int[] rows, double[] signs) {
        return new OperatorDescription(OperatorKind.HADAMARD, n1, n2, rows.length, 0, null, null, rows, signs, null, null);
    }

    /** A rank-one projection operator with the given a_i (m × n1) and b_i (m × n2). */
    public static OperatorDescription ofRankOne(int n1, int n2, int m, double[] left, double[] right) {
        return new OperatorDescription(OperatorKind.RANK_ONE, n1, n2, m, 0, null, null, null, null, left, right);
    }

    /** Whether the operator's data is given (rather than generated from the seed). */
    public boolean explicit() {
        return dense != null || entries != null || rows != null || left != null;
    }

    /** This description with the completion entries set (used to resolve a generated completion operator). */
    public OperatorDescription withEntries(int[] drawn) {
        return new OperatorDescription(kind, n1, n2, m, seed, null, drawn, null, null, null, null);
    }

    /** This description with the Hadamard rows and signs set. */
    public OperatorDescription withHadamard(int[] drawnRows, double[] drawnSigns) {
        return new OperatorDescription(kind, n1, n2, m, seed, null, null, drawnRows, drawnSigns, null, null);
    }

    private static void onlyFor(OperatorKind kind, OperatorKind owner, String name, Object data) {
        if (data != null && kind != owner) {
            throw new IllegalArgumentException("operator description: '" + name + "' belongs to the " + owner.id()
                    + " operator, not to " + kind.id());
        }
    }

    private static void checkEntries(int[] entries, int n1, int n2, int m) {
        if (entries.length != m) {
            throw new IllegalArgumentException("completion: " + entries.length + " entries for m = " + m);
        }
        long size = (long) n1 * n2;
        int previous = -1;
        for (int i = 0; i < entries.length; i++) {
            int e = entries[i];
            if (e < 0 || e >= size) {
                throw new IllegalArgumentException("completion: entry index " + e + " (measurement " + i
                        + ") is outside 0 … n1·n2 − 1 = " + (size - 1));
            }
            if (e <= previous) {
                throw new IllegalArgumentException("completion: entry indices must be distinct and increasing (row-major"
                        + " order j·n2 + l); measurement " + i + " has " + e + " after " + previous
                        + " — sort the entries and y together");
            }
            previous = e;
        }
    }
}
