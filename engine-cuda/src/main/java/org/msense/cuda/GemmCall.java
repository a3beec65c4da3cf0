package org.msense.cuda;

/**
 * The arguments of one column-major (cuBLAS) GEMM call, and how the engine's row-major operations map to
 * them. Plain Java, so the mapping is unit-tested without a GPU against a reference column-major GEMM.
 *
 * <p>BLAS semantics: {@code C_i ← α·op(A_i)·op(B_i) + β·C_i}, i &lt; batch, op(A_i) is m×k, op(B_i) k×n,
 * C_i m×n, all column-major with leading dimensions lda, ldb, ldc and item strides (elements) strideA,
 * strideB, strideC; a stride of 0 reuses one matrix for every i. {@code firstIsRight} says whether cuBLAS's
 * A is the engine's right operand (true for {@link #rowMajor}, whose operands are swapped).
 */
record GemmCall(boolean transA, boolean transB, int m, int n, int k, int lda, long strideA, int ldb, long strideB,
        int ldc, long strideC, int batch, boolean firstIsRight) {

    /**
     * Row-major {@code C_b = op(A_b)·op(B_b)} (shapes as stored: A aRows×aCols, B bRows×bCols, C cRows×cCols,
     * counts aCount, bCount ∈ {1, cCount}). A row-major r×c buffer read column-major is its transpose (c×r,
     * ld c), so the call computes {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: cuBLAS's A is the engine's B with the same
     * transpose flag, cuBLAS's B is the engine's A, m and n are swapped, and every leading dimension is
     * the row-major column count.
     */
    static GemmCall rowMajor(int aRows, int aCols, int aCount, boolean transA, int bRows, int bCols, int bCount,
            boolean transB, int cRows, int cCols, int cCount) {
        int k = transA ? aRows : aCols;
        return new GemmCall(transB, transA, cCols, cRows, k, bCols, bCount == 1 ? 0 : (long) bRows * bCols,
                aCols, aCount == 1 ? 0 : (long) aRows * aCols, cCols, (long) cRows * cCols, cCount, true);
    }

    /**
     * The forward contraction {@code R = 𝒜·[vec X_1 … vec X_B]}: 𝒜 row-major m×N is column-major N×m (ld N);
     * the batch X (B items of N) is column-major N×B (ld N); R (B items of m) is column-major m×B (ld m).
     * So {@code R = (𝒜_cm)ᵀ·X}: OP_T on 𝒜, one call for the whole batch. cuBLAS's A is 𝒜.
     */
    static GemmCall forward(int measurements, int entries, int batch) {
        return new GemmCall(true, false, measurements, batch, entries, entries, 0, entries, 0, measurements, 0, 1, false);
    }

    /**
     * The adjoint {@code E = 𝒜ᵀ·R}: with the layouts of {@link #forward}, {@code E (N×B, ld N) = 𝒜_cm (N×m) · R
     * (m×B, ld m)}: OP_N on both. cuBLAS's A is 𝒜.
     */
    static GemmCall adjoint(int measurements, int entries, int batch) {
        return new GemmCall(false, false, entries, batch, measurements, entries, 0, measurements, 0, entries, 0, 1, false);
    }
}
