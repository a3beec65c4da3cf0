package org.msense.tests.crossbackend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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
        Path gcc = CudaEmulationTest.onPath("gcc");
        Path readelf = CudaEmulationTest.onPath("readelf");
        Assumptions.assumeTrue(gcc != null && readelf != null && Files.isExecutable(gcc.resolveSibling("g++")),
                "gcc, g++ and readelf are needed to build the stand-ins");
        Assumptions.assumeFalse(CudaEmulationTest.realDriverPresent(),
                "a real NVIDIA driver is installed here; the GPU runs CudaDenseOperatorsTest itself");
        Map<String, String> env = CudaEmulationTest.buildEmulation(dir, gcc, readelf);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                EmulatedCudaMain.class.getName(), CudaDenseOperatorsTest.class.getName()));
        String out = CudaEmulationTest.exec(cmd, env, false);
        System.out.println(out);
        assertTrue(out.contains("probe: true"), "the backend must be available on the emulation:\n" + out);
        assertTrue(out.contains("exit=0") && !out.contains("FAIL "), "every case must pass on the emulation:\n" + out);
        long passed = out.lines().filter(l -> l.startsWith("PASS ")).count();
        assertTrue(passed >= 14, "only " + passed + " cases ran:\n" + out);
    }
}
