package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.msense.core.backend.Precision;

/**
 * The launch arguments the engine builds (no GPU needed: only the parameter arrays are made): each has the
 * PTX parameter types of its kernel ({@link Kernels#SIGNATURES}, which KernelManifestTest compares with
 * nvcc's PTX), and a 1D grid within the device limits.
 */
class KernelArgsTest {

    @Test
    void signaturesCoverExactlyTheKernelsTheEngineLoads() {
        assertEquals(new HashSet<>(KernelImage.KERNELS), Kernels.SIGNATURES.keySet());
    }

    @Test
    void everyLaunchPassesItsKernelsParameterTypes() {
        CUdeviceptr p = new CUdeviceptr();
        for (Precision pr : Precision.values()) {
            List<Kernels.Launch> launches = List.of(
                    Kernels.fillGaussianArgs(pr, -1L, 3, -7, 1001, 0.5, p),
                    Kernels.subtractArgs(pr, p, p, 400, 3, true),
                    Kernels.scaleAddArgs(pr, p, p, p, 300, 5, false),
                    Kernels.squaredDistancesArgs(pr, p, null, 300, 5, false, p));
            for (Kernels.Launch l : launches) {
                assertTrue(l.kernel().endsWith(pr == Precision.FP64 ? "_f64" : "_f32"), l.kernel());
                assertEquals(Kernels.SIGNATURES.get(l.kernel()), l.types(), l.kernel());
                assertTrue(l.blocks() >= 1 && l.blocks() <= Kernels.MAX_BLOCKS || l.kernel().contains("squared"), l.toString());
                assertTrue(l.threads() == Kernels.THREADS || l.threads() == Kernels.REDUCE_THREADS);
            }
        }
    }

    @Test
    void gridsCoverTheWorkOrCapAndStride() {
        // 1001 elements are 501 pairs: ⌈(501 + 1)/256⌉ = 2 blocks of 256 threads, one thread per pair.
        assertEquals(2, Kernels.fillGaussianArgs(Precision.FP64, 1, 3, 0, 1001, 1, new CUdeviceptr()).blocks());
        // Huge work is capped; the kernels loop with a grid stride.
        assertEquals(Kernels.MAX_BLOCKS, Kernels.subtractArgs(Precision.FP32, new CUdeviceptr(), new CUdeviceptr(),
                1L << 31, 4, false).blocks());
        // Reductions: one block per item.
        assertEquals(7, Kernels.squaredDistancesArgs(Precision.FP64, new CUdeviceptr(), null, 10, 7, false,
                new CUdeviceptr()).blocks());
    }
}
