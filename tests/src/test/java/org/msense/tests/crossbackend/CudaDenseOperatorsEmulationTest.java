package org.msense.tests.crossbackend;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CudaDenseOperatorsTest} (the CUDA hadamard and gaussian-implicit operators against the CPU and against the
 * CUDA dense Gaussian) on the host emulation of {@link CudaEmulationTest}: the stand-in driver compiles
 * native/src/msense_kernels.cu, so the operators' real kernels (the FWHT, the gathers, the generated-row fused pass
 * as a cooperative launch) run, through JCuda's marshalling, in a child JVM. Skipped where gcc, g++ or readelf is
 * missing, or where a real NVIDIA driver is installed (there the GPU runs the test class itself).
 */
class CudaDenseOperatorsEmulationTest {

    @Test
    void theDenseOperatorTestsPassOnTheHostEmulation(@TempDir Path dir) throws Exception {
        CudaEmulationTest.assertPassOnEmulation(dir, 14, CudaDenseOperatorsTest.class.getName());
    }
}
