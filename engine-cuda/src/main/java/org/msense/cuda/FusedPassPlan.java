package org.msense.cuda;

import java.util.Locale;
import org.msense.core.backend.Precision;

/**
 * The launch geometry of the fused residual-and-adjoint kernel ({@code msense_fused_residual_adjoint_*} in
 * native/src/msense_kernels.cu) for one problem shape on one device. Plain arithmetic, no GPU needed.
 *
 * <p>The kernel is launched cooperatively with at most multiprocessors × resident blocks per multiprocessor
 * (every block has columns: {@code blocks = ⌈N / chunk⌉}). Block g owns the columns {@code [g·chunk, (g+1)·chunk)} of the stacked 𝒜 (m × N,
 * N = n1·n2), {@code chunk = ⌈N / resident blocks⌉}, and streams the rows in waves of {@code wave} rows; a wave's
 * tile (wave × chunk elements) and its residuals (wave × B doubles) live in shared memory, so
 * {@code wave = ⌊sharedOptin / (chunk·sizeof(T) + 8B)⌋}, at most m. Per call the kernel reads 𝒜 once
 * ({@link #operatorBytes}); its other global traffic ({@link #otherBytes}) is the B inputs, the
 * residuals, the fp64 accumulator of E (read and written once per wave, L2-resident while B·N·8 bytes
 * fit) and the partial dot products; it crosses {@link #barriers} grid barriers.
 *
 * @param blocks       grid size (all resident)
 * @param chunk        columns per block
 * @param wave         rows per wave
 * @param sharedBytes  dynamic shared memory per block
 * @param partialDoubles doubles of the partial-dot-product buffer (blocks × wave × B)
 * @param accumulatorDoubles doubles of the fp64 E accumulator (B·N for fp32; 0 for fp64, which accumulates in E)
 * @param operatorBytes bytes of 𝒜, read once
 * @param otherBytes   the other global bytes moved per call (see above)
 * @param barriers     grid barriers per call (2 per wave)
 */
record FusedPassPlan(int blocks, long chunk, int wave, int sharedBytes, long partialDoubles, long accumulatorDoubles,
        long operatorBytes, long otherBytes, long barriers) {

    /**
     * Plans the pass, or returns null where it cannot run: no cooperative launch, no resident block, or a
     * row chunk too wide for shared memory ({@code chunk·sizeof(T) + 8B > sharedOptin}); the engine then
     * uses the two GEMMs.
     *
     * @param precision        the precision of 𝒜, X, y, res and E
     * @param m                rows of 𝒜 (measurements)
     * @param n                columns of 𝒜 (n1·n2)
     * @param count            trajectories B
     * @param multiprocessors  the device's multiprocessor count
     * @param blocksPerSm      resident blocks of the kernel per multiprocessor with {@code sharedOptin} bytes
     * @param sharedOptin      the dynamic shared memory one block may use
     * @param cooperative      whether the device supports cooperative launches
     */
    static FusedPassPlan of(Precision precision, long m, long n, int count, int multiprocessors, int blocksPerSm,
            int sharedOptin, boolean cooperative) {
        if (!cooperative || multiprocessors < 1 || blocksPerSm < 1 || m < 1 || n < 1 || count < 1) {
            return null;
        }
        long resident = Math.min((long) multiprocessors * blocksPerSm, n);
        long chunk = (n + resident - 1) / resident;
        long blocks = (n + chunk - 1) / chunk; // no block without columns
        long rowBytes = chunk * precision.bytes() + 8L * count;
        long wave = Math.min(m, sharedOptin / rowBytes);
        if (wave < 1 || wave > Integer.MAX_VALUE) {
            return null;
        }
        long waves = (m + wave - 1) / wave;
        long partial = blocks * wave * count;
        long accumulator = precision == Precision.FP64 ? 0 : count * n;
        long operator = m * n * precision.bytes();
        long inputs = count * n * precision.bytes() + 2 * count * m * precision.bytes(); // X, y, res
        long eTraffic = waves * 2 * count * n * 8 + (precision == Precision.FP64 ? 0 : count * n * precision.bytes());
        long partialTraffic = waves * 2 * partial * 8; // written by the owners, read once by the finalizers
        return new FusedPassPlan((int) blocks, chunk, (int) wave, (int) (wave * rowBytes), partial, accumulator, operator,
                inputs + eTraffic + partialTraffic, 2 * waves);
    }

    /** One line for logs and the bench: geometry and bytes. */
    String describe() {
        return String.format(Locale.ROOT, "%d blocks × %d columns, waves of %d rows (%d B shared), %d grid barriers;"
                + " reads 𝒜 once (%.1f MB) + %.1f MB other traffic", blocks, chunk, wave, sharedBytes, barriers,
                operatorBytes / 1e6, otherBytes / 1e6);
    }
}
