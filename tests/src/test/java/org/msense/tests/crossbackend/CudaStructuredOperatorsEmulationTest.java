package org.msense.tests.crossbackend;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CudaStructuredOperatorsTest} (the CUDA completion and rank-one operators against the CPU) and the μ²
 * imbalance identity on them ({@code science.CudaImbalanceIdentityTest}) on the host
 * emulation of {@link CudaEmulationTest}: the stand-in driver compiles native/src/msense_kernels.cu, so the
 * operators' real kernels run, through JCuda's marshalling, in a child JVM. Skipped where gcc, g++ or readelf is
 * missing, or where a real NVIDIA driver is installed (there the GPU runs the test class itself).
 */
class CudaStructuredOperatorsEmulationTest {

    @Test
    void theStructuredOperatorTestsPassOnTheHostEmulation(@TempDir Path dir) throws Exception {
        CudaEmulationTest.assertPassOnEmulation(dir, 12, CudaStructuredOperatorsTest.class.getName(),
                "org.msense.tests.science.CudaImbalanceIdentityTest");
    }
}
