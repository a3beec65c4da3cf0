package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.msense.core.backend.Precision;
import org.msense.core.spec.OperatorKind;

/**
 * The launches of the completion and rank-one kernels (no GPU needed): the PTX parameter types of each kernel
 * ({@link Kernels#SIGNATURES}, compared with nvcc's PTX by KernelManifestTest), 1D grids that cover the work or cap
 * and stride, and the operator kinds the backend declares.
 */
class StructuredKernelArgsTest {

    @Test
    void everyStructuredLaunchPassesItsKernelsParameterTypes() {
        CUdeviceptr p = new CUdeviceptr();
        for (Precision pr : Precision.values()) {
            List<Kernels.Launch> launches = List.of(
                    Kernels.completionResidualArgs(pr, p, p, p, p, p, p, 4_000_000L, 20_000, 20_000, 10, 2, true, 1.5),
                    Kernels.completionGradientArgs(pr, p, p, p, p, null, p, 20_000, 20_000, 4_000_000L, 10, 2, 1.5),
                    Kernels.rankOneStackArgs(pr, p, p, 1000, 10, 3, false),
                    Kernels.rankOneStackArgs(pr, p, p, 1000, 10, 3, true),
                    Kernels.rankOneResidualArgs(pr, p, p, p, p, 50_000, 10, 3, false, 0.01),
                    Kernels.rankOneScaleRowsArgs(pr, p, p, p, 50_000, 10, 3, 0.01),
                    Kernels.rankOneAdjointArgs(pr, p, p, p, null, p, 400, 20, 15, 2, 0.05));
            for (Kernels.Launch l : launches) {
                assertTrue(l.kernel().endsWith(pr == Precision.FP64 ? "_f64" : "_f32"), l.kernel());
                assertEquals(Kernels.SIGNATURES.get(l.kernel()), l.types(), l.kernel());
                assertTrue(KernelImage.KERNELS.contains(l.kernel()), l.kernel());
                assertTrue(l.blocks() >= 1 && l.blocks() <= Kernels.MAX_BLOCKS, l.toString());
                assertFalse(l.cooperative(), l.kernel());
            }
        }
    }

    @Test
    void gridsCoverTheWorkOrCap() {
        CUdeviceptr p = new CUdeviceptr();
        // one thread per (b, i): 2 × 1000 residuals are 8 blocks of 256
        assertEquals(8, Kernels.completionResidualArgs(Precision.FP64, p, p, p, p, p, p, 1000, 10, 10, 4, 2, true, 1)
                .blocks());
        // one thread per output element (b, o, q): 3 × 100 × 10 = 3000 → 12 blocks
        assertEquals(12, Kernels.completionGradientArgs(Precision.FP64, p, p, p, p, null, p, 100, 50, 500, 10, 3, 1)
                .blocks());
        // stacking 3 items of 1000 × 10: one thread per element, 30,000 → 118 blocks
        assertEquals(118, Kernels.rankOneStackArgs(Precision.FP64, p, p, 1000, 10, 3, true).blocks());
        // m = 4·10⁶ entries of k = 10 columns: capped, the kernels stride
        assertEquals(Kernels.MAX_BLOCKS, Kernels.rankOneScaleRowsArgs(Precision.FP32, p, p, p, 4_000_000, 10, 1, 1)
                .blocks());
        // the adjoint: one partial sum per block of REDUCE_THREADS, n1·n2 = 300 entries → 2 blocks
        assertEquals(2, Kernels.rankOneAdjointBlocks(20, 15));
        assertEquals(Kernels.REDUCE_THREADS, Kernels.rankOneAdjointArgs(Precision.FP64, p, p, p, p, p, 400, 20, 15, 0, 1)
                .threads());
        assertEquals(Kernels.MAX_BLOCKS, Kernels.rankOneAdjointBlocks(20_000, 20_000));
    }

    @Test
    void theBackendDeclaresCompletionAndRankOne() {
        CudaBackend b = new CudaBackend();
        assertTrue(b.supportsOperator(OperatorKind.GAUSSIAN));
        assertTrue(b.supportsOperator(OperatorKind.COMPLETION));
        assertTrue(b.supportsOperator(OperatorKind.RANK_ONE));
    }
}
