package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.msense.core.backend.Precision;

/**
 * The launches of the hadamard and gaussian-implicit operators (no GPU needed: only the parameter arrays are made):
 * each passes its kernel's PTX parameter types ({@link Kernels#SIGNATURES}, compared with nvcc's PTX by
 * KernelManifestTest), and the FWHT is planned as the shared-memory launch for the strides below
 * {@link Kernels#FWHT_SEGMENT} plus one launch per higher stride.
 */
class DenseOperatorKernelArgsTest {
    private static final CUdeviceptr P = new CUdeviceptr();

    @Test
    void everyLaunchPassesItsKernelsParameterTypes() {
        FusedPassPlan plan = FusedPassPlan.of(Precision.FP64, 400, 300, 3, 4, 1, 48 * 1024, true);
        Kernels.Stream s = new Kernels.Stream(7, 3, 0, 0.05);
        for (Precision pr : Precision.values()) {
            List<Kernels.Launch> launches = new ArrayList<>(List.of(
                    Kernels.hadamardSignsArgs(pr, P, 300, P, P, 512, 300, 3),
                    Kernels.hadamardGatherArgs(pr, P, P, P, P, 400, 512, 3, true, 0.05),
                    Kernels.hadamardScatterArgs(pr, P, P, P, 400, 512, 3, 0.05),
                    Kernels.implicitResidualAdjointArgs(pr, plan, s, P, P, P, P, P, P, P, 400, 300, 3, false),
                    Kernels.implicitAdjointArgs(pr, plan, s, P, P, P, 400, 300, 3)));
            launches.addAll(Kernels.fwhtArgs(pr, P, 1 << 14, 2));
            for (Kernels.Launch l : launches) {
                assertTrue(l.kernel().endsWith(pr == Precision.FP64 ? "_f64" : "_f32"), l.kernel());
                assertEquals(Kernels.SIGNATURES.get(l.kernel()), l.types(), l.kernel());
                assertTrue(l.blocks() >= 1 && l.blocks() <= Kernels.MAX_BLOCKS, l.toString());
            }
        }
    }

    @Test
    void theFwhtRunsTheLowStridesInSharedMemoryAndOneLaunchPerHighStride() {
        // N = 512: every stride fits one segment.
        List<Kernels.Launch> small = Kernels.fwhtArgs(Precision.FP64, P, 512, 3);
        assertEquals(1, small.size());
        assertEquals("msense_fwht_shared_f64", small.get(0).kernel());
        assertEquals(512 * 8, small.get(0).sharedBytes());
        // N = 2^14: strides 1 … 1024 in shared memory (segments of 2048), then 2048, 4096, 8192.
        List<Kernels.Launch> large = Kernels.fwhtArgs(Precision.FP32, P, 1 << 14, 2);
        assertEquals(4, large.size());
        assertEquals(Kernels.FWHT_SEGMENT * 4, large.get(0).sharedBytes());
        assertEquals(2 * (1 << 14) / Kernels.FWHT_SEGMENT, large.get(0).blocks(), "one block per segment");
        for (int i = 1; i < 4; i++) {
            assertEquals("msense_fwht_stage_f32", large.get(i).kernel());
            assertEquals(0, large.get(i).sharedBytes());
        }
        // N = 1: nothing to transform.
        assertTrue(Kernels.fwhtArgs(Precision.FP64, P, 1, 5).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Kernels.fwhtArgs(Precision.FP64, P, 300, 1));
    }

    @Test
    void theImplicitPassUsesTheDensePassGeometry() {
        FusedPassPlan plan = FusedPassPlan.of(Precision.FP32, 400, 300, 3, 4, 1, 48 * 1024, true);
        Kernels.Stream s = new Kernels.Stream(7, 3, 0, 0.05);
        Kernels.Launch fused = Kernels.fusedResidualAdjointArgs(Precision.FP32, plan, P, P, P, P, P, P, P, P, 400, 300, 3,
                false);
        Kernels.Launch implicit = Kernels.implicitResidualAdjointArgs(Precision.FP32, plan, s, P, P, P, P, P, P, P, 400, 300,
                3, false);
        Kernels.Launch adjoint = Kernels.implicitAdjointArgs(Precision.FP32, plan, s, P, P, P, 400, 300, 3);
        for (Kernels.Launch l : List.of(implicit, adjoint)) {
            assertEquals(fused.blocks(), l.blocks());
            assertEquals(fused.threads(), l.threads());
            assertEquals(fused.sharedBytes(), l.sharedBytes());
        }
        assertTrue(implicit.cooperative(), "the pass has grid barriers: every block must be resident");
        assertTrue(!adjoint.cooperative(), "the adjoint alone has no grid barrier");
    }
}
